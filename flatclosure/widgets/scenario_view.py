"""Notebook 03: reimbursement scenarios side by side, across years, locality, setting and payer.

Three panels, each in its own module: the comparison (``scenario_compare``: plain functions over
``flatclosure.scenarios.compare``), the builder (``scenario_builder``) and the files
(``scenario_files``: upload and browser downloads only, no server path). ``ScenarioView`` wires
the compare controls to them and shows the tables and figures.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import figures, scenarios
from ..catalog import Catalog, load_catalog
from ..errors import InputError
from ..scenarios import Scenario
from .common import (
    STYLE,
    ErrorPanel,
    LocalityPicker,
    heading,
    html_table,
    labelled,
    note,
    scrolling,
    update_figure,
)
from .scenario_builder import BuilderPanel, builder_panel
from .scenario_compare import (
    DEFAULT_BASELINE,
    DEFAULT_PRESETS,
    NO_BASELINE,
    NONE,
    SETTINGS,
    TREND_SLOTS,
    YEAR_COLUMNS,
    ScenarioInputs,
    bars_spec,
    compare_controls,
    comparison,
    notes_html,
    reference_multipliers,
    trend_table_html,
    with_overrides,
    year_frame,
)
from .scenario_files import FilesPanel, add_scenario, files_panel

__all__ = ["DEFAULT_BASELINE", "DEFAULT_PRESETS", "ScenarioInputs", "ScenarioView", "comparison",
           "scenario_view"]


@dataclass
class ScenarioView:
    """Notebook 03's controls, outputs and the comparison behind them (``table``)."""

    known: dict[str, Scenario]
    chosen: widgets.SelectMultiple
    years: widgets.IntRangeSlider
    year: widgets.Dropdown
    locality: LocalityPicker
    setting: widgets.ToggleButtons
    one_multiplier: widgets.Checkbox
    payer_multiplier: widgets.FloatSlider
    reference_buttons: list[widgets.Button]
    baseline: widgets.Dropdown
    errors: ErrorPanel
    summary: widgets.HTML
    bars_figure: go.FigureWidget
    table_html: widgets.HTML
    notes: widgets.HTML
    gap_note: widgets.HTML
    gap_figure: go.FigureWidget
    trend_figure: go.FigureWidget
    trend_table: widgets.HTML
    catalog: Catalog
    widget: widgets.VBox = field(default_factory=widgets.VBox)
    builder: BuilderPanel = field(init=False)
    files: FilesPanel = field(init=False)
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    resources: tuple[str, ...] = ("cms-rvus", "cms-gpci", "cms-conversion-factors",
                                  "catalog-codes", "payment-parameters", "protocol-rules")
    _holding: bool = False

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # inputs -> comparison -> outputs
    def inputs(self) -> ScenarioInputs:
        first, last = (int(y) for y in self.years.value)
        return ScenarioInputs(
            scenarios=tuple(self.chosen.value), first_year=first, last_year=last,
            year=int(self.year.value), locality=self.locality.locality,
            setting=self.setting.value or None,
            payer_multiplier=float(self.payer_multiplier.value) if self.one_multiplier.value else None,
            baseline=self.baseline.value or None)

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Change several controls, then refresh once."""
        was, self._holding = self._holding, True
        try:
            yield
        finally:
            self._holding = was
        if not was:
            self.refresh()

    def refresh(self, *_: Any) -> None:
        """Recompute the comparison for the current controls and update every output in place."""
        if self._holding:
            return
        self._follow_controls()
        with self.errors.catching():
            inputs = self.inputs()
            if self.locality.combobox.value and not self.locality.valid:
                raise InputError("locality", f"{self.locality.combobox.value!r} is not in the list: "
                                 "pick a locality from it (prices stay national until you do)")
            table = comparison(self.known, inputs, self.catalog)
            self._show(table, inputs)
        if self.errors.showing:
            self.summary.value = ""

    def _follow_controls(self) -> None:
        """Keep the dependent controls consistent: the year shown inside the range, the
        locality list of a year with GPCIs, the baseline among the chosen scenarios."""
        was, self._holding = self._holding, True
        try:
            first, last = (int(y) for y in self.years.value)
            options = list(range(first, last + 1))
            if list(self.year.options) != options:
                keep = self.year.value if self.year.value in options else last
                self.year.options = options
                self.year.value = keep
            gpci_years = self.catalog.gpci_years()
            picker_year = max([y for y in gpci_years if y <= last] or [gpci_years[0]])
            if self.locality.year != picker_year:
                self.locality.set_year(picker_year)
            names = list(self.chosen.value)
            options_b: list[tuple[str, str]] = [NO_BASELINE] + [
                (self.known[n].title, n) for n in names if n in self.known]
            if list(self.baseline.options) != options_b:
                b = self.baseline.value
                keep_b = b if b == NONE or b in names else (
                    DEFAULT_BASELINE if DEFAULT_BASELINE in names else NONE)
                self.baseline.options = options_b
                self.baseline.value = keep_b
        finally:
            self._holding = was

    def _show(self, table: pd.DataFrame, inputs: ScenarioInputs, redraw: bool = True) -> None:
        year = inputs.year
        loc = inputs.locality or "national"
        has_gpci = year in self.catalog.gpci_years()
        gap_loc = loc if has_gpci else "national"
        where = (self.locality.combobox.value if gap_loc != "national" else "national")
        if redraw:  # not when the figures were just made from this table
            update_figure(self.bars_figure, bars_spec(table, inputs))
            update_figure(self.gap_figure, figures.scenario_gap_spec(table, year, gap_loc,
                                                                     inputs.baseline))
            update_figure(self.trend_figure, figures.scenario_trend_spec(table, loc, TREND_SLOTS))
        frame = year_frame(table, year)
        self.table_html.value = html_table(
            frame, YEAR_COLUMNS, caption=f"What each scenario pays, {year}"
            + (f" (differences against '{self.known[inputs.baseline].title}')"
               if inputs.baseline else ""))
        self.notes.value = notes_html(table, self.known, year)
        self.trend_table.value = trend_table_html(table, loc, "national" if loc == "national"
                                                  else str(self.locality.combobox.value))
        payer = ("each scenario's own payer multiplier" if inputs.payer_multiplier is None
                 else f"every scenario paid at {inputs.payer_multiplier:.2f} × Medicare")
        setting = ("each scenario's own setting" if inputs.setting is None
                   else f"every scenario in the {SETTINGS[inputs.setting]} setting")
        on = self.catalog.date_for_year(year)
        self.summary.value = STYLE + note(
            f"{len(inputs.scenarios)} scenarios, {inputs.first_year}-{inputs.last_year}, national"
            + (f" and {self.locality.combobox.value}" if inputs.locality else "")
            + f"; {setting}; {payer}. The bars, table and value gap show {year} "
            f"(prices of {on.isoformat()}).")
        self.gap_note.value = STYLE + note(
            f"{year}, {where}. The dashed line is the baseline scenario."
            + ("" if has_gpci or inputs.locality is None else
               f" No GPCI file is held for {year}, so its prices are national only: the locality "
               "shows n/a in the table and the trend."))
        trend_names = list(dict.fromkeys(table["scenario"]))
        if len(trend_names) > TREND_SLOTS:
            self.gap_note.value += note(f"The trend draws the first {TREND_SLOTS} scenarios; the "
                                        "table under it lists them all.")
        self.table = table


    def offer(self, s: Scenario) -> bool:
        """Put a scenario on offer everywhere and add it to the comparison; True if new."""
        added = add_scenario(self.known, s)
        options = [(self.known[n].title, n) for n in self.known]
        with self.holding():
            keep = list(self.chosen.value)
            self.chosen.options = options
            self.chosen.value = tuple(keep + ([s.name] if s.name not in keep else []))
            self.builder.set_options(options)
            self.files.set_options(options, s.name)
        return added

    def exported(self) -> tuple[pd.DataFrame, list[Scenario], str | None]:
        """What the exports hold: the comparison shown, its scenarios as valued, its baseline."""
        if self.errors.showing or self.table.empty:
            raise InputError("export", "there is no comparison to export: fix the message "
                             "above the charts first")
        chosen = [with_overrides(self.known[n], self.setting.value or None,
                                 self.payer_multiplier.value if self.one_multiplier.value
                                 else None) for n in self.chosen.value]
        return self.table, chosen, self.baseline.value or None

    # controls
    def _multiplier_moved(self, *_: Any) -> None:
        if not self.one_multiplier.value:
            self.one_multiplier.value = True  # its observer refreshes
        else:
            self.refresh()

    def use_multiplier(self, value: float) -> None:
        """Pay every scenario at ``value`` × Medicare (the reference buttons)."""
        with self.holding():
            self.payer_multiplier.value = value
            self.one_multiplier.value = True


@functools.lru_cache(maxsize=1)
def _presets() -> tuple[Scenario, ...]:
    """The shipped presets, read once per session (files under data/, not user files)."""
    return tuple(scenarios.presets())



def _layout(v: ScenarioView) -> None:
    payer_row = widgets.HBox([v.one_multiplier, v.payer_multiplier],
                             layout=widgets.Layout(align_items="center"))
    refs_row = widgets.HBox([widgets.HTML(note("Set it to:")), *v.reference_buttons],
                            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
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
        v.baseline, v.errors.widget, v.summary,
        heading("What each scenario pays"),
        v.bars_figure, scrolling(v.table_html), v.notes,
        heading("The value gap"), v.gap_note, v.gap_figure,
        heading("Year by year"), v.trend_figure, scrolling(v.trend_table),
        heading("3. Load, save and export"), v.files.widget,
    ]


def _wire(v: ScenarioView) -> None:
    for control in (v.chosen, v.years, v.year, v.setting, v.one_multiplier, v.baseline):
        control.observe(v.refresh, names="value")
    v.locality.observe(v.refresh)
    v.payer_multiplier.observe(v._multiplier_moved, names="value")
    for button, value in zip(v.reference_buttons, reference_multipliers().values(), strict=True):
        button.on_click(lambda _b, value=value: v.use_multiplier(value))


def scenario_view(chosen: Sequence[str] = DEFAULT_PRESETS, years: tuple[int, int] | None = None,
                  year: int | None = None, baseline: str | None = DEFAULT_BASELINE,
                  catalog: Catalog | None = None) -> ScenarioView:
    """Build notebook 03's view: presets and built scenarios compared side by side."""
    cat = catalog or load_catalog()
    known = {s.name: s for s in _presets()}
    held = cat.years()
    first, last = years or (held[0], held[-1])
    year = max(y for y in cat.gpci_years() if y <= last) if year is None else int(year)
    baseline = baseline if baseline in chosen else None
    start = ScenarioInputs(tuple(chosen), first, last, year, baseline=baseline)
    table = comparison(known, start, cat)
    v = ScenarioView(known=known, catalog=cat,
                     **compare_controls(known, chosen, first, last, year, cat, table, start))
    options = [(s.title, n) for n, s in known.items()]
    v.builder = builder_panel(known, options, cat, v.offer, lambda: int(v.year.value))
    v.files = files_panel(known, options, v.offer, v.exported)
    v.baseline.options = [NO_BASELINE] + [(known[n].title, n) for n in chosen if n in known]
    v.baseline.value = baseline or NONE
    _layout(v)
    v._show(table, start, redraw=False)
    _wire(v)
    return v
