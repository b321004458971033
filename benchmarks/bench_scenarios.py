"""Time to evaluate every preset scenario over every year and every locality held."""

from __future__ import annotations

import time

from flatclosure.catalog import load_catalog
from flatclosure.scenarios import compare, presets


def bench() -> list[tuple[str, float]]:
    cat = load_catalog()
    scen = presets()
    years = cat.years()
    localities: list[str | None] = [None, *sorted(set(cat.gpci_table["locality_id"]))]
    compare(scen, years=[2025])  # warm caches, as a notebook would be
    t0 = time.perf_counter()
    table = compare(scen, years=years, localities=localities)
    elapsed = time.perf_counter() - t0
    n = len(table)
    return [
        (f"all {len(scen)} presets x {len(years)} years x {len(localities)} localities "
         f"({n:,} evaluations, {table['total'].notna().sum():,} with a figure)", elapsed),
        ("per evaluation", elapsed / n),
    ]


if __name__ == "__main__":
    for label, seconds in bench():
        print(f"{seconds * 1000:10.2f} ms  {label}")
