"""Notebook 02: every attribute of the surgery as a control -> the coding protocol's priced claim.

Plain functions first: ``ProtocolInputs`` (what the controls hold) -> ``ProcedureAttributes`` ->
``flatclosure.protocol.recommend``, and the tables of the result (``claim_frame``,
``reasons_frame``, ``alternatives_frame``, ``bundled_frame``). ``protocol_view`` is the thin widget
around them; ``write_protocol_card`` writes the printable card (``flatclosure.card.write_card``).
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
from ..errors import InputError
from ..labels import CLOSURE_AS, FIELD_LABELS, GLOBAL_MODIFIERS, switch_titles, user_message
from ..present.formatting import fmt_change, fmt_money, fmt_prose, fmt_text
from ..protocol import (
    CONVENTIONS,
    Alternative,
    ProcedureAttributes,
    ProtocolResult,
    assumption_switches,
    default_rules,
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
    heading,
    html_table,
    labelled,
    note,
    scrolling,
    set_applies,
    update_figure,
)
from .surgery import BILATERAL_CONVENTIONS

L = FIELD_LABELS  # the controls' labels: the same words name them in messages

CLAIM_COLUMNS = [
    ("line", "Claim line", fmt_text),
    ("side", "Side", fmt_text),
    DESCRIPTION_COLUMN,
    ("fee_schedule", "Fee schedule, one unit (US$)", fmt_money),
    ("allowed", "Allowed (US$)", fmt_money),
    ("denial_risk", "Denial risk", fmt_text),
    ("pricing", "Payment rules applied", fmt_prose),
]
REASON_COLUMNS = [
    ("line", "Claim line", fmt_text),
    ("rule_ids", "Protocol rules", fmt_text),
    ("rationale", "Why", fmt_prose),
    ("risk_reasons", "Denial risk, and why", fmt_prose),
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
RECOMMENDED = "The recommended claim (above)"
MODIFIER_22_ALTERNATIVE = "alt-mastectomy-22"  # data/protocol/rules.yaml alternatives
# claim lines such as 14301-LT-59 are not broken at their hyphens (first column)
TABLE_CLASS = "fc-table fc-protocol"
LINE_STYLE = "<style>.fc-protocol td:first-child { white-space: pre; }</style>"
CARD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.(html|pdf)")
AUTO_CARD_NAME = re.compile(r"protocol_card_\d{4}\.html")


@dataclass(frozen=True)
class ProtocolInputs:
    """What the view's controls hold. Sizes are per side; ``exact_date`` (optional) overrides the
    year's date; days, prior code and global modifier count only with ``prior_surgery``."""

    year: int
    exact_date: dt.date | None = None
    setting: str = "facility"
    locality: str | None = None
    payer_multiplier: float = 1.0
    stage: str = "initial"
    sides: str = "both"
    mastectomy_code: str = "19303"
    rearrangement: bool = True
    closure_as: str = "protocol"
    defect_area_cm2: float = 45.0
    repair_length_cm: float = 7.0
    fat_grafting: bool = False
    fat_cc: float = 100.0
    skin_excision: bool = False
    liposuction: bool = False
    same_surgeon: bool = True
    prior_surgery: bool = False
    days_since_surgery: int = 30
    prior_code: str = "19303"
    global_modifier: str = ""
    bilateral_convention: str = "rt_lt"
    distinct_modifier: str = "59"
    assumptions_off: frozenset[str] = frozenset()
    qualifying_apm: bool = False
    modifier_22_percent: float = 0.0
    unlisted_comparator: str | None = None

    def on(self, catalog: Catalog | None = None) -> dt.date:
        """The date of service: the exact date if given, else the year's (``date_for_year``)."""
        return self.exact_date or (catalog or load_catalog()).date_for_year(self.year)

    def attributes(self, catalog: Catalog | None = None) -> ProcedureAttributes:
        """The protocol's input. Controls that do not apply are not passed (the mastectomy code at
        revision, the fat volume without grafting, the prior surgery when there was none)."""
        prior = self.prior_surgery
        return ProcedureAttributes(
            stage=self.stage, sides=self.sides,
            mastectomy_code=self.mastectomy_code if self.stage == "initial" else None,
            rearrangement=self.rearrangement, defect_area_cm2=self.defect_area_cm2,
            repair_length_cm=self.repair_length_cm, fat_grafting=self.fat_grafting,
            fat_cc=self.fat_cc if self.fat_grafting else 0.0, skin_excision=self.skin_excision,
            liposuction=self.liposuction, same_surgeon=self.same_surgeon,
            days_since_surgery=int(self.days_since_surgery) if prior else None,
            prior_code=self.prior_code if prior else None,
            global_modifier=(self.global_modifier or None) if prior else None,
            closure_as=self.closure_as, bilateral_convention=self.bilateral_convention,
            distinct_modifier=self.distinct_modifier, date=self.on(catalog), setting=self.setting,
            locality=self.locality, payer_multiplier=self.payer_multiplier,
            qualifying_apm=self.qualifying_apm, modifier_22_percent=self.modifier_22_percent,
            unlisted_comparator=self.unlisted_comparator, assumptions_off=self.assumptions_off)


def price_protocol(inputs: ProtocolInputs, catalog: Catalog | None = None) -> ProtocolResult:
    """The protocol's recommendation, with its alternatives, for what the controls hold."""
    return recommend(inputs.attributes(catalog))


def claim_frame(result: ProtocolResult, catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per priced claim line: our description, side, amounts and denial risk."""
    cat = catalog or load_catalog()
    rows = [{
        "line": ln.line, "code": ln.code, "side": ln.side,
        "description": cat.info(ln.code).description, "units": ln.priced.line.units,
        "fee_schedule": round(ln.priced.fee_schedule_amount, 2), "allowed": ln.allowed,
        "denial_risk": ln.denial_risk,
        "pricing": "; ".join(r.text for r in ln.priced.rules),
    } for ln in result.lines]
    return pd.DataFrame(rows, columns=["line", "code", "side", "description", "units",
                                       "fee_schedule", "allowed", "denial_risk", "pricing"])


def reasons_frame(result: ProtocolResult) -> pd.DataFrame:
    """The protocol rules behind the claim lines, why, and the denial risk with its reasons; lines
    with the same rules and reasons (e.g. the two sides) share a row, one line under the other."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for ln in result.lines:
        row = {"rule_ids": ", ".join(ln.rule_ids), "rationale": " ".join(ln.rationale),
               "denial_risk": ln.denial_risk,
               "risk_reasons": f"{ln.denial_risk}: " + "; ".join(ln.risk_reasons)}
        key = (row["rule_ids"], row["rationale"], row["risk_reasons"])
        if key in rows:
            rows[key]["line"] += "\n" + ln.line
        else:
            rows[key] = {"line": ln.line, **row}
    return pd.DataFrame(list(rows.values()), columns=["line", "rule_ids", "rationale",
                                                      "denial_risk", "risk_reasons"])


def _option_label(alt: Alternative, result: ProtocolResult) -> str:
    """An alternative's label; modifier 22's says the uplift it is priced with (0% by default,
    when it pays the mastectomy alone)."""
    if alt.id != MODIFIER_22_ALTERNATIVE:
        return alt.label
    pct = result.attributes.modifier_22_percent
    if pct == 0:
        return f"{alt.label} (+0%: set the uplift your payer grants under More options)"
    return f"{alt.label} (+{pct:g}% uplift, set under More options)"


def alternatives_frame(result: ProtocolResult) -> pd.DataFrame:
    """The recommended claim first, then every alternative the rules offer, with its total."""
    rows: list[dict[str, Any]] = [{
        "option": RECOMMENDED, "kind": "recommended", "lines": ", ".join(ln.line for ln in result.lines),
        "total": result.total, "difference": 0.0, "denial_risk": result.denial_risk,
        "is_current": True, "note": "",
    }]
    for a in result.alternatives:
        rows.append({
            "option": _option_label(a, result), "kind": a.kind, "lines": ", ".join(a.lines), "total": a.total,
            "difference": a.difference, "denial_risk": a.denial_risk or "", "is_current": a.is_current,
            "note": (f"not possible: {a.error}" if a.error
                     else "same as the recommended claim" if a.is_current else ""),
        })
    frame = pd.DataFrame(rows, columns=["option", "kind", "lines", "total", "difference",
                                        "denial_risk", "is_current", "note"])
    frame["change"] = [fmt_change(v) for v in frame["difference"]]
    return frame


def bundled_frame(result: ProtocolResult) -> pd.DataFrame:
    """Codes the surgery calls for that the rules leave off the claim, and why."""
    return pd.DataFrame([b.to_dict() for b in result.bundled],
                        columns=["code", "side", "rule_id", "reason"])


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


def _toggle(options: list[tuple[str, Any]], value: Any, width: str = "120px") -> widgets.ToggleButtons:
    return widgets.ToggleButtons(options=options, value=value, style={"button_width": width})


def _slider(value: float, lo: float, hi: float, step: float, text: str, fmt: str,
            width: str = "575px") -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=text,
                               continuous_update=False, readout_format=fmt, style=CONTROL_STYLE,
                               layout=widgets.Layout(width=width))


def _dropdown(options: Any, value: Any, text: str, width: str = "575px") -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=text, style=CONTROL_STYLE,
                            layout=widgets.Layout(width=width))


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

    def inputs(self) -> ProtocolInputs:
        c = {k: w.value for k, w in self.controls.items()}
        return ProtocolInputs(
            year=int(c["year"]), exact_date=c["exact_date"], setting=str(c["setting"]),
            locality=self.locality.locality, payer_multiplier=float(c["payer_multiplier"]),
            stage=str(c["stage"]), sides=str(c["sides"]), mastectomy_code=str(c["mastectomy_code"]),
            rearrangement=bool(c["rearrangement"]), closure_as=str(c["closure_as"]),
            defect_area_cm2=float(c["area"]), repair_length_cm=float(c["length"]),
            fat_grafting=bool(c["fat_grafting"]), fat_cc=float(c["fat_cc"]),
            skin_excision=bool(c["skin_excision"]), liposuction=bool(c["liposuction"]),
            same_surgeon=bool(c["same_surgeon"]), prior_surgery=bool(c["prior_surgery"]),
            days_since_surgery=int(c["days"]), prior_code=str(c["prior_code"]),
            global_modifier=str(c["global_modifier"]),
            bilateral_convention=str(c["bilateral_convention"]),
            distinct_modifier=str(c["distinct_modifier"]),
            assumptions_off=frozenset(n for n, box in self.switches.items() if not box.value),
            qualifying_apm=bool(c["qualifying_apm"]),
            modifier_22_percent=float(c["modifier_22_percent"]),
            unlisted_comparator=str(c["unlisted_comparator"]))

    def _enable(self) -> None:
        c = self.controls
        initial, prior = c["stage"].value == "initial", bool(c["prior_surgery"].value)
        set_applies(c["mastectomy_code"], initial)
        set_applies(c["fat_cc"], bool(c["fat_grafting"].value))
        set_applies(c["bilateral_convention"], c["sides"].value == "both")
        for name in ("days", "prior_code", "global_modifier"):
            set_applies(c[name], prior)
        set_applies(c["year"], c["exact_date"].value is None)
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
        claim = result.claim
        a = result.attributes
        frames = {"claim": claim_frame(result, self.catalog), "reasons": reasons_frame(result),
                  "alternatives": alternatives_frame(result), "bundled": bundled_frame(result)}
        where = (f"Date of service {a.on.isoformat()} (RVU release {result.release_id}), "
                 f"{a.setting}, {claim.locality_name}, conversion factor "
                 f"${claim.conversion_factor:.4f} per RVU, payer multiplier "
                 f"{a.payer_multiplier:g} × Medicare" if claim is not None else "")
        self.claim_table.value = LINE_STYLE + html_table(
            frames["claim"], CLAIM_COLUMNS, caption="The claim, line by line", css_class=TABLE_CLASS)
        self.reasons_table.value = LINE_STYLE + html_table(
            frames["reasons"], REASON_COLUMNS, css_class=TABLE_CLASS,
            caption="Why each line: the protocol rules, their reasons, the denial risk")
        self.bundled.value = (html_table(frames["bundled"], BUNDLED_COLUMNS,
                                         caption="Left off the claim (bundled)")
                              if result.bundled else STYLE + note("Nothing is left off the claim."))
        self.warnings.value = _list(list(result.warnings), "No warnings.")
        self.checklist.value = _list(list(result.documentation), "Nothing to document.")
        self.alternatives_table.value = html_table(
            frames["alternatives"], ALTERNATIVE_COLUMNS,
            caption="Other ways of coding the same surgery, and what each pays")
        titles = switch_titles()
        self.assumptions.value = STYLE + note(
            "Assumptions in effect (UNCONFIRMED conventions): "
            + "; ".join(f"{L.get(n, titles.get(n, n))}: {BILATERAL_CONVENTIONS.get(s, s)}"
                        for n, s in result.assumptions)
            + "." if result.assumptions else "No UNCONFIRMED assumption applies to this claim.")
        update_figure(self.figure, figures.protocol_alternatives_spec(
            frames["alternatives"], f"What each way of coding pays, {a.on.year}"))
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


def _code_options(cat: Catalog, codes: list[str]) -> list[tuple[str, str]]:
    return [(f"{c}: {cat.info(c).description}", c) for c in codes]


def protocol_view(year: int | None = None, catalog: Catalog | None = None,
                  card_dir: Path | str | None = None) -> ProtocolView:
    """Build notebook 02's view: every procedure attribute as a control -> the priced claim."""
    cat = catalog or load_catalog()
    year = cat.default_year() if year is None else int(year)
    first = ProtocolInputs(year, unlisted_comparator=str(default_rules().settings["unlisted_comparator"]))
    result = price_protocol(first, cat)
    prior_codes = (cat.family("mastectomy") + cat.family("tissue_rearrangement")
                   + cat.family("complex_repair") + cat.family("fat_grafting"))
    prior_codes = [c for c in prior_codes if not cat.info(c).is_add_on]
    comparators = [c for c in cat.codes.index
                   if cat.info(c).family in ("reconstruction", "mastectomy", "tissue_rearrangement")]
    c: dict[str, widgets.Widget] = {
        "stage": _toggle([("initial, at the mastectomy", "initial"),
                          ("revision, later", "revision")], first.stage, "185px"),
        "sides": _toggle([("left", "left"), ("right", "right"), ("both sides", "both")],
                         first.sides),
        "mastectomy_code": _dropdown(_code_options(cat, cat.family("mastectomy")),
                                     first.mastectomy_code, L["mastectomy_code"]),
        "rearrangement": _toggle([("yes", True), ("no", False)], first.rearrangement),
        "closure_as": _dropdown([(t, k) for k, t in CLOSURE_AS.items()], first.closure_as,
                                L["closure_as"]),
        "area": _slider(first.defect_area_cm2, 0, 300, 1, L["defect_area_cm2"], ".0f"),
        "length": _slider(first.repair_length_cm, 0, 40, 0.1, L["repair_length_cm"], ".1f"),
        "fat_grafting": _toggle([("yes", True), ("no", False)], first.fat_grafting),
        "fat_cc": _slider(first.fat_cc, 5, 500, 5, L["fat_cc"], ".0f"),
        "skin_excision": _toggle([("yes", True), ("no", False)], first.skin_excision),
        "liposuction": _toggle([("yes", True), ("no", False)], first.liposuction),
        "same_surgeon": _toggle([("same surgeon", True), ("a different surgeon", False)],
                                first.same_surgeon, "170px"),
        "prior_surgery": _toggle([("none", False), ("yes", True)], first.prior_surgery),
        "days": widgets.IntSlider(value=first.days_since_surgery, min=1, max=730, step=1,
                                  description=L["days_since_surgery"], continuous_update=False,
                                  style=CONTROL_STYLE, layout=widgets.Layout(width="575px")),
        "prior_code": _dropdown(_code_options(cat, prior_codes), first.prior_code,
                                L["prior_code"]),
        "global_modifier": _dropdown([(t, k) for k, t in GLOBAL_MODIFIERS.items()],
                                     first.global_modifier, L["global_modifier"]),
        "bilateral_convention": _dropdown(
            [(f"{BILATERAL_CONVENTIONS[k]} (assumption)", k) for k in CONVENTIONS],
            first.bilateral_convention, L["bilateral_convention"]),
        "distinct_modifier": _toggle([("59", "59"), ("XS", "XS")], first.distinct_modifier, "70px"),
        "year": _dropdown([(str(y), y) for y in cat.years()], year, "Year of surgery", "300px"),
        "exact_date": widgets.DatePicker(value=None, description="or exact date",
                                         style={"description_width": "95px"},
                                         layout=widgets.Layout(width="245px")),
        "setting": _toggle([("hospital or ASC", "facility"), ("office", "office")], first.setting,
                           "140px"),
        "payer_multiplier": _slider(first.payer_multiplier, 0.5, 3.0, 0.05,
                                    L["payer_multiplier"], ".2f"),
        "qualifying_apm": widgets.Checkbox(value=first.qualifying_apm, indent=False,
                                           description="qualifying APM participant (2026 CF)"),
        "modifier_22_percent": _slider(first.modifier_22_percent, 0, 100, 5,
                                       L["modifier_22_percent"], ".0f"),
        "unlisted_comparator": _dropdown(_code_options(cat, comparators),
                                         first.unlisted_comparator, L["unlisted_comparator"]),
    }
    switches = {s["name"]: widgets.Checkbox(value=True, indent=False, description="",
                                            layout=widgets.Layout(width="28px"))
                for s in assumption_switches() if s["kind"] == "switch"}
    view = ProtocolView(
        catalog=cat, controls=c, locality=LocalityPicker(year, cat), switches=switches,
        errors=ErrorPanel(user_message), codes=widgets.HTML(), total=widgets.HTML(),
        claim_table=widgets.HTML(), reasons_table=widgets.HTML(), bundled=widgets.HTML(),
        warnings=widgets.HTML(), checklist=widgets.HTML(), alternatives_table=widgets.HTML(),
        assumptions=widgets.HTML(),
        figure=figure_widget(figures.protocol_alternatives_spec(alternatives_frame(result),
                                                                "What each way of coding pays")),
        card_name=widgets.Text(value=f"protocol_card_{year}.html", description="Card file",
                               style=CONTROL_STYLE, layout=widgets.Layout(width="460px")),
        card_button=widgets.Button(description="Write the printable protocol card",
                                   button_style="primary", icon="print",
                                   layout=widgets.Layout(width="280px")),
        card_output=widgets.HTML(), card_errors=ErrorPanel(user_message), widget=widgets.VBox(),
        card_dir=Path(card_dir) if card_dir is not None else Path.cwd(),
    )
    view.locality.combobox.layout.width = "575px"
    for name, control in c.items():  # stable hooks for the browser tests and the benchmark
        control.add_class(f"fc-{name.replace('_', '-')}")
    view.card_button.add_class("fc-card-button")
    switch_rows = [widgets.HBox([box, widgets.HTML(
        STYLE + note(f"{s['title']} (UNCONFIRMED; switch off to price without it). "
                     f"Source: {s['source']}"))])
        for s in assumption_switches() if s["kind"] == "switch" for box in [switches[s["name"]]]]
    choices = [s for s in assumption_switches() if s["kind"] == "choice"]
    column = widgets.Layout(width="595px", margin="0 12px 0 0")
    surgery = widgets.VBox([
        heading("1. The surgery"), labelled(L["stage"], c["stage"]), labelled(L["sides"], c["sides"]),
        c["mastectomy_code"], labelled(L["rearrangement"], c["rearrangement"]), c["closure_as"],
        c["area"], c["length"],
        widgets.HTML(STYLE + note("The area chooses 14000/14001/14301 (+14302); the length chooses "
                                  "13100/13101 (+13102). Both feed the alternatives below.")),
        labelled(L["fat_grafting"], c["fat_grafting"]), c["fat_cc"],
        labelled(L["skin_excision"], c["skin_excision"]),
        labelled(L["liposuction"], c["liposuction"]),
    ], layout=column)
    context = widgets.VBox([
        heading("2. Who, when, where"), labelled(L["same_surgeon"], c["same_surgeon"]),
        labelled("Prior related surgery?", c["prior_surgery"]), c["days"], c["prior_code"],
        c["global_modifier"], c["bilateral_convention"],
        labelled(L["distinct_modifier"], c["distinct_modifier"]),
        widgets.HBox([c["year"], c["exact_date"]]), labelled(L["setting"], c["setting"]),
        view.locality.widget, c["payer_multiplier"],
    ], layout=column)
    more = widgets.VBox([
        c["unlisted_comparator"], c["modifier_22_percent"],
        labelled(L["qualifying_apm"], c["qualifying_apm"]),
        heading("Assumptions you can switch (UNCONFIRMED in the domain notes)", 4), *switch_rows,
        widgets.HTML(STYLE + "".join(note(f"{s['title']}: a choice, made above "
                                          f"('{L.get(s['name'], s['name'])}').") for s in choices)),
    ])
    accordion = widgets.Accordion(children=[more], titles=("More pricing options and assumptions",))
    accordion.add_class("fc-more")
    view.widget.children = [
        widgets.HBox([surgery, context], layout=widgets.Layout(flex_flow="row wrap")), accordion,
        view.errors.widget, view.codes, view.total,
        scrolling(view.claim_table),
        heading("Why: rules, rationale and denial risk"), scrolling(view.reasons_table),
        view.bundled, heading("Warnings"), view.warnings,
        heading("Documentation checklist for the operative note"), view.checklist,
        heading("Alternatives"), view.figure, scrolling(view.alternatives_table), view.assumptions,
        heading("The printable protocol card"),
        widgets.HTML(STYLE + note("One page for a practice's billing staff: the decision table, the "
                                  "codes with their RVUs and national amounts for the year shown, "
                                  "the documentation checklist, sources and the data vintage.")),
        widgets.HBox([view.card_name, view.card_button]), view.card_errors.widget,
        view.card_output,
    ]
    view.refresh()
    for w in [*c.values(), *switches.values()]:
        w.observe(view.refresh, names="value")
    view.locality.observe(view.refresh)
    view.card_button.on_click(view.write_card)
    return view
