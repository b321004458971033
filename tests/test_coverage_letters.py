"""Prior-authorization and appeal letters: every Word document opened with python-docx and read
for the codes, the diagnoses, the statute of its plan type, the deadlines and the disclaimer."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX

from flatclosure.claims import PricingContext
from flatclosure.coverage import (
    DISCLAIMER,
    CoverageClaim,
    CoverageLine,
    Diagnosis,
    build_letter,
    claim_from_protocol,
    to_docx,
    to_html,
    to_pdf,
    write_letter,
)
from flatclosure.errors import InputError
from flatclosure.protocol import Procedure, recommend

STATUTE = {"employer": "29 U.S.C. 1185b", "individual": "42 U.S.C. 300gg-52",
           "medicare": "NCD ID 64", "medicaid": "42 CFR 431.206"}
REASONS = ["cosmetic", "not_medically_necessary", "not_covered", "coding_edit"]
ANSWER = {"cosmetic": "The surgery is not cosmetic", "not_medically_necessary":
          "treats the consequences of a mastectomy", "not_covered":
          "NCD 140.2 provides for reconstruction after a mastectomy",
          "coding_edit": "No modifier was added to get past an edit"}
MEMBER = {"medicare": "[MEDICARE NUMBER]"}
# what only the federal reconstruction requirement (WHCRA) says: never cited as binding on
# Medicare or Medicaid, which it does not reach (CMS, coverage-sources.md A1)
WHCRA_ONLY = ("1185b", "300gg", "federal requirement",
              "in consultation with the attending physician and the patient")
DEADLINE = {"employer": ["180 days", "4 months"], "individual": ["4 months", "UNCONFIRMED"],
            "medicare": ["120 days", "180 days"], "medicaid": ["Utah, 90 days", "UNCONFIRMED"]}


@pytest.fixture(scope="module")
def protocol_claim() -> CoverageClaim:
    """The protocol's claim for a bilateral revision (45 sq cm a side, 2025), with the
    diagnoses a revision after bilateral mastectomy for cancer carries."""
    result = recommend(Procedure(stage="revision", defect_area_cm2=45.0, diagnosis="history"),
                       PricingContext("2025-06-01"), alternatives=False)
    return claim_from_protocol(result, ["Z90.13", "Z85.3"])


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("plan", list(STATUTE))
@pytest.mark.parametrize("kind", ["prior-auth", "appeal"])
def test_every_word_letter_carries_codes_diagnoses_statute_and_disclaimer(
        protocol_claim: CoverageClaim, plan: str, kind: str) -> None:
    reason = REASONS[list(STATUTE).index(plan)] if kind == "appeal" else None
    text = docx_text(to_docx(build_letter(kind, protocol_claim, plan, reason)))
    # the protocol's own diagnoses per line (issue 9) win over the picked ones
    assert [ln.line for ln in protocol_claim.lines] == ["14301-RT", "14301-LT"]
    for line in ("14301-RT", "14301-LT"):
        assert line in text
    # Z90.1x is the patient's state: both breasts absent on the RT and on the LT line
    assert "Z90.13 Breast and nipple absent after surgery (both sides)" in text
    assert "Z90.11" not in text and "Z90.12" not in text
    assert "Z85.3 Personal history of breast cancer" in text
    assert STATUTE[plan] in text
    assert "rebuild the shape of the chest wall" in text  # the NCI definition, in our words
    assert DISCLAIMER in text and "not legal advice" in text
    assert "[PATIENT NAME]" in text and MEMBER.get(plan, "[MEMBER ID]") in text
    assert "defect" in text.lower()  # the documentation checklist: what the note must show
    assert "CPT codes are copyright American Medical Association" in text
    if kind == "appeal":
        assert ANSWER[reason or ""] in text  # type: ignore[index]
        for deadline in DEADLINE[plan]:
            assert deadline in text


@pytest.mark.parametrize("plan", ["medicare", "medicaid"])
@pytest.mark.parametrize("kind,reason", [("prior-auth", None)] + [("appeal", r) for r in REASONS])
def test_public_programs_letters_do_not_lean_on_whcra(
        protocol_claim: CoverageClaim, plan: str, kind: str, reason: str | None) -> None:
    letter = build_letter(kind, protocol_claim, plan, reason)
    office, body = letter.blocks[0], letter.blocks[1:]
    assert "does not apply" in " ".join(office.items)  # the office is told WHCRA is out
    said = "\n".join([b.text for b in body] + [i for b in body for i in b.items])
    for phrase in WHCRA_ONLY:
        assert phrase not in said, phrase


def test_medium_confidence_sources_are_flagged_for_the_office(
        protocol_claim: CoverageClaim) -> None:
    office = build_letter("appeal", protocol_claim, "medicare", "cosmetic").blocks[0]
    assert office.text.startswith("For the office: read, then delete this box")
    flagged = [i for i in office.items if i.startswith("Check against the source")]
    # the NCI definition (read in restatements only) and the Medicare appeal levels (contractor
    # pages) are Medium in data/coverage/authorities.csv; NCD 140.2 itself is High
    assert len(flagged) == 2
    assert "aesthetic flat closure" in flagged[0] and "(Medium)" in flagged[0]
    assert "Medicare Parts A and B appeals" in flagged[1]


def test_medicare_gets_a_letter_of_medical_necessity_and_deadlines_read_once(
        protocol_claim: CoverageClaim) -> None:
    letter = build_letter("prior-auth", protocol_claim, "medicare")
    # Original Medicare has no general prior authorization for these services (UNCONFIRMED row)
    assert letter.title == "Letter of medical necessity for aesthetic flat closure"
    assert "[MEDICARE ADMINISTRATIVE CONTRACTOR]" in letter.placeholders
    steps = build_letter("appeal", protocol_claim, "medicaid", "cosmetic").text()
    # a step without a limit is said once, not followed by ": UNCONFIRMED" again
    assert "UNCONFIRMED here): UNCONFIRMED" not in steps and "Utah, 90 days" in steps


@pytest.mark.parametrize("plan", ["medicaid", "church_governmental", "nonfederal_governmental"])
def test_where_the_plans_own_rules_decide_the_letter_asks_for_them(
        protocol_claim: CoverageClaim, plan: str) -> None:
    from flatclosure.coverage.letters import PLAN_RULES
    from flatclosure.coverage.tables import coverage_basis

    letter = build_letter("appeal", protocol_claim, plan, "not_covered")
    body = "\n".join(b.text for b in letter.blocks[1:])
    assert PLAN_RULES in body
    # what we know of those rules goes to the office box, not into the argument to the plan
    requires = coverage_basis(plan).requires
    assert requires not in body and any(requires in i for i in letter.blocks[0].items)


def test_placeholders_are_highlighted_in_word(protocol_claim: CoverageClaim) -> None:
    d = docx.Document(io.BytesIO(to_docx(build_letter("prior-auth", protocol_claim, "employer"))))
    marked = {r.text for p in d.paragraphs for r in p.runs
              if r.font.highlight_color == WD_COLOR_INDEX.YELLOW}
    assert {"[PATIENT NAME]", "[DATE OF SURGERY]", "[PLAN NAME]", "[SURGEON NAME]"} <= marked


def test_a_claim_built_directly_and_the_protocols_own_diagnoses() -> None:
    claim = CoverageClaim("2024-08-01", "facility", (
        CoverageLine("19303", ("50",), 1, "Removing the whole breast", 1442.01,
                     (Diagnosis("C50.411", "Breast cancer, upper-outer right"), "C50.912")),
        CoverageLine("15839", (), 1, "Removing excess skin and fat", 600.0, ("L98.7",))),
        documentation=("Length and area of skin removed each side",))
    assert claim.total == 2042.01
    letter = build_letter("appeal", claim, "employer", "not_covered")
    text = letter.text()
    for s in ("19303-50", "15839", "C50.411 Breast cancer, upper-outer right", "C50.912", "L98.7",
              "Length and area of skin removed each side"):
        assert s in text
    # a protocol line that carries its own diagnoses (issue 9) keeps them over the picked ones
    base = recommend(Procedure(stage="revision", sides="left", defect_area_cm2=20.0),
                     PricingContext("2025-06-01"), alternatives=False)
    own = SimpleNamespace(code="Z90.12", label="Acquired absence of left breast and nipple")
    lines = [SimpleNamespace(priced=ln.priced, allowed=ln.allowed, diagnoses=(own,))
             for ln in base.lines]
    fake = SimpleNamespace(lines=lines, claim=base.claim, documentation=base.documentation,
                           context=base.context)
    claim2 = claim_from_protocol(fake, ["Z85.3"])
    assert [d.code for d in claim2.diagnoses] == ["Z90.12"]
    assert "Z90.12" in [d.code for d in claim_from_protocol(base, ["Z85.3"]).diagnoses]


def test_html_escapes_user_text_and_marks_blanks(protocol_claim: CoverageClaim) -> None:
    result = recommend(Procedure(stage="revision", defect_area_cm2=45.0),
                       PricingContext("2025-06-01"), alternatives=False)
    hostile = Diagnosis("Q99.9", "<script>alert(1)</script> & more")
    claim = replace(claim_from_protocol(result), lines=tuple(
        replace(ln, diagnoses=(hostile,)) for ln in claim_from_protocol(result).lines))
    page = to_html(build_letter("appeal", claim, "medicare", "cosmetic"))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert '<span class="fc-blank">[PATIENT NAME]</span>' in page
    assert "NCD ID 64" in page and "120 days" in page


def test_bad_letter_requests_are_refused(protocol_claim: CoverageClaim) -> None:
    with pytest.raises(InputError, match="reason"):
        build_letter("appeal", protocol_claim, "employer")
    with pytest.raises(InputError, match="unknown denial reason 'late'"):
        build_letter("appeal", protocol_claim, "employer", "late")
    with pytest.raises(InputError, match="unknown plan type"):
        build_letter("prior-auth", protocol_claim, "tricare")
    with pytest.raises(InputError, match="kind"):
        build_letter("letter", protocol_claim, "employer")
    with pytest.raises(InputError, match="not an ICD-10-CM code"):
        Diagnosis("Z9013", "no dot")
    with pytest.raises(InputError, match="CODE=label"):
        Diagnosis.parse("Z99.89")
    with pytest.raises(InputError, match="out"):
        write_letter(build_letter("prior-auth", protocol_claim, "employer"), "letter.txt")


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists() and os.environ.get("CI") != "true",
                    reason="the PDF is printed by /usr/bin/chromium")
def test_pdf_is_printed_by_chromium(protocol_claim: CoverageClaim) -> None:
    data = to_pdf(build_letter("appeal", protocol_claim, "employer", "cosmetic"))
    assert data.startswith(b"%PDF") and len(data) > 20_000


def test_a_failing_chromium_is_reported(protocol_claim: CoverageClaim) -> None:
    from flatclosure.coverage import PdfError

    with pytest.raises(PdfError, match="Chromium could not print"):
        to_pdf(build_letter("prior-auth", protocol_claim, "employer"), chromium="/bin/false")


def test_diagnoses_come_from_the_protocols_table() -> None:
    """One ICD-10-CM table (data/protocol/diagnoses.yaml): the choices are its codes rendered for
    every character, the suggestions are what the protocol put on the recommended lines."""
    from flatclosure.coverage.claim import diagnosis_choices, suggested_diagnoses
    from flatclosure.protocol import default_diagnoses

    choices = diagnosis_choices()
    # the protocol's labels, not a second copy: L98.7 as written in diagnoses.yaml
    rule = next(r for r in default_diagnoses().rules if r.code == "L98.7")
    assert choices["L98.7"] == rule.label
    # absence by side (3) and cancer by 9 sites x 2 sexes x 2 sides (36) are all offered
    assert {"Z90.11", "Z90.12", "Z90.13"} <= set(choices)
    assert sum(c.startswith("C50.") for c in choices) == 36
    assert choices["C50.412"] == "Breast cancer, upper-outer quadrant, left breast (female)"
    result = recommend(Procedure(stage="revision", sides="left", defect_area_cm2=20.0),
                       PricingContext("2025-06-01"), alternatives=False)
    picked = suggested_diagnoses(result)
    # the left revision: absence of the left breast, the cancer of the left breast (still
    # treated by default), never the right side's code
    assert "Z90.12" in picked and "C50.912" in picked and "Z90.11" not in picked
    assert Diagnosis.parse("Z90.12").label == choices["Z90.12"]
    with pytest.raises(InputError, match="not in the protocol's ICD-10-CM table"):
        Diagnosis.parse("Q99.9")
