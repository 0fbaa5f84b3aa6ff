"""The /proc readings the benchmarks take: a process tree, its CPU ticks and PSS, the app's
processes under a pid, and the visible Tokenkeeper windows. Linux only."""

import os
import subprocess
import time
from pathlib import Path

APP = os.environ["TK_BENCH_APP"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(pid):
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def app_pids_under(pid):
    res = []
    for p in tree(pid):
        try:
            if os.readlink(f"/proc/{p}/exe") == APP:
                res.append(p)
        except OSError:
            pass
    return res


def pss_kb(pids):
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def comm(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def cpu_ticks(pids):
    total = 0
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
        except OSError:
            continue
        f = stat[stat.rindex(")") + 2 :].split()
        total += int(f[11]) + int(f[12])  # utime, stime
    return total


def machine_busy_ticks():
    """All CPUs' non-idle time so far, from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(f) - f[3] - f[4]  # minus idle and iowait


def start_secs_since_boot(pid):
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[19]) / CLK_TCK


def visible_window_pids():
    """Pids (_NET_WM_PID) of the visible windows titled Tokenkeeper."""
    r = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Tokenkeeper$", "getwindowpid", "%@"],
        capture_output=True,
        timeout=5,
    )
    return {int(x) for x in r.stdout.split() if x.isdigit()}


def wait_no_app(root_pid, what):
    end = time.monotonic() + 15
    while app_pids_under(root_pid):
        if time.monotonic() > end:
            raise SystemExit(f"a previous app ({what}) did not exit within 15 s")
        time.sleep(0.05)
