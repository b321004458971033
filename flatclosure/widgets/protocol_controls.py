"""Notebook 02's controls, generated from the Procedure fields (kind, choices, label, the rules'
limits), which of them apply, how a date is written in a link, and the view's layout: the facts
in numbered groups, the answer first, the details in tabs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets as widgets

from ..catalog import Catalog
from ..coverage import PROVIDERS
from ..coverage.tables import bound
from ..labels import FIELD_LABELS, value_label
from ..protocol import Fact, Procedure, assumption_switches, default_rules, procedure_facts
from ..protocol.procedure import limits
from .common import CONTROL_STYLE, LocalityPicker
from .urlstate import Codec, UrlValueError

L = FIELD_LABELS
VIEW_LABELS = {"prior_surgery": "Prior related surgery?"}  # the view's own switch, not a fact
# the glossary terms the page uses (hover help under the controls)
TERMS = ("AFC", "CPT", "ICD-10-CM", "modifier", "NCCI", "global days", "bilateral indicator",
         "multiple procedure", "status C", "unlisted code", "UNCONFIRMED", "RVU", "release id",
         "CF", "GPCI", "locality", "facility", "ASC", "PFS")

# notebook 02 opens on a bilateral initial closure with a 45 sq cm transfer per side
FIRST_PROCEDURE = {"defect_area_cm2": 45.0, "repair_length_cm": 7.0,
                   "layered_closure": True,
                   "fat_cc": 100.0}
# the facts' labels are longer than the other views' ("Distinct from the mastectomy because")
FACT_STYLE = {"description_width": "255px"}
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
            width: str = "575px", style: dict[str, str] = CONTROL_STYLE) -> widgets.FloatSlider:
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=text,
                               continuous_update=False, readout_format=fmt, style=style,
                               layout=widgets.Layout(width=width))


def _dropdown(options: Any, value: Any, text: str, width: str = "575px",
              style: dict[str, str] = CONTROL_STYLE) -> widgets.Dropdown:
    return widgets.Dropdown(options=options, value=value, description=text, style=style,
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
                       "205px" if name == "stage" else "150px")
    if f.kind in ("choice", "optional_choice"):
        options = [(value_label(name, k), k) for k in f.choices]
        if f.kind == "optional_choice":
            options = [(value_label(name, ""), ""), *options]
            value = value or ""
        return _dropdown(options, value, f.label, style=FACT_STYLE)
    if f.kind == "number":
        return _slider(value, 0, limits()[str(f.limit)], 0.5, f.label, ".1f", style=FACT_STYLE)
    if f.kind == "days":
        return widgets.IntSlider(value=value or 30, min=1, max=int(limits()[str(f.limit)]),
                                 step=1, description=f.label, continuous_update=False,
                                 style=FACT_STYLE, layout=widgets.Layout(width="575px"))
    codes = [c for fam in CODE_FAMILIES[name] for c in cat.family(fam) if not cat.info(c).is_add_on]
    return _dropdown(_code_options(cat, codes), value or codes[0], f.label, style=FACT_STYLE)


def _first_values() -> dict[str, Any]:
    values = {n: f.default for n, f in Procedure.__dataclass_fields__.items()}
    values.update(FIRST_PROCEDURE, prior_code=default_rules().settings["default_prior_code"],
                  mastectomy_code=default_rules().settings["default_mastectomy_code"],
                  unlisted_comparator=default_rules().settings["unlisted_comparator"])
    return values


def _cost_controls() -> dict[str, widgets.Widget]:
    """What the patient's cost depends on: the surgeon's Medicare status, the deductible paid
    (bounded by data/coverage/cost_share_bounds.csv)."""
    b = bound("medicare_deductible_met_usd")
    return {
        "provider": _dropdown([(t, k) for k, t in PROVIDERS.items()], "participating",
                              "The surgeon is", "575px"),
        "deductible_met": widgets.BoundedFloatText(
            value=b.default, min=b.minimum, max=b.maximum, step=10,
            description="Part B deductible already paid this year ($)",
            style={"description_width": "initial"}, layout=widgets.Layout(width="400px")),
    }


def all_controls(cat: Catalog, year: int,
                 picker: LocalityPicker) -> tuple[dict[str, widgets.Widget], tuple[str, ...]]:
    """Every control by the name its link uses, and the names of the assumption switches."""
    first = _first_values()
    controls: dict[str, widgets.Widget] = {
        name: fact_control(name, f, first[name], cat)
        for name, f in procedure_facts().items() if f.kind != "switches"}
    controls.update(_context_controls(cat, year))
    controls["locality"] = picker.combobox
    switches = tuple(s["name"] for s in assumption_switches() if s["kind"] == "switch")
    for name in switches:
        if name in controls:
            raise ValueError(f"switch {name!r} has the name of a control")
        controls[name] = widgets.Checkbox(value=True, indent=False, description="",
                                          layout=widgets.Layout(width="28px"))
        controls[name]._fc_label = next(s["title"] for s in assumption_switches()
                                        if s["name"] == name)
    controls.update(_cost_controls())
    for name, control in controls.items():  # stable hooks for the browser tests and the benchmark
        control.add_class(f"fc-{name.replace('_', '-')}")
    return controls, switches


def applies(c: dict[str, Any]) -> dict[str, bool]:
    """Which controls apply to what the others say (the rest are greyed out). The modifier 22
    uplift always applies: it also prices the modifier 22 alternative."""
    initial = c["stage"] == "initial"
    repair = not c["rearrangement"]
    return {
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


def date_codec(control: widgets.DatePicker, cat: Catalog) -> Codec:
    """An exact date in a link: YYYY-MM-DD within the catalog's years, or empty for none."""
    years = cat.years()

    def read(text: str) -> dt.date | None:
        if not text:
            return None
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise UrlValueError(f"exact_date={text!r} is not a date (YYYY-MM-DD)") from None
        if not years[0] <= day.year <= years[-1]:
            raise UrlValueError(f"exact_date={text} is outside the years held "
                                f"({years[0]}-{years[-1]})")
        return day

    return Codec(lambda: control.value.isoformat() if control.value else "", read)


def bool_codec(name: str, control: widgets.Checkbox) -> Codec:
    """A box in a link: yes or no."""

    def read(text: str) -> bool:
        if text.lower() not in ("yes", "no"):
            raise UrlValueError(f"{name}={text!r} is not yes or no")
        return text.lower() == "yes"

    return Codec(lambda: "yes" if control.value else "no", read)


def link_codecs(controls: dict[str, widgets.Widget], cat: Catalog) -> dict[str, Codec]:
    """The codecs the default ones do not cover: boxes and the exact date."""
    codecs = {n: bool_codec(n, c) for n, c in controls.items() if isinstance(c, widgets.Checkbox)}
    codecs["exact_date"] = date_codec(controls["exact_date"], cat)
    return codecs


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


