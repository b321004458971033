"""Notebook 00's panel, built by the notebook's own cell: it shows what the engine computes."""

from __future__ import annotations

from flatclosure.catalog import load_catalog
from flatclosure.claims import PricingContext, price_claim
from tests.notebook_cells import build_view


def test_the_panel_shows_what_the_engine_computes() -> None:
    panel = build_view("00_start_here.ipynb", "panel")
    on = load_catalog().date_for_year(panel.year.value)
    # 45 sq cm a side: 14301 per side, RT and LT, indicator 0: both sides paid as one
    expected = price_claim(["14301-RT", "14301-LT"], PricingContext(on))
    assert [str(p.line) for p in panel.result.lines] == ["14301-RT", "14301-LT"]
    assert panel.result.total == expected.total == 849.10
    assert list(panel.figure.data[0].x) == [p.allowed for p in expected.lines]
    panel.area.value = 100  # 60 sq cm in 14301, then 40 more: two add-on units of 30 (or part)
    assert [str(p.line) for p in panel.result.lines][:2] == ["14301-RT", "14302-RTx2"]
    panel.tissue_rearrangement.value = False  # 7 cm complex repair a side: 14 cm summed
    assert [str(p.line) for p in panel.result.lines] == ["13101", "13102x2"]
    assert panel.result.total == price_claim(["13101", "13102x2"], PricingContext(on)).total
