"""``flatclosure pool``: what a new code would do to the conversion factor and to every code."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from ..catalog import AMA_NOTICE
from ..errors import InputError
from ..pool import FamilyResult, NewCode, StatutoryResult, family_neutrality, statutory
from ..volumes import load_volumes
from . import add_valuation_options, emit_json, resolve_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pool", help="budget neutrality of a new code: added spending, CF before/after, prices",
        description="The finite RVU pool: statutory budget neutrality (PFS-wide) and, with "
        "--family, family work neutrality (an UNCONFIRMED convention).")
    p.add_argument("--rvu", required=True, type=_number("--rvu"),
                   help="the new code's total RVU in the setting")
    p.add_argument("--volume", required=True, type=_number("--volume"),
                   help="services of the new code a year")
    p.add_argument("--work-rvu", type=_number("--work-rvu"), default=None,
                   help="the new code's work RVU (family lens; default: assumed from what it "
                        "displaces)")
    p.add_argument("--displace", action="append", default=[], metavar="CODE=SHARE",
                   help="each new service replaces SHARE of one service of CODE (repeatable)")
    p.add_argument("--total-allowed", type=_number("--total-allowed"), default=None,
                   metavar="USD", help="total PFS allowed charges a year (default: the data "
                   "package's $93 billion, CY2020 final rule)")
    p.add_argument("--family", default=None,
                   help="also show family work neutrality: breast, a catalog family, or codes "
                        "A,B,C")
    p.add_argument("--scale-new-code", action="store_true",
                   help="family lens: scale the new code's work too (default: take it from the "
                        "members)")
    p.add_argument("--volumes", default=None, metavar="FILE",
                   help="CMS 'Medicare Physician & Other Practitioners - by Geography and "
                        "Service' CSV (default: illustrative volumes)")
    add_valuation_options(p)
    p.set_defaults(func=run_pool)


def _number(name: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from exc
        if not math.isfinite(value) or value < 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
        return value
    return parse


def _shares(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        code, sep, share = item.partition("=")
        code = code.strip().upper()
        if not sep or not code or not share.strip():
            raise InputError("--displace", f"{item!r} is not CODE=SHARE (e.g. 14301=0.6)")
        if code in out:
            raise InputError("--displace", f"code {code} is given twice")
        try:
            out[code] = float(share)
        except ValueError as exc:
            raise InputError("--displace", f"{share!r} is not a share (e.g. 0.6)") from exc
    return out


def run_pool(args: argparse.Namespace) -> int:
    on = resolve_date(args)
    scenario = NewCode(volume=args.volume, on=on, total_rvu=args.rvu, work_rvu=args.work_rvu,
                       displaces=_shares(args.displace), setting=args.setting)
    stat = statutory(scenario, args.total_allowed, args.locality, args.qualifying_apm)
    fam = None
    if args.family:
        volumes = load_volumes(args.volumes)
        fam = family_neutrality(scenario, args.family, volumes, args.scale_new_code,
                                args.locality, args.qualifying_apm)
    if args.json:
        out = stat.to_dict()
        if fam is not None:
            out["family"] = fam.to_dict()
        emit_json(out)
        return 0
    _print_statutory(stat)
    if fam is not None:
        print()
        _print_family(fam)
    print(AMA_NOTICE)
    return 0


def _usd(v: float | None) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return f"-${-v:,.2f}" if v < 0 else f"${v:,.2f}"


def _pct(v: float) -> str:
    return "-" if math.isnan(v) else f"{v:+.2f}%"


def _print_statutory(r: StatutoryResult) -> None:
    s = r.scenario
    print(r.label)
    print(f"{s.on}  {s.setting}  release {r.release_id}  prices at "
          f"{r.locality or 'national GPCIs'}")
    disp = ", ".join(f"{c} x{v:g}" for c, v in s.displacement.items()) or "nothing"
    print(f"new code: {r.new_code_rvu:g} RVU x {s.volume:,.0f} services a year; displaces {disp}"
          f" ({r.displaced_rvu:.2f} RVU per service)")
    print(f"added spending        {_usd(r.added_spending)} a year "
          f"({r.net_rvu_per_service:+.2f} RVU x {s.volume:,.0f} x CF)")
    state = "exceeded" if r.threshold_exceeded else "not exceeded"
    print(f"threshold             {_usd(r.threshold)}: {state}")
    be = "never" if r.break_even_volume is None else f"{r.break_even_volume:,.0f} services a year"
    print(f"crosses threshold at  {be}")
    print(f"total PFS allowed     {_usd(r.total_allowed)} ({r.total_allowed_source})")
    print(f"budget neutrality     x{r.budget_neutrality_factor:.6f} ({r.change_pct:+.2f}%)")
    print(f"conversion factor     {r.conversion_factor_before:.4f} -> "
          f"{r.conversion_factor_after:.4f}")
    t = r.codes[["code", "family", "price_before", "price_after", "change", "change_pct"]].copy()
    for col in ("price_before", "price_after", "change"):
        t[col] = t[col].map(_usd)
    t["change_pct"] = t["change_pct"].map(_pct)
    t.loc[r.codes["status"] == "C", "price_before"] = "carrier priced"
    other = ~r.codes["status"].isin(["A", "C"])
    t.loc[other, "price_before"] = "status " + r.codes.loc[other, "status"] + ": not paid by RVUs"
    print(t.to_string(index=False))
    for n in r.notes:
        print(f"note: {n}")


def _print_family(r: FamilyResult) -> None:
    print(r.label)
    print(f"family {r.family}: work RVUs x volume held at {r.work_pool_before:,.1f}; "
          f"scale on members' work RVUs x{r.work_scale_factor:.6f}")
    print(f"new code work RVU {r.new_code_work_rvu:.2f} ({r.work_rvu_basis})")
    print(f"volumes: {r.volumes_source}")
    t = r.members[["code", "volume", "work_rvu_before", "work_rvu_after", "price_before",
                   "price_after", "change_pct"]].copy()
    if r.volumes_illustrative:
        t = t.rename(columns={"volume": "volume (illustrative)"})
    t[t.columns[1]] = t[t.columns[1]].map(lambda v: f"{v:,.0f}")
    t["work_rvu_after"] = t["work_rvu_after"].map(lambda v: f"{v:.2f}")
    for col in ("price_before", "price_after"):
        t[col] = t[col].map(_usd)
    t["change_pct"] = t["change_pct"].map(_pct)
    print(t.to_string(index=False))
    for n in r.notes:
        print(f"note: {n}")
