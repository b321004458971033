"""Timings of the finite-pool engine: the 200 x 200 sweep, services before the CF moves one
cent, one scenario.

``bench()`` returns (label, seconds) pairs, each the median of several runs after a warm-up (the
catalog is loaded once per process). Run as a script to print them.
"""

from __future__ import annotations

import numpy as np
from timing import median_seconds

from flatclosure.catalog import load_catalog
from flatclosure.pool import (
    NewCode,
    family_neutrality,
    pool_parameters,
    services_to_move_cf,
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
        ("pool services before the CF moves one cent, 200 RVU values", median_seconds(
            lambda: services_to_move_cf(net, cf, params.total_allowed_usd, by_usd=0.01))),
        ("pool statutory scenario (all codes before/after)", median_seconds(
            lambda: statutory(scenario, catalog=cat))),
        ("pool family work neutrality (breast)", median_seconds(
            lambda: family_neutrality(scenario, catalog=cat))),
    ]


if __name__ == "__main__":
    for label, seconds in bench():
        print(f"{label:<52} {seconds * 1000:8.3f} ms")
