"""Figure specs: the engine's numbers on the axes, fixed traces, units and the palette."""

from __future__ import annotations

import plotly.graph_objects as go

from flatclosure import figures, tables
from flatclosure.present.formatting import fmt_money


def _pairs(trace: dict) -> dict:
    return dict(zip(trace["y"], trace["x"], strict=True))


def test_value_gap_spec_shows_payment_and_work_rvu_per_group() -> None:
    spec = figures.value_gap_spec(tables.value_gap(2025), 2025)
    data = spec["data"]
    assert [t["name"] for t in data] == [g for g in tables.GAP_GROUPS for _ in (0, 1)]
    assert [t["xaxis"] for t in data] == ["x", "x2"] * 3
    # 19303 in 2025 (RVU25D): 29.07 RVU x 32.3465 = 940.31; work RVU 15.00
    assert _pairs(data[2])["19303 (mastectomy)"] == 940.31
    assert _pairs(data[3])["19303 (mastectomy)"] == 15.0
    assert _pairs(data[0])["14301 (flat closure)"] == 849.10
    assert data[0]["marker"]["color"] == figures.GROUP_COLOURS["Flat closure"]
    layout = spec["layout"]
    assert "US$" in layout["xaxis"]["title"]["text"]
    assert "RVU" in layout["xaxis2"]["title"]["text"]
    assert layout["title"]["text"].startswith("The value gap, 2025")


def test_trend_spec_keeps_its_trace_count_whatever_the_codes() -> None:
    few = figures.trend_spec(tables.payment_trend(["19303"]), 2024)
    many = figures.trend_spec(tables.payment_trend(tables.seed_codes()), 2024)
    assert len(few["data"]) == len(many["data"]) == len(figures.SERIES_COLOURS)
    assert [t["visible"] for t in few["data"]][:2] == [True, False]
    shown = [t["name"] for t in many["data"] if t["visible"]]
    assert "19499" not in shown  # never priced by RVUs
    first = few["data"][0]
    assert first["x"][0] == 2019 and first["y"][0] == 997.92  # RVU19D, 27.69 x 36.0391
    assert few["layout"]["shapes"][0]["x0"] == 2024  # the chosen year is marked
    assert "year" in few["layout"]["xaxis"]["title"]["text"]
    assert "US$" in few["layout"]["yaxis"]["title"]["text"]


def test_seed_spec_puts_published_beside_the_year() -> None:
    spec = figures.seed_spec(tables.seed_beside_year(2021), 2021, "2020-06-20")
    published, year = spec["data"]
    assert published["name"] == "advocates' page (2020-06-20)" and year["name"] == "CMS 2021"
    assert "19499 (19499)" not in published["x"]  # no published number
    assert dict(zip(year["x"], year["y"], strict=True))["1930X high (19307)"] == 17.99
    assert "work RVU" in spec["layout"]["yaxis"]["title"]["text"]


def test_palette_is_okabe_ito_and_specs_build_figures() -> None:
    assert len(set(figures.OKABE_ITO)) == 8
    assert set(figures.SERIES_COLOURS) == set(figures.OKABE_ITO)
    assert set(figures.GROUP_COLOURS.values()) <= set(figures.OKABE_ITO)
    fig = figures.value_gap_figure(tables.value_gap(2020), 2020)
    assert isinstance(fig, go.Figure) and len(fig.data) == 6
    assert fmt_money(1234.5) == "$1,234.50" and fmt_money(float("nan")) == "–"


def test_protocol_alternatives_hide_the_axes_when_nothing_is_shown() -> None:
    from flatclosure.claims import PricingContext
    from flatclosure.present.protocol_tables import alternatives_table
    from flatclosure.protocol import Procedure, recommend
    from flatclosure.widgets.protocol_view import alternatives_frame_empty

    empty = figures.protocol_alternatives_spec(alternatives_frame_empty(), "No claim")
    assert [t["x"] for t in empty["data"]] == [[], []]  # same two traces, no bars
    assert empty["layout"]["xaxis"]["visible"] is False
    assert empty["layout"]["yaxis"]["visible"] is False
    assert empty["layout"]["showlegend"] is False
    result = recommend(Procedure(mastectomy_code="19303", defect_area_cm2=45),
                       PricingContext("2025-06-01"))
    full = figures.protocol_alternatives_spec(alternatives_table(result), "Pays")
    assert len(full["data"]) == 2 and full["data"][0]["x"][0] == result.total
    assert full["layout"]["xaxis"]["visible"] is True and full["layout"]["yaxis"]["visible"] is True
    assert full["layout"]["showlegend"] is True


def test_pool_charts_keep_the_title_clear_of_a_wrapped_legend() -> None:
    import numpy as np
    import pandas as pd

    prices = pd.DataFrame({"label": ["19303 (mastectomy)"], "price_before": [940.31],
                           "price_after": [940.31], "change_pct": [0.0], "family_after": [903.53],
                           "family_change_pct": [-3.9]})
    spec = figures.pool_prices_spec(prices, "What each code is paid")
    title, margin = spec["layout"]["title"], spec["layout"]["margin"]
    assert (title["yref"], title["y"], title["yanchor"]) == ("container", 1.0, "top")
    # pad 12 + one title line 22 + three legend rows (one item a row in Lab) 3 x 25 + pad 12 = 121
    assert margin["t"] == 121 and spec["layout"]["height"] == 360 + 21
    heat = figures.pool_heatmap_spec(np.array([10.0, 20.0]), np.array([100.0, 1000.0]),
                                     np.zeros((2, 2)), np.array([np.inf, 500.0]), 10, 100,
                                     "Change of the CF<br>(2025, facility, national)")
    # 12 + two title lines 2 x 22 + two legend rows 2 x 25 + 12 = 118; the plot keeps its 380 px
    assert heat["layout"]["margin"]["t"] == 118 and heat["layout"]["height"] == 498
    assert heat["layout"]["title"]["yanchor"] == "top"


def test_shared_groups_have_one_colour_in_every_chart() -> None:
    from flatclosure.scenarios import SCENARIO_GROUPS
    from flatclosure.tables import GAP_GROUPS

    assert set(figures.GROUP_COLOURS) == set(GAP_GROUPS)
    assert list(figures.scenario_group_colours()) == list(SCENARIO_GROUPS)  # trace order
    for group in GAP_GROUPS:  # 01's value gap and 03's scenario bars agree
        assert figures.scenario_group_colours()[group] == figures.GROUP_COLOURS[group]
    assert figures.GROUP_COLOURS["Flat closure"] == "#0072B2"  # blue, as in 00's claim chart
    assert figures.GROUP_COLOURS["Mastectomy"] == "#D55E00"
    assert len(set(figures.scenario_group_colours().values())) == 5


def test_workbook_template_is_plotly_white_for_what_the_charts_draw() -> None:
    import plotly.io as pio

    from flatclosure.figures.style import SUBPLOTS_UNUSED, TRACE_TYPES_DRAWN, white_template

    name = white_template()
    ours, white = pio.templates[name].to_plotly_json(), pio.templates["plotly_white"].to_plotly_json()
    assert set(ours["data"]) == set(TRACE_TYPES_DRAWN)
    for kind in TRACE_TYPES_DRAWN:  # the same defaults, value for value
        assert ours["data"][kind] == white["data"][kind]
    assert set(white["layout"]) - set(ours["layout"]) == set(SUBPLOTS_UNUSED)
    assert all(ours["layout"][k] == v for k, v in white["layout"].items() if k in ours["layout"])
    assert len(str(ours)) < len(str(white)) / 2  # 24 trace types' defaults were sent per figure


def test_every_chart_draws_only_what_the_template_covers() -> None:
    """A trace type or subplot outside the cut template would lose plotly_white's look."""
    import numpy as np
    import pandas as pd

    from flatclosure import widgets
    from flatclosure.figures.style import SUBPLOTS_UNUSED, TRACE_TYPES_DRAWN, WHITE_TEMPLATE

    figs = [widgets.surgery_panel().figure, widgets.protocol_view().out.figure]
    catalog = widgets.catalog_view()
    figs += [catalog.gap_figure, catalog.trend_figure, catalog.seed_figure]
    scenarios = widgets.scenario_view()
    figs += [scenarios.bars_figure, scenarios.gap_figure, scenarios.trend_figure]
    pool = widgets.pool_view()
    figs += [pool.prices_figure, pool.heatmap]
    prices = pd.DataFrame({"label": ["19303"], "price_before": [1.0], "price_after": [1.0],
                           "change_pct": [0.0], "family_after": [1.0], "family_change_pct": [0.0]})
    specs = [figures.pool_prices_spec(prices, "t"),
             figures.pool_heatmap_spec(np.array([1.0, 2.0]), np.array([1.0, 2.0]), np.zeros((2, 2)),
                                       np.array([np.inf, 5.0]), 1, 1, "t")]
    layouts = [f.layout.to_plotly_json() for f in figs] + [s["layout"] for s in specs]
    kinds = {t.type for f in figs for t in f.data} | {t["type"] for s in specs for t in s["data"]}
    assert kinds <= set(TRACE_TYPES_DRAWN)
    for layout in layouts:
        assert not [k for k in layout if k.rstrip("0123456789") in SUBPLOTS_UNUSED]
    assert all(s["layout"]["template"] == WHITE_TEMPLATE for s in specs)
    assert all(f.layout.template == figs[0].layout.template for f in figs)
    assert set(figs[0].layout.template.to_plotly_json()["data"]) == set(TRACE_TYPES_DRAWN)
