"""The look every figure shares: the Okabe-Ito palette, the group colours (data), the base layout."""

from __future__ import annotations

from typing import Any

import plotly.io as pio

from ..families import gap_groups, group_colours

FigureSpec = dict[str, Any]

# Okabe-Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple, black.
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
                              "#CC79A7", "#000000")
# Line colours for up to 8 series, the pale yellow last (it reads poorly on white).
SERIES_COLOURS: tuple[str, ...] = tuple(OKABE_ITO[i] for i in (4, 5, 2, 0, 6, 1, 7, 3))
# One colour per group in every chart (01's value gap, 03's scenarios): flat closure blue, as in
# 00's and 02's claim charts, mastectomy vermillion, breast-mound reconstruction green.
# The colours are data (data/catalog/families.csv, flatclosure.families).
GAP_GROUPS: dict[str, tuple[str, ...]] = gap_groups()
GROUP_COLOURS: dict[str, str] = {g: group_colours()[g] for g in GAP_GROUPS}
LINE_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
MONEY_AXIS = "$,.0f"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


# The trace types the workbook's figures draw, and plotly's subplot kinds they never use.
TRACE_TYPES_DRAWN: tuple[str, ...] = ("bar", "heatmap", "scatter")
SUBPLOTS_UNUSED: tuple[str, ...] = ("geo", "polar", "scene", "ternary")
WHITE_TEMPLATE = "flatclosure_white"


def white_template() -> str:
    """The name of plotly's "plotly_white" template cut to what the workbook's figures use,
    registered with plotly on first use: its layout without ``SUBPLOTS_UNUSED`` and its trace
    defaults for ``TRACE_TYPES_DRAWN``, values unchanged, so the charts look the same. The whole
    template was validated and sent with every figure (issue 15)."""
    if WHITE_TEMPLATE in pio.templates:
        return WHITE_TEMPLATE
    full = pio.templates["plotly_white"].to_plotly_json()
    pio.templates[WHITE_TEMPLATE] = {
        "layout": {k: v for k, v in full["layout"].items() if k not in SUBPLOTS_UNUSED},
        "data": {t: full["data"][t] for t in TRACE_TYPES_DRAWN}}
    return WHITE_TEMPLATE


def page_layout(layout: dict[str, Any]) -> dict[str, Any]:
    """A spec's layout as plotly.js takes it in a page of our own (the HTML report): plotly.js
    knows no template names, only a template object, so a name is replaced by its template."""
    template = layout.get("template")
    if not isinstance(template, str):
        return layout
    return {**layout, "template": pio.templates[template].to_plotly_json()}


def base_layout(title: str, height: int = 420, **extra: Any) -> dict[str, Any]:
    """The shared layout: white template, readable fonts, legend on top, room for axis titles."""
    layout: dict[str, Any] = {
        "template": white_template(),
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


def floats(values: Any) -> list[float | None]:
    return [None if v is None or v != v else float(v) for v in values]


# Room above the plot of a chart whose legend can wrap to one item a row in a narrow notebook
# (JupyterLab beside its file browser): the title pinned to the top edge, the legend under it.
LINE_PX, LEGEND_ROW_PX, TOP_PAD_PX = 22, 25, 12  # measured in Lab's Chromium


def title_over_legend(title: str, legend_rows: int) -> dict[str, Any]:
    """Layout keys that keep a title clear of a legend of up to ``legend_rows`` rows."""
    title_lines = title.count("<br>") + 1
    return {
        "title": {"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 16},
                  "yref": "container", "y": 1.0, "yanchor": "top", "pad": {"t": TOP_PAD_PX}},
        "top": TOP_PAD_PX + LINE_PX * title_lines + LEGEND_ROW_PX * legend_rows + TOP_PAD_PX,
    }
