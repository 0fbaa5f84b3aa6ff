#!/usr/bin/env bash
# Runs a command inside a private desktop session: its own D-Bus session bus, a gnome-keyring
# unlocked with a throwaway password, a notification server, and an X display (Xvfb) when
# none is set. Tests run here so they never touch the developer's own keyring or desktop.
set -euo pipefail
if [ -z "${TK_IN_SESSION:-}" ]; then
  export TK_IN_SESSION=1
  if [ -z "${DISPLAY:-}" ] || [ -n "${TK_FORCE_XVFB:-}" ]; then
    exec xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- "$0" "$@"
  fi
  exec dbus-run-session -- "$0" "$@"
fi
# Keep the toolchains and caches of the real home before HOME moves to a throwaway one.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export npm_config_cache="${npm_config_cache:-$HOME/.npm}"
export PATH="$CARGO_HOME/bin:$PATH"
HOME="$(mktemp -d)"
XDG_RUNTIME_DIR="$(mktemp -d)"
export HOME XDG_RUNTIME_DIR
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf 'tokenkeeper-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
(dunst >/dev/null 2>&1 &) || true
exec "$@"
