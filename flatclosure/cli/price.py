"""``flatclosure price``, ``claim`` and ``localities``."""

from __future__ import annotations

import argparse

import pandas as pd

from .. import limits
from ..catalog import AMA_NOTICE, as_date, load_catalog
from ..claims import ClaimLine, PricingContext, price_claim
from ..errors import InputError, clip
from ..fees import fee_schedule
from . import add_valuation_options, emit_json, finite_arg, resolve_date, year_arg
from .coverage import patient_cost, print_patient_cost


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("price", help="fee schedule amount of one or more codes")
    p.add_argument("codes", nargs="+", metavar="CODE")
    add_valuation_options(p)
    p.set_defaults(func=run_price)

    c = sub.add_parser("claim", help="allowed amount of a claim: LINE is CODE[-MOD...][xUNITS]")
    c.add_argument("lines", nargs="+", metavar="LINE")
    add_valuation_options(c)
    c.add_argument("--payer-multiplier", type=finite_arg, default=1.0,
                   help="commercial payment as a multiple of Medicare (default 1.0)")
    c.add_argument("--modifier-22-percent", type=finite_arg, default=0.0,
                   help="uplift the payer grants for modifier 22, in percent (default 0)")
    c.add_argument("--ladder", default=None,
                   help="multiple-procedure ladder as shares, e.g. 1,0.5,0.25 (default Medicare's)")
    c.add_argument("--user-price", action="append", default=[], metavar="CODE=AMOUNT",
                   help="price of a carrier-priced code such as 19499")
    c.add_argument("--comparator", action="append", default=[], metavar="CODE=COMPARATOR",
                   help="value a carrier-priced code like another code, e.g. 19499=19303")
    c.add_argument("--patient", nargs="?", const="participating", default=None,
                   choices=["participating", "non_participating", "limiting_charge"],
                   help="also show what the patient pays under Original Medicare Part B "
                        "(default participating physician)")
    c.add_argument("--deductible-met", type=float, default=0.0,
                   help="with --patient: Part B deductible already paid this year (default 0)")
    c.set_defaults(func=run_claim)

    loc = sub.add_parser("localities", help="list the Medicare localities of a year")
    loc.add_argument("--year", type=year_arg, default=None)
    loc.add_argument("--search", default="", help="filter by name or state")
    loc.add_argument("--json", action="store_true")
    loc.set_defaults(func=run_localities)


def run_price(args: argparse.Namespace) -> int:
    on = resolve_date(args)
    frame = fee_schedule(args.codes, on, args.setting, args.locality, args.qualifying_apm)
    rows = []
    for r in frame.itertuples():
        rows.append({
            "code": r.code, "date": on, "setting": r.setting, "locality": r.locality,
            "locality_name": r.locality_name, "release_id": r.release_id, "status": r.status,
            "work_rvu": r.work_rvu, "pe_rvu": r.pe_rvu, "mp_rvu": r.mp_rvu,
            "gpci_work": r.gpci_work, "gpci_pe": r.gpci_pe, "gpci_mp": r.gpci_mp,
            "conversion_factor": r.conversion_factor, "payable": bool(r.payable),
            "price": None if pd.isna(r.price) else float(r.price),
        })
    if args.json:
        emit_json(rows)
        return 0
    table = pd.DataFrame(rows)[["code", "status", "work_rvu", "pe_rvu", "mp_rvu", "price"]]
    table["price"] = [_money(r) for r in rows]
    first = rows[0]
    print(f"{on}  {first['setting']}  {first['locality_name']}  CF {first['conversion_factor']}"
          f"  release {first['release_id']}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    if args.locality:
        note = load_catalog().gpci_warning(int(on[:4]))
        if note:
            print(f"note: {note}")
    print(AMA_NOTICE)
    return 0


def _money(row: dict[str, object]) -> str:
    if row["price"] is not None:
        return f"${row['price']:,.2f}"
    if row["status"] == "C":
        return "carrier priced"
    if not row["payable"]:
        return f"NA in {row['setting']}"
    return f"status {row['status']}: not paid"


def _pairs(items: list[str], name: str) -> dict[str, str]:
    out = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep or not code or not value:
            raise InputError(name, f"{clip(repr(item))} is not CODE=VALUE")
        out[code.strip().upper()] = value.strip()
    return out


def run_claim(args: argparse.Namespace) -> int:
    on = resolve_date(args)
    prices = {c: _amount(v) for c, v in _pairs(args.user_price, "--user-price").items()}
    comparators = _pairs(args.comparator, "--comparator")
    limits.check_count("claim_lines", "LINE", len(args.lines))
    lines = []
    on_claim = {ClaimLine.parse(text).code for text in args.lines}
    for name, given in (("--user-price", prices), ("--comparator", comparators)):
        for code in given:
            if code not in on_claim:
                raise InputError(name, f"{clip(code)} is not on the claim: the value would be ignored")
    for text in args.lines:
        ln = ClaimLine.parse(text)
        if ln.code in prices or ln.code in comparators:
            ln = ClaimLine(ln.code, ln.modifiers, ln.units, user_price=prices.get(ln.code),
                           comparator=comparators.get(ln.code))
        lines.append(ln)
    ladder = None
    if args.ladder:
        ladder = tuple(_amount(x, "--ladder") for x in args.ladder.split(","))
    ctx = PricingContext(as_date(on), args.setting, args.locality, args.payer_multiplier,
                         args.qualifying_apm, args.modifier_22_percent, ladder)
    result = price_claim(lines, ctx)
    if args.json:
        out = result.to_dict()
        if args.patient:
            out["patient"] = patient_cost(result.total, on, args.patient, args.deductible_met)
        emit_json(out)
        return 0
    print(f"{on}  {ctx.setting}  {result.locality_name}  CF {result.conversion_factor}"
          f"  payer x{ctx.payer_multiplier:g}")
    frame = result.to_frame()
    frame["allowed"] = frame["allowed"].map(lambda v: f"${v:,.2f}")
    frame["fee_schedule"] = frame["fee_schedule"].map(lambda v: f"${v:,.2f}")
    frame["rank"] = frame["rank"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    print(frame[["line", "fee_schedule", "rank", "allowed", "rules"]].to_string(index=False))
    print(f"TOTAL ${result.total:,.2f}")
    if args.patient:
        print_patient_cost(result.total, on, args.patient, args.deductible_met)
    for w in result.warnings:
        print(f"note: {w}")
    print(AMA_NOTICE)
    return 0


def _amount(text: str, name: str = "--user-price") -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(name, f"{clip(repr(text))} is not a number") from None
    if name == "--ladder":
        if not 0 <= value <= 1:
            raise InputError(name, f"{clip(repr(text))} must be a share between 0 and 1")
        return value
    return float(limits.check("amount_usd", name, value))


def run_localities(args: argparse.Namespace) -> int:
    cat = load_catalog()
    year = args.year if args.year is not None else cat.default_year()
    if year not in cat.gpci_years():
        raise InputError("--year", f"no GPCI file held for {year} (held: "
                         f"{', '.join(str(y) for y in cat.gpci_years())})")
    t = cat.localities(year)
    if args.search:
        s = args.search.lower()
        t = t[t["locality_name"].str.lower().str.contains(s, regex=False)
              | t["state"].str.lower().eq(s)]
    t = t[["locality_id", "state", "locality_name", "gpci_work", "gpci_pe", "gpci_mp"]]
    if args.json:
        emit_json(t.to_dict(orient="records"))
    else:
        print(t.to_string(index=False))
    return 0
