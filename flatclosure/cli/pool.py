"""``flatclosure pool``: a new code's or a revaluation's marginal share of the year's budget
neutrality, the CF before/after, every code's price, and the paths side by side."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from .. import scenarios
from ..catalog import AMA_NOTICE
from ..errors import InputError
from ..pool import (
    FamilyResult,
    NewCode,
    Revaluation,
    RevaluationResult,
    StatutoryResult,
    family_neutrality,
    pool_limit,
    statutory,
)
from ..pool.paths import PathsResult, compare_paths
from ..present import pool_text
from ..present.formatting import fmt_change, fmt_count, fmt_money, fmt_pct, fmt_rvu
from ..volumes import Volumes, load_volumes
from . import add_valuation_options, emit_json, resolve_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pool", help="budget neutrality of a new code or revalued codes: CF before/after, prices",
        description="The finite RVU pool: a change's marginal share of the year's statutory "
        "budget-neutrality adjustment (PFS-wide), the new-code and revaluation paths side by "
        "side, and with --family, family work neutrality (an UNCONFIRMED convention).")
    p.add_argument("--rvu", type=_number("--rvu", "rvu_max"), default=None,
                   help="the new code's total RVU in the setting (needs --volume)")
    p.add_argument("--volume", type=_number("--volume", "yearly_services_max"), default=None,
                   help="services of the new code a year")
    p.add_argument("--work-rvu", type=_number("--work-rvu", "rvu_max"), default=None,
                   help="the new code's work RVU (family lens; default: assumed from what it "
                        "displaces)")
    p.add_argument("--displace", action="append", default=[], metavar="CODE=SHARE",
                   help="each new service replaces SHARE (0 to 1) of one service of CODE "
                        "(repeatable)")
    p.add_argument("--revalue", action="append", default=[], metavar="CODE=WORK_RVU[,VOLUME]",
                   help="give CODE a new work RVU on ALL its services a year (VOLUME; default: "
                        "the illustrative volumes or --volumes) (repeatable)")
    p.add_argument("--flat-closure-share", action="append", default=[], metavar="CODE=SHARE",
                   help="share of a revalued code's services that are flat closures (default: "
                        "the new code's volume x lines per flat closure / VOLUME)")
    p.add_argument("--year-context", action="store_true",
                   help="print the year's actual budget-neutrality adjustment beside the change's "
                        "own share")
    p.add_argument("--total-allowed", type=_number("--total-allowed", "pfs_total_allowed_max_usd"),
                   default=None, metavar="USD", help="total PFS allowed charges a year (default: the data "
                   "package's pfs_total_allowed_usd)")
    p.add_argument("--family", default=None,
                   help="also show family work neutrality: breast, a catalog family, or codes "
                        "A,B,C")
    p.add_argument("--scale-new-code", action="store_true",
                   help="family lens: scale the new code's work too (default: take it from the "
                        "members)")
    p.add_argument("--volumes", default=None, metavar="FILE",
                   help=f"{pool_text.CMS_VOLUMES_FILE} (default: illustrative volumes)")
    add_valuation_options(p)
    p.set_defaults(func=run_pool)


def _number(name: str, bound: str) -> Callable[[str], float]:
    """A finite number of 0 or more, at most ``bound`` of data/pool/limits.csv."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from exc
        if not math.isfinite(value) or value < 0:
            raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
        if value > pool_limit(bound):
            raise argparse.ArgumentTypeError(f"{text!r} is over {pool_limit(bound):g}")
        return value
    return parse


def _pairs(option: str, items: list[str], example: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        code, sep, value = item.partition("=")
        code = code.strip().upper()
        if not sep or not code or not value.strip():
            raise InputError(option, f"{item!r} is not {example}")
        if code in out:
            raise InputError(option, f"code {code} is given twice")
        out[code] = value.strip()
    return out


def _float(option: str, text: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise InputError(option, f"{text!r} is not a number") from exc


def _revaluation(args: argparse.Namespace, on: str) -> Revaluation | None:
    rev = _pairs("--revalue", args.revalue, "CODE=WORK_RVU[,VOLUME] (e.g. 14301=14.4,29000)")
    if not rev:
        if args.flat_closure_share:
            raise InputError("--flat-closure-share", "give --revalue for the code first")
        return None
    work, vols = {}, {}
    for code, text in rev.items():
        w, _, v = text.partition(",")
        work[code] = _float("--revalue", w)
        if v.strip():
            vols[code] = _float("--revalue", v)
    shares = {c: _float("--flat-closure-share", s) for c, s in
              _pairs("--flat-closure-share", args.flat_closure_share, "CODE=SHARE").items()}
    return Revaluation(on=on, work_rvus=work, volumes=vols, flat_closure_share=shares,
                       setting=args.setting)


def _new_code(args: argparse.Namespace, on: str) -> NewCode | None:
    if args.rvu is None and args.volume is None:
        return None
    if args.rvu is None or args.volume is None:
        raise InputError("--rvu", "give the new code's --rvu and --volume together")
    shares = {c: _float("--displace", s) for c, s in
              _pairs("--displace", args.displace, "CODE=SHARE (e.g. 14301=0.6)").items()}
    return NewCode(volume=args.volume, on=on, total_rvu=args.rvu, work_rvu=args.work_rvu,
                   displaces=shares, setting=args.setting)


def _paths(new: NewCode | None, reval: Revaluation, vols: Volumes, total: float | None,
           on: str) -> PathsResult:
    preset = scenarios.load(scenarios.presets_dir() / scenarios.POOL_PRESET)
    if new is None:
        lines = preset.paths.flat_closure_lines if preset.paths else ()
        return compare_paths(lines, on, revaluation=reval, volumes=vols, total_allowed=total)
    return scenarios.evaluate_paths(preset, new_code=new, revaluation=reval, volumes=vols,
                                    total_allowed=total)


def run_pool(args: argparse.Namespace) -> int:
    on = resolve_date(args)
    new, reval = _new_code(args, on), _revaluation(args, on)
    if new is None and reval is None:
        raise InputError("--rvu", "give a new code (--rvu and --volume) or --revalue CODE=WORK_RVU")
    vols = load_volumes(args.volumes)
    stat = (statutory(new, args.total_allowed, args.locality, args.qualifying_apm)
            if new is not None else None)
    paths = _paths(new, reval, vols, args.total_allowed, on) if reval is not None else None
    rev = paths.revaluation if paths is not None and new is None else None
    fam = None
    if args.family:
        if new is None:
            raise InputError("--family", "the family lens needs a new code (--rvu, --volume)")
        fam = family_neutrality(new, args.family, vols, args.scale_new_code, args.locality,
                                args.qualifying_apm)
    if args.json:
        emit_json(_json(stat, rev, fam, paths))
        return 0
    _print(args, stat, rev, fam, paths)
    print(AMA_NOTICE)
    return 0


def _json(stat: StatutoryResult | None, rev: RevaluationResult | None, fam: FamilyResult | None,
          paths: PathsResult | None) -> dict[str, Any]:
    out: dict[str, Any] = stat.to_dict() if stat is not None else rev.to_dict()  # type: ignore[union-attr]
    if fam is not None:
        out["family"] = fam.to_dict()
    if paths is not None:
        out["paths"] = [p.to_dict() for p in paths.paths]
        out["verdict"] = pool_text.verdict(paths)
        out["reconciliation"] = pool_text.reconcile_words(paths)
    return out


def _print(args: argparse.Namespace, stat: StatutoryResult | None, rev: RevaluationResult | None,
           fam: FamilyResult | None, paths: PathsResult | None) -> None:
    if stat is not None:
        _print_statutory(stat)
    elif rev is not None:
        _print_revaluation(rev)
    if args.year_context:
        r = stat if stat is not None else rev
        print()
        for line in pool_text.year_lines(r.year, r.added_spending,  # type: ignore[union-attr]
                                         r.budget_neutrality_factor):  # type: ignore[union-attr]
            print(line)
    if paths is not None:
        print()
        print(pool_text.paths_frame(paths).to_string())
        print(pool_text.verdict(paths))
        print(pool_text.reconcile_words(paths))
    if fam is not None:
        print()
        _print_family(fam)


def _price_rows(codes: Any) -> str:
    t = codes[["code", "family", "price_before", "price_after", "change", "change_pct"]].copy()
    for col in ("price_before", "price_after"):
        t[col] = t[col].map(fmt_money)
    t["change"] = t["change"].map(fmt_change)
    t["change_pct"] = t["change_pct"].map(lambda v: fmt_pct(v, 4))
    t.loc[codes["status"] == "C", "price_before"] = "carrier priced"
    other = ~codes["status"].isin(["A", "C"])
    t.loc[other, "price_before"] = "status " + codes.loc[other, "status"] + ": not paid by RVUs"
    return str(t.to_string(index=False))


def _print_statutory(r: StatutoryResult) -> None:
    s = r.scenario
    print(r.label)
    print(f"{s.on}  {s.setting}  release {r.release_id}  prices at "
          f"{r.locality or 'national GPCIs'}")
    for line in pool_text.statutory_lines(r, s.volume):
        print(line)
    print(f"total PFS allowed: {fmt_money(r.total_allowed)} ({r.total_allowed_source})")
    print(pool_text.cf_line(r.conversion_factor_before, r.conversion_factor_after))
    print(_price_rows(r.codes))


def _print_revaluation(r: RevaluationResult) -> None:
    print(r.label)
    for line in pool_text.revaluation_lines(r):
        print(line)
    print(pool_text.cf_line(r.conversion_factor_before, r.conversion_factor_after))
    print(_price_rows(r.codes))


def _print_family(r: FamilyResult) -> None:
    print(r.label)
    for line in pool_text.family_lines(r):
        print(line)
    t = r.members[["code", "volume", "work_rvu_before", "work_rvu_after", "price_before",
                   "price_after", "change_pct"]].copy()
    if r.volumes_illustrative:
        t = t.rename(columns={"volume": "volume (illustrative)"})
    t[t.columns[1]] = t[t.columns[1]].map(fmt_count)
    t["work_rvu_after"] = t["work_rvu_after"].map(fmt_rvu)
    for col in ("price_before", "price_after"):
        t[col] = t[col].map(fmt_money)
    t["change_pct"] = t["change_pct"].map(fmt_pct)
    print(t.to_string(index=False))
