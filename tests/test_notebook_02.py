"""Notebook 02's view, built by the notebook's own cell: it shows what the engine computes."""

from __future__ import annotations

from flatclosure.claims import PricingContext
from flatclosure.protocol import Procedure, recommend
from tests.notebook_cells import build_view


def test_the_view_shows_what_the_engine_computes() -> None:
    view = build_view("02_coding_protocol.ipynb", "view")
    c = view.controls
    on = view.catalog.date_for_year(c["year"].value)
    engine = recommend(Procedure(mastectomy_code="19303", defect_area_cm2=45, repair_length_cm=7,
                                 layered_closure=True), PricingContext(on))
    assert [ln.line for ln in view.result.lines] == ["19303-50"]  # the closure is included
    assert view.result.total == engine.total and view.out.figure.data[0].x[0] == engine.total
    assert list(view.out.figure.data[1].x[1:]) == [a.total for a in engine.alternatives]
    assert list(view.frames["bundled"]["code"]) == ["14301", "14301"]
    assert list(view.frames["claim"]["diagnoses"])[0].startswith("C50.911 ")
    assert view.url.problems == []  # outside the app the page has no query
    c["rearrangement"].value = False  # a 7 cm layered repair a side: included too
    assert list(view.frames["bundled"]["code"]) == ["12035"]  # 14 cm summed: intermediate, 12.6-20 cm
    c["stage"].value = "revision"
    assert [ln.line for ln in view.result.lines] == ["12035"]
    c["prior_surgery"].value = True  # 30 days after 19303: inside its 90-day global period
    assert view.errors.showing and "Change “Inside its global period”" in view.errors.message
    c["global_modifier"].value = "58"
    assert [ln.line for ln in view.result.lines] == ["12035-58"]
    view.card_button.click()
    assert 'download="protocol_card_' in view.card_output.value
