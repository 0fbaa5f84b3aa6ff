#!/usr/bin/env bash
# Start-up benchmark of the RELEASE app (target/release/tokenkeeper-app) with 0, 1,000 and
# 10,000 stored tokens, in a private desktop session (scripts/session.sh: D-Bus, unlocked
# gnome-keyring, Xvfb when DISPLAY is unset). Prints one table:
#
#   window visible   process start → `xdotool search --onlyvisible --name ^Tokenkeeper$` finds
#                    the window (polled every ~5 ms); the app is started directly, as a user would
#   list painted     process start → the UI sets `body[data-ready=true]` (first frame after the
#                    first list render), timed in the page by a MutationObserver; the app is
#                    started by tauri-driver for this (see app_bench.py)
#   PSS              Pss summed over the app and all its WebKit processes 10 s after start
#                    (/proc/<pid>/smaps_rollup)
#   idle CPU         utime+stime of the same process tree over the next 30 s without input, as %
#                    of one core; the first screen shows countdowns that change once a minute
#
# Targets: list painted within 600 ms with 1,000 tokens; PSS within 300 MB; idle CPU under 0.5%
# with no token under an hour.
#
#   tests/bench/app.sh                     # builds what is missing, then measures (about 3 min)
#   TK_BENCH_RUNS=5 tests/bench/app.sh     # launches per size for the timings (default 3)
#   TK_BENCH_SIZES="0 1000" …              # other token counts
#   TK_BENCH_STRICT=1 …                    # exit 1 when a target is missed
#   TK_BENCH_APP_ENV="WEBKIT_DISABLE_COMPOSITING_MODE=1" …   # extra environment for the app
#   TK_BENCH_KEYRING_ITEMS=1 …             # real keyring items for sizes up to 2,000 (slower)
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$SELF")/../.."

if [ -z "${TK_IN_SESSION:-}" ]; then
  exec scripts/session.sh "$SELF" "$@"
fi

APP="$PWD/target/release/tokenkeeper-app"
CLI="$PWD/target/debug/tokenkeeper"
if [ ! -x "$APP" ]; then
  echo "==> building the release app (make app-release; the first build takes several minutes)"
  make app-release >/dev/null
fi
[ -n "${TK_BENCH_SKIP_BUILD:-}" ] && [ -x "$CLI" ] || cargo build -p tokenkeeper --quiet
for tool in tauri-driver WebKitWebDriver xdotool python3 secret-tool; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing: run scripts/deps.sh --test" >&2; exit 1; }
done
if [ -n "$(find ui/src src-tauri/src src-tauri/crates -newer "$APP" -type f -print -quit)" ]; then
  echo "warning: sources changed after $APP was built; run 'make app-release' to measure them" >&2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tk-bench.XXXXXX")"
SERVICE="tk-bench-$$-$RANDOM"
driver_pid=""
# shellcheck source=../lib/procs.sh
source tests/lib/procs.sh
cleanup() {
  local status=$?
  [ -z "$driver_pid" ] || stop "$driver_pid"
  # shellcheck disable=SC2046
  stop $(marked_pids "$SERVICE")
  if [ -n "${TK_BENCH_KEEP:-}" ]; then echo "data kept in $WORK"; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# tauri-driver starts WebKitWebDriver, which starts the app as its child: the app inherits this
# environment, so TOKENKEEPER_HOME is a symlink the measurer points at each size's data.
PORT="${TK_BENCH_PORT:-4454}"
ln -s "$WORK/none" "$WORK/current"
# shellcheck disable=SC2086
env ${TK_BENCH_APP_ENV:-} TOKENKEEPER_HOME="$WORK/current" TOKENKEEPER_KEYRING_SERVICE="$SERVICE" \
  tauri-driver --port "$PORT" --native-port $((PORT + 1)) >/dev/null 2>"$WORK/driver.log" &
driver_pid=$!

export TK_BENCH_APP="$APP" TK_BENCH_CLI="$CLI" TK_BENCH_WORK="$WORK" TK_BENCH_PORT="$PORT"
export TK_BENCH_DRIVER_PID="$driver_pid" TK_BENCH_SERVICE="$SERVICE"
timeout --kill-after=10 "${TK_BENCH_TIMEOUT:-900}" python3 tests/bench/app_bench.py
