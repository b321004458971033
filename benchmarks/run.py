"""Print timings of the engine, the pool, the protocol and the workbook (not a test).

    python benchmarks/run.py [--cms ../shared/data/cms] [--only engine,pool,...] [--quick]

Each figure is the median of several runs unless it says otherwise; browser figures are printed
with their ratio to the floor measured in the same run (benchmarks/bench_workbook.py). ``--quick``
runs the workbook part with fewer repeats (a look, not a report).
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_workbook  # noqa: E402
from timing import median_seconds  # noqa: E402


def engine(cms_dir: Path) -> list[tuple[str, float]]:
    out = []
    imports = []
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", "import time; t=time.perf_counter(); import flatclosure.claims; "
             "print(time.perf_counter()-t)"], capture_output=True, text=True, check=True)
        imports.append(float(done.stdout))
    out.append(("import flatclosure (engine modules), fresh process", statistics.median(imports)))

    from flatclosure.catalog import Catalog, load_catalog
    from flatclosure.claims import PricingContext, price_claim
    from flatclosure.fees import price, price_matrix

    out.append(("load the catalog from data/ (strict validation)", median_seconds(Catalog, 5, warm_up=False)))
    load_catalog()
    out.append(("price one code (19303, 2025, national)",
                median_seconds(lambda: price("19303", "2025-06-01"))))
    ctx = PricingContext("2025-06-01", locality="01182:18")
    lines = ["19303-50", "14301-RT", "14301-LT-59", "14302x2", "15771", "15772"]
    out.append(("price one 6-line claim", median_seconds(lambda: price_claim(lines, ctx))))

    raw = cms_dir / "pprrvu_2025_oct.csv"
    if not raw.exists():
        print(f"(skipped the full-release benchmark: {raw} not found)")
        return out
    from flatclosure.cms import read_pprrvu

    t0 = time.perf_counter()
    table, _ = read_pprrvu(raw)
    out.append(("parse a full CMS release (pprrvu_2025_oct.csv, once)", time.perf_counter() - t0))
    table = table[table["mod"] == ""].copy()
    for col in ("work_rvu", "nonfac_pe_rvu", "fac_pe_rvu", "mp_rvu"):
        table[col] = table[col].astype(float)
    cat = load_catalog()
    gpcis = cat.localities(2025)
    cf = cat.conversion_factor("2025-10-01")
    n = len(table) * len(gpcis)
    vec = median_seconds(lambda: price_matrix(table, gpcis, cf, "facility"), 5, warm_up=False)
    out.append((f"every code x every locality, vectorised ({len(table)} x {len(gpcis)} = {n:,})", vec))

    def loop() -> list[float]:
        res = []
        g = list(gpcis[["gpci_work", "gpci_pe", "gpci_mp"]].itertuples(index=False))
        for r in table[["work_rvu", "fac_pe_rvu", "mp_rvu"]].itertuples(index=False):
            for gw, gp, gm in g:
                res.append((r.work_rvu * gw + r.fac_pe_rvu * gp + r.mp_rvu * gm) * cf)
        return res

    slow = median_seconds(loop, 1, warm_up=False)
    out.append(("same, plain row-by-row Python loop (1 run)", slow))
    out.append(("ratio loop / vectorised (x)", slow / vec))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cms", type=Path, default=HERE.parent.parent / "shared" / "data" / "cms")
    parser.add_argument("--only", default="",
                        help="comma list of: engine, pool, protocol, scenarios, workbook")
    parser.add_argument("--quick", action="store_true", help="fewer repeats in the workbook part")
    args = parser.parse_args()
    suites: dict[str, Callable[[], list[tuple[str, float]]]] = {"engine": lambda: engine(args.cms)}
    for name in ("pool", "protocol", "scenarios"):
        suites[name] = importlib.import_module(f"bench_{name}").bench
    wanted = [s for s in args.only.split(",") if s] or [*suites, "workbook"]
    print(f"load average at start: {os.getloadavg()}")
    for name in wanted:
        print(f"== {name}")
        if name == "workbook":
            bench_workbook.show(bench_workbook.bench(args.quick))
            continue
        for label, value in suites[name]():
            unit = "x" if label.endswith("(x)") else "s"
            shown = f"{value:10.1f} x" if unit == "x" else (
                f"{value * 1000:10.2f} ms" if value < 1 else f"{value:10.2f} s ")
            print(f"{shown}  {label}")
    print(f"load average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
