"""The binding helper (one rule for every view) and the URL round trip, on notebooks 00 and 01's
views in plain Python (golden totals from the CMS extracts, arithmetic in tests of 00)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from flatclosure.errors import InputError
from flatclosure.widgets import catalog_view, surgery_panel
from flatclosure.widgets.binding import Binding
from flatclosure.widgets.common import ErrorPanel
from flatclosure.widgets.urlstate import UrlState, in_voila, page_query


def test_closure_with_mastectomy_then_office_greys_the_old_claim() -> None:
    """Issue 14, found 3: the old codes, total and chart stayed beside the error as if current."""
    panel = surgery_panel(year=2025)
    panel.claim.value = "with_mastectomy"
    assert panel.result is not None and "19303-50" in panel.codes.value
    panel.setting.value = "office"  # 19303 is priced in the facility setting only
    assert panel.result is None
    for out in (panel.codes, panel.total, panel.figure, panel.table):
        assert "fc-stale" in out._dom_classes
    assert panel.errors.message.startswith("Change “Setting”.")
    assert "facility setting only" in panel.errors.message
    assert "out of date" in panel.errors.widget.value and ".fc-stale" in panel.errors.widget.value
    panel.setting.value = "facility"  # back to a claim that exists: fresh again
    assert panel.result is not None and not panel.errors.showing
    assert all("fc-stale" not in o._dom_classes for o in (panel.codes, panel.figure))


def test_hold_computes_once_with_every_value_in_place() -> None:
    a, b = widgets.IntSlider(value=1, max=10), widgets.IntSlider(value=2, max=10)
    seen: list[tuple[int, int]] = []
    binding = Binding({"a": a, "b": b}, lambda v: (v["a"], v["b"]), seen.append,
                      errors=ErrorPanel())
    with binding.hold():
        a.value, b.value = 5, 6
        assert seen == []
    assert seen == [(5, 6)] and binding.computed == 1


def test_error_without_a_known_field_asks_to_change_the_choices() -> None:
    a = widgets.IntSlider(value=1, max=10, description="Units")
    out = widgets.HTML()

    def compute(v: dict) -> int:
        if v["a"] > 3:
            raise InputError("units", "more than 3 units cannot be billed")
        return v["a"]

    binding = Binding({"a": a}, compute, lambda r: setattr(out, "value", str(r)),
                      errors=ErrorPanel(), outputs=[out], fields={"units": "a"})
    binding.refresh()
    a.value = 4
    assert binding.errors.message == "Change “Units”. more than 3 units cannot be billed"
    assert binding.stale and out.value == "1" and "fc-stale" in out._dom_classes


def test_surgery_round_trips_through_the_url() -> None:
    panel = surgery_panel(year=2025)
    panel.locality.combobox.value = next(k for k in panel.locality.combobox.options
                                         if "(01182:18)" in k)
    panel.tissue_rearrangement.value = False
    panel.length.value = 9.5
    query = panel.url.query()
    assert "locality=01182%3A18" in query and "tissue_rearrangement=no" in query
    again = surgery_panel(query=query)
    assert again.url.problems == []
    assert again.surgery() == panel.surgery()
    assert again.result is not None and panel.result is not None
    assert again.result.total == panel.result.total
    # built on the defaults before the page request, then the link's values in one refresh; the
    # state a page reads when it first shows the chart is the link's claim (in Voila, updates
    # made to a figure before its page shows it never arrive as messages)
    assert again.binding is not None and again.binding.computed == 2
    assert list(again.figure.data[0].y) == [ln.line for ln in again.result.lines]
    again._repr_mimebundle_()
    assert list(again.figure._widget_data[0]["y"]) == [ln.line for ln in again.result.lines]
    # 9.5 cm a side, summed over both sides (CPT): 19 cm = 13101 (7.5 cm) + 13102 x3 (3 x 5 cm)
    assert list(again.figure.data[0].y)[:2] == ["13101", "13102x3"]


def test_bad_or_stale_parameters_are_named_and_ignored() -> None:
    panel = surgery_panel(query="year=1999&area=0&sides=both&setting=office&colour=red&area=x")
    assert panel.url.problems == [
        "year='1999' is not a choice of “Year of surgery” (2019, 2020, 2021, 2022, 2023, 2024, "
        "2025, 2026)",
        "area=0 is outside “Defect area per side (sq cm)”: 1 to 240",
        "'colour' is not a setting of this page",
        "area='x' is not a number (“Defect area per side (sq cm)”)",
    ]
    assert panel.setting.value == "office" and panel.area.value == 45  # the good one applied
    assert "Ignored from the link: area=0 is outside" in panel.url.notes.value
    assert panel.result is not None


def test_catalog_round_trips_through_the_url() -> None:
    view = catalog_view(year=2025)
    view.year.value, view.family.value = 2021, "mastectomy"
    again = catalog_view(query=view.url.query())
    assert (again.year.value, again.family.value) == (2021, "mastectomy")
    assert again.frames["codes"]["code"].tolist() == view.frames["codes"]["code"].tolist()
    assert again.gap_figure.layout.title.text.startswith("The value gap, 2021")


def test_outside_voila_there_is_no_query_and_no_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert not in_voila() and page_query() == ""
    state = UrlState({"a": widgets.IntSlider(value=3)})
    assert state.link.layout.display == "none" and state.query() == "a=3"
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "a=4")
    assert page_query() == "a=4"
    shown = UrlState({"a": widgets.IntSlider(value=3)})
    assert shown.link.layout.display is None and 'href="?a=3"' in shown.link.value
