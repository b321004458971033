"""Notebook 03, the comparison: plain functions behind the compare panel, and its controls.

``comparison`` calls ``flatclosure.scenarios.compare`` for what the view shows; the others shape
its table into the year's table, the notes under it and the trend (``flatclosure.figures``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import figures, scenarios
from ..catalog import Catalog, load_catalog
from ..claims import payment_parameters
from ..errors import InputError
from ..present.formatting import fmt_change, fmt_money, fmt_pct, fmt_prose, fmt_rvu, fmt_text
from ..scenarios import Scenario
from .common import (
    CONTROL_STYLE,
    STYLE,
    ErrorPanel,
    LocalityPicker,
    figure_widget,
    html_table,
)

# The question of the notebook, like with like: what the surgeon who closes (or reconstructs) is
# paid under the advocates' protocol, the fallbacks and a new code, beside reconstruction, with the
# mastectomy alone as the yardstick. The one-claim presets (mastectomy + closure) are a click away.
DEFAULT_PRESETS = ("01_mastectomy_reference", "03_advocates_initial_plastic_surgeon",
                   "06_unlisted_19499", "07_excess_skin_15839", "08_reconstruction_expander",
                   "10_new_afc_code")
DEFAULT_BASELINE = "01_mastectomy_reference"
SETTINGS: dict[str, str] = {"facility": "hospital or ASC (facility)", "office": "office"}
# Scenario files accept a payer multiplier above 0 and at most 10; the slider offers this part.
MULTIPLIER_MIN, MULTIPLIER_MAX = 0.5, 2.5
TREND_SLOTS = 12
# The 'none' choice of a selection widget (ipywidgets reads a None value as 'nothing selected').
NONE = ""
NO_BASELINE = ("no baseline", NONE)

YEAR_COLUMNS = [
    ("label", "Scenario (* = illustrative values)", fmt_prose),
    ("where", "Where", fmt_text),
    ("setting", "Setting", fmt_text),
    ("payer_multiplier", "Payer (× Medicare)", fmt_rvu),
    ("total", "Allowed, whole claim (US$)", fmt_money),
    ("patient", "Patient pays (US$)", fmt_money),
    ("patient_plan", "Patient's plan", fmt_text),
    ("difference", "vs baseline (US$)", fmt_change),
    ("difference_pct", "vs baseline (%)", fmt_pct),
    ("why", "n/a: why there is no figure", fmt_prose),
]


# -- plain functions ---------------------------------------------------------------------------
def reference_multipliers() -> dict[str, float]:
    """Payer multipliers to compare with, by label: Medicare itself and HCCI's commercial
    prices relative to Medicare (data/rules/payment_parameters.csv)."""
    p = payment_parameters()
    return {"Medicare": 1.0,
            "HCCI lowest state": p["commercial_multiplier_low"],
            "HCCI national average": p["commercial_multiplier_average"],
            "HCCI highest state": p["commercial_multiplier_high"]}


def with_overrides(scenario: Scenario, setting: str | None = None,
                   payer_multiplier: float | None = None) -> Scenario:
    """The scenario valued in another setting or by another payer (None keeps its own).

    Only ``Scenario.valuation`` changes (``dataclasses.replace``); the scenario's file is not.
    """
    changes: dict[str, Any] = {}
    if setting is not None:
        if setting not in SETTINGS:
            raise InputError("setting", f"{setting!r} is not facility or office")
        changes["setting"] = setting
    if payer_multiplier is not None:
        m = float(payer_multiplier)
        if not (math.isfinite(m) and 0 < m <= 10):
            raise InputError("payer multiplier", f"{payer_multiplier!r} must be above 0 and at most 10")
        changes["payer_multiplier"] = m
    if not changes:
        return scenario
    return replace(scenario, valuation=replace(scenario.valuation, **changes))


@dataclass(frozen=True)
class ScenarioInputs:
    """What the view compares: which scenarios, which years (and the one year the bars and the
    value gap show), one locality beside national, and the overrides."""

    scenarios: tuple[str, ...]
    first_year: int
    last_year: int
    year: int
    locality: str | None = None
    setting: str | None = None
    payer_multiplier: float | None = None
    baseline: str | None = None

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def localities(self) -> list[str | None]:
        return [None] if self.locality is None else [None, self.locality]


def comparison(known: Mapping[str, Scenario], inputs: ScenarioInputs,
               catalog: Catalog | None = None) -> pd.DataFrame:
    """``scenarios.compare`` of the chosen scenarios, with the overrides, over the chosen years,
    nationally and at the chosen locality: only what the view shows is evaluated."""
    cat = catalog or load_catalog()
    comparison_checked(known, inputs, cat)
    chosen = [with_overrides(known[n], inputs.setting, inputs.payer_multiplier)
              for n in inputs.scenarios]
    return scenarios.compare(chosen, inputs.years, inputs.localities, inputs.baseline, cat)


def comparison_checked(known: Mapping[str, Scenario], inputs: ScenarioInputs,
                       cat: Catalog) -> None:
    """Refuse inputs the view cannot compare, naming the control (``InputError.field``)."""
    if not inputs.scenarios:
        raise InputError("scenarios", "pick at least one scenario to compare")
    unknown = [n for n in inputs.scenarios if n not in known]
    if unknown:
        raise InputError("scenarios", f"{', '.join(unknown)} is not in the list")
    held = cat.years()
    if inputs.first_year > inputs.last_year:
        raise InputError("years", f"{inputs.first_year} comes after {inputs.last_year}")
    for y in (inputs.first_year, inputs.last_year):
        if y not in held:
            raise InputError("years", f"{y} is not a year we hold ({held[0]}-{held[-1]})")
    if not inputs.first_year <= inputs.year <= inputs.last_year:
        raise InputError("year shown", f"{inputs.year} is outside {inputs.first_year}-{inputs.last_year}")
    if inputs.baseline is not None and inputs.baseline not in inputs.scenarios:
        raise InputError("baseline", f"{inputs.baseline!r} is not among the chosen scenarios")


def bars_spec(table: pd.DataFrame, inputs: ScenarioInputs) -> figures.FigureSpec:
    """The grouped bars of the year shown; the title says when a payer multiplier is applied."""
    spec = figures.scenario_bars_spec(table, inputs.year, inputs.baseline)
    if inputs.payer_multiplier is not None:
        spec["layout"]["title"]["text"] = (f"What each scenario pays, {inputs.year} (allowed "
                                           f"amount per claim at {inputs.payer_multiplier:.2f} "
                                           "× Medicare)")
    return spec


def chart_specs(table: pd.DataFrame, inputs: ScenarioInputs, cat: Catalog,
                made: Callable[[pd.DataFrame, Hashable, Callable[[], Any]], Any],
                ) -> tuple[figures.FigureSpec, ...]:
    """The bars, value gap and trend of a comparison, each made once (``made``: the cache's)."""
    year, loc = inputs.year, inputs.locality or "national"
    gap_loc = loc if year in cat.gpci_years() else "national"
    return (made(table, ("bars", inputs), lambda: bars_spec(table, inputs)),
            made(table, ("gap", year, gap_loc, inputs.baseline), lambda: figures.
                 scenario_gap_spec(table, year, gap_loc, inputs.baseline)),
            made(table, ("trend", loc), lambda: figures.scenario_trend_spec(table, loc,
                                                                             TREND_SLOTS)))


def label(row: Mapping[str, Any]) -> str:
    """A scenario's title as shown, `` *`` when it uses illustrative values (as the figures)."""
    return str(row["title"]) + (figures.ILLUSTRATIVE_MARK if row.get("illustrative") else "")


def year_frame(table: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of one year, with the shown label and the n/a reason."""
    part = table[table["year"] == year].copy()
    part["label"] = [label(r) for r in part.to_dict("records")]
    part["why"] = [str(u) for u in part["unavailable"]]
    part["where"] = ["national" if loc == "national" else str(name)
                     for loc, name in zip(part["locality"], part["locality_name"], strict=True)]
    for column in ("difference", "difference_pct"):
        if column not in part:
            part[column] = float("nan")
    return part.reset_index(drop=True)


def trend_frame(table: pd.DataFrame, locality: str) -> pd.DataFrame:
    """The trend chart's numbers: one row per scenario, one column per year (US$; NaN = n/a)."""
    part = table[table["locality"] == locality].copy()
    part["label"] = [label(r) for r in part.to_dict("records")]
    wide = part.pivot(index="scenario", columns="year", values="total")
    wide = wide.reindex(list(dict.fromkeys(part["scenario"])))
    wide.columns = [str(c) for c in wide.columns]
    labels = dict(zip(part["scenario"], part["label"], strict=True))
    wide.insert(0, "label", [labels[n] for n in wide.index])
    return wide.reset_index()


def trend_table_html(table: pd.DataFrame, locality: str, where: str) -> str:
    wide = trend_frame(table, locality)
    years = [c for c in wide.columns if c not in ("scenario", "label")]
    cols = [("label", "Scenario", fmt_prose)] + [(y, y, fmt_money) for y in years]
    return html_table(wide, cols, caption=f"Allowed per claim (US$), {where}, year by year "
                                          "(– = no figure; the notes above say why)")


def engine_notes(notes: str, s: Scenario | None) -> str:
    """A row's notes without the illustrative ones (``compare`` puts those first)."""
    if s is not None and s.illustrative:
        lead = "; ".join(f"illustrative: {x}" for x in s.illustrative)
        if notes.startswith(lead):
            notes = notes[len(lead):].removeprefix("; ")
    return notes


def notes_html(table: pd.DataFrame, known: Mapping[str, Scenario], year: int) -> str:
    """Under the year's table: the '*' footnote (each illustrative value, per scenario), the
    engine's notes of the year, and why other years of the trend have no figure."""
    parts = []
    shown = list(dict.fromkeys(table["scenario"]))
    ill = [known[n] for n in shown if n in known and known[n].illustrative]
    if ill:
        marked = "".join(f"<li><b>{html.escape(s.title)}</b>: "
                         + "; ".join(html.escape(x) for x in s.illustrative) + "</li>" for s in ill)
        parts.append('<div class="fc-note"><b>* Illustrative values</b> (assumed, not measured):'
                     f"<ul>{marked}</ul></div>")
    items: list[str] = []
    for name in shown:
        rows = table[(table["scenario"] == name) & (table["year"] == year)]
        texts = dict.fromkeys(engine_notes(str(n), known.get(name)) for n in rows["notes"])
        for text in texts:
            if text:
                items.append(f"<li><b>{html.escape(str(rows['title'].iloc[0]))}</b>: "
                             f"{html.escape(text)}</li>")
    if items:
        parts.append(f'<div class="fc-note"><b>Notes, {year}</b>:<ul>{"".join(items)}</ul></div>')
    missing = table[(table["year"] != year) & table["total"].isna()]
    if len(missing):
        gone = []
        for (title, why), rows in missing.groupby(["title", "unavailable"], sort=False):
            years = ", ".join(str(y) for y in sorted(set(rows["year"])))
            where = " and ".join(dict.fromkeys(str(x) for x in rows["locality"]))
            gone.append(f"<li><b>{html.escape(str(title))}</b>, {html.escape(years)} "
                        f"({html.escape(where)}): {html.escape(str(why))}</li>")
        parts.append('<div class="fc-note"><b>No figure in other years</b>:'
                     f"<ul>{''.join(gone)}</ul></div>")
    return STYLE + "".join(parts)


def compare_controls(known: Mapping[str, Scenario], chosen: Sequence[str], first: int, last: int,
                     year: int, cat: Catalog,
                     specs: Sequence[figures.FigureSpec]) -> dict[str, Any]:
    """The compare panel's controls and outputs (ScenarioView's fields); the charts show
    ``specs`` (``chart_specs``)."""
    options = [(s.title, n) for n, s in known.items()]
    held = cat.years()
    wide = widgets.Layout(width="640px")
    return dict(
        chosen=widgets.SelectMultiple(options=options, value=tuple(chosen), rows=min(len(options), 10),
                                      description="Scenarios", style=CONTROL_STYLE,
                                      layout=widgets.Layout(width="820px")),
        years=widgets.IntRangeSlider(value=(first, last), min=held[0], max=held[-1], step=1,
                                     description="Years", continuous_update=False,
                                     style=CONTROL_STYLE, layout=wide),
        year=widgets.Dropdown(options=list(range(first, last + 1)), value=year,
                              description="Year of bars and table", style=CONTROL_STYLE,
                              layout=widgets.Layout(width="320px")),
        locality=LocalityPicker(max(y for y in cat.gpci_years() if y <= last), cat,
                                description="Locality beside national"),
        setting=widgets.ToggleButtons(
            options=[("as each scenario says", NONE)] + [(v, k) for k, v in SETTINGS.items()],
            value=NONE, style={"button_width": "190px"}),
        one_multiplier=widgets.Checkbox(value=False, indent=False,
                                        description="one payer multiplier for every scenario:",
                                        layout=widgets.Layout(width="300px")),
        payer_multiplier=widgets.FloatSlider(value=1.0, min=MULTIPLIER_MIN, max=MULTIPLIER_MAX,
                                             step=0.01, readout_format=".2f",
                                             continuous_update=False,
                                             layout=widgets.Layout(width="330px")),
        reference_buttons=[widgets.Button(description=f"{k} ×{v:.2f}", tooltip=f"{k}: ×{v:.2f}",
                                          layout=widgets.Layout(width="auto"))
                           for k, v in reference_multipliers().items()],
        baseline=widgets.Dropdown(options=[NO_BASELINE], value=NONE,
                                  description="Differences against", style=CONTROL_STYLE,
                                  layout=wide),
        errors=ErrorPanel(), summary=widgets.HTML(),
        bars_figure=figure_widget(specs[0]),
        table_html=widgets.HTML(), notes=widgets.HTML(), gap_note=widgets.HTML(),
        gap_figure=figure_widget(specs[1]), trend_figure=figure_widget(specs[2]),
        trend_table=widgets.HTML(),
    )

