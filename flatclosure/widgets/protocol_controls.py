"""Notebook 02's controls, generated from the Procedure fields (kind, choices, label, the rules'
limits), and the view's layout: one column per group of facts, then when/where and the options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..catalog import Catalog
from ..labels import FIELD_LABELS, value_label
from ..protocol import Fact, Procedure, assumption_switches, default_rules, procedure_facts
from ..protocol.procedure import limits
from .common import CONTROL_STYLE, STYLE, heading, labelled, note, scrolling

if TYPE_CHECKING:
    from .protocol_view import ProtocolView

L = FIELD_LABELS
VIEW_LABELS = {"prior_surgery": "Prior related surgery?"}  # the view's own switch, not a fact

# notebook 02 opens on a bilateral initial closure with a 45 sq cm transfer per side
FIRST_PROCEDURE = {"defect_area_cm2": 45.0, "repair_length_cm": 7.0,
                   "layered_closure": True,
                   "fat_cc": 100.0}
PRIOR_FIELDS = ("days_since_surgery", "prior_code", "global_modifier")
# which catalog codes each code field offers
CODE_FAMILIES = {"mastectomy_code": ("mastectomy",),
                 "prior_code": ("mastectomy", "tissue_rearrangement", "complex_repair",
                                "intermediate_repair", "fat_grafting"),
                 "unlisted_comparator": ("reconstruction", "mastectomy", "tissue_rearrangement")}
GROUPS = (("surgery", "1. The surgery"), ("closure", "2. The closure"),
          ("repair", "3. Without a transfer: the repair (CPT 2020 criteria)"),
          ("revision", "4. A prior related surgery"),
          ("diagnosis", "5. Diagnoses"), ("coding", "6. How it is coded"))


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


def _code_options(cat: Catalog, codes: list[str]) -> list[tuple[str, str]]:
    return [(f"{c}: {cat.info(c).description}", c) for c in codes]


def fact_control(name: str, f: Fact, value: Any, cat: Catalog) -> widgets.Widget:
    """The control of one Procedure field, from its kind, choices and limit (rules data)."""
    if f.kind == "bool":
        return _toggle([(value_label(name, True) if name in ("same_surgeon",) else "yes", True),
                        (value_label(name, False) if name in ("same_surgeon",) else "no", False)],
                       value, "170px" if name == "same_surgeon" else "120px")
    labels = [value_label(name, k) for k in f.choices]
    if f.kind == "choice" and len(f.choices) <= 3 and max(map(len, labels)) <= 26:
        return _toggle(list(zip(labels, f.choices, strict=True)), value,
                       "185px" if name == "stage" else "150px")
    if f.kind in ("choice", "optional_choice"):
        options = [(value_label(name, k), k) for k in f.choices]
        if f.kind == "optional_choice":
            options = [(value_label(name, ""), ""), *options]
            value = value or ""
        return _dropdown(options, value, f.label)
    if f.kind == "number":
        return _slider(value, 0, limits()[str(f.limit)], 0.5, f.label, ".1f")
    if f.kind == "days":
        return widgets.IntSlider(value=value or 30, min=1, max=int(limits()[str(f.limit)]),
                                 step=1, description=f.label, continuous_update=False,
                                 style=CONTROL_STYLE, layout=widgets.Layout(width="575px"))
    codes = [c for fam in CODE_FAMILIES[name] for c in cat.family(fam) if not cat.info(c).is_add_on]
    return _dropdown(_code_options(cat, codes), value or codes[0], f.label)


def _first_values() -> dict[str, Any]:
    values = {n: f.default for n, f in Procedure.__dataclass_fields__.items()}
    values.update(FIRST_PROCEDURE, prior_code=default_rules().settings["default_prior_code"],
                  mastectomy_code=default_rules().settings["default_mastectomy_code"],
                  unlisted_comparator=default_rules().settings["unlisted_comparator"])
    return values


def _context_controls(cat: Catalog, year: int) -> dict[str, widgets.Widget]:
    return {
        "prior_surgery": _toggle([("none", False), ("yes", True)], False),
        "year": _dropdown([(str(y), y) for y in cat.years()], year, "Year of surgery", "300px"),
        "exact_date": widgets.DatePicker(value=None, description="or exact date",
                                         style={"description_width": "95px"},
                                         layout=widgets.Layout(width="245px")),
        "setting": _toggle([("hospital or ASC", "facility"), ("office", "office")], "facility",
                           "140px"),
        "payer_multiplier": _slider(1.0, 0.5, 3.0, 0.05, L["payer_multiplier"], ".2f"),
        "qualifying_apm": widgets.Checkbox(value=False, indent=False,
                                           description="qualifying APM participant (2026 CF)"),
        "modifier_22_percent": _slider(0.0, 0, 100, 5, L["modifier_22_percent"], ".0f"),
    }


def _placed(name: str, control: widgets.Widget) -> widgets.Widget:
    """A control with its label beside it (toggles), or its own description (the others)."""
    if isinstance(control, widgets.ToggleButtons):
        return labelled(VIEW_LABELS.get(name) or L.get(name, name), control)
    return control


def _fact_columns(c: dict[str, widgets.Widget]) -> list[widgets.Widget]:
    column = widgets.Layout(width="595px", margin="0 12px 0 0")
    boxes = []
    for group, title in GROUPS:
        names = [n for n, f in procedure_facts().items() if f.group == group and n in c]
        extra = [_placed("prior_surgery", c["prior_surgery"])] if group == "revision" else []
        boxes.append(widgets.VBox([heading(title), *extra, *(_placed(n, c[n]) for n in names)],
                                  layout=column))
    return boxes


def _more_box(view: ProtocolView) -> widgets.Accordion:
    c = view.controls
    switch_rows = [widgets.HBox([view.switches[s["name"]], widgets.HTML(
        STYLE + note(f"{s['title']} (UNCONFIRMED; switch off to price without it). "
                     f"Source: {s['source']}"))])
        for s in assumption_switches() if s["kind"] == "switch"]
    choices = [s for s in assumption_switches() if s["kind"] == "choice"]
    more = widgets.VBox([
        c["modifier_22_percent"], labelled(L["qualifying_apm"], c["qualifying_apm"]),
        heading("Assumptions you can switch (UNCONFIRMED in the domain notes)", 4), *switch_rows,
        widgets.HTML(STYLE + "".join(note(f"{s['title']}: a choice, made above "
                                          f"('{L.get(s['name'], s['name'])}').") for s in choices)),
    ])
    accordion = widgets.Accordion(children=[more], titles=("More pricing options and assumptions",))
    accordion.add_class("fc-more")
    return accordion


def _layout(view: ProtocolView) -> None:
    c = view.controls
    view.locality.combobox.layout.width = "575px"
    for name, control in c.items():  # stable hooks for the browser tests and the benchmark
        control.add_class(f"fc-{name.replace('_', '-')}")
    view.card_button.add_class("fc-card-button")
    when = widgets.VBox([
        heading("7. When, where, which payer"), widgets.HBox([c["year"], c["exact_date"]]),
        labelled(L["setting"], c["setting"]), view.locality.widget, c["payer_multiplier"]],
        layout=widgets.Layout(width="595px", margin="0 12px 0 0"))
    view.widget.children = [
        widgets.HBox([*_fact_columns(c), when], layout=widgets.Layout(flex_flow="row wrap")),
        _more_box(view), view.errors.widget, view.codes, view.total,
        scrolling(view.claim_table),
        heading("Why: rules, rationale and denial risk"), scrolling(view.reasons_table),
        view.bundled, heading("Warnings"), view.warnings,
        heading("Documentation checklist for the operative note"), view.checklist,
        heading("Alternatives"), view.figure, scrolling(view.alternatives_table), view.assumptions,
        heading("The printable protocol card"),
        widgets.HTML(STYLE + note("One page for a practice's billing staff: the decision table, the "
                                  "codes with their RVUs and national amounts for the year shown, "
                                  "the worked examples with their diagnoses, the documentation "
                                  "checklist, sources and the data vintage. A guide, not coding "
                                  "or legal advice.")),
        widgets.HBox([view.card_name, view.card_button]), view.card_errors.widget,
        view.card_output,
    ]
