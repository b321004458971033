"""Getting flat closure paid: which coverage law applies, what the patient pays, and letters.

- ``tables``: the sourced rows of data/coverage/ (coverage basis by plan type, deadlines,
  Part B deductibles, cost-sharing rules, sequestration; diagnoses are the protocol's own);
- ``claim``: :class:`CoverageClaim`, the input of everything here, and its one adapter from a
  protocol result;
- ``cost``: the patient's share under Original Medicare or another plan's cost sharing;
- ``letters`` and ``writers``: prior-authorization and appeal letters as Word, HTML or PDF.

Information, not legal advice: every letter and view says so.
"""

from .claim import CoverageClaim, CoverageLine, Diagnosis, claim_from_protocol
from .cost import PROVIDERS, MedicareCost, PlanCost, medicare_patient_cost, plan_patient_cost
from .letters import DISCLAIMER, Letter, build_letter
from .tables import LETTER_KINDS, PLAN_TYPES, appeal_steps, coverage_basis, denial_reasons
from .writers import PdfError, render, to_docx, to_html, to_pdf, write_letter

__all__ = [
    "DISCLAIMER", "LETTER_KINDS", "PLAN_TYPES", "PROVIDERS", "CoverageClaim", "CoverageLine",
    "Diagnosis", "Letter", "MedicareCost", "PdfError", "PlanCost", "appeal_steps",
    "build_letter", "claim_from_protocol", "coverage_basis", "denial_reasons",
    "medicare_patient_cost", "plan_patient_cost", "render", "to_docx", "to_html", "to_pdf",
    "write_letter",
]
