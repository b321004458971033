"""Notebook 00's panel in plain Python: the described closure gives the protocol's codes and the
claim engine's total (golden figures from the CMS extracts)."""

from __future__ import annotations

import pytest

from flatclosure.claims import PricingContext, price_claim
from flatclosure.widgets import Surgery, price_surgery, surgery_panel


@pytest.fixture()
def panel():
    return surgery_panel(year=2025)


def lines(p) -> list[str]:
    return [ln.line for ln in p.result.lines]


def test_default_is_a_bilateral_closure_with_tissue_rearrangement(panel) -> None:
    assert panel.length.disabled and "fc-off" in panel.length._dom_classes  # area applies
    assert not panel.area.disabled and "fc-off" not in panel.area._dom_classes
    assert lines(panel) == ["14301-RT", "14301-LT"]
    # 2025 (RVU25D, CF 32.3465): 14301 26.25 RVU = 849.0956; one transfer per side, RT and LT,
    # bilateral indicator 0: both sides paid as one, 100% = 849.10 (the LT line 0.00)
    assert panel.result.total == 849.10
    assert list(panel.figure.data[0].x) == [849.10, 0.0]
    assert "Codes: 14301-RT, 14301-LT" in panel.codes.value
    assert "$849.10" in panel.total.value and "Denial risk" in panel.total.value
    panel.bilateral.value = "rt_lt_distinct"  # the payer's convention: LT with XS, ranked 50%
    assert lines(panel) == ["14301-RT", "14301-LT-XS"] and panel.result.total == 1273.65
    assert '<table class="fc-table fc-fit">' in panel.table.value  # fits a narrow Lab column


def test_controls_reprice_the_claim(panel) -> None:
    panel.tissue_rearrangement.value = False  # 7 cm complex repair a side: 14 cm summed
    assert lines(panel) == ["13101", "13102x2"]
    # 13101 2025: 7.40 x 32.3465 = 239.36; 13102 (14 - 7.5) / 5 -> 2 units: 2.14 x 2 x 32.3465
    # = 138.44 (add-on); total 377.80
    assert panel.result.total == 377.80
    panel.repair.value = "intermediate"  # layered only: 12035 (12.6-20 cm), 7.30 x 32.3465
    assert lines(panel) == ["12035"] and panel.result.total == 236.13
    assert panel.area.disabled and not panel.length.disabled
    # greyed out too: a disabled slider alone looks like an enabled one
    assert "fc-off" in panel.area._dom_classes and "fc-off" not in panel.length._dom_classes
    panel.tissue_rearrangement.value = True
    panel.area.value = 100  # 60 in 14301, 40 more: two add-on units of 30 sq cm (or part)
    want = ["14301-RT", "14302-RTx2", "14301-LT", "14302-LTx2"]
    assert lines(panel) == want
    # 14302 2025: 3.73 + 2.04 + 0.66 = 6.43 x 32.3465 = 207.988, x2 = 415.98 for one side (RT/LT,
    # indicator 0), add-on unreduced; 849.10 + 415.98 = 1265.08
    assert panel.result.total == 1265.08
    on = panel.catalog.date_for_year(2025)
    assert panel.result.total == price_claim(want, PricingContext(on)).total
    panel.sides.value = "left"
    assert lines(panel) == ["14301-LT", "14302-LTx2"] and panel.bilateral.disabled


def test_locality_and_year_without_gpcis(panel) -> None:
    panel.locality.combobox.value = next(k for k in panel.locality.combobox.options
                                         if "(01182:18)" in k)
    assert panel.locality.locality == "01182:18"
    on = panel.catalog.date_for_year(2025)
    la = price_claim(["14301-RT", "14301-LT"], PricingContext(on, locality="01182:18"))
    assert panel.result.total == la.total and "Los Angeles" in panel.total.value
    panel.year.value = 2026  # no 2026 GPCI file: national only, and the note says so
    assert panel.locality.locality is None and panel.locality.combobox.disabled
    assert "No GPCI file is held for 2026" in panel.locality.note.value
    assert panel.result.total == price_surgery(Surgery(2026)).total


def test_impossible_size_shows_a_message(panel) -> None:
    panel.tissue_rearrangement.value = False
    panel.length.value = 0.6
    assert not panel.errors.showing  # 1.2 cm summed: the smallest complex repair (13100)
    assert lines(panel) == ["13100"]
    panel.length.value = 0.5  # 1.0 cm summed: not above 13100's 1 cm
    # the message names the control to change by its label, not the engine's field name
    assert panel.errors.showing and "Repair length per side (cm)" in panel.errors.message
    assert panel.result is None


def test_a_link_read_after_the_panel_is_built_is_what_the_page_shows() -> None:
    asked: list[str] = []

    def query() -> str:  # the app's page_query: waits for the request, after the panel is built
        asked.append("asked")
        return "setting=office&locality=01182:18&sides=left&colour=red"

    panel = surgery_panel(year=2025, query=query)
    assert asked == ["asked"]
    assert panel.binding is not None and panel.binding.computed == 2  # the defaults, the link
    on = panel.catalog.date_for_year(2025)
    want = price_claim(["14301-LT"], PricingContext(on, "office", "01182:18"))
    assert panel.result is not None and panel.url is not None
    assert lines(panel) == ["14301-LT"] and panel.result.total == want.total
    assert panel.url.problems == ["'colour' is not a setting of this page"]
    # the figure was built on the defaults; what the page reads when it shows it is the link's
    panel._repr_mimebundle_()
    assert list(panel.figure._widget_data[0]["x"]) == [ln.allowed for ln in want.lines]


def test_an_impossible_link_greys_the_panel_and_names_the_control() -> None:
    panel = surgery_panel(year=2025, query="setting=office&claim=with_mastectomy&area=0")
    assert panel.result is None and "Change “Setting”." in panel.errors.widget.value
    assert panel.url is not None
    assert panel.url.problems == ["area=0 is outside “Defect area per side (sq cm)”: 1 to 240"]
    assert "fc-stale" in panel.total._dom_classes


def test_a_surgery_seen_before_is_shown_again_without_pricing(panel) -> None:
    first = panel.binding.result
    panel.setting.value = "office"
    office = panel.total.value
    panel.setting.value = "facility"
    assert panel.binding.result is first  # the same page as before, not priced again
    assert "$849.10" in panel.total.value and "$849.10" not in office
    second = surgery_panel(year=2025)  # a second panel of the same surgery shows the same page
    assert second.binding is not None and second.binding.result is first
