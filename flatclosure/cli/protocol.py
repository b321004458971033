"""``flatclosure protocol`` (the recommended claim for a closure or revision) and ``card``."""

from __future__ import annotations

import argparse

from ..catalog import AMA_NOTICE
from ..errors import InputError
from ..protocol import (
    CLOSURE_AS,
    CONVENTIONS,
    DISTINCT_MODIFIERS,
    GLOBAL_MODIFIERS,
    ProcedureAttributes,
    ProtocolResult,
    recommend,
)
from . import add_valuation_options, emit_json, resolve_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("protocol", help="the protocol's claim for a flat closure or revision, "
                       "priced, with rationale, denial risk, documentation and alternatives")
    p.add_argument("--stage", choices=["initial", "revision"], default="initial")
    p.add_argument("--sides", choices=["left", "right", "both"], default="both")
    p.add_argument("--mastectomy", default=None, metavar="CODE",
                   help="mastectomy code at the initial surgery (default 19303)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--rearrangement", dest="rearrangement", action="store_true", default=True,
                   help="a true tissue transfer is documented (default)")
    g.add_argument("--no-rearrangement", dest="rearrangement", action="store_false",
                   help="closed by undermining / layered closure (complex repair)")
    p.add_argument("--area-cm2", type=float, default=0.0, help="defect area per side (sq cm)")
    p.add_argument("--length-cm", type=float, default=0.0, help="repaired length per side (cm)")
    p.add_argument("--fat-cc", type=float, default=0.0, help="fat injected per side (cc); >0 means "
                   "fat grafting was done")
    p.add_argument("--skin-excision", action="store_true", help="excess skin / dog-ear excision")
    p.add_argument("--liposuction", action="store_true", help="liposuction contouring")
    s = p.add_mutually_exclusive_group()
    s.add_argument("--same-surgeon", dest="same_surgeon", action="store_true", default=True,
                   help="the mastectomy surgeon closes (default)")
    s.add_argument("--different-surgeon", dest="same_surgeon", action="store_false")
    p.add_argument("--days-since-surgery", type=int, default=None,
                   help="days since a prior related surgery (for its global period)")
    p.add_argument("--prior-code", default=None, help="code of that prior surgery (default 19303)")
    p.add_argument("--global-modifier", choices=GLOBAL_MODIFIERS, default=None,
                   help="inside a global period: 58, 78 or 79")
    p.add_argument("--bilateral-convention", choices=CONVENTIONS, default="rt_lt",
                   help="how both sides of an indicator-0 code are reported (UNCONFIRMED)")
    p.add_argument("--distinct-modifier", choices=DISTINCT_MODIFIERS, default="59")
    p.add_argument("--closure-as", choices=CLOSURE_AS, default="protocol")
    p.add_argument("--unlisted-comparator", default=None, metavar="CODE",
                   help="value 19499 like this code (default from the rules)")
    p.add_argument("--assumption-off", action="append", default=[], metavar="SWITCH",
                   help="turn off an UNCONFIRMED rule (e.g. ncci_pairs, fat_grafting_revision_only)")
    add_valuation_options(p)
    p.add_argument("--payer-multiplier", type=float, default=1.0)
    p.add_argument("--modifier-22-percent", type=float, default=0.0)
    p.add_argument("--ladder", default=None, help="multiple-procedure ladder, e.g. 1,0.5,0.25")
    p.set_defaults(func=run_protocol)

    c = sub.add_parser("card", help="write the printable protocol card (HTML; .pdf via Chromium)")
    c.add_argument("--year", type=int, default=None, help="year of the RVUs and amounts")
    c.add_argument("--out", required=True, help="FILE.html (or FILE.pdf)")
    c.set_defaults(func=run_card)


def attributes_from_args(args: argparse.Namespace) -> ProcedureAttributes:
    ladder = None
    if args.ladder:
        try:
            ladder = tuple(float(x) for x in args.ladder.split(","))
        except ValueError as exc:
            raise InputError("--ladder", f"{args.ladder!r} is not a list of shares") from exc
    mastectomy = args.mastectomy
    if mastectomy is None and args.stage == "initial":
        mastectomy = "19303"
    return ProcedureAttributes(
        stage=args.stage, sides=args.sides, mastectomy_code=mastectomy,
        rearrangement=args.rearrangement, defect_area_cm2=args.area_cm2,
        repair_length_cm=args.length_cm, fat_grafting=args.fat_cc > 0, fat_cc=args.fat_cc,
        skin_excision=args.skin_excision, liposuction=args.liposuction,
        same_surgeon=args.same_surgeon, days_since_surgery=args.days_since_surgery,
        prior_code=args.prior_code, global_modifier=args.global_modifier,
        closure_as=args.closure_as, bilateral_convention=args.bilateral_convention,
        distinct_modifier=args.distinct_modifier, date=resolve_date(args), setting=args.setting,
        locality=args.locality, payer_multiplier=args.payer_multiplier,
        qualifying_apm=args.qualifying_apm, modifier_22_percent=args.modifier_22_percent,
        ladder=ladder, unlisted_comparator=args.unlisted_comparator,
        assumptions_off=frozenset(args.assumption_off),
    )


def run_protocol(args: argparse.Namespace) -> int:
    result = recommend(attributes_from_args(args))
    if args.json:
        emit_json(result.to_dict())
        return 0
    _print(result)
    return 0


def _print(r: ProtocolResult) -> None:
    a = r.attributes
    claim = r.claim
    cf = claim.conversion_factor if claim else ""
    where = claim.locality_name if claim else ""
    print(f"{a.on}  {a.setting}  {where}  CF {cf}  payer x{a.payer_multiplier:g}")
    print(f"{'line':<18} {'allowed':>11}  risk    rules")
    for ln in r.lines:
        print(f"{ln.line:<18} {'$' + format(ln.allowed, ',.2f'):>11}  {ln.denial_risk:<7} "
              f"{', '.join(ln.rule_ids)}")
    print(f"TOTAL ${r.total:,.2f}   (denial risk {r.denial_risk})")
    for b in r.bundled:
        print(f"not billed: {b.code} ({b.side}) - {b.rule_id}")
    if r.alternatives:
        print("alternatives:")
        for x in r.alternatives:
            amount = "refused" if x.total is None else f"${x.total:,.2f}"
            mark = "*" if x.is_current else " "
            detail = x.error or " ".join(x.lines)
            print(f" {mark} {x.label:<62} {amount:>11}  {detail}")
    if r.documentation:
        print("document:")
        for d in r.documentation:
            print(f"  - {d}")
    for w in r.warnings:
        print(f"note: {w}")
    for name, state in r.assumptions:
        print(f"assumption: {name} = {state}")
    print(AMA_NOTICE)


def run_card(args: argparse.Namespace) -> int:
    from ..card import write_card

    path = write_card(args.out, args.year)
    print(f"wrote {path}")
    return 0
