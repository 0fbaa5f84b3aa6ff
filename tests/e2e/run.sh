#!/usr/bin/env bash
# End-to-end tests of the real, built app over WebDriver: target/debug/tokenkeeper-app, or the
# binary TK_E2E_APP_BIN names (`make test` runs them on the release build the .deb packages).
#
# Runs inside scripts/session.sh (its own D-Bus session, unlocked gnome-keyring, Xvfb) and starts
# one tauri-driver per app environment — tauri-driver starts WebKitWebDriver, which starts the
# app as its child, so the app inherits that driver's environment:
#   main       port 4444: a fresh data folder and keyring service for this run
#   dark       port 4446: the same data, with GTK_THEME=Adwaita:dark (the dark screenshot)
#   nokeyring  port 4448: its own data folder and a private D-Bus bus with no Secret Service
#              (and no notification server)
#   notify     port 4450: its own data folder on the session bus, where dunst answers; the
#              reminder test watches Notify calls with dbus-monitor
#   providers  port 4452: its own data folder, with every TOKENKEEPER_API_BASE_* pointed at the
#              provider fixture (target/debug/examples/provider-fixture) on 127.0.0.1
#   oauth      port 4454: its own data folder; a real OIDC provider (tests/oauth) on 127.0.0.1
# Each driver's stderr (which carries the app's stderr) goes to a log in the work folder.
# Everything started here is stopped on exit; the whole run is bounded by TK_E2E_TIMEOUT
# (600 s). Ends with "N passed, N failed"; exits non-zero when a test failed.
#
#   make test-e2e                     # builds the app first, then runs this in a session
#   tests/e2e/run.sh [SUITE-REGEX]    # the app must be built (make app)
#   TK_E2E_KEEP=1 tests/e2e/run.sh    # keep the work folder (logs, data) for a look afterwards
#   TK_E2E_SKIP_BUILD=1 …             # use the CLI as built (while iterating on the tests)
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SELF")/../.."
ROOT="$PWD"

if [ -z "${TK_IN_SESSION:-}" ]; then
  exec scripts/session.sh "$SELF" "$@"
fi

APP="${TK_E2E_APP_BIN:-$ROOT/target/debug/tokenkeeper-app}"
CLI="$ROOT/target/debug/tokenkeeper"
[ -x "$APP" ] || { echo "error: $APP is missing: run 'make app' first" >&2; exit 1; }
# The CLI seeds tokens, so it must match the app's schema: build it and the provider fixture
# (a no-op after `cargo test --workspace`). They are built as the tests build them: a plain
# `cargo build -p tokenkeeper` resolves other dependency features and compiled every dependency a
# second time (minutes, and gigabytes of target/).
if [ -z "${TK_E2E_SKIP_BUILD:-}" ] || [ ! -x "$CLI" ] || [ ! -x target/debug/examples/provider-fixture ]; then
  cargo test --workspace --locked --no-run --quiet
fi
if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
  echo "==> installing end-to-end test packages"
  npm --prefix tests/e2e ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
for tool in tauri-driver WebKitWebDriver xclip secret-tool dbus-daemon dbus-monitor dunst; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing: run scripts/deps.sh --test" >&2; exit 1; }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tk-e2e.XXXXXX")"
RUN_ID="tk-e2e-$$-$RANDOM"
started=()
# Every process this run started through a driver (the drivers, WebKitWebDriver, the app and its
# WebKit processes) carries TOKENKEEPER_KEYRING_SERVICE=$RUN_ID… in its environment.
# shellcheck source=../lib/procs.sh
source tests/lib/procs.sh
cleanup() {
  local status=$?
  stop "${started[@]}"
  # A test that died mid-session leaves its app behind once its driver is gone.
  # shellcheck disable=SC2046
  stop $(marked_pids "$RUN_ID")
  if [ -n "${TK_E2E_KEEP:-}" ] || [ "$status" -ne 0 ]; then
    echo "logs and data kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BASE_PORT="${TK_E2E_PORT:-4444}"
mkdir -p -m 700 "$WORK/home" "$WORK/home-nokeyring" "$WORK/home-notify" "$WORK/home-providers"

wait_port() {
  local port=$1 pid=$2
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { echo "error: tauri-driver on port $port exited" >&2; return 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "error: tauri-driver did not listen on port $port within 10 s" >&2
  return 1
}

drivers="{"
# start_driver NAME PORT HOME SERVICE [VAR=value...]
start_driver() {
  local name=$1 port=$2 home=$3 service=$4 bus=$DBUS_SESSION_BUS_ADDRESS var
  shift 4
  for var in "$@"; do
    case $var in DBUS_SESSION_BUS_ADDRESS=*) bus=${var#*=} ;; esac
  done
  env TOKENKEEPER_HOME="$home" TOKENKEEPER_KEYRING_SERVICE="$service" RUST_LOG=trace,zbus::connection=trace,tauri::ipc=trace "$@" \
    tauri-driver --port "$port" --native-port $((port + 1)) >"$WORK/$name.out" 2>"$WORK/$name.log" &
  local pid=$!
  started+=("$pid")
  wait_port "$port" "$pid"
  drivers+="$([ "$drivers" = "{" ] || echo ,)\"$name\":{\"port\":$port,\"pid\":$pid,\"log\":\"$WORK/$name.log\",\"home\":\"$home\",\"service\":\"$service\",\"bus\":\"$bus\"}"
}

sed "s|@SOCKET@|$WORK/no-secret-service.bus|" tests/lib/no-secret-service.conf.in >"$WORK/no-secret-service.conf"
dbus-daemon --config-file="$WORK/no-secret-service.conf" --nofork --nopidfile 2>"$WORK/dbus-nokeyring.log" &
started+=("$!")
for _ in $(seq 50); do [ -S "$WORK/no-secret-service.bus" ] && break; sleep 0.1; done
[ -S "$WORK/no-secret-service.bus" ] || { echo "error: the private D-Bus bus did not start" >&2; exit 1; }

# Another vault's item on the same service (a second data folder): every app start below runs
# the full reconcile, which must leave it alone.
FOREIGN="99999999-9999-4999-8999-999999999999.g1"
printf 'ghp_foreignvaultsecret000000000000000000' | secret-tool store --label "Tokenkeeper: github/other" \
  service "$RUN_ID" username "$FOREIGN" tokenkeeper.vault 11111111-1111-4111-8111-111111111111 \
  tokenkeeper.token 99999999-9999-4999-8999-999999999999 tokenkeeper.name github/other

start_driver main "$BASE_PORT" "$WORK/home" "$RUN_ID"
start_driver dark $((BASE_PORT + 2)) "$WORK/home" "$RUN_ID" GTK_THEME=Adwaita:dark
start_driver nokeyring $((BASE_PORT + 4)) "$WORK/home-nokeyring" "$RUN_ID-nokeyring" \
  DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/no-secret-service.bus"
start_driver notify $((BASE_PORT + 6)) "$WORK/home-notify" "$RUN_ID-notify"

# The provider APIs (GitHub, GitLab, Meta, Slack, npm) as each documents its answers, on
# 127.0.0.1: the same fixtures the remote crate's tests use.
target/debug/examples/provider-fixture >"$WORK/provider-fixture.out" 2>"$WORK/provider-fixture.log" &
started+=("$!")
for _ in $(seq 50); do [ -s "$WORK/provider-fixture.out" ] && break; sleep 0.1; done
FIXTURE="$(head -1 "$WORK/provider-fixture.out")"
[ -n "$FIXTURE" ] || { echo "error: the provider fixture did not start" >&2; exit 1; }
start_driver providers $((BASE_PORT + 8)) "$WORK/home-providers" "$RUN_ID-providers" \
  TOKENKEEPER_API_BASE_GITHUB="$FIXTURE" TOKENKEEPER_API_BASE_GITLAB="$FIXTURE" \
  TOKENKEEPER_API_BASE_META="$FIXTURE" TOKENKEEPER_API_BASE_SLACK="$FIXTURE" \
  TOKENKEEPER_API_BASE_NPM="$FIXTURE"
# A real OpenID Connect provider (npm's oidc-provider, tests/oauth) on 127.0.0.1, with 30 s access
# tokens so the app's watcher refreshes one at 80% of its lifetime while the suite watches.
[ -d tests/oauth/node_modules/oidc-provider ] || { echo "error: tests/oauth is not installed: run scripts/deps.sh --test" >&2; exit 1; }
TK_OIDC_ACCESS_TTL=30 node tests/oauth/server.mjs --ignore-stdin >"$WORK/oidc.out" 2>"$WORK/oidc.log" &
started+=("$!")
for _ in $(seq 100); do [ -s "$WORK/oidc.out" ] && break; sleep 0.1; done
OIDC_ISSUER="$(sed -n 's/.*"issuer":"\([^"]*\)".*/\1/p' "$WORK/oidc.out")"
[ -n "$OIDC_ISSUER" ] || { echo "error: the OIDC provider did not start (see $WORK/oidc.log)" >&2; exit 1; }
mkdir -p -m 700 "$WORK/home-oauth"
start_driver oauth $((BASE_PORT + 10)) "$WORK/home-oauth" "$RUN_ID-oauth"
# A user's home of its own (HOME), whose config files specs/scan.mjs writes and the app scans.
mkdir -p -m 700 "$WORK/scan-user"
start_driver scan $((BASE_PORT + 12)) "$WORK/home-scan" "$RUN_ID-scan" HOME="$WORK/scan-user"
drivers+="}"

export TK_E2E_OIDC_ISSUER="$OIDC_ISSUER"
export TK_E2E_ROOT="$ROOT" TK_E2E_APP="$APP" TK_E2E_CLI="$CLI" TK_E2E_WORK="$WORK" TK_E2E_DRIVERS="$drivers"
set +e
timeout --kill-after=10 "${TK_E2E_TIMEOUT:-600}" node tests/e2e/main.mjs "$@"
status=$?
set -e
[ "$status" -eq 124 ] && echo "error: the end-to-end run took longer than ${TK_E2E_TIMEOUT:-600} s and was stopped" >&2
if ! secret-tool search --all service "$RUN_ID" username "$FOREIGN" 2>&1 | grep -q "$FOREIGN"; then
  echo "error: an app start deleted another vault's keyring item ($FOREIGN)" >&2
  status=1
fi
exit "$status"
