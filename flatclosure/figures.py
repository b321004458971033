"""Plotly figures of the workbook: pure functions from the engine's tables to figure data.

Each figure has a ``*_spec`` function returning plain plotly JSON (``{"data": [...], "layout":
{...}}``; cheap, so widgets can rebuild it on every control change) and a ``*_figure`` function
wrapping it in ``go.Figure``. Widgets show ``go.FigureWidget(spec)`` and update it in place with
``flatclosure.widgets.common.update_figure``: every spec function returns the same traces in the
same order for any input, so an update only swaps data.

One colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008), units on every axis,
and one layout readable at a laptop's width (figures fill their container).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .tables import GAP_GROUPS

FigureSpec = dict[str, Any]

# Okabe-Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, black.
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                              "#CC79A7", "#000000")
# Line colours for up to 8 series, the pale yellow last (it reads poorly on white).
SERIES_COLOURS: tuple[str, ...] = tuple(OKABE_ITO[i] for i in (4, 5, 2, 0, 6, 1, 7, 3))
GROUP_COLOURS: dict[str, str] = dict(zip(GAP_GROUPS, (OKABE_ITO[5], OKABE_ITO[4], OKABE_ITO[2]),
                                         strict=True))
LINE_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MONEY_AXIS = "$,.0f"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def base_layout(title: str, height: int = 420, **extra: Any) -> dict[str, Any]:
    """The shared layout: white template, readable fonts, legend on top, room for axis titles."""
    layout: dict[str, Any] = {
        "template": "plotly_white",
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16}},
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "height": height,
        "autosize": True,
        "margin": {"l": 70, "r": 20, "t": 80, "b": 60},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0.0},
        "hoverlabel": {"font": {"family": FONT}},
    }
    layout.update(extra)
    return layout


def money(value: float | None) -> str:
    """US$ with cents, or a dash where there is no amount."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"${value:,.2f}"


def _floats(values: Any) -> list[float | None]:
    return [None if v is None or v != v else float(v) for v in values]


def _short_group(group: str) -> str:
    return {"Flat closure": "flat closure", "Mastectomy": "mastectomy",
            "Breast-mound reconstruction": "reconstruction"}.get(group, group)


def value_gap_spec(gap: pd.DataFrame, year: int) -> FigureSpec:
    """Horizontal bars, one per code: national facility payment (left) and work RVU (right).

    ``gap`` is ``tables.value_gap(year)``. Six traces: per group in ``GAP_GROUPS`` order, the
    payment bar (x axis 1) then the work RVU bar (x axis 2), coloured by group.
    """
    data: list[dict[str, Any]] = []
    for group in GAP_GROUPS:
        part = gap[gap["group"] == group]
        y = [f"{c} ({_short_group(group)})" for c in part["code"]]
        colour = GROUP_COLOURS[group]
        data.append({
            "type": "bar", "orientation": "h", "x": _floats(part["price"]), "y": y, "name": group,
            "legendgroup": group, "marker": {"color": colour}, "xaxis": "x", "yaxis": "y",
            "text": [money(v) for v in part["price"]], "textposition": "auto",
            "customdata": list(part["description"]),
            "hovertemplate": "%{y}: %{x:$,.2f}<br>%{customdata}<extra></extra>",
        })
        data.append({
            "type": "bar", "orientation": "h", "x": _floats(part["work_rvu"]), "y": y,
            "name": group, "legendgroup": group, "showlegend": False,
            "marker": {"color": colour}, "xaxis": "x2", "yaxis": "y2",
            "text": [f"{v:.2f}" for v in part["work_rvu"]], "textposition": "auto",
            "hovertemplate": "%{y}: %{x:.2f} work RVU<extra></extra>",
        })
    layout = base_layout(
        f"The value gap, {year}: what Medicare pays the surgeon, per code (national)",
        height=max(380, 24 * len(gap) + 170), bargap=0.25,
        margin={"l": 170, "r": 20, "t": 80, "b": 60},
        xaxis={"domain": [0.0, 0.58], "title": {"text": "national payment, facility (US$)"},
               "tickformat": MONEY_AXIS, "rangemode": "tozero"},
        xaxis2={"domain": [0.63, 1.0], "title": {"text": "work RVUs"},
                "rangemode": "tozero"},
        yaxis={"autorange": "reversed", "title": {"text": "CPT code (group)"}},
        yaxis2={"matches": "y", "anchor": "x2", "showticklabels": False},
    )
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
                "y": _floats(part["price"]),
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
        {"type": "bar", "x": x, "y": _floats(shown["quoted_work_rvu"]),
         "name": f"advocates' page ({published})", "marker": {"color": OKABE_ITO[0]},
         "text": [f"{v:.2f}" for v in shown["quoted_work_rvu"]], "textposition": "outside",
         "hovertemplate": "%{x}: %{y:.2f} work RVU as published<extra></extra>"},
        {"type": "bar", "x": x, "y": _floats(shown["work_rvu"]), "name": f"CMS {year}",
         "marker": {"color": OKABE_ITO[4]}, "text": [money_rvu(v) for v in shown["work_rvu"]],
         "textposition": "outside",
         "hovertemplate": f"%{{x}}: %{{y:.2f}} work RVU in {year}<extra></extra>"},
    ]
    top = max([1.0, *shown["quoted_work_rvu"], *shown["work_rvu"].fillna(0)])
    layout = base_layout(
        f"Work RVUs as the advocates published them, beside {year}'s", height=400,
        barmode="group",
        xaxis={"title": {"text": "code family as the advocates write it (the code it matches)"}},
        yaxis={"title": {"text": "work RVU (relative value units)"}, "range": [0, top * 1.18]},
    )
    return {"data": data, "layout": layout}


def money_rvu(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.2f}"


def claim_spec(lines: pd.DataFrame, title: str) -> FigureSpec:
    """Allowed amount of each claim line (one horizontal bar trace), from ``ClaimResult.to_frame``."""
    data = [{
        "type": "bar", "orientation": "h", "x": _floats(lines["allowed"]),
        "y": [str(v) for v in lines["line"]], "name": "allowed", "marker": {"color": OKABE_ITO[4]},
        "text": [money(v) for v in lines["allowed"]], "textposition": "auto",
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


def trend_figure(trend: pd.DataFrame, year: int, what: str = "") -> go.Figure:
    return go.Figure(trend_spec(trend, year, what))


def seed_figure(seed: pd.DataFrame, year: int, published: str = "2020") -> go.Figure:
    return go.Figure(seed_spec(seed, year, published))


def claim_figure(lines: pd.DataFrame, title: str) -> go.Figure:
    return go.Figure(claim_spec(lines, title))
