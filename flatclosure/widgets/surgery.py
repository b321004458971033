"""Notebook 00's compact panel: describe the closure, see its codes and what Medicare pays.

A thin wrapper of the coding protocol (``flatclosure.protocol.recommend``, notebook 02) with a
few controls: the protocol picks the codes from the catalog's size bands, applies its rules and
prices the claim with ``flatclosure.claims.price_claim``. The question, its answer and the page
showing it live in ``surgery_model`` and are importable from here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..catalog import Catalog, load_catalog, normalise_locality
from ..errors import FlatclosureError
from ..labels import SECOND_SIDE
from ..plotly_bundle import FigureWidget
from ..protocol import ProtocolResult
from .binding import Binding
from .common import (
    CONTROL_STYLE,
    NATIONAL_LABEL,
    ErrorPanel,
    LocalityPicker,
    figure_widget,
    labelled,
    note,
    scrolling,
    set_applies,
    update_figure,
)
from .glossary import terms_line
from .surgery_model import CHART_TITLE as CHART_TITLE
from .surgery_model import LINE_COLUMNS as LINE_COLUMNS
from .surgery_model import Surgery, SurgeryPage, surgery_page
from .surgery_model import price_surgery as price_surgery
from .surgery_model import result_frame as result_frame
from .urlstate import Codec, UrlState, UrlValueError, read_query

# How the second side of a per-defect code is marked is a payer convention (shared domain notes,
# section 4.1): each choice (labels.SECOND_SIDE) is offered, and the panel shows what it pays.
# Repairs and fat grafting are summed over both sides (CPT), so the choice does not touch them.
# What is on the claim: the closure alone, or the same surgeon's mastectomy too (bundling rules).
CLAIMS: dict[str, str] = {
    "closure": "the closure alone (a revision, or a second surgeon's claim)",
    "with_mastectomy": "closure and mastectomy (19303), same surgeon",
}
# without a tissue transfer, the closure is a repair: its level by the CPT 2020 criteria
REPAIRS: dict[str, str] = {
    "intermediate": "layered closure only (intermediate repair, 1203X)",
    "complex": "layered closure with extensive undermining (complex repair, 1310X)",
}
# the glossary terms the panel uses (hover help under its controls)
TERMS = ("ASC", "facility", "locality", "GPCI", "CF", "modifier", "multiple procedure",
         "bilateral indicator", "NCCI", "UNCONFIRMED")
# The error fields of the protocol's input (InputError.field) -> the panel control to change.
ERROR_FIELDS = {"date": "year", "setting": "setting", "locality": "locality",
                "mastectomy_code": "claim", "stage": "claim", "sides": "sides",
                "second_side": "bilateral", "rearrangement": "tissue_rearrangement",
                "layered_closure": "repair", "extensive_undermining": "repair",
                "defect_area_cm2": "area", "repair_length_cm": "length"}


@dataclass
class SurgeryPanel:
    """Notebook 00's controls and outputs; ``result`` is the last priced claim (None while the
    controls describe an impossible claim: the outputs are then greyed as stale)."""

    year: widgets.Dropdown
    setting: widgets.ToggleButtons
    locality: LocalityPicker
    claim: widgets.Dropdown
    sides: widgets.ToggleButtons
    bilateral: widgets.Dropdown
    tissue_rearrangement: widgets.ToggleButtons
    repair: widgets.Dropdown
    area: widgets.FloatSlider
    length: widgets.FloatSlider
    codes: widgets.HTML
    total: widgets.HTML
    table: widgets.HTML
    figure: go.FigureWidget
    errors: ErrorPanel
    widget: widgets.VBox
    catalog: Catalog
    binding: Binding | None = None
    url: UrlState | None = None

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # a figure changed before the page showed it (a link's values) is shown as it is now
        if isinstance(self.figure, FigureWidget):
            self.figure.keep_views_current()
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def result(self) -> ProtocolResult | None:
        return None if self.binding is None or self.binding.result is None \
            else self.binding.result.result

    def controls(self) -> dict[str, widgets.Widget]:
        """The panel's controls by the names its links use."""
        return {"year": self.year, "setting": self.setting, "locality": self.locality.combobox,
                "claim": self.claim, "sides": self.sides, "bilateral": self.bilateral,
                "tissue_rearrangement": self.tissue_rearrangement, "repair": self.repair,
                "area": self.area, "length": self.length}

    def surgery(self) -> Surgery:
        return Surgery(int(self.year.value), str(self.setting.value), self.locality.locality,
                       str(self.sides.value), bool(self.tissue_rearrangement.value),
                       float(self.area.value), float(self.length.value),
                       str(self.bilateral.value), str(self.claim.value), str(self.repair.value))

    def refresh(self, *_: Any) -> None:
        """Re-price for the controls as they are (the binding does it on every change)."""
        if self.binding is not None:
            self.binding.refresh()

    def prepare(self, _: Any = None) -> None:
        """Controls that follow other controls, set before pricing."""
        # the area sizes a tissue rearrangement, the length a complex repair: only one applies
        set_applies(self.area, bool(self.tissue_rearrangement.value))
        set_applies(self.length, not self.tissue_rearrangement.value)
        set_applies(self.repair, not self.tissue_rearrangement.value)
        self.bilateral.disabled = self.sides.value != "both"
        if self.locality.year != int(self.year.value):
            self.locality.set_year(int(self.year.value))

    def compute(self, _: Any = None) -> SurgeryPage:
        """The surgery described, its priced claim and the page showing it (may raise)."""
        return surgery_page(self.surgery(), self.catalog)

    def render(self, page: SurgeryPage) -> None:
        self.codes.value = page.codes
        self.total.value = page.total
        self.table.value = page.table
        update_figure(self.figure, page.chart)


def locality_codec(picker: LocalityPicker) -> Codec:
    """A locality in a link is its MAC:LOCALITY id (or "national"), not the shown label."""

    def read(text: str) -> str:
        if text.lower() in ("", "national"):
            return NATIONAL_LABEL
        try:
            return normalise_locality(text)  # the picker matches an id typed in any spelling
        except FlatclosureError:
            raise UrlValueError(f"locality={text!r} is not a MAC:LOCALITY id") from None

    return Codec(lambda: picker.locality or "national", read)


def surgery_panel(year: int | None = None, catalog: Catalog | None = None,
                  query: str | Callable[[], str] = "") -> SurgeryPanel:
    """Build notebook 00's panel: a few facts about the closure -> codes and payment.

    ``query`` is the page's query string, or the function that waits for it
    (``urlstate.page_query`` in the app): called once the panel is built and priced, so a warm
    kernel builds it before anyone asks for the page and only the link's values are left after
    the request (issue 15)."""
    cat = catalog or load_catalog()
    year = cat.default_year() if year is None else int(year)
    panel = _build_panel(Surgery(year), cat)
    panel.binding = Binding(panel.controls(), panel.compute, panel.render, errors=panel.errors,
                            outputs=[panel.codes, panel.total, panel.figure, panel.table],
                            fields=ERROR_FIELDS, before=panel.prepare)
    panel.url = UrlState(panel.controls(), panel.binding,
                         codecs={"locality": locality_codec(panel.locality)})
    controls = [panel.year, labelled("Setting", panel.setting), panel.locality.widget,
                panel.claim, labelled("Sides", panel.sides), panel.bilateral,
                labelled("Tissue rearranged?", panel.tissue_rearrangement), panel.area,
                panel.repair, panel.length]
    panel.widget.children = [
        widgets.VBox(controls), widgets.HTML(terms_line(TERMS)), panel.url.widget,
        panel.errors.widget, panel.codes, panel.total,
        panel.figure, scrolling(panel.table),
        widgets.HTML(note("The codes come from the coding protocol; 02_coding_protocol shows "
                          "every attribute, the rationale, the paperwork and the alternatives.")),
    ]
    panel.refresh()
    link = read_query(query)
    if link:
        # one refresh for the link's values; the figure's update reaches a page that has not
        # shown it through the state it reads first (``update_figure``, ``_repr_mimebundle_``)
        panel.url.apply(link)
    return panel


def _build_panel(first: Surgery, cat: Catalog) -> SurgeryPanel:
    """The panel's widgets, unwired."""
    years = cat.years()
    wide = widgets.Layout(width="460px")
    return SurgeryPanel(
        year=widgets.Dropdown(options=[(str(y), y) for y in years], value=first.year,
                              description="Year of surgery", style=CONTROL_STYLE, layout=wide),
        setting=widgets.ToggleButtons(options=[("hospital or ASC", "facility"),
                                               ("office", "office")], value=first.setting),
        locality=LocalityPicker(first.year, cat),
        claim=widgets.Dropdown(options=[(text, key) for key, text in CLAIMS.items()],
                               value=first.claim, description="On the claim",
                               style=CONTROL_STYLE, layout=widgets.Layout(width="600px")),
        sides=widgets.ToggleButtons(options=[("left", "left"), ("right", "right"),
                                             ("both sides", "both")], value=first.sides),
        bilateral=widgets.Dropdown(
            options=[(f"{text} (payer convention)", key) for key, text in SECOND_SIDE.items()],
            value=first.second_side, description="Second side of a transfer",
            style=CONTROL_STYLE, layout=widgets.Layout(width="600px")),
        tissue_rearrangement=widgets.ToggleButtons(
            options=[("yes", True), ("no", False)], value=first.tissue_rearrangement,
            tooltips=["skin and tissue moved to close (adjacent tissue transfer)",
                      "layered closure without moving tissue (a repair)"]),
        repair=widgets.Dropdown(options=[(t, k) for k, t in REPAIRS.items()], value=first.repair,
                                description="Repair", style=CONTROL_STYLE,
                                layout=widgets.Layout(width="600px")),
        area=widgets.FloatSlider(value=first.area_sq_cm, min=1, max=240, step=1,
                                 description="Defect area per side (sq cm)",
                                 continuous_update=False, readout_format=".0f",
                                 style=CONTROL_STYLE, layout=wide),
        length=widgets.FloatSlider(value=first.length_cm, min=0.5, max=40, step=0.1,
                                   description="Repair length per side (cm)",
                                   continuous_update=False, readout_format=".1f",
                                   style=CONTROL_STYLE, layout=wide),
        codes=widgets.HTML(), total=widgets.HTML(), table=widgets.HTML(),
        figure=figure_widget(surgery_page(first, cat).chart),
        errors=ErrorPanel(), widget=widgets.VBox(), catalog=cat,
    )
