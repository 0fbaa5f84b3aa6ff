#!/usr/bin/env bash
# Checks the .deb a user would install: it holds the binary, hicolor icons in standard sizes and
# a valid desktop entry with Categories, and the entry's Exec line starts the app (a window
# titled Tokenkeeper appears). Then installs it with apt, as a user does, and checks that the
# `tokenkeeper` command, the git and docker credential helpers, the shell completions and the
# man page are on the system; the package is removed again at the end (TK_PACKAGE_KEEP=1 keeps
# it). Needs root or sudo for apt, and a desktop session (scripts/session.sh provides one).
set -euo pipefail
cd "$(dirname "$0")/../.."
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)
[ -n "$deb" ] || { echo "FAIL: no .deb under target/release/bundle/deb (run make deb)"; exit 1; }
work=$(mktemp -d)
app_pid=""
installed=""
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null
  if [ -n "$installed" ] && [ -z "${TK_PACKAGE_KEEP:-}" ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq "$installed" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
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
# Icon themes read only NxN folders (one landed in 256x256@2 before, where nothing looks).
for dir in "$work"/root/usr/share/icons/hicolor/*/; do
  size=$(basename "$dir")
  [[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || fail "icon folder hicolor/$size is not a size icon themes read"
done
for size in 32x32 128x128 256x256; do
  [ -f "$work/root/usr/share/icons/hicolor/$size/apps/$icon.png" ] || fail "no $size icon"
done
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
kill "$app_pid" 2>/dev/null
app_pid=""

# Installed with apt, as a user installs it.
package=$(dpkg-deb -f "$deb" Package)
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$(realpath "$deb")" >/dev/null \
  || fail "apt-get install ./$(basename "$deb") failed"
installed="$package"
version=$(dpkg-deb -f "$deb" Version)
[ "$(tokenkeeper --version)" = "tokenkeeper $version" ] || fail "tokenkeeper --version says $(tokenkeeper --version)"
for cmd in tokenkeeper git-credential-tokenkeeper docker-credential-tokenkeeper tokenkeeper-app; do
  [ "$(command -v "$cmd")" = "/usr/bin/$cmd" ] || fail "$cmd is not installed in /usr/bin"
done
# The helpers answer as git and docker expect: nothing for an unknown host, no logins yet.
export TOKENKEEPER_HOME="$work/home-installed"
mkdir -m 700 "$TOKENKEEPER_HOME"
answer=$(printf 'protocol=https\nhost=git.example.invalid\n\n' | git-credential-tokenkeeper get) \
  || fail "git-credential-tokenkeeper get failed"
[ -z "$answer" ] || fail "git-credential-tokenkeeper answered for an unknown host: $answer"
[ "$(docker-credential-tokenkeeper list)" = "{}" ] || fail "docker-credential-tokenkeeper list is not {}"
bash -c 'source /usr/share/bash-completion/completions/tokenkeeper && complete -p tokenkeeper' >/dev/null \
  || fail "the bash completion does not register for tokenkeeper"
grep -q "tokenkeeper" /usr/share/zsh/vendor-completions/_tokenkeeper || fail "no zsh completion"
grep -q "complete -c tokenkeeper" /usr/share/fish/vendor_completions.d/tokenkeeper.fish || fail "no fish completion"
zcat /usr/share/man/man1/tokenkeeper.1.gz | grep -q '^\.TH tokenkeeper' || fail "no man page"

echo "ok: $(basename "$deb") — desktop entry valid (Categories=$(sed -n 's/^Categories=//p' "$entry")), icon $icon, window shown; installed with apt: tokenkeeper $version, both credential helpers, completions, man page"
