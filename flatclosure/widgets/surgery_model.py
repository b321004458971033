"""Notebook 00's question as a value (``Surgery``) and its answer (``price_surgery``): the coding
protocol's priced claim for the closure described, and the page showing it (``surgery_page``).
Re-exported by ``flatclosure.widgets.surgery``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from ..catalog import Catalog, load_catalog
from ..claims import PricingContext
from ..present.formatting import fmt_money, fmt_prose, fmt_text
from ..protocol import Procedure, ProtocolResult, default_rules, recommend
from .common import DESCRIPTION_COLUMN, STYLE, html_table, note

if TYPE_CHECKING:
    from .. import figures

LINE_COLUMNS = [
    ("line", "Claim line", fmt_text),
    DESCRIPTION_COLUMN,
    ("fee_schedule", "Fee schedule, one unit (US$)", fmt_money),
    ("allowed", "Allowed (US$)", fmt_money),
    ("denial_risk", "Denial risk", fmt_text),
    ("rules", "Payment rules applied", fmt_prose),
]
CHART_TITLE = "Allowed per claim line"


@dataclass(frozen=True)
class Surgery:
    """What the panel asks: when, where, and the closure itself (sizes are per side)."""

    year: int
    setting: str = "facility"
    locality: str | None = None
    sides: str = "both"
    tissue_rearrangement: bool = True
    area_sq_cm: float = 45.0
    length_cm: float = 7.0
    second_side: str = "rt_lt"
    claim: str = "closure"
    repair: str = "complex"

    def procedure(self) -> Procedure:
        """The protocol's input: the surgery's facts (sizes per side)."""
        with_mastectomy = self.claim == "with_mastectomy"
        return Procedure(
            stage="initial" if with_mastectomy else "revision",
            mastectomy_code=str(default_rules().settings["default_mastectomy_code"])
            if with_mastectomy else None, sides=self.sides,
            rearrangement=self.tissue_rearrangement,
            defect_area_cm2=self.area_sq_cm if self.tissue_rearrangement else 0.0,
            repair_length_cm=0.0 if self.tissue_rearrangement else self.length_cm,
            layered_closure=True, extensive_undermining=self.repair == "complex",
            second_side=self.second_side, diagnosis="cancer" if with_mastectomy else "history")

    def context(self, catalog: Catalog | None = None) -> PricingContext:
        """Where and when: the year's date (``Catalog.date_for_year``)."""
        cat = catalog or load_catalog()
        return PricingContext(cat.date_for_year(self.year), self.setting, self.locality)


def price_surgery(s: Surgery, catalog: Catalog | None = None) -> ProtocolResult:
    """The protocol's priced claim for the surgery described."""
    cat = catalog or load_catalog()
    return recommend(s.procedure(), s.context(cat), catalog=cat, alternatives=False)


def result_frame(result: ProtocolResult, catalog: Catalog | None = None) -> pd.DataFrame:
    """The priced lines with our plain-language description of each code and its denial risk."""
    cat = catalog or load_catalog()
    frame = result.claim.to_frame()
    frame["description"] = [cat.info(c).description for c in frame["code"]]
    frame["denial_risk"] = [ln.denial_risk for ln in result.lines]
    return frame


@dataclass(frozen=True)
class SurgeryPage:
    """What notebook 00 shows for one surgery: the priced claim, its lines, the HTML of the
    codes, the total and the claim table, and the chart's spec (shared by the panels showing
    the same surgery: read it, never change it)."""

    surgery: Surgery
    result: ProtocolResult
    frame: pd.DataFrame
    codes: str
    total: str
    table: str
    chart: figures.FigureSpec


# Computed once per surgery and catalog (issue 15: a refresh took 1.7 ms, now a lookup for a
# surgery seen before, e.g. a setting switched back). Errors are not cached.
@lru_cache(maxsize=64)
def surgery_page(s: Surgery, catalog: Catalog) -> SurgeryPage:
    """The priced claim of ``s`` and the page showing it (may raise FlatclosureError)."""
    from .. import figures  # plotly: only a page with the chart (the start page prices only)

    result = price_surgery(s, catalog)
    frame = result_frame(result, catalog)
    claim = result.claim
    where = (f"{s.year} ({claim.context.on.isoformat()}), {s.setting}, "
             f"{claim.locality_name}, conversion factor ${claim.conversion_factor:.4f} per RVU")
    return SurgeryPage(
        surgery=s, result=result, frame=frame,
        codes=STYLE + note("Codes: " + ", ".join(ln.line for ln in result.lines), "fc-total"),
        total=STYLE + (
            f'<div class="fc-total">Medicare allowed, whole claim: {fmt_money(result.total)}'
            f"</div>" + note(f"{where}. Denial risk of the claim: {result.denial_risk}.")
            + "".join(note(f"Note: {w}") for w in result.warnings)
            + "".join(note(f"Left off the claim: {b.code} ({b.side}): {b.reason}")
                      for b in result.bundled)),
        # prose columns wrap narrower, so every column fits JupyterLab beside its file browser
        table=html_table(frame, LINE_COLUMNS, caption="The claim, line by line",
                         css_class="fc-table fc-fit"),
        chart=figures.claim_spec(frame, CHART_TITLE),
    )
