"""Timings of the finite-pool engine: the 200 x 200 sweep, break-even volumes, one scenario.

``bench()`` returns (label, seconds) pairs, each the median of several runs after a warm-up (the
catalog is loaded once per process). Run as a script to print them.
"""

from __future__ import annotations

import numpy as np
from timing import median_seconds

from flatclosure.catalog import load_catalog
from flatclosure.pool import (
    NewCode,
    break_even_volume,
    family_neutrality,
    pool_parameters,
    statutory,
    sweep,
)


def bench() -> list[tuple[str, float]]:
    cat = load_catalog()
    params = pool_parameters()
    scenario = NewCode(volume=5000, on="2025-06-01", total_rvu=30,
                       displaces={"14301": 0.6, "19499": 0.2})
    rvus = np.linspace(0.0, 60.0, 200)
    volumes = np.linspace(0.0, 200_000.0, 200)
    net = rvus - 0.6 * 26.25
    cf = cat.conversion_factor("2025-06-01")
    return [
        ("pool sweep 200 x 200 (RVU x volume)", median_seconds(
            lambda: sweep(scenario, rvus, volumes, catalog=cat))),
        ("pool break-even volume, 200 RVU values", median_seconds(
            lambda: break_even_volume(net, cf, params.threshold_usd))),
        ("pool statutory scenario (all codes before/after)", median_seconds(
            lambda: statutory(scenario, catalog=cat))),
        ("pool family work neutrality (breast)", median_seconds(
            lambda: family_neutrality(scenario, catalog=cat))),
    ]


if __name__ == "__main__":
    for label, seconds in bench():
        print(f"{label:<52} {seconds * 1000:8.3f} ms")
