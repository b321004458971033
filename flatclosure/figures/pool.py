"""Figure specs of the finite RVU pool (``flatclosure.pool``; notebook 04): what each code is paid
before and after a new code, and the conversion factor's change over RVU and volume."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ..present.formatting import fmt_money, fmt_pct, missing
from .style import MONEY_AXIS, OKABE_ITO, FigureSpec, base_layout, floats, title_over_legend

# -- the finite RVU pool (flatclosure.pool; notebook 04) ----------------------------------------
POOL_SERIES: tuple[tuple[str, str, str], ...] = (
    # (column of the price table, legend name, colour)
    ("price_before", "today", OKABE_ITO[4]),
    ("price_after", "after, statutory budget neutrality (PFS-wide)", OKABE_ITO[2]),
    ("family_after", "after, family work neutrality (UNCONFIRMED)", OKABE_ITO[5]),
)
# CF change: vermillion where it falls, white at no change, blue where it rises; any offset at all
# gets at least a pale tint, so even a tiny marginal share stands apart from no change.
POOL_COLOURSCALE = [[0.0, OKABE_ITO[5]], [0.497, "#F9DCC6"], [0.5, "#FFFFFF"],
                    [0.503, "#CFE6F5"], [1.0, OKABE_ITO[4]]]


def _pct_text(value: Any) -> str:
    """A bar's change: one decimal, or four for a marginal share (−0.0010%, not "−0.0%")."""
    if missing(value):
        return ""
    return fmt_pct(value, decimals=1 if value == 0 or abs(value) >= 0.05 else 4)


LABEL_ROOM = 1.8  # x range over the longest bar: room for "$1,171.55 (−2.1%)" after it


def _top(prices: pd.DataFrame) -> float:
    cols = [c for c, _, _ in POOL_SERIES if c in prices]
    top = float(prices[cols].astype(float).max().max()) if len(prices) else 0.0
    return top if top > 0 else 1.0  # NaN (nothing priced) compares False: 1.0


def pool_prices_spec(prices: pd.DataFrame, title: str) -> FigureSpec:
    """What each code is paid today and after the new code under both lenses (horizontal bars).

    ``prices`` has ``label``, ``price_before``, ``price_after``, ``change_pct``, ``family_after``
    and ``family_change_pct`` (NaN for codes outside the family), mastectomy first. Three traces
    in ``POOL_SERIES`` order.
    """
    y = [str(v) for v in prices["label"]]
    pcts = {"price_before": None, "price_after": "change_pct", "family_after": "family_change_pct"}
    data: list[dict[str, Any]] = []
    for column, name, colour in POOL_SERIES:
        pct = pcts[column]
        text = [fmt_money(v) + (f" ({_pct_text(p)})" if pct and p == p and v == v else "")
                for v, p in zip(prices[column], prices[pct] if pct else [None] * len(prices),
                                strict=True)]
        data.append({
            "type": "bar", "orientation": "h", "x": floats(prices[column]), "y": y, "name": name,
            # after the bar: inside a short bar "$195.37" was cut to "5.37"
            "marker": {"color": colour}, "text": text, "textposition": "outside",
            "insidetextanchor": "end", "textfont": {"size": 11}, "cliponaxis": False,
            "hovertemplate": f"%{{y}}: %{{text}}<br>{name}<extra></extra>",
        })
    top = title_over_legend(title, legend_rows=len(POOL_SERIES))
    layout = base_layout(
        title, height=max(360, 62 * len(prices) + 150) + top["top"] - 100, barmode="group",
        bargap=0.18,
        bargroupgap=0.04, margin={"l": 150, "r": 20, "t": top["top"], "b": 60},
        uniformtext={"minsize": 10, "mode": "show"},
        xaxis={"title": {"text": "national payment per procedure (US$)"},
               "tickformat": MONEY_AXIS, "range": [0.0, LABEL_ROOM * _top(prices)]},
        yaxis={"autorange": "reversed", "title": {"text": ""}},
    )
    layout["title"] = top["title"]
    return {"data": data, "layout": layout}


def pool_heatmap_spec(rvus: Any, volumes: Any, change_pct: Any, one_cent: Any,
                      rvu: float, volume: float, title: str) -> FigureSpec:
    """Change of the conversion factor (%) over new-code RVU (x) x yearly volume (y, log).

    ``change_pct[i, j]`` is the change at ``rvus[i]`` and ``volumes[j]`` (``pool.sweep``): the
    code's marginal share of the year's budget neutrality, at any size. ``one_cent[i]`` is the
    volume where ``rvus[i]`` moves the CF by one cent (inf: never). Three traces: the heatmap,
    the one-cent line, the current scenario.
    """
    xs, vs = [float(v) for v in rvus], [float(v) for v in volumes]
    z = [[round(float(c), 5) for c in col] for col in zip(*change_pct, strict=True)]  # y rows
    line = [None if not math.isfinite(float(b)) else float(b) for b in one_cent]
    data = [
        {"type": "heatmap", "x": xs, "y": vs, "z": z, "zmid": 0.0, "colorscale": POOL_COLOURSCALE,
         "name": "CF change", "colorbar": {"title": {"text": "CF change (%)"}, "ticksuffix": "%"},
         "hovertemplate": ("%{x:.2f} RVU x %{y:,.0f} services a year:<br>conversion factor "
                           "%{z:+.4f}%<extra></extra>")},
        {"type": "scatter", "mode": "lines", "x": xs, "y": line, "name": "the CF moves by one "
         "cent per RVU", "line": {"color": "#000000", "width": 2, "dash": "dash"},
         "hovertemplate": "%{x:.2f} RVU: one cent off the CF at %{y:,.0f} services"
                          "<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": [float(rvu)], "y": [float(volume)],
         "cliponaxis": False,  # at the grid's corner (80 RVU, 1,000,000) it was cut in half
         "name": "your scenario", "marker": {"symbol": "x", "size": 14, "color": "#000000",
                                             "line": {"width": 2, "color": "#FFFFFF"}},
         "hovertemplate": "your scenario: %{x:.2f} RVU x %{y:,.0f} services<extra></extra>"},
    ]
    top = title_over_legend(title, legend_rows=2)  # the one-cent line and your scenario
    layout = base_layout(
        title, height=480 + top["top"] - 100, margin={"l": 90, "r": 20, "t": top["top"], "b": 60},
        xaxis={"title": {"text": "new code's total RVU"}, "range": [xs[0], xs[-1]]},
        yaxis={"title": {"text": "services a year (log scale)"}, "type": "log",
               "range": [math.log10(vs[0]), math.log10(vs[-1])], "tickformat": ",.0f"},
    )
    layout["title"] = top["title"]
    return {"data": data, "layout": layout}


def pool_prices_figure(prices: pd.DataFrame, title: str) -> go.Figure:
    return go.Figure(pool_prices_spec(prices, title))


def pool_heatmap_figure(rvus: Any, volumes: Any, change_pct: Any, one_cent: Any, rvu: float,
                        volume: float, title: str) -> go.Figure:
    return go.Figure(pool_heatmap_spec(rvus, volumes, change_pct, one_cent, rvu, volume, title))
