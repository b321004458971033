"""Notebook 04: the finite RVU pool, told right. First the three paths side by side (today's
codes, a new flat-closure code, revaluing an existing code) with a verdict computed from the
numbers, the year's actual budget-neutrality adjustment beside each path's own share, and the
CY2021 E/M check; then, folded, the heatmap, every code's price and the family lens (UNCONFIRMED).

Plain functions live in ``pool_inputs`` (inputs -> outcome) and ``pool_panels`` (HTML, specs);
``PoolView`` only wires the controls to them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from typing import Any

import ipywidgets as widgets

from ..catalog import Catalog, load_catalog
from ..errors import FlatclosureError
from ..plotly_bundle import FigureWidget
from ..pool import FAMILY_LABEL, STATUTORY_LABEL, pool_limit, pool_parameters
from ..present import pool_text
from ..present.pool_text import BILLION
from ..volumes import Volumes, illustrative_volumes, read_geo_service_upload
from . import pool_panels as panels
from .binding import Deferred
from .common import (
    STYLE,
    ErrorPanel,
    figure_widget,
    heading,
    note,
    scrolling,
    update_figure,
)
from .figure_updates import after_numbers
from .glossary import terms_line
from .pool_controls import Controls, build_controls, url_codecs, url_controls
from .pool_inputs import OutcomeCache, PoolInputs, PoolOutcome, default_inputs, pool_outcome, preset
from .urlstate import UrlState, read_query

# the glossary terms the page uses (hover help under the paths)
TERMS = ("RVU", "work RVU", "PE RVU", "MP RVU", "CF", "PFS", "budget neutrality", "facility",
         "GPCI", "bilateral indicator", "multiple procedure", "AFC", "UNCONFIRMED")
DETAIL_TITLES = ("More inputs: what the new code replaces, setting, PFS total, volumes file",
                 "Statutory lens in detail: every code's price and the RVU x volume map",
                 "Family lens, code by code (UNCONFIRMED)")
CHARTS_SECTION = 1  # the folded section that holds both charts


class LensPanel(ErrorPanel):
    """The family lens's message: the UNCONFIRMED lens has no answer for valid inputs (e.g. a new
    code bigger than the family), which is not an input refused, so it does not say so."""

    def show(self, exc: FlatclosureError | str) -> None:
        self.message = self.describe(exc)
        self.widget.value = (f'{STYLE}<div class="fc-error" role="status"><b>The family lens has '
                             f"no answer for these inputs</b> (the statutory figures above still "
                             f"hold). {html.escape(self.message)}</div>")
        self.widget.layout.display = None


@dataclass
class PoolView:
    """Notebook 04's controls (``c``), outputs and the last computed ``outcome``."""

    c: Controls
    out: dict[str, widgets.HTML]
    prices_figure: Any
    heatmap: Any
    errors: ErrorPanel
    family_errors: ErrorPanel
    details: widgets.Accordion
    widget: widgets.VBox
    catalog: Catalog
    volumes: Volumes
    preset_volume: float
    work_share: float | None = None  # kept from the starting inputs: no control changes it
    outcome: PoolOutcome | None = None
    url: UrlState | None = None
    cache: OutcomeCache | None = None
    charts_due: PoolOutcome | None = None  # what the folded charts are still to show
    deferred: Deferred | None = None  # a link's values set at once compute once (``holding``)
    resources: tuple[str, ...] = ("cms-rvus", "cms-conversion-factors", "catalog-codes",
                                  "payment-parameters", "pool-volumes-illustrative")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # a figure changed before the page showed it (a link's values) is shown as it is now
        for fig in (self.prices_figure, self.heatmap):
            if isinstance(fig, FigureWidget):
                fig.keep_views_current()
        return self.widget._repr_mimebundle_(**kwargs)

    def inputs(self) -> PoolInputs:
        """The control values as engine inputs (None where a value is the default)."""
        c = self.c
        total = float(c.total_allowed.value) * BILLION
        fam = str(c.family.value)
        if fam == "custom":  # checked by the family lens, which shows what is wrong
            fam = str(c.family_codes.value).strip()
        code = str(c.revalue_code.value)
        vol = float(c.revalue_volume.value)
        return PoolInputs(
            rvu=float(c.rvu.value), volume=float(c.volume.value),
            shares=tuple((k, float(w.value)) for k, w in c.shares.items()),
            year=int(c.year.value), setting=str(c.setting.value),
            total_allowed=None if math.isclose(total, pool_parameters().total_allowed_usd)
            else total, family=fam, work_share=self.work_share, revalue_code=code,
            revalue_work_rvu=float(c.revalue_work.value),
            revalue_volume=None if vol == self.volumes.get(code) else vol,
            flat_closure_share=None if c.same_closures.value else float(c.fc_share.value))

    def refresh(self, *_: Any) -> None:
        """Recompute on any control change; an impossible value shows a message, not a trace."""
        self.c.family_codes.disabled = self.c.family.value != "custom"
        self.c.fc_share.disabled = bool(self.c.same_closures.value)
        with self.errors.catching():
            assert self.cache is not None
            self._show(self.cache(self.inputs(), self.volumes))
        self._grey(self.errors.showing)

    def holding(self) -> AbstractContextManager[None]:
        """Set several controls (a link's values), then compute once."""
        assert self.deferred is not None  # made with the view (pool_view)
        return self.deferred.held()

    def _grey(self, stale: bool) -> None:
        """Grey out the last results while the message says which control to change."""
        for w in (*self.out.values(), self.prices_figure, self.heatmap):
            (w.add_class if stale else w.remove_class)("fc-off")

    def _show(self, out: PoolOutcome) -> None:
        self.outcome = out
        for part, make in (("top", partial(panels.top_texts, out, self.volumes,
                                           self.preset_volume, self.catalog)),
                           ("detail", partial(panels.detail_texts, out, self.volumes))):
            texts = self.cache.derived(out, part, make) if self.cache is not None else make()
            for name, text in texts.items():  # each sent as it is written: the paths first
                self.out[name].value = text
        if self.c.same_closures.value and out.paths.revaluation is not None:
            self.c.fc_share.value = round(float(out.paths.revaluation.rows[
                "flat_closure_share"].iloc[0]), 4)
        if out.family is None:
            self.family_errors.show(out.family_error)
        else:
            self.family_errors.clear()
        self.charts_due = out
        if self.details.selected_index == CHARTS_SECTION:
            after_numbers(self.draw_charts)

    def draw_charts(self) -> None:
        """Bring both charts to the last outcome. They sit in a folded section: a change while it
        is folded only notes what they are due to show, and opening it draws that (issue 15: the
        81 x 81 heatmap cost more than the numbers). A change made on the page draws them just
        after its handler (``after_numbers``), so its numbers leave the kernel first."""
        out, self.charts_due = self.charts_due, None
        if out is not None:
            for fig, spec in ((self.prices_figure, panels.prices_spec),
                              (self.heatmap, panels.heatmap_spec)):
                make = partial(spec, out)
                update_figure(fig, self.cache.derived(out, spec.__name__, make)
                              if self.cache is not None else make())

    def _fit_figures(self, change: Mapping[str, Any]) -> None:
        """Charts drawn while their section was folded keep plotly's 700 px default, which is
        wider than JupyterLab's column at 1024 px (the heatmap's colour scale was cut off): on
        opening the section, relayout them at the width they now have."""
        if change["new"] != CHARTS_SECTION:
            return
        self.draw_charts()
        for fig in (self.prices_figure, self.heatmap):
            fig.layout.autosize = False
            fig.layout.autosize = True

    def use_volumes(self, volumes: Volumes) -> None:
        """Replace the illustrative volumes (family lens, revalued code) and recompute."""
        self.volumes = volumes
        if self.cache is not None:
            self.cache.clear()  # its outcomes are of the volumes before
        self.c.revalue_volume.value = volumes.get(str(self.c.revalue_code.value))
        self.refresh()

    def _load_from_upload(self, change: Mapping[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        loaded = None
        with self.errors.catching():
            loaded = read_geo_service_upload(str(f["name"]), bytes(f["content"]))
        self.c.upload.value = ()  # so that the same file can be uploaded again after a fix
        if loaded is not None:
            self.use_volumes(loaded)

    def _revalue_code_changed(self, *_: Any) -> None:
        code = str(self.c.revalue_code.value)
        on = self.catalog.date_for_year(int(self.c.year.value))
        self.c.revalue_work.value = self.catalog.values(code, on).work_rvu
        self.c.revalue_volume.value = self.volumes.get(code)


def pool_view(inputs: PoolInputs | None = None, volumes: Volumes | None = None,
              catalog: Catalog | None = None, query: str | Callable[[], str] = "") -> PoolView:
    """Build notebook 04's view, starting from ``inputs`` (default: the preset new code).

    ``query`` is the page's query string, or the function that waits for it
    (``urlstate.page_query`` in the app): called once the view is built, so a warm kernel builds
    it before anyone asks for the page and only the link's values are left after the request.
    The controls it names start from its values; a bad parameter is named above the results and
    ignored; a link the engine refuses leaves the starting figures, greyed, under the message."""
    cat = catalog or load_catalog()
    start = default_inputs()
    inputs = inputs or start
    vols = volumes or illustrative_volumes()
    first = pool_outcome(inputs, vols, cat)  # the figures start from real data
    rev = first.paths.revaluation
    share = float(rev.rows["flat_closure_share"].iloc[0]) if rev is not None else 0.0
    c = build_controls(inputs, cat, vols, share, pool_limit("work_rvu_max"),
                       pool_limit("yearly_services_max"))
    names = ("verdict", "paths", "year", "em", "statutory", "cf", "shares", "revalue_volume",
             "family", "family_table", "reasoning", "prices", "services", "volumes")
    view = PoolView(
        c=c, out={n: widgets.HTML() for n in names},
        prices_figure=figure_widget(panels.prices_spec(first)),
        heatmap=figure_widget(panels.heatmap_spec(first)),
        errors=ErrorPanel(describe=lambda e: pool_text.error_words(str(e))),
        family_errors=LensPanel(describe=lambda e: pool_text.error_words(str(e))),
        details=widgets.Accordion(), widget=widgets.VBox(),
        catalog=cat, volumes=vols, preset_volume=start.volume, work_share=inputs.work_share,
        cache=OutcomeCache(cat))
    view.cache.keep(first)  # type: ignore[union-attr]
    view.deferred = Deferred(view.refresh)
    view.out["em"].value = panels.em_html()
    c.revalue_code.observe(view._revalue_code_changed, names="value")
    view.url = UrlState(url_controls(c), codecs=url_codecs(c))
    _layout(view)
    c.fc_share.disabled = bool(c.same_closures.value)  # as refresh() keeps it
    view._show(first)
    view.charts_due = None  # the figures were made from it
    view._grey(view.errors.showing)
    for w in (c.rvu, c.volume, *c.shares.values(), c.year, c.setting, c.total_allowed, c.family,
              c.family_codes, c.revalue_work, c.revalue_volume, c.fc_share, c.same_closures):
        w.observe(view.deferred.request, names="value")
    view.details.observe(view._fit_figures, names="selected_index")
    c.upload.observe(view._load_from_upload, names="value")
    c.reset_volumes.on_click(lambda _: view.use_volumes(illustrative_volumes()))
    link = read_query(query)  # a warm kernel settles before the page request (``read_query``)
    if link:
        with view.holding():
            view.url.apply(link)
    return view


def _layout(view: PoolView) -> None:
    c, o = view.c, view.out
    params = pool_parameters()
    revalue_card = c.paths_box.children[1]  # (c): the volume's 'illustrative' and its reasoning
    revalue_card.children = (*revalue_card.children, o["revalue_volume"])
    illustrative = "; ".join(preset().illustrative)
    top = [
        heading("Three paths for paying flat closure"),
        widgets.HTML(note(f"Starting values: the preset '{preset().title}' (illustrative: "
                          f"{illustrative}).")),
        c.paths_box, widgets.HTML(terms_line(TERMS)), view.url.widget if view.url else
        widgets.HTML(), view.errors.widget, o["verdict"], scrolling(o["paths"]),
        heading("The year's adjustment, then each path's own share", 4), o["year"], o["em"],
    ]
    more = widgets.VBox([c.more_box, o["shares"], widgets.HTML(note(
        f"Default {pool_text.fmt_billions(params.total_allowed_usd)}: "
        f"{pool_text.source_words(params.total_allowed_source)}.")), o["volumes"], c.volumes_box])
    stat = widgets.VBox([widgets.HTML(note(STATUTORY_LABEL)), o["cf"], o["statutory"],
                         view.prices_figure, scrolling(o["prices"]),
                         widgets.HTML(note(
                             "Each cell is the change of the conversion factor for a new code of "
                             "that total RVU and yearly volume, with the shares set above: its "
                             "marginal share of the year's adjustment, at any size. The dashed "
                             "line is where the conversion factor moves by one cent; the cross is your "
                             "scenario.")),
                         view.heatmap, o["services"]])
    fam = widgets.VBox([widgets.HTML(note(FAMILY_LABEL)), c.family_box, view.family_errors.widget,
                        o["family"], scrolling(o["family_table"]), o["reasoning"]])
    view.details.children = [more, stat, fam]
    for i, t in enumerate(DETAIL_TITLES):
        view.details.set_title(i, t)
    view.details.selected_index = None
    view.widget.children = [*top, heading("In detail"), view.details]
