"""Notebook 03, the page: the order of its panels, and how its controls are written in a link
(``urlstate``), with the glossary terms it explains and the controls its errors name; the
settings it makes ahead while the reader looks.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import TYPE_CHECKING

import ipywidgets as widgets
import pandas as pd

from ..errors import FlatclosureError
from ..present.citations import citation_text
from .binding import Binding
from .common import STYLE, heading, html_table, labelled, note, scrolling
from .figure_updates import later_on_page_change
from .glossary import terms_line
from .scenario_compare import (
    SETTINGS,
    TREND_SLOTS,
    YEAR_COLUMNS,
    ScenarioInputs,
    chart_specs,
    notes_html,
    reference_multipliers,
    trend_table_html,
)
from .surgery import locality_codec
from .urlstate import Codec, UrlState, UrlValueError

if TYPE_CHECKING:
    from .scenario_view import ScenarioView

# After a change of Setting on the page, each other setting is made ahead at this step (s),
# after the charts.
PREFETCH_AFTER_S = 0.15

COST_SOURCES = ("coverage-part-b-deductible", "coverage-medicare-cost-rules",
                "coverage-sequestration")
# the glossary terms the view uses (hover help under its controls)
TERMS = ("PFS", "CF", "GPCI", "locality", "facility", "ASC", "modifier", "unlisted code",
         "payer multiplier", "illustrative")
# The error fields (InputError.field) -> the control to change.
ERROR_FIELDS = {"scenarios": "scenarios", "years": "years", "year shown": "year",
                "baseline": "baseline", "setting": "setting", "payer multiplier": "multiplier",
                "deductible_remaining": "deductible", "coinsurance_share": "coinsurance",
                "out_of_pocket_remaining": "out_of_pocket"}


def wire(v: ScenarioView) -> None:
    """The view's binding (controls -> compute -> render), its link and its reference buttons."""
    v.payer_multiplier._fc_label = "Payer multiplier"  # the slider's label is beside it
    # before the binding's own observer: moving the slider turns the override on
    v.payer_multiplier.observe(v._multiplier_moved, names="value")
    v.binding = Binding(v.controls(), v.compute, v.render, errors=v.errors,
                        outputs=[v.summary, v.bars_figure, v.table_html, v.notes, v.gap_note,
                                 v.gap_figure, v.trend_figure, v.trend_table],
                        fields=ERROR_FIELDS, before=v.prepare)
    # after the binding: a change's link is written after its numbers, not before (as in 00-02)
    v.url = UrlState(v.controls(), v.binding, codecs=page_codecs(v))
    for button, value in zip(v.reference_buttons, reference_multipliers().values(), strict=True):
        button.on_click(lambda _b, value=value: v.use_multiplier(value))


def page_layout(v: ScenarioView) -> None:
    payer_row = widgets.HBox([v.one_multiplier, v.payer_multiplier],
                             layout=widgets.Layout(align_items="center", flex_flow="row wrap"))
    refs_row = widgets.HBox([widgets.HTML(note("Set it to:")), *v.reference_buttons],
                            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
    plan_row = widgets.HBox([v.deductible, v.coinsurance, v.out_of_pocket],
                            layout=widgets.Layout(flex_flow="row wrap"))
    v.widget.children = [
        heading("1. Choose the scenarios"),
        v.chosen,
        widgets.HTML(note("Hold Ctrl (⌘ on a Mac) or Shift to pick several. Build your own below; "
                          "it joins this list.")),
        widgets.Accordion(children=[v.builder.widget], titles=("Build your own scenario",)),
        heading("2. Compare them"),
        v.years, v.year, v.locality.widget,
        labelled("Setting", v.setting), labelled("Payer", payer_row), labelled("", refs_row),
        widgets.HTML(note("HCCI: commercial prices of professional services relative to Medicare "
                          "(2017 claims); a payer multiplier scales every line's allowed amount.")),
        v.baseline,
        widgets.HTML(note("Your plan, for what the patient pays when a payer multiplier other "
                          "than 1 is set (at 1 × Medicare it is Original Medicare's Part B):")),
        plan_row, widgets.HTML(terms_line(TERMS)), v.url.widget, v.errors.widget, v.summary,
        heading("What each scenario pays"),
        v.bars_figure, scrolling(v.table_html), v.notes,
        heading("The value gap"), v.gap_note, v.gap_figure,
        heading("Year by year"), v.trend_figure, scrolling(v.trend_table),
        heading("3. Load, save and export"), v.files.widget,
    ]


def page_codecs(v: ScenarioView) -> dict[str, Codec]:
    """Links write the scenarios as names joined by commas, the years as 2019-2026."""
    def read_names(text: str) -> tuple[str, ...]:
        names = tuple(n for n in text.split(",") if n)
        unknown = [n for n in names if n not in v.known]
        if unknown or not names:
            raise UrlValueError(f"scenarios={text!r} names {', '.join(unknown) or 'none'}, not a "
                                "scenario of this page")
        return names

    def read_years(text: str) -> tuple[int, int]:
        try:
            first, last = (int(x) for x in text.split("-"))
        except ValueError:
            raise UrlValueError(f"years={text!r} is not like 2019-2026") from None
        if not v.years.min <= first <= last <= v.years.max:
            raise UrlValueError(f"years={text!r} is outside {v.years.min}-{v.years.max}")
        return first, last

    def read_yes(text: str) -> bool:
        if text.lower() not in ("yes", "no"):
            raise UrlValueError(f"one_multiplier={text!r} is not yes or no")
        return text.lower() == "yes"

    def write_years() -> str:
        return "-".join(str(y) for y in v.years.value)

    return {"scenarios": Codec(lambda: ",".join(v.chosen.value), read_names),
            "years": Codec(write_years, read_years),
            "one_multiplier": Codec(lambda: "yes" if v.one_multiplier.value else "no", read_yes),
            "locality": locality_codec(v.locality)}


def year_tables(v: ScenarioView, inputs: ScenarioInputs, table: pd.DataFrame,
                frame: pd.DataFrame) -> tuple[str, str, str]:
    """The year's table, its notes and the trend table of a comparison (HTML, each made once)."""
    year, loc = inputs.year, inputs.locality or "national"
    caption = f"What each scenario pays, {year}" + (
        f" (differences against '{v.known[inputs.baseline].title}')" if inputs.baseline else "")
    made = v.cache.derived  # the year's frame is itself made once per table, year and plan
    where_trend = "national" if loc == "national" else str(v.locality.combobox.value)
    return (made(frame, ("year table", caption), lambda: html_table(
                frame, YEAR_COLUMNS, caption=caption, css_class="fc-table fc-fit")),
            made(table, ("notes", year), lambda: notes_html(table, v.known, year)),
            made(table, ("trend table", loc, where_trend),
                 lambda: trend_table_html(table, loc, where_trend)))


def show_numbers(v: ScenarioView, inputs: ScenarioInputs, table: pd.DataFrame,
                 frame: pd.DataFrame) -> None:
    """The numbers and tables of a comparison (before any chart)."""
    year = inputs.year
    has_gpci = year in v.catalog.gpci_years()
    where = v.locality.combobox.value if inputs.locality and has_gpci else "national"
    year_html, notes, trend = year_tables(v, inputs, table, frame)
    v.table_html.value = year_html
    v.notes.value = notes + note(
        "What the patient pays under Original Medicare: " + citation_text(COST_SOURCES)
        + ". Under your plan: your own figures, within the workbook's bounds.")
    v.trend_table.value = trend
    payer = ("each scenario's own payer multiplier" if inputs.payer_multiplier is None
             else f"every scenario paid at {inputs.payer_multiplier:.2f} × Medicare")
    setting = ("each scenario's own setting" if inputs.setting is None
               else f"every scenario in the {SETTINGS[inputs.setting]} setting")
    v.summary.value = STYLE + note(
        f"{len(inputs.scenarios)} scenarios, {inputs.first_year}-{inputs.last_year}, national"
        + (f" and {v.locality.combobox.value}" if inputs.locality else "")
        + f"; {setting}; {payer}. The bars, table and value gap show {year} "
        f"(prices of {v.catalog.date_for_year(year).isoformat()}). The patient's cost is "
        "Original Medicare's at 1 × Medicare (Part B deductible not yet met, then its "
        "coinsurance; a participating surgeon), else your plan's, from the three boxes above.")
    v.gap_note.value = STYLE + note(
        f"{year}, {where}. The dashed line is the baseline scenario."
        + ("" if has_gpci or inputs.locality is None else
           f" No GPCI file is held for {year}, so its prices are national only: the locality "
           "shows n/a in the table and the trend."))
    if len(set(table["scenario"])) > TREND_SLOTS:
        v.gap_note.value += note(f"The trend draws the first {TREND_SLOTS} scenarios; the "
                                    "table under it lists them all.")


def make_ahead(v: ScenarioView, setting: str) -> None:
    """Make ahead what the page shows for ``setting`` with the other inputs as they are
    (comparison, tables, chart specs), so that changing Setting to it is a look-up: a first
    visit cost 35-85 ms, the tail of a change's time (issue 15). Nothing when the page has
    moved on or the inputs are refused (the change itself will say so)."""
    result = v.binding.result
    if result is None or v.charts_due is not None:
        return
    inputs = replace(result[0], setting=setting or None)
    try:
        _, table, frame = v.compute_for(inputs)
    except FlatclosureError:
        return
    year_tables(v, inputs, table, frame)
    chart_specs(table, inputs, v.catalog, v.cache.derived)


def other_settings_ahead(v: ScenarioView, inputs: ScenarioInputs) -> None:
    """After a change of Setting made on the page (the reader is trying settings), make each
    other setting ahead, one at a time, while the reader looks (``make_ahead``)."""
    last = v.binding.result  # the comparison shown before this one
    if last is None or last[0].setting == inputs.setting:
        return
    others = [value for _, value in v.setting.options if value != v.setting.value]
    for i, setting in enumerate(others, start=1):
        later_on_page_change(functools.partial(make_ahead, v, setting), PREFETCH_AFTER_S * i)
