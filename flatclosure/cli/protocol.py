"""``flatclosure protocol`` (the recommended claim for a closure or revision) and ``card``.

The procedure's flags are generated from the :class:`~flatclosure.protocol.Procedure` fields
(one flag per fact, its label as help), so a new fact is a new flag without code here.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..catalog import AMA_NOTICE, as_date
from ..claims import PricingContext
from ..errors import InputError
from ..present.formatting import fmt_money
from ..present.protocol_tables import checklist, diagnoses_text, line_codes
from ..protocol import (
    Fact,
    Procedure,
    ProtocolResult,
    default_rules,
    procedure_facts,
    recommend,
)
from . import add_valuation_options, emit_json, resolve_date


def flag(name: str) -> str:
    """The CLI flag of a Procedure field: ``defect_area_cm2`` -> ``--defect-area-cm2``."""
    return "--" + name.replace("_", "-")


def _add_fact(p: argparse.ArgumentParser, name: str, f: Fact, default: Any) -> None:
    kw: dict[str, Any] = {"dest": name, "help": f.label + (f" ({f.help})" if f.help else "")}
    if f.kind == "bool":
        p.add_argument(flag(name), action=argparse.BooleanOptionalAction, default=default, **kw)
    elif f.kind in ("choice", "optional_choice"):
        p.add_argument(flag(name), choices=f.choices, default=default, **kw)
    elif f.kind == "number":
        p.add_argument(flag(name), type=float, default=default, **kw)
    elif f.kind == "days":
        p.add_argument(flag(name), type=int, default=default, **kw)
    elif f.kind == "switches":
        p.add_argument(flag(name), action="append", default=[], metavar="SWITCH", **kw)
    else:
        p.add_argument(flag(name), default=default, metavar="CODE", **kw)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("protocol", help="the protocol's claim for a flat closure or revision, "
                       "priced, with diagnoses, rationale, denial risk, documentation and "
                       "alternatives")
    defaults = Procedure.__dataclass_fields__
    for name, f in procedure_facts().items():
        _add_fact(p, name, f, defaults[name].default)
    add_valuation_options(p)
    p.add_argument("--payer-multiplier", type=float, default=1.0)
    p.add_argument("--modifier-22-percent", type=float, default=0.0)
    p.add_argument("--ladder", default=None, help="multiple-procedure ladder, e.g. 1,0.5,0.25")
    p.set_defaults(func=run_protocol)

    c = sub.add_parser("card", help="write the printable protocol card (HTML; .pdf via Chromium)")
    c.add_argument("--year", type=int, default=None, help="year of the RVUs and amounts")
    c.add_argument("--out", required=True, help="FILE.html (or FILE.pdf)")
    c.set_defaults(func=run_card)


def procedure_from_args(args: argparse.Namespace) -> Procedure:
    kw = {name: getattr(args, name) for name in procedure_facts()}
    if kw["mastectomy_code"] is None and kw["stage"] == "initial":
        kw["mastectomy_code"] = str(default_rules().settings["default_mastectomy_code"])
    kw["assumptions_off"] = frozenset(kw["assumptions_off"])
    return Procedure(**kw)


def context_from_args(args: argparse.Namespace) -> PricingContext:
    ladder = None
    if args.ladder:
        try:
            ladder = tuple(float(x) for x in args.ladder.split(","))
        except ValueError as exc:
            raise InputError("--ladder", f"{args.ladder!r} is not a list of shares") from exc
    return PricingContext(as_date(resolve_date(args)), args.setting, args.locality, args.payer_multiplier,
                          args.qualifying_apm, args.modifier_22_percent, ladder)


def run_protocol(args: argparse.Namespace) -> int:
    result = recommend(procedure_from_args(args), context_from_args(args))
    if args.json:
        emit_json(result.to_dict())
        return 0
    _print(result)
    return 0


def _print(r: ProtocolResult) -> None:
    c = r.claim
    print(f"{c.context.on}  {c.context.setting}  {c.locality_name}  CF {c.conversion_factor}  "
          f"payer x{c.context.payer_multiplier:g}")
    print(f"{'line':<18} {'allowed':>11}  risk    diagnoses")
    for ln, (_, codes) in zip(r.lines, line_codes(r), strict=True):
        print(f"{ln.line:<18} {fmt_money(ln.allowed):>11}  {ln.denial_risk:<7} {codes}")
    print(f"TOTAL {fmt_money(r.total)}   (denial risk {r.denial_risk})")
    for b in r.bundled:
        print(f"not billed: {b.code} ({b.side}) - {b.reason}")
    for ln in r.lines:
        print(f"{ln.line}: {diagnoses_text(ln)}")
        for reason in ln.risk_reasons:
            print(f"  risk: {reason}")
    if r.alternatives:
        print("alternatives:")
        for x in r.alternatives:
            amount = "refused" if x.total is None else fmt_money(x.total)
            mark = "*" if x.is_current else " "
            print(f" {mark} {x.label:<62} {amount:>11}  {x.error or ' '.join(x.lines)}")
    for d in checklist(r):
        print(f"document: {d}")
    for w in r.warnings:
        print(f"note: {w}")
    for name, state in r.assumptions:
        print(f"assumption: {name} = {state}")
    print("A guide for billing staff, not coding or legal advice. " + AMA_NOTICE)


def run_card(args: argparse.Namespace) -> int:
    from ..card import write_card

    path = write_card(args.out, args.year)
    print(f"wrote {path}")
    return 0
