#!/usr/bin/env bash
# The expiry watcher's idle cost with 10,000 tokens: wake-ups per minute and CPU of the
# release app (see watcher.py). Runs in a private desktop session (scripts/session.sh).
#
#   tests/bench/watcher.sh                        # about 2.5 min after the build
#   TK_BENCH_WATCH_SECS=300 TK_BENCH_SIZES="1000 10000" tests/bench/watcher.sh
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SELF")/../.."
if [ -z "${TK_IN_SESSION:-}" ]; then
  exec scripts/session.sh "$SELF" "$@"
fi
APP="$PWD/target/release/tokenkeeper-app"
CLI="$PWD/target/debug/tokenkeeper"
[ -x "$APP" ] || { echo "==> building the release app (make app-release)"; make app-release >/dev/null; }
cargo build -p tokenkeeper --quiet
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tk-watch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# app_bench.py's module-level settings; the WebDriver ones are unused here.
export TK_BENCH_APP="$APP" TK_BENCH_CLI="$CLI" TK_BENCH_WORK="$WORK" TK_BENCH_PORT=0 \
  TK_BENCH_DRIVER_PID=0 TK_BENCH_SERVICE="tk-watch-$$-$RANDOM"
python3 tests/bench/watcher.py
