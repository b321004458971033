"""Notebook 00's question as a value (``Surgery``) and its answer (``price_surgery``): the coding
protocol's priced claim for the closure described. Re-exported by ``flatclosure.widgets.surgery``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..catalog import Catalog, load_catalog
from ..claims import PricingContext
from ..protocol import Procedure, ProtocolResult, default_rules, recommend


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
