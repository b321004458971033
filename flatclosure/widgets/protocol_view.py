"""Notebook 02: every fact of the surgery as a control -> the coding protocol's priced claim.

The controls are generated from the :class:`~flatclosure.protocol.Procedure` fields
(``protocol_controls``); ``ViewInputs`` holds what they say; ``price_protocol`` runs
``flatclosure.protocol.recommend``; ``protocol_outputs`` shows the answer. A ``Binding`` ties them
(an impossible combination greys the old answer and names the control to change), a ``UrlState``
puts them in the page's link, and the printable card is a browser download.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

import ipywidgets as widgets
import pandas as pd

from ..card import render_card
from ..catalog import Catalog, load_catalog
from ..claims import PricingContext
from ..errors import InputError
from ..fileio import download_link
from ..labels import plain_text, user_message
from ..plotly_bundle import FigureWidget
from ..protocol import Procedure, ProtocolResult, procedure_facts, recommend
from .binding import Binding
from .common import FOOTER_RESOURCES, STYLE, ErrorPanel, LocalityPicker, set_applies
from .coverage_view import medicare_cost_html
from .protocol_controls import all_controls, applies, link_codecs
from .protocol_layout import layout
from .protocol_outputs import (
    ProtocolOutputs,
    ProtocolPage,
    alternatives_frame_empty,
    build_outputs,
    protocol_page,
    result_frames,
)
from .surgery import locality_codec
from .urlstate import UrlState, read_query

__all__ = ["ProtocolView", "Shown", "ViewInputs", "alternatives_frame_empty", "card_link",
           "compute_shown", "price_protocol", "protocol_view", "view_inputs"]
# error fields (InputError.field) that are not the name of a control
ERROR_FIELDS = {"date": "year", "assumptions_off": "fat_grafting"}


@dataclass(frozen=True)
class ViewInputs:
    """What notebook 02's controls hold: the facts (as given), the prior-surgery switch, and the
    pricing context's controls; ``exact_date`` overrides the year's date."""

    facts: tuple[tuple[str, Any], ...]
    year: int
    exact_date: dt.date | None = None
    setting: str = "facility"
    locality: str | None = None
    payer_multiplier: float = 1.0
    qualifying_apm: bool = False
    modifier_22_percent: float = 0.0
    prior_surgery: bool = False

    def on(self, catalog: Catalog | None = None) -> dt.date:
        """The date of service: the exact date if given, else the year's (``date_for_year``)."""
        return self.exact_date or (catalog or load_catalog()).date_for_year(self.year)

    def procedure(self) -> Procedure:
        """The protocol's input. Facts that do not apply are not passed (the mastectomy code at
        revision, the fat volume without grafting, the prior surgery when there was none)."""
        kw = dict(self.facts)
        if kw.get("stage") != "initial":
            kw["mastectomy_code"] = None
        if not kw.get("fat_grafting"):
            kw["fat_cc"] = 0.0
        if not self.prior_surgery:
            kw.update(days_since_surgery=None, prior_code=None, global_modifier=None)
        return Procedure(**kw)

    def context(self, catalog: Catalog | None = None) -> PricingContext:
        return PricingContext(self.on(catalog), self.setting, self.locality,
                              self.payer_multiplier, self.qualifying_apm,
                              self.modifier_22_percent)


def price_protocol(inputs: ViewInputs, catalog: Catalog | None = None) -> ProtocolResult:
    """The protocol's recommendation, with its alternatives, for what the controls hold."""
    cat = catalog or load_catalog()
    return recommend(inputs.procedure(), inputs.context(cat), catalog=cat)


def view_inputs(values: dict[str, Any], switches: tuple[str, ...],
                locality: str | None) -> ViewInputs:
    """The inputs the controls' values describe (switches off = assumptions not applied)."""
    off = frozenset(n for n in switches if not values[n])
    facts = tuple((name, off if name == "assumptions_off" else values[name])
                  for name in procedure_facts())
    return ViewInputs(
        facts=facts, year=int(values["year"]), exact_date=values["exact_date"],
        setting=str(values["setting"]), locality=locality,
        payer_multiplier=float(values["payer_multiplier"]),
        qualifying_apm=bool(values["qualifying_apm"]),
        modifier_22_percent=float(values["modifier_22_percent"]),
        prior_surgery=bool(values["prior_surgery"]))


def card_link(year: int) -> str:
    """The printable card of ``year`` as a browser download (nothing written on the server)."""
    data = render_card(year).encode("utf-8")
    return STYLE + (
        f'<div class="fc-note">The protocol card for {year}: '
        f"{download_link(f'protocol_card_{year}.html', data)}. Open it in a browser and print "
        "it (one page). A guide, not coding or legal advice.</div>")


class Shown(NamedTuple):
    """What one computation gives the outputs."""

    inputs: ViewInputs
    result: ProtocolResult
    frames: dict[str, pd.DataFrame]
    cost: str
    page: ProtocolPage


def compute_shown(values: dict[str, Any], catalog: Catalog, switches: tuple[str, ...],
                  locality: str | None) -> Shown:
    """The recommendation, its tables, the patient's cost under Original Medicare and the page
    showing them for the controls' values (may raise InputError)."""
    return _shown(view_inputs(values, switches, locality), str(values["provider"]),
                  float(values["deductible_met"]), catalog)


# Computed once per inputs (issue 15: a refresh took 5-6 ms, mostly tables and HTML; a page
# seen before, e.g. a setting switched back, is now a lookup). Every value of a Shown is shared
# by the views showing the same inputs: read it, never change it. Errors are not cached.
@lru_cache(maxsize=64)
def _shown(inputs: ViewInputs, provider: str, deductible_met: float, catalog: Catalog) -> Shown:
    try:
        result = price_protocol(inputs, catalog)
        cost = medicare_cost_html(result.total, result.context.on, provider, deductible_met)
    except InputError as exc:  # switch names read as the titles shown beside the switches
        raise InputError(exc.field, plain_text(exc.problem)) from exc
    frames = result_frames(result, catalog)
    return Shown(inputs, result, frames, cost, protocol_page(result, frames, cost))


@dataclass
class ProtocolView:
    """Notebook 02's controls and outputs; ``result`` is the last recommendation (None while the
    controls describe a claim that cannot be made: the old answer is then greyed)."""

    catalog: Catalog
    controls: dict[str, widgets.Widget]  # every control by the name its link uses
    switches: tuple[str, ...]  # the names of the assumption switches among the controls
    locality: LocalityPicker
    out: ProtocolOutputs
    errors: ErrorPanel
    card_button: widgets.Button
    card_output: widgets.HTML
    card_errors: ErrorPanel
    widget: widgets.VBox
    binding: Binding | None = None
    # the link: made after the binding, so a change's link is written after its answer
    url: UrlState = field(init=False)
    # the data resources shown, for the notebook's footer
    resources: tuple[str, ...] = (*FOOTER_RESOURCES, "protocol-rules", "protocol-ncci-pairs",
                                  "coverage-part-b-deductible", "coverage-medicare-cost-rules",
                                  "coverage-sequestration")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # a figure changed before the page showed it (a link's values) is shown as it is now
        if isinstance(self.out.figure, FigureWidget):
            self.out.figure.keep_views_current()
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def shown(self) -> Shown | None:
        return None if self.binding is None else self.binding.result

    @property
    def result(self) -> ProtocolResult | None:
        return None if self.shown is None else self.shown.result

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        return {} if self.shown is None else self.shown.frames

    def inputs(self) -> ViewInputs:
        values = {k: w.value for k, w in self.controls.items()}
        return view_inputs(values, self.switches, self.locality.locality)

    def refresh(self, *_: Any) -> None:
        """Re-run the protocol for the controls as they are (the binding does it on a change)."""
        if self.binding is not None:
            self.binding.refresh()

    def prepare(self, values: dict[str, Any]) -> None:
        """Controls that follow others: grey what does not apply; the localities of the year."""
        for name, flag in applies(values).items():
            set_applies(self.controls[name], flag)
        on = self.inputs().on(self.catalog) if self._date_held(values) else None
        if on is not None and self.locality.year != on.year:
            self.locality.set_year(on.year)
        if self.binding is not None:  # a date error is about the exact date when one is set
            self.binding.fields["date"] = "exact_date" if values["exact_date"] else "year"

    def _date_held(self, values: dict[str, Any]) -> bool:
        day = values["exact_date"]
        return day is None or self.catalog.years()[0] <= day.year <= self.catalog.years()[-1]

    def compute(self, values: dict[str, Any]) -> Shown:
        return compute_shown(values, self.catalog, self.switches, self.locality.locality)

    def render(self, shown: Shown) -> None:
        self.out.show(shown.page)
        self.card_output.value = ""  # a card offered is for the year it was made for

    def make_card(self, *_: Any) -> None:
        """Offer the printable card for the year shown as a download."""
        self.card_output.value = ""
        with self.card_errors.catching():
            self.card_output.value = card_link(self.inputs().on(self.catalog).year)


def protocol_view(year: int | None = None, catalog: Catalog | None = None,
                  query: str | Callable[[], str] = "") -> ProtocolView:
    """Build notebook 02's view: every procedure fact as a control -> the priced claim.

    ``query`` is the page's query string, or the function that waits for it
    (``urlstate.page_query`` in the app): called once the view is built and priced, so a warm
    kernel builds it before anyone asks for the page and only the link's values are left after
    the request (issue 15); a bad parameter is named and ignored."""
    cat = catalog or load_catalog()
    year = cat.default_year() if year is None else int(year)
    picker = LocalityPicker(year, cat)
    controls, switches = all_controls(cat, year, picker)
    first: Shown | None = None
    try:
        first = compute_shown({k: w.value for k, w in controls.items()}, cat, switches,
                              picker.locality)
    except InputError:
        pass  # the binding's first refresh below names the control to change
    view = ProtocolView(
        catalog=cat, controls=controls, switches=switches, locality=picker,
        out=build_outputs(first and first.page), errors=ErrorPanel(user_message),
        card_button=widgets.Button(description="Make the printable protocol card",
                                   button_style="primary", icon="print",
                                   layout=widgets.Layout(width="300px")),
        card_output=widgets.HTML(), card_errors=ErrorPanel(user_message), widget=widgets.VBox())
    view.binding = Binding(controls, view.compute, view.render, errors=view.errors,
                           outputs=view.out.stale_marked(),
                           fields=ERROR_FIELDS, before=view.prepare)
    view.url = url = UrlState(controls, view.binding, codecs={"locality": locality_codec(picker),
                                                               **link_codecs(controls, cat)})
    layout(view)
    view.card_button.on_click(view.make_card)
    view.refresh()
    link = read_query(query)
    if link:
        # one refresh for the link's values; the figure's update reaches a page that has not
        # shown it through the state it reads first (``update_figure``, ``_repr_mimebundle_``)
        url.apply(link)
    return view
