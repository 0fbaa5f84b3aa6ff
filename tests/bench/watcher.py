#!/usr/bin/env python3
"""The expiry watcher's idle cost with many tokens; started by tests/bench/watcher.sh.

Seeds a data folder with TK_BENCH_SIZES tokens (default 10,000; the same mix as app_bench.py:
5 expired, some within a day, days to a year, 12% never; none has a reminder due in the
window), starts the release app directly with RUST_LOG=tokenkeeper_app::watch=debug, lets
start-up settle for 15 s, then for TK_BENCH_WATCH_SECS (default 120) counts:

- wake-ups: every "watcher woke" line the watcher logs (timer, clock check, database change);
- passes: every "watcher planned" line (a pass reads the vault and plans);
- CPU: utime+stime of the app process alone (the watcher, IPC and GTK, not WebKit's
  processes) and of the whole tree, as % of one core.

Target: no more wake-ups than due reminders plus one every 30 s.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import app_bench as bench  # noqa: E402  (its seeding and /proc helpers)

WATCH = int(os.environ.get("TK_BENCH_WATCH_SECS", "120"))


def measure(n: int) -> None:
    home = bench.WORK / f"watch-{n}"
    bench.seed(home, n)
    log_path = bench.WORK / f"watch-{n}.log"
    env = {
        **os.environ,
        "TOKENKEEPER_HOME": str(home),
        "TOKENKEEPER_KEYRING_SERVICE": bench.SERVICE,
        "RUST_LOG": "tokenkeeper_app::watch=debug",
    }
    with open(log_path, "w") as log:
        app = subprocess.Popen([bench.APP], env=env, stdout=log, stderr=log)
    try:
        time.sleep(15)
        text0 = log_path.read_text()
        t0, cpu0, tree0 = time.monotonic(), bench.cpu_ticks([app.pid]), bench.cpu_ticks(bench.tree(app.pid))
        time.sleep(WATCH)
        text1 = log_path.read_text()
        t1, cpu1, tree1 = time.monotonic(), bench.cpu_ticks([app.pid]), bench.cpu_ticks(bench.tree(app.pid))
    finally:
        app.terminate()
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
    new = text1[len(text0):]
    wakes = new.count("watcher woke")
    passes = new.count("watcher planned")
    secs = t1 - t0
    hz = os.sysconf("SC_CLK_TCK")
    app_pct = 100 * (cpu1 - cpu0) / hz / secs
    tree_pct = 100 * (tree1 - tree0) / hz / secs
    print(
        f"{n:>6} tokens  {wakes / secs * 60:5.1f} wake-ups/min ({wakes} in {secs:.0f} s; "
        f"{passes} passes)  app process CPU {app_pct:.2f} %  whole tree {tree_pct:.2f} %"
    )
    reasons = {}
    for line in new.splitlines():
        if "watcher woke" in line and "reason=" in line:
            r = line.split("reason=", 1)[1].strip().strip('"')
            reasons[r] = reasons.get(r, 0) + 1
    if reasons:
        print("        wake-up reasons: " + ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())))


def main() -> None:
    print(f"watcher idle cost over {WATCH} s (after 15 s of start-up)")
    for n in [int(s) for s in os.environ.get("TK_BENCH_SIZES", "10000").split()]:
        measure(n)


if __name__ == "__main__":
    main()
