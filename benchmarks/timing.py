"""The one timing helper of the benchmarks: the median of several timed runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], runs: int = 15, warm_up: bool = True) -> float:
    """Median wall time of ``runs`` calls of ``fn``, after one untimed call when ``warm_up``
    (catalogs and rules load once per process, as in a notebook)."""
    if warm_up:
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
