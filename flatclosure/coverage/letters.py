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
          "appeal": "Appeal of a denied claim for aesthetic flat closure",
          "medicare": "Letter of medical necessity for aesthetic flat closure"}


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


def _head(kind: str, plan: str, reason: str | None) -> list[Block]:
    member = ("Medicare number [MEDICARE NUMBER]" if plan == "medicare" else
              "member ID [MEMBER ID]")
    about = ("claim [CLAIM NUMBER], denied on [DATE OF DENIAL]" if kind == "appeal" else
             "planned surgery on [DATE OF SURGERY]")
    return [_office_note(kind, plan, reason),
            Block("para", "[DATE]"),
            Block("para", "To: [MEDICARE ADMINISTRATIVE CONTRACTOR], [ADDRESS OR FAX]"
                  if plan == "medicare" else "To: [PLAN NAME], [PLAN ADDRESS OR FAX]"),
            Block("para", "From: [SURGEON NAME], [CREDENTIALS], NPI [NPI], [PRACTICE ADDRESS]"),
            Block("para", f"Re: [PATIENT NAME], {member}, date of birth [DATE OF BIRTH]; {about}")]


def _to_check(kind: str, plan: str, reason: str | None) -> tuple[str, ...]:
    """What the letter states from a source below High confidence: the office checks it."""
    basis = coverage_basis(plan)
    cited = [*basis.coverage_law, authorities()["nci_afc"]]
    if reason is not None:
        cited += denial_reason(reason, plan).authorities
    cited += [s.authority for s in appeal_steps(plan, kind)]
    weak = [a for a in dict.fromkeys(cited) if a.confidence != "High"]
    return tuple(f"{a.cite} ({a.confidence}): {a.source}" for a in weak)


def _office_note(kind: str, plan: str, reason: str | None) -> Block:
    """The box for the office, to read and delete before sending: what the law leaves open and
    which statements rest on sources below High confidence."""
    check = _to_check(kind, plan, reason)
    basis = coverage_basis(plan)
    items = (*((f"What the rule requires: {basis.requires}",)
               if basis.answer_set == "plan_rules" else ()),
             f"What the law does not settle: {basis.not_settled}",
             *(f"Check against the source before relying on it: {c}" for c in check))
    return Block("note", f"For the office: read, then delete this box before sending. "
                 f"{DISCLAIMER}", items)


def _request(kind: str, plan: str) -> Block:
    if plan == "medicare" and kind == "prior-auth":
        return Block("para", "This letter documents the medical necessity of aesthetic flat "
                     "closure: the reconstruction of the chest wall after mastectomy that the "
                     "patient chose with me in place of a breast mound.")
    if kind == "appeal":
        return Block("para", "I ask you to reverse the denial of the claim above and pay it. The "
                     "surgery was aesthetic flat closure: the reconstruction of the chest wall "
                     "after mastectomy that the patient chose with me in place of a breast "
                     "mound.")
    return Block("para", "I request prior authorization for aesthetic flat closure: the "
                 "reconstruction of the chest wall after mastectomy that the patient chose with "
                 "me in place of a breast mound.")


def _claim_blocks(claim: CoverageClaim) -> list[Block]:
    rows = [("Claim line", "Units", "What it is (our words)", "Diagnoses (ICD-10-CM)")]
    for ln in claim.lines:
        diags = "; ".join(str(d) for d in ln.diagnoses) or "[DIAGNOSIS CODES FOR THIS LINE]"
        rows.append((ln.line, str(ln.units), ln.description, diags))
    return [Block("heading", "Clinical facts"),
            Block("para", "[CLINICAL SUMMARY: diagnosis and its dates, the mastectomy (date, "
                  "side, surgeon), treatment since, current findings on examination, and the "
                  "patient's choice of a flat chest wall]"),
            Block("heading", "The procedure, as coded"),
            Block("para", f"Codes as in force on {claim.on}; setting: {claim.setting}."),
            Block("table", rows=tuple(rows)),
            Block("note", AMA_NOTICE)]


def _coverage_blocks(plan: str) -> list[Block]:
    basis = coverage_basis(plan)
    nci = authorities()["nci_afc"]
    rule = "; ".join(a.cite for a in basis.coverage_law)
    said = (f"{basis.requires}" + (f" ({rule}.)" if rule else "")
            if basis.answer_set != "plan_rules" else PLAN_RULES)
    blocks = [Block("heading", "Coverage for this plan"), Block("para", said),
              Block("para", f"Aesthetic flat closure is reconstruction: {nci.plain} ({nci.cite}.)")]
    if basis.answer_set == "federal_mandate":
        blocks.append(Block("para", CONSULTATION))
    return blocks


# where the plan's or the state's own rules decide, the letter asks for them; what we know of
# those rules (coverage_basis.csv `requires`) is told to the office, not argued to the plan
PLAN_RULES = ("Please tell me in writing which rules on reconstruction after mastectomy this plan "
              "follows, and send the provision you applied to this claim.")
CONSULTATION = ("The patient chose a flat chest wall in consultation with me, the attending "
                "physician; the federal requirement provides for reconstruction in a manner "
                "determined in consultation with the attending physician and the patient.")


def _documentation(kind: str, claim: CoverageClaim) -> list[Block]:
    verb = "documents" if kind == "appeal" else "will document"
    items = claim.documentation or ("[WHAT THE OPERATIVE NOTE SHOWS]",)
    return [Block("heading", f"What the operative note {verb}"),
            Block("bullets", "Enclosed or available on request: the operative note, the "
                  "pathology report and photographs where the patient agrees.", items)]


def _deadline_blocks(kind: str, plan: str) -> list[Block]:
    steps = appeal_steps(plan, kind)
    heading = "Appeal rights and deadlines" if kind == "appeal" else "Decision deadlines"
    one = len({s.authority for s in steps}) == 1
    items = tuple(s.said + ("" if one else f" ({s.authority.cite})") for s in steps)
    note = ("Time limits count from receipt of the notice; check them against the dates it gives"
            + (f". Source: {steps[0].authority.cite}." if one else "."))
    return [Block("heading", heading), Block("bullets", note, items or (UNCONFIRMED,))]


def _sources(kind: str, plan: str, cited: tuple[Authority, ...]) -> Block:
    basis = coverage_basis(plan)
    used = dict.fromkeys([*basis.coverage_law, authorities()["nci_afc"], *cited,
                          *(s.authority for s in appeal_steps(plan, kind))])
    return Block("bullets", "", tuple(f"{a.cite}: {a.url}" if a.url else a.cite for a in used))


def build_letter(kind: str, claim: CoverageClaim, plan: str, reason: str | None = None) -> Letter:
    """A prior-authorization letter (``kind="prior-auth"``) or an appeal answering ``reason``
    (cosmetic, not_medically_necessary, not_covered, coding_edit) for a plan type."""
    if kind not in LETTER_KINDS:
        raise InputError("kind", f"unknown letter {kind!r} (known: {', '.join(LETTER_KINDS)})")
    plan = check_plan(plan)
    if kind == "appeal" and reason is None:
        raise InputError("reason", "an appeal answers a denial reason: pick one")
    why = denial_reason(reason, plan) if kind == "appeal" and reason is not None else None
    blocks = (_head(kind, plan, why.reason if why else None) + [_request(kind, plan)]
              + _claim_blocks(claim) + _coverage_blocks(plan))
    if why is not None:
        blocks += [Block("heading", f"The reason given for the denial: {why.label.lower()}"),
                   Block("para", why.answer)]
    blocks += _documentation(kind, claim) + _deadline_blocks(kind, plan)
    blocks += [Block("para", "Please contact me at [PHONE] with any question."),
               Block("para", "Sincerely,"), Block("para", "[SURGEON NAME], [CREDENTIALS]"),
               Block("heading", "Sources"),
               _sources(kind, plan, why.authorities if why else ()), Block("note", DISCLAIMER)]
    # Original Medicare has no general prior authorization for these services (appeal_steps.csv)
    title = TITLES["medicare"] if (plan, kind) == ("medicare", "prior-auth") else TITLES[kind]
    return Letter(kind, plan, title, tuple(blocks))
