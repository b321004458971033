"""Plotly figures of the workbook: pure functions from the engine's tables to figure data.

Each figure has a ``*_spec`` function returning plain plotly JSON (``{"data": [...], "layout":
{...}}``; cheap, so widgets can rebuild it on every control change) and a ``*_figure`` function
wrapping it in ``go.Figure``. Widgets show ``go.FigureWidget(spec)`` and update it in place with
``flatclosure.widgets.common.update_figure``: every spec function returns the same traces in the
same order for any input, so an update only swaps data.

One colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008), units on every axis,
and one layout readable at a laptop's width (figures fill their container): ``figures/style.py``. The
pool's figures (notebook 04) are in ``figures/pool.py``; every name is importable from here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..families import group_colours, group_short_names
from ..present.formatting import fmt_money, fmt_rvu

# the pool's figures and the shared style have their own modules; callers import them from here
from .pool import LABEL_ROOM as LABEL_ROOM
from .pool import POOL_COLOURSCALE as POOL_COLOURSCALE
from .pool import POOL_SERIES as POOL_SERIES
from .pool import pool_heatmap_figure as pool_heatmap_figure
from .pool import pool_heatmap_spec as pool_heatmap_spec
from .pool import pool_prices_figure as pool_prices_figure
from .pool import pool_prices_spec as pool_prices_spec
from .style import FONT as FONT
from .style import (
    GAP_GROUPS,
    GROUP_COLOURS,
    LINE_DASHES,
    MONEY_AXIS,
    OKABE_ITO,
    SERIES_COLOURS,
    FigureSpec,
    base_layout,
    floats,
    title_over_legend,
)


def value_gap_spec(gap: pd.DataFrame, year: int) -> FigureSpec:
    """Horizontal bars, one per code: national facility payment (left) and work RVU (right).

    ``gap`` is ``tables.value_gap(year)``. Six traces: per group in ``GAP_GROUPS`` order, the
    payment bar (x axis 1) then the work RVU bar (x axis 2), coloured by group.
    """
    data: list[dict[str, Any]] = []
    for group in GAP_GROUPS:
        part = gap[gap["group"] == group]
        y = [f"{c} ({group_short_names().get(group, group)})" for c in part["code"]]
        colour = GROUP_COLOURS[group]
        data.append({
            "type": "bar", "orientation": "h", "x": floats(part["price"]), "y": y, "name": group,
            "legendgroup": group, "marker": {"color": colour}, "xaxis": "x", "yaxis": "y",
            "text": [fmt_money(v) for v in part["price"]], "textposition": "auto",
            "customdata": list(part["description"]),
            "hovertemplate": "%{y}: %{x:$,.2f}<br>%{customdata}<extra></extra>",
        })
        data.append({
            "type": "bar", "orientation": "h", "x": floats(part["work_rvu"]), "y": y,
            "name": group, "legendgroup": group, "showlegend": False,
            "marker": {"color": colour}, "xaxis": "x2", "yaxis": "y2",
            "text": [fmt_rvu(v) for v in part["work_rvu"]], "textposition": "auto",
            "hovertemplate": "%{y}: %{x:.2f} work RVU<extra></extra>",
        })
    # a narrow column (JupyterLab at 1024 px) wraps the legend to two rows: room for both
    top = title_over_legend(f"The value gap, {year}: national payment per code", legend_rows=2)
    layout = base_layout(
        top["title"]["text"],
        height=max(380, 24 * len(gap) + 170), bargap=0.25,
        margin={"l": 170, "r": 20, "t": top["top"], "b": 60},
        xaxis={"domain": [0.0, 0.58], "title": {"text": "national payment, facility (US$)"},
               "tickformat": MONEY_AXIS, "rangemode": "tozero"},
        xaxis2={"domain": [0.63, 1.0], "title": {"text": "work RVUs"},
                "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "title": {"text": "CPT code (group)"}},
        yaxis2={"matches": "y", "anchor": "x2", "showticklabels": False},
    )
    layout["title"] = top["title"]
    return {"data": data, "layout": layout}


def trend_spec(trend: pd.DataFrame, year: int, what: str = "",
               slots: int = len(SERIES_COLOURS)) -> FigureSpec:
    """National facility payment of each code, year by year, with the chosen year marked.

    ``trend`` is ``tables.payment_trend(codes)``. Always ``slots`` line traces (unused ones
    hidden), so changing the codes updates data only. Codes never priced (no RVUs) are left out.
    """
    priced = trend[trend["price"].notna()]
    codes = list(dict.fromkeys(priced["code"]))[:slots]
    data: list[dict[str, Any]] = []
    for i in range(slots):
        if i < len(codes):
            part = priced[priced["code"] == codes[i]]
            data.append({
                "type": "scatter", "mode": "lines+markers", "name": codes[i], "visible": True,
                "showlegend": True, "x": [int(v) for v in part["year"]],
                "y": floats(part["price"]),
                "line": {"color": SERIES_COLOURS[i], "dash": LINE_DASHES[i % len(LINE_DASHES)],
                         "width": 2},
                "marker": {"size": 7, "color": SERIES_COLOURS[i]},
                "customdata": [[float(w), str(r)] for w, r in
                               zip(part["work_rvu"], part["release_id"], strict=True)],
                "hovertemplate": (f"{codes[i]} %{{x}}: %{{y:$,.2f}}<br>work RVU "
                                  "%{customdata[0]:.2f}, release %{customdata[1]}<extra></extra>"),
            })
        else:
            data.append({"type": "scatter", "mode": "lines+markers", "name": "", "visible": False,
                         "showlegend": False, "x": [], "y": [], "customdata": [],
                         "line": {"color": SERIES_COLOURS[i]}})
    years = sorted(int(y) for y in trend["year"].unique()) or [year]
    span = f"{years[0]}-{years[-1]}"
    layout = base_layout(
        f"National payment per code, {span}{': ' + what if what else ''}", height=420,
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": year, "x1": year,
                 "y0": 0, "y1": 1, "line": {"color": "#777", "width": 1.5, "dash": "dot"}}],
        xaxis={"title": {"text": "year (date of service)"}, "dtick": 1, "tickformat": "d"},
        yaxis={"title": {"text": "US$ per procedure (national, facility)"},
               "tickformat": MONEY_AXIS, "rangemode": "tozero"},
        margin={"l": 80, "r": 20, "t": 90, "b": 60},
    )
    return {"data": data, "layout": layout}


def seed_spec(seed: pd.DataFrame, year: int, published: str = "2020") -> FigureSpec:
    """The advocates' published work RVUs beside the same codes' work RVUs in ``year``.

    ``seed`` is ``tables.seed_beside_year(year)``; rows without a published number are left out
    (the page says 'variable' for the unlisted code 19499). Two traces: published, then ``year``.
    """
    shown = seed[seed["quoted_work_rvu"].notna()]
    x = [f"{label} ({code})" for label, code in zip(shown["label"], shown["code"], strict=True)]
    data = [
        {"type": "bar", "x": x, "y": floats(shown["quoted_work_rvu"]),
         "name": f"advocates' page ({published})", "marker": {"color": OKABE_ITO[0]},
         "text": [fmt_rvu(v) for v in shown["quoted_work_rvu"]], "textposition": "outside",
         "textangle": -90,  # upright labels of paired bars ran together ("15.0015.00")
         "hovertemplate": "%{x}: %{y:.2f} work RVU as published<extra></extra>"},
        {"type": "bar", "x": x, "y": floats(shown["work_rvu"]), "name": f"CMS {year}",
         "marker": {"color": OKABE_ITO[4]}, "text": [fmt_rvu(v) for v in shown["work_rvu"]],
         "textposition": "outside", "textangle": -90,
         "hovertemplate": f"%{{x}}: %{{y:.2f}} work RVU in {year}<extra></extra>"},
    ]
    top = max([1.0, *shown["quoted_work_rvu"], *shown["work_rvu"].fillna(0)])
    layout = base_layout(
        f"Work RVUs as the advocates published them, beside {year}'s", height=400,
        barmode="group",
        xaxis={"title": {"text": "code family as the advocates write it (the code it matches)"}},
        yaxis={"title": {"text": "work RVU (relative value units)"}, "range": [0, top * 1.3]},
    )
    return {"data": data, "layout": layout}




def claim_spec(lines: pd.DataFrame, title: str) -> FigureSpec:
    """Allowed amount of each claim line (one horizontal bar trace), from ``ClaimResult.to_frame``."""
    data = [{
        "type": "bar", "orientation": "h", "x": floats(lines["allowed"]),
        "y": [str(v) for v in lines["line"]], "name": "allowed", "marker": {"color": OKABE_ITO[4]},
        "text": [fmt_money(v) for v in lines["allowed"]], "textposition": "auto",
        "hovertemplate": "%{y}: %{x:$,.2f}<extra></extra>",
    }]
    layout = base_layout(
        title, height=130 + 34 * max(len(lines), 2), showlegend=False,
        margin={"l": 120, "r": 20, "t": 50, "b": 55},
        xaxis={"title": {"text": "allowed amount (US$)"}, "tickformat": MONEY_AXIS,
               "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "title": {"text": ""}},
    )
    return {"data": data, "layout": layout}


def value_gap_figure(gap: pd.DataFrame, year: int) -> go.Figure:
    return go.Figure(value_gap_spec(gap, year))


# -- scenario comparison (flatclosure.scenarios.compare tables) --------------------------------
# A proposed new code belongs to no catalog family, so its colour is the one group colour not in
# data/catalog/families.csv; the others are the families' groups. Trace order: SCENARIO_GROUPS.
NEW_CODE_COLOUR = OKABE_ITO[6]


@cache
def scenario_group_colours() -> dict[str, str]:
    """Each scenario group's colour, in ``SCENARIO_GROUPS`` order (shared: do not change it)."""
    # imported here: the scenarios package costs 0.2 s of notebook 01's start, which draws no
    # scenario (python -X importtime, issue 15)
    from ..scenarios import SCENARIO_GROUPS

    return {g: group_colours().get(g, NEW_CODE_COLOUR) for g in SCENARIO_GROUPS}


ILLUSTRATIVE_MARK = " *"


def _scenario_label(row: Any) -> str:
    return str(row["title"]) + (ILLUSTRATIVE_MARK if row.get("illustrative") else "")


def scenario_bars_spec(table: pd.DataFrame, year: int, baseline: str | None = None,
                       slots: int = 4) -> FigureSpec:
    """Grouped bars: each scenario's total in ``year``, one bar trace per locality (``slots``).

    Titles marked `` *`` use illustrative values. Unused locality slots are hidden traces.
    """
    part = table[table["year"] == year]
    locs = list(dict.fromkeys(part["locality"]))[:slots]
    data: list[dict[str, Any]] = []
    for i in range(slots):
        if i < len(locs):
            rows = part[part["locality"] == locs[i]]
            labels = [_scenario_label(r) for r in rows.to_dict("records")]
            diff = (rows["difference"] if "difference" in rows else pd.Series([None] * len(rows)))
            data.append({
                "type": "bar", "name": str(rows["locality_name"].iloc[0]), "visible": True,
                "x": labels, "y": floats(rows["total"]),
                "marker": {"color": SERIES_COLOURS[i]},
                "text": [fmt_money(v) for v in rows["total"]], "textposition": "outside",
                "customdata": [["n/a" if d is None or d != d else f"{d:+,.2f}", u or ""]
                               for d, u in zip(diff, rows["unavailable"], strict=True)],
                "hovertemplate": ("%{x}<br>%{y:$,.2f}"
                                  + (f"<br>vs {baseline}: %{{customdata[0]}}" if baseline else "")
                                  + "<br>%{customdata[1]}<extra>%{fullData.name}</extra>"),
            })
        else:
            data.append({"type": "bar", "name": "", "visible": False, "showlegend": False,
                         "x": [], "y": [], "text": [], "customdata": []})
    top = max([1.0, *part["total"].dropna().tolist()])
    names = [_scenario_label(r) for r in part[part["locality"] == locs[0]].to_dict("records")] \
        if locs else []
    wrapped = [_wrap(n, 19) for n in names]
    lines = max([1, *(w.count("<br>") + 1 for w in wrapped)])
    layout = base_layout(
        f"What each scenario pays, {year} (Medicare allowed amount per claim)",
        height=330 + 17 * lines, barmode="group",
        margin={"l": 80, "r": 20, "t": 90, "b": 60 + 17 * lines},
        # the names wrapped level under their bars: slanted ones ran into the axis's "$0"
        xaxis={"title": {"text": "scenario (* = uses illustrative values)"}, "tickangle": 0,
               "tickvals": names, "ticktext": wrapped, "tickfont": {"size": 11},
               "automargin": True},
        yaxis={"title": {"text": "US$ per claim"}, "tickformat": MONEY_AXIS,
               "range": [0, top * 1.15]},
    )
    return {"data": data, "layout": layout}


# A legend of long scenario names under the plot, in a bottom margin with a row for each item
# (the most it can wrap to in a narrow page): never over the title, never squeezing the plot.
LEGEND_BELOW_PX = 24


def _legend_below() -> dict[str, Any]:
    return {"orientation": "h", "yref": "container", "y": 0.0, "yanchor": "bottom",
            "xanchor": "left", "x": 0.0}


def scenario_gap_spec(table: pd.DataFrame, year: int, locality: str = "national",
                      reference: str | None = None) -> FigureSpec:
    """The value gap: each scenario's total as a horizontal bar coloured by what it stands for,
    with the reference scenario (e.g. the bilateral mastectomy) as a dashed line.

    One bar trace per group in ``scenario_group_colours()`` order (always 5 traces).
    """
    part = table[(table["year"] == year) & (table["locality"] == locality)]
    data: list[dict[str, Any]] = []
    for group, colour in scenario_group_colours().items():
        rows = part[part["group"] == group] if "group" in part else part.iloc[0:0]
        data.append({
            "type": "bar", "orientation": "h", "name": group, "marker": {"color": colour},
            "y": [_scenario_label(r) for r in rows.to_dict("records")],
            "x": floats(rows["total"]), "text": [fmt_money(v) for v in rows["total"]],
            "textposition": "auto", "hovertemplate": "%{y}: %{x:$,.2f}<extra>%{fullData.name}</extra>",
        })
    shapes = []
    if reference is not None:
        ref = part[part["scenario"] == reference]["total"].dropna()
        if len(ref):
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": float(ref.iloc[0]),
                           "x1": float(ref.iloc[0]), "y0": 0, "y1": 1,
                           "line": {"color": "#444", "width": 1.5, "dash": "dash"}})
    groups = sum(1 for d in data if d["y"])
    layout = base_layout(
        f"The value gap, {year}: flat closure beside mastectomy and reconstruction",
        height=max(380, 40 * len(part) + 160) + LEGEND_BELOW_PX * groups, barmode="overlay",
        shapes=shapes, legend=_legend_below(), margin={"l": 330, "r": 20, "t": 60,
                                                        "b": 70 + LEGEND_BELOW_PX * groups},
        xaxis={"title": {"text": "US$ per claim (dashed line: the reference scenario)"},
               "tickformat": MONEY_AXIS, "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return {"data": data, "layout": layout}


def scenario_trend_spec(table: pd.DataFrame, locality: str = "national", slots: int = 12) -> FigureSpec:
    """Each scenario's total year by year at one locality (``slots`` line traces, unused hidden)."""
    part = table[table["locality"] == locality]
    names = list(dict.fromkeys(part["scenario"]))[:slots]
    data: list[dict[str, Any]] = []
    for i in range(slots):
        if i < len(names):
            rows = part[part["scenario"] == names[i]].sort_values("year")
            label = _scenario_label(rows.iloc[0].to_dict())
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            data.append({
                "type": "scatter", "mode": "lines+markers", "name": label, "visible": True,
                "x": [int(y) for y in rows["year"]], "y": floats(rows["total"]),
                "line": {"color": colour, "dash": LINE_DASHES[i % len(LINE_DASHES)], "width": 2},
                "marker": {"color": colour, "size": 7},
                "hovertemplate": f"{label} %{{x}}: %{{y:$,.2f}}<extra></extra>",
            })
        else:
            data.append({"type": "scatter", "mode": "lines+markers", "name": "", "visible": False,
                         "showlegend": False, "x": [], "y": []})
    layout = base_layout(
        "What each scenario pays, year by year", height=420 + LEGEND_BELOW_PX * len(names),
        legend=_legend_below(), margin={"l": 80, "r": 20, "t": 60,
                                        "b": 70 + LEGEND_BELOW_PX * len(names)},
        xaxis={"title": {"text": "year (date of service)"}, "dtick": 1, "tickformat": "d"},
        yaxis={"title": {"text": "US$ per claim"}, "tickformat": MONEY_AXIS, "rangemode": "tozero"},
    )
    return {"data": data, "layout": layout}


# -- coding protocol alternatives (notebook 02; flatclosure.widgets.protocol_view) -------------
def _wrap(text: str, width: int = 34) -> str:
    """A bar label broken into lines of about ``width`` characters (plotly's <br>)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def protocol_alternatives_spec(alternatives: pd.DataFrame, title: str) -> FigureSpec:
    """What each way of coding the surgery pays (horizontal bars, whole-claim allowed amount).

    ``alternatives`` is ``widgets.protocol_view.alternatives_frame`` (the recommended claim in the
    first row). Two traces on the same categories: the recommended claim, then the other ways;
    an alternative that is not possible has no bar (its table row says why). With no rows (a
    refused combination) the axes and legend are hidden: no empty grid or stray ticks.
    """
    rows = alternatives.to_dict("records")
    shown = bool(rows)
    y = [_wrap(r["option"]) for r in rows]
    totals = floats(r["total"] for r in rows)
    first = [i == 0 for i in range(len(rows))]
    data = []
    for name, colour, keep in (("the recommended claim", OKABE_ITO[4], True),
                               ("another way of coding", OKABE_ITO[0], False)):
        data.append({
            "type": "bar", "orientation": "h", "name": name, "y": y,
            "x": [t if f == keep else None for t, f in zip(totals, first, strict=True)],
            "marker": {"color": colour},
            "text": [fmt_money(t) if f == keep and t is not None else ""
                     for t, f in zip(totals, first, strict=True)],
            "textposition": "auto",
            "customdata": [str(r["lines"]) for r in rows],
            "hovertemplate": "%{x:$,.2f}<br>%{customdata}<extra>%{fullData.name}</extra>",
        })
    layout = base_layout(
        title, height=150 + 46 * max(len(rows), 2), barmode="overlay", showlegend=shown,
        margin={"l": 260, "r": 20, "t": 80, "b": 55},
        xaxis={"title": {"text": "allowed amount, whole claim (US$)"}, "tickformat": MONEY_AXIS,
               "rangemode": "tozero", "visible": shown},
        yaxis={"autorange": "reversed", "title": {"text": ""}, "automargin": True,
               "visible": shown},
    )
    return {"data": data, "layout": layout}
