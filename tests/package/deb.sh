#!/usr/bin/env bash
# Checks the .deb a user would install: it holds the binary, hicolor icons and a valid desktop
# entry with Categories, and the entry's Exec line starts the app (a window titled Tokenkeeper
# appears). Runs on the extracted package, so it never installs anything on this machine.
# Expects a desktop session (scripts/session.sh provides one).
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || { echo "FAIL: no .deb under target/release/bundle/deb (run make deb)"; exit 1; }
work=$(mktemp -d)
app_pid=""
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

dpkg-deb -x "$deb" "$work/root"
dpkg-deb -f "$deb" Depends | grep -q libwebkit2gtk-4.1 || fail "Depends lacks libwebkit2gtk-4.1"
entry=$(ls "$work"/root/usr/share/applications/*.desktop 2>/dev/null | head -n1)
[ -n "$entry" ] || fail "the package has no desktop entry"
desktop-file-validate "$entry" || fail "desktop-file-validate rejects $entry"
grep -q '^Categories=.\+' "$entry" || fail "the desktop entry has no Categories"
icon=$(sed -n 's/^Icon=//p' "$entry")
ls "$work"/root/usr/share/icons/hicolor/*/apps/"$icon".png >/dev/null 2>&1 \
  || fail "no hicolor icon named $icon"
exec_line=$(sed -n 's/^Exec=//p' "$entry")
binary="$work/root/usr/bin/${exec_line%% *}"
[ -x "$binary" ] || fail "Exec=$exec_line does not name a binary in the package"

export TOKENKEEPER_HOME="$work/home" TOKENKEEPER_KEYRING_SERVICE="tk-deb-$$"
"$binary" >"$work/app.log" 2>&1 &
app_pid=$!
# Poll rather than `xdotool search --sync`: a search aborts with BadWindow when a transient
# window (GTK makes a few while starting) is destroyed between listing and querying it.
window_shown() {
  local deadline=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$deadline" ]; do
    kill -0 "$app_pid" 2>/dev/null || return 1
    xdotool search --onlyvisible --name '^Tokenkeeper$' >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}
if ! window_shown; then
  cat "$work/app.log"
  fail "starting $exec_line from the desktop entry showed no Tokenkeeper window within 30 s"
fi
echo "ok: $(basename "$deb") — desktop entry valid (Categories=$(sed -n 's/^Categories=//p' "$entry")), icon $icon, window shown"
