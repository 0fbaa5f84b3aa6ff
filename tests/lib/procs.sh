# Shell helpers shared by the end-to-end run and the benchmark (source this file).

# The pids whose environment carries TOKENKEEPER_KEYRING_SERVICE starting with $1: every app,
# driver and WebKit process a run started, since each run uses its own service name.
marked_pids() {
  grep -lzs "^TOKENKEEPER_KEYRING_SERVICE=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}

# Stops the given pids: TERM, up to 10 s each to exit, then KILL.
stop() {
  [ "$#" -gt 0 ] || return 0
  kill "$@" 2>/dev/null || true
  for pid in "$@"; do
    timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  done
}
