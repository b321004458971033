"""``flatclosure scenario run`` and ``scenario list``."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from .. import limits
from ..catalog import AMA_NOTICE, load_catalog
from ..errors import InputError, clip
from ..fileio import checked_path
from ..scenarios import Scenario, compare, load, presets, presets_dir
from . import emit_json


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("scenario", help="compare scenarios across years and localities")
    ssub = s.add_subparsers(dest="scenario_command", required=True)
    run = ssub.add_parser("run", help="evaluate scenario files (or preset names) side by side")
    run.add_argument("files", nargs="+", metavar="FILE",
                     help="scenario .yaml/.json files, or names of presets in data/scenarios")
    run.add_argument("--years", default=None, help="e.g. 2019-2026 or 2020,2025 (default: each file's own)")
    run.add_argument("--localities", default=None,
                     help="comma list of MAC:LOCALITY or 'national' (default: each file's own)")
    run.add_argument("--baseline", default=None, help="name of the scenario to compare against")
    run.add_argument("--csv", type=Path, help="write the comparison table as CSV")
    run.add_argument("--xlsx", type=Path, help="write the comparison as an Excel workbook")
    run.add_argument("--html", type=Path, help="write a self-contained HTML report")
    run.add_argument("--json", action="store_true", help="print the table as JSON")
    run.set_defaults(func=run_scenarios)
    lst = ssub.add_parser("list", help="list the preset scenarios")
    lst.set_defaults(func=list_presets)


def parse_years(text: str | None) -> list[int] | None:
    """'2019-2026' or '2020,2025': ASCII years within the 'year' limit, ranges in order and
    no longer than 'years_in_range', checked before any range is expanded."""
    if not text:
        return None
    years: list[int] = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*([0-9]{4})\s*(?:-\s*([0-9]{4}))?\s*", part)
        if not m:
            raise InputError("--years", f"{clip(repr(text))} is not like 2019-2026 or 2020,2025")
        first = int(limits.check("year", "--years", int(m.group(1))))
        last = int(limits.check("year", "--years", int(m.group(2) or first)))
        if last < first:
            raise InputError("--years", f"{first}-{last} runs backwards: write {last}-{first}")
        limits.check_count("years_in_range", "--years", last - first + 1)
        years.extend(range(first, last + 1))
    limits.check_count("years_in_range", "--years", len(set(years)))
    held = load_catalog().years()
    bad = [y for y in years if y not in held]
    if bad:
        raise InputError("--years", f"no release held for {bad[0]}: years available are "
                         f"{held[0]}-{held[-1]}")
    return years


def parse_localities(text: str | None) -> list[str | None] | None:
    if not text:
        return None
    from ..catalog import normalise_locality

    parts = text.split(",")
    limits.check_count("localities", "--localities", len(parts))
    known = set(load_catalog().gpci_table["locality_id"])
    out: list[str | None] = []
    for p in parts:
        if p.strip().lower() == "national":
            out.append(None)
            continue
        loc = normalise_locality(p)
        if loc not in known:
            raise InputError("--localities", f"{clip(loc)} is not a Medicare locality in any year "
                             "held (list them with flatclosure localities)")
        out.append(loc)
    return out


def resolve(files: list[str]) -> list[Scenario]:
    limits.check_count("scenarios", "FILE", len(files))
    out = []
    for f in files:
        p = checked_path(f, "FILE")
        if not p.exists() and not p.suffix and (presets_dir() / f"{f}.yaml").exists():
            p = presets_dir() / f"{f}.yaml"
        if not p.exists():
            raise InputError("FILE", f"{clip(f)}: no such file or preset (see flatclosure scenario list)")
        out.append(load(p))
    return out


def run_scenarios(args: argparse.Namespace) -> int:
    scenarios = resolve(args.files)
    table = compare(scenarios, parse_years(args.years), parse_localities(args.localities),
                    args.baseline)
    # imported here, not at the top: the report draws its figures with plotly, which takes ~4.5 s
    # to import, and every command (price, claim, ...) loads this module
    from ..outputs.report import write_csv, write_html, write_xlsx

    if args.csv:
        write_csv(table, args.csv)
    if args.xlsx:
        write_xlsx(table, scenarios, args.xlsx)
    if args.html:
        write_html(table, scenarios, args.html, args.baseline)
    if args.json:
        records = table.assign(date=table["date"].astype(str)).to_dict(orient="records")
        emit_json([{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                   for r in records])
        return 0
    cols = ["scenario", "year", "locality", "total"] + (
        ["difference", "difference_pct"] if args.baseline else [])
    shown = table[cols].copy()
    shown["total"] = [f"${v:,.2f}" if v == v else "n/a" for v in table["total"]]
    print(shown.to_string(index=False))
    for r in table[table["unavailable"] != ""].itertuples():
        print(f"n/a: {r.scenario} {r.year} {r.locality}: {r.unavailable}")
    if table["illustrative"].any():
        print("note: scenarios marked illustrative use assumed values (see each file's 'illustrative')")
    for label, path in (("CSV", args.csv), ("Excel", args.xlsx), ("HTML", args.html)):
        if path:
            print(f"wrote {label}: {path}")
    print(AMA_NOTICE)
    return 0


def list_presets(args: argparse.Namespace) -> int:
    for s in presets():
        print(f"{s.name:40s} {s.title}")
    return 0
