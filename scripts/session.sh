#!/usr/bin/env bash
# Runs a command inside a private desktop session: its own D-Bus session bus, a gnome-keyring
# unlocked with a throwaway password, a notification server, and an X display (Xvfb) when
# none is set. Tests run here so they never touch the developer's own keyring or desktop.
set -euo pipefail
if [ -z "${TK_IN_SESSION:-}" ]; then
  export TK_IN_SESSION=1
  # Keep the toolchains and caches of the real home, then move HOME to a throwaway one
  # *before* the bus starts: anything the bus activates (a second gnome-keyring, if a client
  # is quicker than our unlock) must not see the real home either.
  export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
  export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
  export PATH="$CARGO_HOME/bin:$PATH"
  HOME="$(mktemp -d)"
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export HOME XDG_RUNTIME_DIR
  chmod 700 "$XDG_RUNTIME_DIR"
  if [ -z "${DISPLAY:-}" ] || [ -n "${TK_FORCE_XVFB:-}" ]; then
    exec xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- "$0" "$@"
  fi
  exec dbus-run-session -- "$0" "$@"
fi
eval "$(printf 'tokenkeeper-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
# Wait (bounded) until the keyring owns its bus name, so no client races the unlock.
for _ in $(seq 1 50); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null \
    | grep -q 'boolean true' && break
  sleep 0.1
done
(dunst >/dev/null 2>&1 &) || true
exec "$@"
