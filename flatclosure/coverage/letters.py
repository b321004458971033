"""Letters that ask a plan to pay for aesthetic flat closure: (a) a letter of medical necessity
and prior-authorization request, (b) an appeal of a denial answering the reason the plan gave.

A letter is a plain document value (:class:`Letter`: headings, paragraphs, lists, a table),
written to Word, HTML or PDF by ``flatclosure.coverage.writers``. Its facts come from the claim
(:class:`~flatclosure.coverage.claim.CoverageClaim`) and from data/coverage/: the coverage basis
of the plan type, the NCI definition, the deadlines, the answer to the denial reason. Patient,
plan and dates are visible placeholders such as [PATIENT NAME]: nothing about the patient is
stored or sent. Every letter says it is information, not legal advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalog import AMA_NOTICE
from ..errors import InputError
from .claim import CoverageClaim
from .tables import (
    LETTER_KINDS,
    UNCONFIRMED,
    Authority,
    appeal_steps,
    authorities,
    check_plan,
    coverage_basis,
    denial_reason,
)

DISCLAIMER = ("This letter was drafted with flatclosure, a workbook that gives information, not "
              "legal advice. Check every statement against the patient's record and the plan's "
              "own documents, and fill in every bracketed blank, before sending it.")
PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9 ]*[A-Z0-9](:[^\]]*)?\]")
TITLES = {"prior-auth": "Letter of medical necessity and request for prior authorization",
          "appeal": "Appeal of a denied claim for aesthetic flat closure"}


@dataclass(frozen=True)
class Block:
    """One piece of a letter: a heading, a paragraph, a bulleted list or a table."""

    kind: str  # heading | para | bullets | table | note
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Letter:
    kind: str
    plan: str
    title: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """Everything the letter says, as plain text (for tests and search)."""
        parts = [self.title]
        for b in self.blocks:
            parts += [b.text, *b.items, *(" | ".join(r) for r in b.rows)]
        return "\n".join(p for p in parts if p)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.group(0) for m in PLACEHOLDER.finditer(self.text())))

    @property
    def filename(self) -> str:
        return f"flatclosure-{self.kind}-{self.plan.replace('_', '-')}"


def _head(kind: str) -> list[Block]:
    ref = ("Re: [PATIENT NAME], member ID [MEMBER ID], date of birth [DATE OF BIRTH]; "
           "claim [CLAIM NUMBER], denied on [DATE OF DENIAL]" if kind == "appeal" else
           "Re: [PATIENT NAME], member ID [MEMBER ID], date of birth [DATE OF BIRTH]; "
           "planned surgery on [DATE OF SURGERY]")
    return [Block("note", DISCLAIMER),
            Block("para", "[DATE]"),
            Block("para", "To: [PLAN NAME], [PLAN ADDRESS OR FAX]"),
            Block("para", "From: [SURGEON NAME], [CREDENTIALS], NPI [NPI], [PRACTICE ADDRESS]"),
            Block("para", ref)]


def _request(kind: str) -> Block:
    if kind == "appeal":
        return Block("para", "I ask you to reverse the denial of the claim above and pay it. The "
                     "surgery was aesthetic flat closure, the reconstruction of the chest wall "
                     "after mastectomy that the patient chose with me in place of a breast "
                     "mound. The claim lines, the coverage rule that applies to this plan and the "
                     "answer to the reason you gave follow.")
    return Block("para", "I request prior authorization for aesthetic flat closure, the "
                 "reconstruction of the chest wall after mastectomy that the patient chose with "
                 "me in place of a breast mound. The planned claim lines, the diagnoses, the "
                 "coverage rule that applies to this plan and what the operative note will "
                 "document follow.")


def _claim_blocks(claim: CoverageClaim) -> list[Block]:
    rows = [("Claim line", "Units", "What it is (our words)", "Diagnoses (ICD-10-CM)")]
    for ln in claim.lines:
        diags = "; ".join(str(d) for d in ln.diagnoses) or "[DIAGNOSIS CODES FOR THIS LINE]"
        rows.append((ln.line, str(ln.units), ln.description, diags))
    diagnoses = [str(d) for d in claim.diagnoses] or ["[DIAGNOSIS CODES: choose what the record "
                                                       "supports]"]
    return [Block("heading", "Clinical facts"),
            Block("para", "[CLINICAL SUMMARY: diagnosis and its dates, the mastectomy (date, "
                  "side, surgeon), treatment since, current findings on examination, and the "
                  "patient's choice of a flat chest wall]"),
            Block("bullets", "Diagnoses:", tuple(diagnoses)),
            Block("heading", "The procedure, as coded"),
            Block("para", f"Codes and rules as in force on {claim.on}; setting: {claim.setting}."),
            Block("table", rows=tuple(rows)),
            Block("note", AMA_NOTICE)]


def _cites(items: tuple[Authority, ...]) -> tuple[str, ...]:
    return tuple(f"{a.cite}: {a.plain}" + ("" if a.confidence in ("High", "Medium") else
                                           f" ({a.confidence})") for a in items)


def _coverage_blocks(plan: str) -> list[Block]:
    basis = coverage_basis(plan)
    nci = authorities()["nci_afc"]
    return [Block("heading", f"Coverage basis for this plan: {basis.label}"),
            Block("bullets", "The rule that applies:", _cites(basis.coverage_law)),
            Block("para", f"What it requires: {basis.requires}"),
            Block("para", f"What it does not settle: {basis.not_settled}"),
            Block("heading", "Why aesthetic flat closure is reconstruction"),
            Block("para", f"{nci.plain} ({nci.cite}.)"),
            Block("para", CONSULTATION if _whcra(basis.authorities) else
                  "The patient chose a flat chest wall in consultation with me, the attending "
                  "physician, after a mastectomy done for a medical reason.")]


CONSULTATION = ("The patient chose a flat chest wall in consultation with me, the attending "
                "physician; the federal rule requires reconstruction coverage in a manner "
                "determined in consultation with the attending physician and the patient.")


def _whcra(items: tuple[Authority, ...]) -> bool:
    return any(a.id in ("erisa_713", "phsa_2727", "phsa_2752") for a in items)


def _documentation(kind: str, claim: CoverageClaim) -> list[Block]:
    verb = "documents" if kind == "appeal" else "will document"
    items = claim.documentation or ("[WHAT THE OPERATIVE NOTE SHOWS]",)
    return [Block("heading", f"What the operative note {verb}"),
            Block("bullets", "Enclosed or available on request: the operative note, the "
                  "pathology report and photographs where the patient agrees.", items)]


def _deadline_blocks(kind: str, plan: str) -> list[Block]:
    steps = appeal_steps(plan, kind)
    heading = "Appeal rights and deadlines" if kind == "appeal" else "Decision deadlines"
    items = tuple(f"{s.what}: {s.deadline}. Source: {s.authority.cite}; {s.source}"
                  f" ({s.confidence})" for s in steps)
    note = ("Deadlines run from the date in the plan's notice; where the notice gives a date, it "
            "governs. Items marked UNCONFIRMED were not found in the sources read.")
    return [Block("heading", heading), Block("bullets", note, items or (UNCONFIRMED,))]


def _sources(plan: str, reason_ids: tuple[Authority, ...]) -> Block:
    basis = coverage_basis(plan)
    used = dict.fromkeys([*basis.authorities, authorities()["nci_afc"], *reason_ids])
    steps = {s.authority for k in LETTER_KINDS for s in appeal_steps(plan, k)}
    used.update(dict.fromkeys(sorted(steps, key=lambda a: a.id)))
    return Block("bullets", "Sources (confidence: High = official text; Medium = reputable "
                 "restatement; UNCONFIRMED = not found):", tuple(a.source_line() for a in used))


def build_letter(kind: str, claim: CoverageClaim, plan: str, reason: str | None = None) -> Letter:
    """A prior-authorization letter (``kind="prior-auth"``) or an appeal answering ``reason``
    (cosmetic, not_medically_necessary, not_covered, coding_edit) for a plan type."""
    if kind not in LETTER_KINDS:
        raise InputError("kind", f"unknown letter {kind!r} (known: {', '.join(LETTER_KINDS)})")
    plan = check_plan(plan)
    blocks = _head(kind) + [_request(kind)] + _claim_blocks(claim) + _coverage_blocks(plan)
    cited: tuple[Authority, ...] = ()
    if kind == "appeal":
        if reason is None:
            raise InputError("reason", "an appeal answers a denial reason: pick one")
        why = denial_reason(reason)
        cited = why.authorities
        blocks += [Block("heading", f"The reason given for the denial: {why.label.lower()}"),
                   Block("para", why.answer)]
    blocks += _documentation(kind, claim) + _deadline_blocks(kind, plan)
    blocks += [Block("para", "Please contact me at [PHONE] with any question."),
               Block("para", "Sincerely,"), Block("para", "[SURGEON NAME], [CREDENTIALS]"),
               Block("heading", "Sources"), _sources(plan, cited), Block("note", DISCLAIMER)]
    return Letter(kind, plan, TITLES[kind], tuple(blocks))
