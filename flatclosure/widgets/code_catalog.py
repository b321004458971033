"""Notebook 01: browse the codes by family and year; the value gap; payments 2019-2026; the
advocates' published work RVUs beside the chosen year's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import figures, tables
from ..catalog import Catalog, load_catalog
from ..plotly_bundle import FigureWidget
from ..present.formatting import fmt_money, fmt_rvu, fmt_text
from .binding import Binding
from .common import (
    CODE_COLUMN,
    CONTROL_STYLE,
    DESCRIPTION_COLUMN,
    ErrorPanel,
    figure_widget,
    heading,
    html_table,
    labelled,
    note,
    scrolling,
    update_figure,
)
from .glossary import terms_line
from .urlstate import UrlState, read_query

ALL = "all"
# the glossary terms the view's tables and charts use (hover help under the code table)
TERMS = ("RVU", "work RVU", "PE RVU", "MP RVU", "CF", "release id", "global days", "facility",
         "status C", "status R", "GPCI", "unlisted code")
CODE_COLUMNS = [
    CODE_COLUMN,
    DESCRIPTION_COLUMN,
    ("glob_days", "Global days", fmt_text),
    ("work_rvu", "Work RVU", fmt_rvu),
    ("facility_total_rvu", "Total RVU, facility", fmt_rvu),
    ("facility_price", "Facility, national (US$)", fmt_money),
    ("office_price", "Office, national (US$)", fmt_money),
]
SEED_COLUMNS = [
    ("label", "As the advocates write it", fmt_text),
    ("code", "Code it matches", fmt_text),
    ("quoted_work_rvu", "Published work RVU", fmt_rvu),
    ("work_rvu", "Work RVU in the chosen year", fmt_rvu),
    ("change", "Change (RVU)", fmt_rvu),
]


def family_options() -> list[tuple[str, str]]:
    return [("All families", ALL)] + [(label, fam) for fam, label in tables.FAMILY_LABELS.items()]


def trend_codes(family: str, catalog: Catalog | None = None) -> list[str]:
    """The codes whose trend is drawn: the family's, or the advocates' codes for all families."""
    cat = catalog or load_catalog()
    return tables.seed_codes() if family == ALL else cat.family(family)


def catalog_frames(year: int, family: str = ALL,
                   catalog: Catalog | None = None) -> dict[str, pd.DataFrame]:
    """Everything notebook 01 shows for one year and family, as plain tables (computed once per
    year, family and catalog: the tables are shared, read them, do not change them)."""
    return dict(_frames(int(year), str(family), catalog or load_catalog()))


# a handful of years times the families (and the catalog of a test): all of them fit
@lru_cache(maxsize=256)
def _frames(year: int, family: str, catalog: Catalog) -> dict[str, pd.DataFrame]:
    fam = None if family == ALL else family
    return {
        "codes": tables.code_table(year, fam, catalog),
        "gap": tables.value_gap(year, catalog),
        "trend": tables.payment_trend(trend_codes(family, catalog), "facility", catalog),
        "seed": tables.seed_beside_year(year, catalog),
    }


@dataclass(frozen=True)
class CatalogPage:
    """What notebook 01 writes for one year and family: its HTML and its three chart specs."""

    caption: str
    table: str
    gap: figures.FigureSpec
    seed: figures.FigureSpec
    seed_table: str
    trend: figures.FigureSpec
    trend_table: str


@lru_cache(maxsize=256)
def catalog_page(year: int, family: str, catalog: Catalog) -> CatalogPage:
    """Notebook 01's page for one year and family, built once: a control change then only sends
    what differs (trend_spec and the tables' HTML took 60-150 ms per change, issue 15). Specs
    are shared: ``update_figure`` reads them, nothing may change them."""
    frames = catalog_frames(year, family, catalog)
    label = dict((v, k) for k, v in family_options())[family]
    return CatalogPage(
        caption=note(price_caption(year, catalog)),
        table=html_table(frames["codes"], CODE_COLUMNS,
                         caption=f"{label}: RVUs and national payments, {year}"),
        gap=figures.value_gap_spec(frames["gap"], year),
        seed=figures.seed_spec(frames["seed"], year, tables.seed_published()),
        seed_table=html_table(frames["seed"], SEED_COLUMNS,
                              caption=f"Work RVUs published by the advocates beside {year}'s"),
        trend=figures.trend_spec(frames["trend"], year, what=_trend_what(family)),
        trend_table=trend_table_html(frames["trend"]),
    )


def price_caption(year: int, catalog: Catalog | None = None) -> str:
    """Which date, release and conversion factor a year's national prices use."""
    cat = catalog or load_catalog()
    on = cat.date_for_year(year)
    rel = cat.release_on(on)
    cf = cat.conversion_factor(on)
    return (f"National prices of a surgery on {on.isoformat()}: RVUs of the {rel.label} "
            f"({rel.release_id}), conversion factor ${cf:.4f} per RVU. National means all GPCIs "
            "are 1; a dash means not paid by RVUs in that setting (NA, carrier priced or "
            "restricted).")


def trend_table_html(trend: pd.DataFrame) -> str:
    """The trend chart's numbers: one row per code, one column per year (US$)."""
    wide = trend.pivot(index="code", columns="year", values="price")
    wide = wide.reindex(list(dict.fromkeys(trend["code"])))
    frame = wide.reset_index()
    frame.columns = [str(c) for c in frame.columns]
    cols = [CODE_COLUMN] + [(str(y), str(y), fmt_money) for y in wide.columns]
    return html_table(frame, cols, caption="National payment, facility (US$), by year")


@dataclass
class CatalogView:
    """Notebook 01's controls, outputs and the tables behind them (``frames``)."""

    year: widgets.ToggleButtons
    family: widgets.Dropdown
    caption: widgets.HTML
    table: widgets.HTML
    gap_figure: go.FigureWidget
    trend_figure: go.FigureWidget
    trend_table: widgets.HTML
    seed_figure: go.FigureWidget
    seed_table: widgets.HTML
    errors: ErrorPanel
    widget: widgets.VBox
    catalog: Catalog
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    binding: Binding | None = None
    url: UrlState | None = None
    # the data resources shown, for the notebook's footer
    resources: tuple[str, ...] = ("cms-rvus", "cms-conversion-factors", "catalog-codes",
                                  "seed-figures")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # a figure changed before the page showed it (a link's values) is shown as it is now
        for fig in (self.gap_figure, self.trend_figure, self.seed_figure):
            if isinstance(fig, FigureWidget):
                fig.keep_views_current()
        return self.widget._repr_mimebundle_(**kwargs)

    def refresh(self, *_: Any) -> None:
        """Recompute the tables for the current controls and update every output in place."""
        if self.binding is not None:
            self.binding.refresh()

    def compute(self, values: dict[str, Any]) -> tuple[dict[str, pd.DataFrame], CatalogPage]:
        year, family = int(values["year"]), str(values["family"])
        frames = catalog_frames(year, family, self.catalog)
        return frames, catalog_page(year, family, self.catalog)

    def render(self, out: tuple[dict[str, pd.DataFrame], CatalogPage]) -> None:
        self._show(*out)

    def _show(self, frames: dict[str, pd.DataFrame], page: CatalogPage) -> None:
        """Every number and table first, then the charts: their messages leave together after
        this handler (``update_figure``), so the page redraws them in one batch, in the order
        they changed here: the trend first, whose year change only moves its marker line (a
        redraw without a new calculation), then the bars of the value gap and of the seed."""
        self.caption.value = page.caption
        self.table.value = page.table
        self.seed_table.value = page.seed_table
        self.trend_table.value = page.trend_table
        update_figure(self.trend_figure, page.trend)
        if int(self.frames["gap"]["year"].iloc[0]) != int(frames["gap"]["year"].iloc[0]):
            update_figure(self.gap_figure, page.gap)
            update_figure(self.seed_figure, page.seed)
        self.frames = frames


def _trend_what(family: str) -> str:
    if family == ALL:
        return "the codes the advocates quote"
    return tables.FAMILY_LABELS[family].lower()


def catalog_view(year: int | None = None, family: str = ALL, catalog: Catalog | None = None,
                 query: str | Callable[[], str] = "") -> CatalogView:
    """Build notebook 01's view: year and family controls over a table and three figures.

    ``query`` is the page's query string, or the function that waits for it
    (``urlstate.page_query`` in the app): called once the view is built, so a warm kernel builds
    it before anyone asks for the page and only the link's values are left after the request."""
    cat = catalog or load_catalog()
    years = cat.years()
    # the same default as 00, 02, 03 and 04: the latest year with a GPCI file
    year = cat.default_year() if year is None else int(year)
    year_control = widgets.ToggleButtons(
        options=[(str(y), y) for y in years], value=year, style={"button_width": "58px"},
        tooltips=[f"prices of {y}" for y in years])
    family_control = widgets.Dropdown(options=family_options(), value=family,
                                      description="Code family", style=CONTROL_STYLE,
                                      layout=widgets.Layout(width="460px"))
    controls = {"year": year_control, "family": family_control}
    url = UrlState(controls)
    frames, page = catalog_frames(year, family, cat), catalog_page(year, family, cat)
    view = CatalogView(
        year=year_control, family=family_control, caption=widgets.HTML(), table=widgets.HTML(),
        gap_figure=figure_widget(page.gap), trend_figure=figure_widget(page.trend),
        trend_table=widgets.HTML(), seed_figure=figure_widget(page.seed),
        seed_table=widgets.HTML(), errors=ErrorPanel(), widget=widgets.VBox(), catalog=cat,
        frames=frames, url=url,
    )
    view.binding = Binding(controls, view.compute, view.render, errors=view.errors,
                           outputs=[view.caption, view.table, view.gap_figure, view.trend_figure,
                                    view.trend_table, view.seed_figure, view.seed_table])
    url.binding = view.binding
    view.widget.children = [
        widgets.VBox([labelled("Year", year_control), family_control]), url.widget,
        view.errors.widget,
        heading("The codes"), view.caption, widgets.HTML(terms_line(TERMS)),
        scrolling(view.table),
        heading("The value gap"),
        widgets.HTML(note("Primary codes with a national facility payment; add-on codes (paid per "
                          "extra increment) and the unlisted code 19499 (priced by each payer) are "
                          "in the table above, not in the chart.")),
        view.gap_figure,
        heading("Payments year by year"),
        widgets.HTML(note("Follows the code family chosen above; 'All families' shows the codes "
                          "the advocates quote. The dotted line marks the chosen year.")),
        view.trend_figure, scrolling(view.trend_table),
        heading("The advocates' published figures beside the chosen year"),
        view.seed_figure, scrolling(view.seed_table),
    ]
    view._show(frames, page)

    def warm() -> None:  # the pages of the other years, before the page request
        for other in years:
            catalog_page(other, family, cat)

    link = read_query(query, warm)
    if link:
        # the figures' updates reach a page that has not shown them through ``_repr_mimebundle_``
        url.apply(link)
    return view
