#!/usr/bin/env python3
"""Measures the release app's start-up, memory and idle CPU; started by tests/bench/app.sh.

For each size (0, 1,000, 10,000 tokens):

1. Seeds a data folder: the real CLI creates the schema (`tokenkeeper list`), then rows go
   straight into SQLite, as the app's migrations define them. No secret is written to the
   keyring (10,000 keyring writes would take minutes), so rows are stored with
   `secret_missing = 1`: that is exactly what the app's start-up reconcile would conclude, so
   it finds nothing to change and no reconcile write competes with the first list. The mix is
   a developer's: 5 expired tokens, then at least 20 that expire within a day but not within an
   hour (their `in 4h 12m` countdowns change once a minute on the first screen), then days to a
   year, 12% never; so no countdown ticks every second.
   TK_BENCH_KEYRING_ITEMS=1 stores a real keyring item per token for sizes up to 2,000 instead
   (about 20 s per 1,000 with secret-tool), to see the reconcile's keyring scan in the figures.
2. Window visible: the app is started directly (as a desktop launcher would) and
   `xdotool search --onlyvisible --name ^Tokenkeeper$` is polled; the time is from just before
   the process was spawned to the first successful search (xdotool itself takes ~3 ms).
3. PSS and idle CPU, on that same directly started app, 10 s after its start (start-up work,
   about 1 CPU-second with no tokens and 5 with 1,000 under Xvfb, is over by then; the
   CPU-seconds used until then are printed too): Pss from /proc/<pid>/smaps_rollup summed over
   the app and every process under it (WebKitWebProcess, WebKitNetworkProcess); then
   utime+stime of the same tree before and after 30 s without input, as % of one core. With
   tokens that expire within a day on screen, that includes one countdown repaint a second.
4. List painted: the UI sets `body[data-ready=true]` in the first animation frame after the
   first list is rendered. Only a script in the page can see that, so here the app is started
   by tauri-driver (WebDriver), which is polled every 10 ms with a bare HTTP client. The first
   poll leaves a MutationObserver in the page that notes the exact time (performance.timeOrigin
   + performance.now(), epoch ms) the attribute is set; that is converted to the boot clock and
   compared with the app process's kernel start time (/proc/<pid>/stat, 10 ms resolution).
   If the list was already painted at the first poll, the poll's answer time is used and the
   figure is marked as an upper bound. WebDriver adds work to start-up (the automation
   session): the window-visible time under WebDriver is printed beside the direct one to show
   how much, so this figure errs on the slow side.

Each timing is the median of TK_BENCH_RUNS launches (default 3), with the range.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from seed import seed  # noqa: F401  (watcher.py seeds through this module)
from procs import (  # noqa: F401  (watcher.py uses tree and cpu_ticks through this module)
    app_pids_under,
    comm,
    cpu_ticks,
    machine_busy_ticks,
    pss_kb,
    start_secs_since_boot,
    tree,
    visible_window_pids,
    wait_no_app,
)

APP = os.environ["TK_BENCH_APP"]
CLI = os.environ["TK_BENCH_CLI"]
WORK = Path(os.environ["TK_BENCH_WORK"])
PORT = int(os.environ["TK_BENCH_PORT"])
DRIVER_PID = int(os.environ["TK_BENCH_DRIVER_PID"])
SERVICE = os.environ["TK_BENCH_SERVICE"]
RUNS = int(os.environ.get("TK_BENCH_RUNS", "3"))
SIZES = [int(s) for s in os.environ.get("TK_BENCH_SIZES", "0 1000 10000").split()]
STRICT = bool(os.environ.get("TK_BENCH_STRICT"))
# With TK_BENCH_KEYRING_ITEMS=1, sizes up to KEYRING_ITEMS_MAX also get real keyring items.
KEYRING_ITEMS = bool(os.environ.get("TK_BENCH_KEYRING_ITEMS"))
KEYRING_ITEMS_MAX = 2000
# Extra environment for the app ("A=1 B=2"); app.sh gives tauri-driver the same.
APP_ENV = dict(kv.split("=", 1) for kv in os.environ.get("TK_BENCH_APP_ENV", "").split())
IDLE_SECS = 30
SETTLE_SECS = 10  # from process start to the PSS reading and the idle window
CLK_TCK = os.sysconf("SC_CLK_TCK")

TARGET_PAINT_MS = 600  # with 1,000 tokens
TARGET_PSS_MB = 300
TARGET_IDLE_CPU = 0.5  # % of one core, with no token under an hour


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------
# Seeding

# ------------------------------------------------------------------------------------------
# Direct launch: window visible, PSS, idle CPU


def wait_settled(pid, t0):
    """Lets start-up work finish: SETTLE_SECS after process start (the busiest start measured
    here was over after about 7 s). Returns the CPU the whole tree used until then."""
    time.sleep(max(0.0, SETTLE_SECS - (time.monotonic() - t0)))
    return {"startup_cpu_s": cpu_ticks(tree(pid)) / CLK_TCK}


def launch_direct(home: Path, measure_idle: bool):
    wait_no_app(os.getpid(), "direct")
    env = {**os.environ, **APP_ENV, "TOKENKEEPER_HOME": str(home), "TOKENKEEPER_KEYRING_SERVICE": SERVICE}
    t0 = time.monotonic()
    proc = subprocess.Popen([APP], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.pid not in visible_window_pids():
            if proc.poll() is not None:
                raise SystemExit(f"the app exited with {proc.returncode} before showing a window")
            if time.monotonic() - t0 > 30:
                raise SystemExit("no Tokenkeeper window within 30 s")
            time.sleep(0.005)
        visible_ms = (time.monotonic() - t0) * 1000
        result = {"visible_ms": visible_ms}
        if measure_idle:
            result.update(wait_settled(proc.pid, t0))
            pids = tree(proc.pid)
            result["pss_mb"] = pss_kb(pids) / 1024
            result["processes"] = len(pids)
            before = {p: cpu_ticks([p]) for p in pids}
            busy_before = machine_busy_ticks()
            t1 = time.monotonic()
            time.sleep(IDLE_SECS)
            pids_after = tree(proc.pid)
            after = {p: cpu_ticks([p]) for p in pids_after}
            spent = sum(after.values()) - sum(before.values())
            secs = time.monotonic() - t1
            result["idle_cpu"] = 100 * spent / CLK_TCK / secs
            # The same, per process name, to show where idle time goes (UI process or WebKit).
            by_name = {}
            for p, ticks in after.items():
                name = comm(p)
                by_name[name] = by_name.get(name, 0) + ticks - before.get(p, 0)
            result["idle_by_process"] = {k: 100 * v / CLK_TCK / secs for k, v in by_name.items()}
            # What everything else on the machine used meanwhile (in % of one core).
            result["others_cpu"] = 100 * (machine_busy_ticks() - busy_before - spent) / CLK_TCK / secs
            if set(pids_after) != set(pids):
                result["note"] = "process tree changed during the idle window"
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------------------------------
# WebDriver launch: list painted


_conn = None


def wd(method, path, body=None, timeout=60):
    """One WebDriver call over a kept-alive connection. (tauri-driver forwards request headers
    as they are: urllib's `Connection: close` makes it drop answers now and then.)"""
    global _conn
    data = None if body is None else json.dumps(body).encode()
    if _conn is None:
        _conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    _conn.timeout = timeout
    try:
        _conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        r = _conn.getresponse()
        payload = r.read()
    except (OSError, http.client.HTTPException) as e:
        _conn.close()
        _conn = None
        raise SystemExit(f"WebDriver {method} {path} failed: {e!r}") from None
    if r.status >= 400:
        raise SystemExit(f"WebDriver {method} {path} failed ({r.status}): {payload[:300]!r}")
    return json.loads(payload or b"null")


# Runs in the page at every poll. The first time it runs before the list is painted, it leaves a
# MutationObserver that notes the exact time (epoch ms) the UI sets body[data-ready]: the
# observer's callback runs as a microtask right after the attribute is set.
READY_JS = """
const body = document.body;
if (!window.__tkBench && body) {
  window.__tkBench = { firstPollReady: body.dataset.ready === 'true', at: null };
  new MutationObserver(() => {
    if (body.dataset.ready === 'true' && window.__tkBench.at === null)
      window.__tkBench.at = performance.timeOrigin + performance.now();
  }).observe(body, { attributes: true, attributeFilter: ['data-ready'] });
}
const b = window.__tkBench;
const list = document.querySelector('[data-testid=token-list]');
return {
  ready: !!body && body.dataset.ready === 'true',
  at: b ? b.at : null,
  firstPollReady: b ? b.firstPollReady : false,
  rows: document.querySelectorAll('[data-testid=token-row]').length,
  ticking: [...document.querySelectorAll('[data-testid=row-countdown]')].filter((e) => /^in \\d+:\\d\\d$/.test(e.textContent.trim())).length,
  count: list ? Number(list.dataset.count) : 0,
};
"""


def wait_driver():
    end = time.monotonic() + 10
    while True:
        try:
            wd("GET", "/status", timeout=2)
            return
        except (OSError, SystemExit):
            if time.monotonic() > end:
                raise SystemExit("tauri-driver did not answer within 10 s") from None
            time.sleep(0.1)


def boot_now():
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def launch_webdriver(expected: int):
    wait_no_app(DRIVER_PID, "WebDriver")
    caps = {
        "capabilities": {
            "alwaysMatch": {"tauri:options": {"application": APP}, "wdio:enforceWebDriverClassic": True}
        }
    }
    # The window's appearance under WebDriver, to compare with a direct start.
    visible_at = []

    def watch_window():
        end = time.monotonic() + 30
        while time.monotonic() < end and not visible_at:
            if visible_window_pids() & set(app_pids_under(DRIVER_PID)):
                visible_at.append(boot_now())
            time.sleep(0.005)

    watcher = threading.Thread(target=watch_window, daemon=True)
    watcher.start()
    session = wd("POST", "/session", caps)["value"]["sessionId"]
    try:
        pids = app_pids_under(DRIVER_PID)
        if not pids:
            raise SystemExit("the WebDriver session started no app process")
        started = min(start_secs_since_boot(p) for p in pids)
        end = time.monotonic() + 30
        while True:
            v = wd("POST", f"/session/{session}/execute/sync", {"script": READY_JS, "args": []})["value"]
            answered = boot_now()
            if v["ready"]:
                break
            if time.monotonic() > end:
                raise SystemExit("the list was not painted within 30 s")
            time.sleep(0.01)
        if v["count"] != expected:
            raise SystemExit(f"the list counts {v['count']} tokens, expected {expected}")
        if v["at"] is not None:
            # Epoch ms from the page → the boot clock the process start time is on.
            offset = time.time() - boot_now()
            painted_ms = (v["at"] / 1000 - offset - started) * 1000
            exact = True
        else:
            # Already painted at the first poll: all we know is an upper bound.
            painted_ms = (answered - started) * 1000
            exact = False
        watcher.join(5)
        visible_ms = (visible_at[0] - started) * 1000 if visible_at else None
        return {
            "painted_ms": painted_ms,
            "exact": exact,
            "rows_in_dom": v["rows"],
            "ticking": v["ticking"],
            "visible_wd_ms": visible_ms,
        }
    finally:
        wd("DELETE", f"/session/{session}")


# ------------------------------------------------------------------------------------------


def fmt_range(values, unit=""):
    med = statistics.median(values)
    if len(values) == 1:
        return f"{med:.0f}{unit}"
    return f"{med:.0f}{unit} ({min(values):.0f}–{max(values):.0f})"


def loadavg():
    return Path("/proc/loadavg").read_text().split()[0]


def main():
    wait_driver()
    load_before = loadavg()
    current = WORK / "current"
    results = []
    for n in SIZES:
        home = WORK / f"home-{n}"
        t = time.monotonic()
        seed(home, n)
        log(f"seeded {n} tokens in {time.monotonic() - t:.1f} s")
        current.unlink()
        current.symlink_to(home)
        # One untimed launch first, so every timed one finds the binary and libraries in the
        # page cache (as a second start by a user would).
        launch_direct(home, measure_idle=False)
        direct = [launch_direct(home, measure_idle=(i == RUNS - 1)) for i in range(RUNS)]
        driven = [launch_webdriver(n) for _ in range(RUNS)]
        row = {
            "tokens": n,
            "visible": [d["visible_ms"] for d in direct],
            "painted": [d["painted_ms"] for d in driven],
            "painted_exact": all(d["exact"] for d in driven),
            "visible_wd": [d["visible_wd_ms"] for d in driven if d["visible_wd_ms"] is not None],
            "startup_cpu_s": direct[-1]["startup_cpu_s"],
            "rows_in_dom": driven[-1]["rows_in_dom"],
            "ticking": driven[-1]["ticking"],
            "pss_mb": direct[-1]["pss_mb"],
            "processes": direct[-1]["processes"],
            "idle_cpu": direct[-1]["idle_cpu"],
            "others_cpu": direct[-1]["others_cpu"],
            "idle_by_process": direct[-1]["idle_by_process"],
            "note": direct[-1].get("note", ""),
        }
        results.append(row)
        log(
            f"{n}: visible {fmt_range(row['visible'])} ms, painted {fmt_range(row['painted'])} ms,"
            f" PSS {row['pss_mb']:.0f} MB, idle CPU {row['idle_cpu']:.2f}%"
        )

    others = max(r["others_cpu"] for r in results)
    print()
    print(
        f"Tokenkeeper start-up (release build, Xvfb, {os.cpu_count()} cores; median of {RUNS} launches,"
        f" range in brackets; load average {load_before} at the start, other processes used up to"
        f" {others:.0f}% of a core during the idle measurements)"
    )
    if KEYRING_ITEMS:
        print(f"sizes up to {KEYRING_ITEMS_MAX:,} have one real keyring item per token (TK_BENCH_KEYRING_ITEMS)")
    if APP_ENV:
        print(f"app environment: {' '.join(f'{k}={v}' for k, v in APP_ENV.items())}")
    if others > 10:
        print("warning: other work was running on this machine; timings are less reliable")
    print()
    header = ("tokens", "window visible", "list painted", "rows in DOM (ticking)", "PSS (all processes)", "idle CPU (30 s)")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("-" * (len(h) + 2) for h in header) + "|")
    for r in results:
        cells = (
            f"{r['tokens']:,}",
            fmt_range(r["visible"], " ms"),
            fmt_range(r["painted"], " ms"),
            f"{r['rows_in_dom']} ({r['ticking']})",
            f"{r['pss_mb']:.0f} MB ({r['processes']} processes)",
            f"{r['idle_cpu']:.2f}% of a core",
        )
        print("| " + " | ".join(cells) + " |")
    print()
    for r in results:
        wd_visible = fmt_range(r["visible_wd"], " ms") if r["visible_wd"] else "?"
        print(
            f"{r['tokens']:,} tokens: {r['startup_cpu_s']:.1f} CPU-seconds (all processes) in the first"
            f" {SETTLE_SECS} s; under WebDriver the window showed after {wd_visible}; idle CPU by process: "
            + ", ".join(f"{k} {v:.2f}%" for k, v in sorted(r["idle_by_process"].items(), key=lambda kv: -kv[1]))
            + ("" if r["painted_exact"] else "; list painted is an upper bound (already painted at the first poll)")
        )
    print(
        "rows in DOM: the list is virtualised; (ticking): rows whose `in MM:SS` countdown (under an"
        " hour) changes every second; with none, nothing should repaint every second"
    )

    missed = []
    for r in results:
        if r["tokens"] == 1000 and statistics.median(r["painted"]) > TARGET_PAINT_MS:
            missed.append(f"list painted with 1,000 tokens: {statistics.median(r['painted']):.0f} ms > {TARGET_PAINT_MS} ms")
        if r["pss_mb"] > TARGET_PSS_MB:
            missed.append(f"PSS with {r['tokens']:,} tokens: {r['pss_mb']:.0f} MB > {TARGET_PSS_MB} MB")
        if r["idle_cpu"] >= TARGET_IDLE_CPU:
            missed.append(f"idle CPU with {r['tokens']:,} tokens: {r['idle_cpu']:.2f}% >= {TARGET_IDLE_CPU}%")
        if r["note"]:
            missed.append(f"{r['tokens']:,} tokens: {r['note']}")
    print()
    if missed:
        print("targets missed:\n" + "\n".join(f"  - {m}" for m in missed))
    else:
        print(
            f"all targets met: list painted ≤ {TARGET_PAINT_MS} ms with 1,000 tokens,"
            f" PSS ≤ {TARGET_PSS_MB} MB, idle CPU < {TARGET_IDLE_CPU}% of a core"
        )
    return 1 if (missed and STRICT) else 0


if __name__ == "__main__":
    sys.exit(main())
