"""The machine a benchmark runs on: its load, its uptime, and a wait until it is quiet."""

from __future__ import annotations

import os
import subprocess
import time


def _busy_jiffies() -> tuple[int, int]:
    with open("/proc/stat", encoding="ascii") as fh:
        cpu = [int(v) for v in fh.readline().split()[1:]]
    idle = cpu[3] + cpu[4]  # idle and iowait
    return sum(cpu) - idle, sum(cpu)


def wait_until_quiet(busy_below: float = 0.25, quiet_seconds: int = 3, at_least: float = 20,
                     at_most: float = 120) -> float:
    """Seconds waited until the machine's processors were less than ``busy_below`` busy for
    ``quiet_seconds`` seconds in a row (at least ``at_least``, at most ``at_most`` seconds;
    where /proc/stat is missing, ``at_least``)."""
    start = time.perf_counter()
    time.sleep(at_least)
    if not os.path.exists("/proc/stat"):
        return time.perf_counter() - start
    quiet = 0
    while quiet < quiet_seconds and time.perf_counter() - start < at_most:
        b0, t0 = _busy_jiffies()
        time.sleep(1)
        b1, t1 = _busy_jiffies()
        quiet = quiet + 1 if (b1 - b0) < busy_below * max(1, t1 - t0) else 0
    return time.perf_counter() - start


def load() -> str:
    return os.getloadavg().__repr__()


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(uptime not available)"
