"""Notebook 02: every fact of the surgery as a control -> the coding protocol's priced claim.

The controls are generated from the :class:`~flatclosure.protocol.Procedure` fields (label, kind,
choices, limit), so a new fact shows up here without code. ``ViewInputs`` holds what the controls
say (the procedure, and the pricing context apart); ``price_protocol`` runs
``flatclosure.protocol.recommend``; the tables come from ``flatclosure.present.protocol_tables``.
``write_protocol_card`` writes the printable card (``flatclosure.card.write_card``).
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import figures
from ..card import write_card
from ..catalog import Catalog, load_catalog
from ..claims import PricingContext
from ..errors import InputError
from ..labels import FIELD_LABELS, switch_titles, user_message, value_label
from ..present.formatting import fmt_money, fmt_prose, fmt_text
from ..present.protocol_tables import (
    alternatives_table,
    bundled_table,
    checklist,
    claim_table,
    rationale_table,
)
from ..protocol import (
    Procedure,
    ProtocolResult,
    assumption_switches,
    procedure_facts,
    recommend,
)
from .common import (
    CODE_COLUMN,
    CONTROL_STYLE,
    DESCRIPTION_COLUMN,
    FOOTER_RESOURCES,
    STYLE,
    ErrorPanel,
    LocalityPicker,
    figure_widget,
    html_table,
    note,
    set_applies,
    update_figure,
)
from .protocol_controls import PRIOR_FIELDS, _context_controls, _first_values, _layout, fact_control

L = FIELD_LABELS  # the controls' labels: the same words name them in messages

CLAIM_COLUMNS = [
    ("line", "Claim line", fmt_text),
    ("side", "Side", fmt_text),
    DESCRIPTION_COLUMN,
    ("diagnoses", "Diagnoses (ICD-10-CM)", fmt_prose),
    ("fee_schedule", "Fee schedule, one unit (US$)", fmt_money),
    ("allowed", "Allowed (US$)", fmt_money),
    ("denial_risk", "Denial risk", fmt_text),
    ("pricing", "Payment rules applied", fmt_prose),
]
REASON_COLUMNS = [
    ("line", "Claim line", fmt_text),
    ("rule_ids", "Protocol rules", fmt_text),
    ("rationale", "Why", fmt_prose),
    ("risk_reasons", "Denial risk, and why (source)", fmt_prose),
]
ALTERNATIVE_COLUMNS = [
    ("option", "Way of coding", fmt_prose),
    ("lines", "Claim lines", fmt_text),
    ("total", "Allowed, whole claim (US$)", fmt_money),
    ("change", "Against the recommendation (US$)", fmt_text),
    ("denial_risk", "Denial risk", fmt_text),
    ("note", "Note", fmt_prose),
]
BUNDLED_COLUMNS = [
    CODE_COLUMN,
    ("side", "Side", fmt_text),
    ("rule_id", "Rule", fmt_text),
    ("reason", "Why it is left off the claim", fmt_prose),
]
# claim lines such as 14301-LT-XS are not broken at their hyphens (first column)
TABLE_CLASS = "fc-table fc-protocol"
LINE_STYLE = "<style>.fc-protocol td:first-child { white-space: pre; }</style>"
CARD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.(html|pdf)")
AUTO_CARD_NAME = re.compile(r"protocol_card_\d{4}\.html")


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


def card_path(year: int, directory: Path | str = ".", name: str | None = None) -> Path:
    """Where the card goes: a plain file name (.html or .pdf) inside ``directory``."""
    name = (name or f"protocol_card_{year}.html").strip()
    if not CARD_NAME.fullmatch(name):
        raise InputError("card file name", f"{name!r} is not a plain file name ending in .html or "
                         ".pdf (letters, digits, '_', '-', '.'; no folders)")
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError("card folder", f"{folder} is not a folder")
    return folder / name


def write_protocol_card(year: int, directory: Path | str = ".", name: str | None = None) -> Path:
    """Write the printable protocol card for ``year`` (``flatclosure.card.write_card``)."""
    return write_card(card_path(year, directory, name), year)


def _list(items: tuple[str, ...] | list[str], empty: str) -> str:
    if not items:
        return STYLE + note(empty)
    lis = "".join(f"<li>{html.escape(x)}</li>" for x in items)
    return f'{STYLE}<ul class="fc-note" style="margin:2px 0 8px 0; padding-left:22px">{lis}</ul>'


@dataclass
class ProtocolView:
    """Notebook 02's controls and outputs; ``result`` is the last recommendation (None while an
    impossible combination is shown), ``frames`` the tables behind what is shown."""

    catalog: Catalog
    controls: dict[str, widgets.Widget]
    locality: LocalityPicker
    switches: dict[str, widgets.Checkbox]
    errors: ErrorPanel
    codes: widgets.HTML
    total: widgets.HTML
    claim_table: widgets.HTML
    reasons_table: widgets.HTML
    bundled: widgets.HTML
    warnings: widgets.HTML
    checklist: widgets.HTML
    alternatives_table: widgets.HTML
    assumptions: widgets.HTML
    figure: go.FigureWidget
    card_name: widgets.Text
    card_button: widgets.Button
    card_output: widgets.HTML
    card_errors: ErrorPanel
    widget: widgets.VBox
    card_dir: Path = field(default_factory=Path.cwd)
    result: ProtocolResult | None = None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    card_file: Path | None = None
    # the data resources shown, for the notebook's footer
    resources: tuple[str, ...] = (*FOOTER_RESOURCES, "protocol-rules", "protocol-ncci-pairs")
    _busy: bool = False

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __getattr__(self, name: str) -> Any:  # view.area, view.stage, ... are the controls
        controls = self.__dict__.get("controls", {})
        if name in controls:
            return controls[name]
        raise AttributeError(name)

    def inputs(self) -> ViewInputs:
        c = {k: w.value for k, w in self.controls.items()}
        off = frozenset(n for n, box in self.switches.items() if not box.value)
        facts = tuple((name, off if name == "assumptions_off" else c[name])
                      for name in procedure_facts())
        return ViewInputs(
            facts=facts, year=int(c["year"]), exact_date=c["exact_date"],
            setting=str(c["setting"]), locality=self.locality.locality,
            payer_multiplier=float(c["payer_multiplier"]),
            qualifying_apm=bool(c["qualifying_apm"]),
            modifier_22_percent=float(c["modifier_22_percent"]),
            prior_surgery=bool(c["prior_surgery"]))

    def _enable(self) -> None:
        """Grey out the controls that do not apply to what the others say."""
        c = {k: w.value for k, w in self.controls.items()}
        initial = c["stage"] == "initial"
        repair = not c["rearrangement"]
        applies = {
            "mastectomy_code": initial, "fat_cc": bool(c["fat_grafting"]),
            "second_side": c["sides"] == "both", "defect_area_cm2": not repair,
            **{n: bool(c["prior_surgery"]) for n in PRIOR_FIELDS},
            **{n: repair for n, f in procedure_facts().items() if f.group == "repair"},
            "distinctness": initial and bool(c["same_surgeon"]),
            "distinct_modifier": initial and bool(c["same_surgeon"]),
            "revision_problem": not initial, "revision_encounter": not initial,
            "cancer_site": c["diagnosis"] == "cancer", "sex": c["diagnosis"] == "cancer",
            "risk_basis": c["diagnosis"] == "risk_reducing",
            "year": c["exact_date"] is None,
        }
        for name, flag in applies.items():
            set_applies(self.controls[name], flag)
        # the modifier 22 uplift stays enabled: it also prices the modifier 22 alternative

    def refresh(self, *_: Any) -> None:
        """Re-run the protocol on any control change; an impossible combination shows a message
        (and no stale numbers)."""
        if self._busy:  # the locality picker's own change while the year is switched
            return
        self._busy = True
        try:
            self._refresh()
        finally:
            self._busy = False

    def _refresh(self) -> None:
        self._enable()
        with self.errors.catching():
            inputs = self.inputs()
            on = inputs.on(self.catalog)
            if self.locality.year != on.year:
                self.locality.set_year(on.year)
                inputs = dataclasses.replace(inputs, locality=self.locality.locality)
            if AUTO_CARD_NAME.fullmatch(self.card_name.value):
                self.card_name.value = f"protocol_card_{on.year}.html"
            result = price_protocol(inputs, self.catalog)
            self._show(result)
        if self.errors.showing:
            self._show_nothing()

    def _show(self, result: ProtocolResult) -> None:
        claim, ctx = result.claim, result.context
        frames = {"claim": claim_table(result, self.catalog), "reasons": rationale_table(result),
                  "alternatives": alternatives_table(result), "bundled": bundled_table(result)}
        where = (f"Date of service {ctx.on.isoformat()} (RVU release {result.release_id}), "
                 f"{ctx.setting}, {claim.locality_name}, conversion factor "
                 f"${claim.conversion_factor:.4f} per RVU, payer multiplier "
                 f"{ctx.payer_multiplier:g} × Medicare")
        self.claim_table.value = LINE_STYLE + html_table(
            frames["claim"], CLAIM_COLUMNS, caption="The claim, line by line, with its diagnoses",
            css_class=TABLE_CLASS)
        self.reasons_table.value = LINE_STYLE + html_table(
            frames["reasons"], REASON_COLUMNS, css_class=TABLE_CLASS,
            caption="Why each line: the protocol rules, their reasons, the denial risk")
        self.bundled.value = (html_table(frames["bundled"], BUNDLED_COLUMNS,
                                         caption="Left off the claim (included in another code)")
                              if result.bundled else STYLE + note("Nothing is left off the claim."))
        self.warnings.value = _list(list(result.warnings), "No warnings.")
        self.checklist.value = _list(checklist(result), "Nothing to document.")
        self.alternatives_table.value = html_table(
            frames["alternatives"], ALTERNATIVE_COLUMNS,
            caption="Other ways of coding the same surgery, and what each pays")
        titles = switch_titles()
        self.assumptions.value = STYLE + note(
            "Assumptions in effect (UNCONFIRMED conventions): "
            + "; ".join(f"{L.get(n, titles.get(n, n))}: {value_label(n, s)}"
                        for n, s in result.assumptions)
            + "." if result.assumptions else "No UNCONFIRMED assumption applies to this claim.")
        update_figure(self.figure, figures.protocol_alternatives_spec(
            frames["alternatives"], f"What each way of coding pays, {ctx.on.year}"))
        # the headline last: once it shows the new codes, every output above has been sent
        self.codes.value = STYLE + note("Codes: " + ", ".join(ln.line for ln in result.lines),
                                        "fc-total")
        self.total.value = STYLE + (
            f'<div class="fc-total">Allowed, whole claim: {fmt_money(result.total)}</div>'
            + note(f"{where}.") + note(f"Denial risk of the claim: {result.denial_risk}."))
        self.result, self.frames = result, frames

    def _show_nothing(self) -> None:
        self.result, self.frames = None, {}
        self.codes.value = STYLE + note("Codes: none (see the message above)", "fc-total")
        self.total.value = STYLE + '<div class="fc-total">Allowed, whole claim: –</div>'
        for out in (self.claim_table, self.reasons_table, self.bundled, self.warnings,
                    self.checklist, self.alternatives_table, self.assumptions):
            out.value = ""
        update_figure(self.figure, figures.protocol_alternatives_spec(
            alternatives_frame_empty(), "No claim for this combination"))

    def write_card(self, *_: Any) -> Path | None:
        """Write the printable card for the year shown; show its path and a download link."""
        self.card_file = None
        self.card_output.value = ""
        with self.card_errors.catching():
            year = self.inputs().on(self.catalog).year
            name = self.card_name.value.strip()
            path = write_protocol_card(year, self.card_dir, name or None)
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            kind = "application/pdf" if path.suffix.lower() == ".pdf" else "text/html"
            if not name:  # say so, and show the name used, rather than fall back silently
                self.card_name.value = path.name
            fallback = ("" if name else
                        f"The file name box was empty, so the default name {path.name} is used. ")
            self.card_output.value = STYLE + (
                f'<div class="fc-note">{html.escape(fallback)}The protocol card for {year} is '
                "written to "
                f"<code>{html.escape(str(path.resolve()))}</code>. "
                f'<a download="{html.escape(path.name)}" href="data:{kind};base64,{data}" '
                f'style="text-decoration:underline">Download {html.escape(path.name)}</a>, '
                "open it in a browser and print it.</div>")
            self.card_file = path
        return self.card_file


def alternatives_frame_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["option", "kind", "lines", "total", "difference", "denial_risk",
                                 "is_current", "note"])


def protocol_view(year: int | None = None, catalog: Catalog | None = None,
                  card_dir: Path | str | None = None) -> ProtocolView:
    """Build notebook 02's view: every procedure fact as a control -> the priced claim."""
    cat = catalog or load_catalog()
    year = cat.default_year() if year is None else int(year)
    first = _first_values()
    c: dict[str, widgets.Widget] = {
        name: fact_control(name, f, first[name], cat)
        for name, f in procedure_facts().items() if f.kind != "switches"}
    c.update(_context_controls(cat, year))
    switches = {s["name"]: widgets.Checkbox(value=True, indent=False, description="",
                                            layout=widgets.Layout(width="28px"))
                for s in assumption_switches() if s["kind"] == "switch"}
    view = ProtocolView(
        catalog=cat, controls=c, locality=LocalityPicker(year, cat), switches=switches,
        errors=ErrorPanel(user_message), codes=widgets.HTML(), total=widgets.HTML(),
        claim_table=widgets.HTML(), reasons_table=widgets.HTML(), bundled=widgets.HTML(),
        warnings=widgets.HTML(), checklist=widgets.HTML(), alternatives_table=widgets.HTML(),
        assumptions=widgets.HTML(),
        figure=figure_widget(figures.protocol_alternatives_spec(alternatives_frame_empty(),
                                                                "What each way of coding pays")),
        card_name=widgets.Text(value=f"protocol_card_{year}.html", description="Card file",
                               style=CONTROL_STYLE, layout=widgets.Layout(width="460px")),
        card_button=widgets.Button(description="Write the printable protocol card",
                                   button_style="primary", icon="print",
                                   layout=widgets.Layout(width="280px")),
        card_output=widgets.HTML(), card_errors=ErrorPanel(user_message), widget=widgets.VBox(),
        card_dir=Path(card_dir) if card_dir is not None else Path.cwd(),
    )
    _layout(view)
    view.refresh()
    for w in [*c.values(), *switches.values()]:
        w.observe(view.refresh, names="value")
    view.locality.observe(view.refresh)
    view.card_button.on_click(view.write_card)
    return view


