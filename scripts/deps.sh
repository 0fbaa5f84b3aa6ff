#!/usr/bin/env bash
# Installs what building and testing Tokenkeeper needs on Debian 12 / Ubuntu, skipping what is
# already there: system packages (WebKitGTK, GTK, keyring, X tools), the UI's npm packages and
# tauri-driver for the end-to-end tests and cargo-deny for the supply-chain check. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev
  libssl-dev pkg-config build-essential curl file
  xvfb xauth webkit2gtk-driver gnome-keyring libsecret-tools dbus dbus-x11 dunst xclip xdotool
  imagemagick libgtk-3-bin desktop-file-utils python3-pip
  git age
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v cargo >/dev/null || { echo "error: Rust is missing: install it from https://rustup.rs" >&2; exit 1; }
command -v npm >/dev/null || { echo "error: Node.js 20+ and npm are missing" >&2; exit 1; }

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "==> installing UI packages"
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
fi
# The WebDriver client (tests/e2e) and the OpenID Connect provider the OAuth tests sign in at
# (tests/oauth: npm's oidc-provider).
for dir in tests/e2e tests/oauth; do
  if [ -f "$dir/package-lock.json" ] && { [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    echo "==> installing test packages in $dir"
    npm --prefix "$dir" ci --no-audit --no-fund --loglevel=error
  fi
done
if [ "${1:-}" = "--test" ] && ! command -v cargo-deny >/dev/null; then
  echo "==> installing cargo-deny (prebuilt)"
  python3 scripts/cargo-deny.py
fi
if [ "${1:-}" = "--test" ] && ! command -v tauri-driver >/dev/null; then
  echo "==> installing tauri-driver"
  cargo install tauri-driver --locked --version '^2' --quiet
fi
