"""``flatclosure coverage`` (which law applies to a plan type, its deadlines) and ``letter``
(a prior-authorization or appeal letter for the protocol's claim, as .docx, .html or .pdf).

Also the patient-cost lines that ``flatclosure claim --patient`` prints. Information, not legal
advice: the output says so.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from ..coverage import (
    DISCLAIMER,
    LETTER_KINDS,
    PLAN_TYPES,
    PROVIDERS,
    appeal_steps,
    build_letter,
    claim_from_protocol,
    coverage_basis,
    denial_reasons,
    medicare_patient_cost,
    write_letter,
)
from ..coverage.claim import Diagnosis
from ..coverage.tables import laws_naming_flat_closure
from ..coverage.writers import FORMATS
from ..errors import InputError
from ..present.formatting import fmt_money
from ..protocol import recommend
from . import emit_json

NOT_ADVICE = "Information, not legal advice."


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser("coverage", help="which coverage law applies to a plan type, what it "
                       "requires and leaves open, and its deadlines (sourced)")
    c.add_argument("--plan", required=True, choices=PLAN_TYPES)
    c.add_argument("--json", action="store_true", help="print JSON instead of text")
    c.set_defaults(func=run_coverage)

    from . import protocol as protocol_cli

    scratch = argparse.ArgumentParser(add_help=False).add_subparsers()
    protocol_cli.register(scratch)
    letter = sub.add_parser(
        "letter", parents=[scratch.choices["protocol"]], conflict_handler="resolve",
        help="write a prior-authorization or appeal letter for the protocol's claim "
             "(.docx, .html or .pdf); the protocol options describe the surgery")
    letter.add_argument("--kind", required=True, choices=LETTER_KINDS)
    letter.add_argument("--plan", required=True, choices=PLAN_TYPES)
    letter.add_argument("--reason", choices=list(denial_reasons()), default=None,
                        help="the denial reason an appeal answers (required with --kind appeal)")
    letter.add_argument("--icd", action="append", default=[], metavar="CODE[=LABEL]",
                        help="ICD-10-CM code for any line the protocol gives no diagnosis "
                             "(repeatable), e.g. Z90.13; CODE=label for a code outside "
                             "the protocol's ICD-10-CM table")
    letter.add_argument("--out", required=True, help="FILE.docx, FILE.html or FILE.pdf")
    letter.set_defaults(func=run_letter)


def basis_dict(plan: str) -> dict[str, Any]:
    b = coverage_basis(plan)
    d = dataclasses.asdict(b)
    d["effective_from"] = b.effective_from.isoformat()
    d["authorities"] = [{**dataclasses.asdict(a), "effective_from": a.effective_from.isoformat()}
                        for a in b.authorities]
    d["deadlines"] = {k: [{"what": s.what, "deadline": s.deadline, "authority": s.authority.id,
                           "effective_from": s.effective_from.isoformat(), "source": s.source,
                           "url": s.url, "confidence": s.confidence}
                          for s in appeal_steps(plan, k)] for k in LETTER_KINDS}
    d["laws_naming_flat_closure"] = [
        {**dataclasses.asdict(a), "effective_from": a.effective_from.isoformat()}
        for a in laws_naming_flat_closure()]
    d["notice_text"] = NOT_ADVICE
    return d


def run_coverage(args: argparse.Namespace) -> int:
    if args.json:
        emit_json(basis_dict(args.plan))
        return 0
    b = coverage_basis(args.plan)
    print(f"{b.label}\n  who: {b.who}\n  requires: {b.requires}\n  not settled: {b.not_settled}"
          f"\n  notice: {b.notice}")
    print("law:")
    for a in b.authorities:
        print(f"  - {a.cite} [{a.confidence}]: {a.plain}\n    source: {a.source} {a.url}")
    for kind in LETTER_KINDS:
        print(f"{kind} deadlines:")
        for s in appeal_steps(args.plan, kind):
            print(f"  - {s.said} ({s.authority.cite}; {s.confidence})")
    print("laws and bills that name flat closure or the chest wall:")
    for a in laws_naming_flat_closure():
        print(f"  - {a.cite} ({a.status}; {a.confidence}): {a.plain}")
    print(NOT_ADVICE)
    return 0


def run_letter(args: argparse.Namespace) -> int:
    from .protocol import context_from_args, procedure_from_args

    if args.kind == "appeal" and args.reason is None:
        raise InputError("--reason", f"an appeal answers a denial reason: one of "
                         f"{', '.join(denial_reasons())}")
    suffix = Path(args.out).suffix.lower()
    if suffix not in FORMATS:
        raise InputError("--out", f"a letter is written as {', '.join(FORMATS)}, not {suffix!r}")
    picked = [Diagnosis.parse(x) for x in args.icd]
    result = recommend(procedure_from_args(args), context_from_args(args), alternatives=False)
    claim = claim_from_protocol(result, picked)
    letter = build_letter(args.kind, claim, args.plan, args.reason)
    path = write_letter(letter, args.out)
    print(f"wrote {path} ({len(letter.placeholders)} blanks to fill in). {DISCLAIMER}")
    return 0


def patient_cost(total: float, on: str, provider: str, deductible_met: float) -> dict[str, Any]:
    """What the patient pays of a claim under Original Medicare, for ``claim --patient``."""
    c = medicare_patient_cost(total, on, provider, deductible_met)
    return {"provider": provider, "rows": [{"what": w, "amount": a} for w, a in c.rows()],
            "patient_pays": c.patient_pays, "medicare_pays": c.medicare_pays,
            "sources": [f.source_line() for f in c.figures]}


def print_patient_cost(total: float, on: str, provider: str, deductible_met: float) -> None:
    c = patient_cost(total, on, provider, deductible_met)
    print(f"patient cost under Original Medicare Part B: {PROVIDERS[provider]}, "
          f"{fmt_money(deductible_met)} of the deductible already paid")
    width = max(len(row["what"]) for row in c["rows"])
    for row in c["rows"]:
        print(f"  {row['what']:<{width}} {fmt_money(row['amount']):>12}")
    for s in c["sources"]:
        print(f"  source: {s}")
