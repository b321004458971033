"""Notebook 01's view built in plain Python (no kernel): set the controls, read the outputs."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from flatclosure.catalog import load_catalog
from flatclosure.errors import NoDataForDateError
from flatclosure.fees import price
from flatclosure.widgets import catalog_view


def bars(fig: go.FigureWidget, trace: int) -> dict:
    return dict(zip(fig.data[trace].y, fig.data[trace].x, strict=True))


@pytest.fixture(scope="module")
def view():
    return catalog_view(year=2025)


def test_opens_on_the_same_default_year_as_the_other_notebooks() -> None:
    from flatclosure.widgets import protocol_view, surgery_panel

    cat = load_catalog()
    assert max(cat.gpci_years()) == 2025 < cat.years()[-1]  # 2026 has no GPCI file
    assert catalog_view().year.value == 2025 == surgery_panel().year.value
    assert protocol_view().controls["year"].value == 2025


def test_opens_on_the_year_with_engine_values(view) -> None:
    assert view.year.value == 2025 and view.family.value == "all"
    # RVU25D, CF 32.3465: 19303 29.07 RVU -> 940.31; 14301 26.25 RVU -> 849.10
    assert bars(view.gap_figure, 2)["19303 (mastectomy)"] == 940.31
    assert bars(view.gap_figure, 0)["14301 (flat closure)"] == 849.10
    assert "$940.31" in view.table.value and "$1,056.11" in view.table.value  # 14301 office
    assert "conversion factor $32.3465" in view.caption.value
    assert not view.errors.showing


def test_year_change_updates_table_and_figures_in_place(view) -> None:
    gap, trend, seed = view.gap_figure, view.trend_figure, view.seed_figure
    view.year.value = 2019
    on = load_catalog().date_for_year(2019)
    assert view.gap_figure is gap and view.trend_figure is trend and view.seed_figure is seed
    assert gap.layout.title.text.startswith("The value gap, 2019")
    # RVU19D, CF 36.0391: 19303 27.69 RVU -> 997.92
    assert bars(gap, 2)["19303 (mastectomy)"] == 997.92 == price("19303", on).price
    assert "15771 (flat closure)" not in bars(gap, 0)  # fat grafting code new for CY2020
    assert trend.layout.shapes[0].x0 == 2019
    assert dict(zip(seed.data[1].x, seed.data[1].y, strict=True))["1930X high (19307)"] == 18.23
    codes = view.frames["codes"].set_index("code")
    assert codes.loc["19303", "facility_price"] == 997.92
    assert "$997.92" in view.table.value
    view.year.value = 2025


def test_family_change_filters_the_table_and_redraws_the_trend(view) -> None:
    view.family.value = "tissue_rearrangement"
    assert list(view.frames["codes"]["code"]) == ["14000", "14001", "14301", "14302"]
    assert [t.name for t in view.trend_figure.data if t.visible] == ["14000", "14001", "14301",
                                                                     "14302"]
    assert "tissue rearrangement" in view.trend_figure.layout.title.text
    assert "19303" not in view.table.value
    # the trend table carries the chart's numbers: 14301 in 2019 (RVU19D):
    # 12.65 + 10.50 + 2.10 = 25.25 x 36.0391 = 909.9873
    assert "$909.99" in view.trend_table.value
    view.family.value = "all"
    assert "19303" in [t.name for t in view.trend_figure.data if t.visible]


def test_an_impossible_value_shows_a_message_not_a_traceback(view, monkeypatch) -> None:
    def no_data(*_a, **_k):
        raise NoDataForDateError("no relative value file held for 2031")

    monkeypatch.setattr("flatclosure.widgets.code_catalog.catalog_frames", no_data)
    view.family.value = "mastectomy"
    assert view.errors.showing
    assert "no relative value file held for 2031" in view.errors.widget.value
    assert view.errors.widget.layout.display is None
    monkeypatch.undo()
    view.family.value = "all"
    assert not view.errors.showing and view.errors.widget.layout.display == "none"


def test_a_year_shown_again_comes_from_the_cache_with_the_same_values() -> None:
    from flatclosure.widgets.code_catalog import _frames, catalog_frames, catalog_page

    cat = load_catalog()
    first = catalog_frames(2022, "all", cat)
    assert catalog_frames(2022, "all", cat)["codes"] is first["codes"]  # built once
    # computed again without the cache, the tables are the same
    fresh = _frames.__wrapped__(2022, "all", cat)
    for name, frame in fresh.items():
        pd.testing.assert_frame_equal(first[name], frame)
    # 19303 in 2022 (RVU22D), facility, national: 15.00 + 9.88 + 3.73 = 28.61 x 34.6062 = 990.08
    codes = first["codes"].set_index("code")
    assert codes.loc["19303", "facility_price"] == 990.08
    page = catalog_page(2022, "all", cat)
    assert catalog_page(2022, "all", cat) is page
    assert "$990.08" in page.table and "2022" in page.table
    # a view moved to 2022 and back shows what a view built on each year shows
    view = catalog_view(year=2025)
    view.year.value = 2022
    assert view.table.value == page.table
    assert bars(view.gap_figure, 2)["19303 (mastectomy)"] == 990.08
    view.year.value = 2025
    assert bars(view.gap_figure, 2)["19303 (mastectomy)"] == 940.31
    assert view.table.value == catalog_view(year=2025).table.value


def test_a_link_read_after_the_view_is_built_is_what_the_page_shows() -> None:
    asked: list[str] = []

    def query() -> str:  # the app's page_query: waits for the request, after the view is built
        asked.append("asked")
        return "year=2022&family=tissue_rearrangement"

    view = catalog_view(query=query)
    assert asked == ["asked"]
    assert view.year.value == 2022 and view.family.value == "tissue_rearrangement"
    assert list(view.frames["codes"]["code"]) == ["14000", "14001", "14301", "14302"]
    # the figures were built on the default year; what the page reads when it shows them
    # (_widget_data) is the link's: 19303 2022, 15.00 + 9.88 + 3.73 = 28.61 x 34.6062 = 990.08
    view._repr_mimebundle_()
    gap = view.gap_figure._widget_data[2]
    assert dict(zip(gap["y"], gap["x"], strict=True))["19303 (mastectomy)"] == 990.08
    shown = [t["name"] for t in view.trend_figure._widget_data if t.get("visible", True)]
    assert shown == ["14000", "14001", "14301", "14302"]


@pytest.mark.parametrize("preheated", [True, False])
def test_a_warm_kernel_makes_every_years_page_before_the_request(
        monkeypatch: pytest.MonkeyPatch, preheated: bool) -> None:
    import voila.utils

    from flatclosure.widgets import code_catalog, urlstate

    cat = load_catalog()
    settled: list[str] = []
    monkeypatch.setenv("VOILA_PREHEAT", str(preheated))
    monkeypatch.setenv("QUERY_STRING", "year=2022")
    monkeypatch.setattr(voila.utils, "get_query_string", lambda: "year=2022")
    monkeypatch.setattr(urlstate, "settle_kernel", lambda: settled.append("settled"))
    code_catalog.catalog_page.cache_clear()
    view = code_catalog.catalog_view(catalog=cat, query=urlstate.page_query)
    assert view.year.value == 2022  # the link's year, as before
    before = code_catalog.catalog_page.cache_info()
    for year in cat.years():  # 2019-2026: a year's first change is a lookup when warmed
        code_catalog.catalog_page(year, "all", cat)
    after = code_catalog.catalog_page.cache_info()
    # warmed: all 8 pages made before the request; otherwise only the default's and the link's
    assert after.misses - before.misses == (0 if preheated else len(cat.years()) - 2)
    assert settled == (["settled"] if preheated else [])


def test_a_year_change_redraws_the_trend_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # the page redraws in the order the figures changed; the trend's year change only moves
    # its marker line (its spec's shapes), the bars need a new calculation (issue 15)
    from flatclosure.widgets import code_catalog

    view = catalog_view(year=2025)
    spec = code_catalog.catalog_page(2024, "all", view.catalog)
    assert [k for k in spec.trend["layout"]
            if spec.trend["layout"][k] != view.trend_figure._fc_layout.get(k)] == ["shapes"]
    order: list[object] = []
    monkeypatch.setattr(code_catalog, "update_figure", lambda fig, _: order.append(fig))
    view.year.value = 2024
    assert order == [view.trend_figure, view.gap_figure, view.seed_figure]
