"""Notebook 03: reimbursement scenarios side by side, across years, locality, setting and payer.

Three panels, each in its own module: the comparison (``scenario_compare``: plain functions over
``flatclosure.scenarios.compare``), the builder (``scenario_builder``) and the files
(``scenario_files``: upload and browser downloads only, no server path). ``ScenarioView`` wires
the compare controls to them and shows the tables and figures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import scenarios
from ..catalog import Catalog, load_catalog
from ..errors import InputError
from ..plotly_bundle import FigureWidget
from ..scenarios import Scenario
from .binding import Binding
from .common import (
    ErrorPanel,
    LocalityPicker,
    set_applies,
    update_figure,
)
from .figure_updates import after_numbers
from .scenario_builder import BuilderPanel, builder_panel
from .scenario_compare import (
    DEFAULT_BASELINE,
    DEFAULT_PRESETS,
    NO_BASELINE,
    NONE,
    ScenarioInputs,
    chart_specs,
    compare_controls,
    comparison,
    with_overrides,
    year_frame,
)
from .scenario_cost import ComparisonCache, Plan, plan_controls, with_patient_cost
from .scenario_files import FilesPanel, add_scenario, files_panel, same_scenario
from .scenario_page import other_settings_ahead, page_layout, show_numbers, wire
from .urlstate import UrlState, read_query

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
    deductible: widgets.BoundedFloatText
    coinsurance: widgets.BoundedFloatText
    out_of_pocket: widgets.BoundedFloatText
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
    binding: Binding = field(init=False)
    url: UrlState = field(init=False)
    cache: ComparisonCache = field(default_factory=ComparisonCache)
    presets: frozenset[str] = frozenset()
    charts_due: tuple[ScenarioInputs, pd.DataFrame] | None = None  # what the charts are to show
    resources: tuple[str, ...] = ("cms-rvus", "cms-gpci", "cms-conversion-factors",
                                  "catalog-codes", "payment-parameters", "protocol-rules",
                                  "coverage-part-b-deductible", "coverage-medicare-cost-rules",
                                  "coverage-sequestration", "coverage-cost-share-bounds")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        # a figure changed before the page showed it (a link's values) is shown as it is now
        for fig in (self.bars_figure, self.gap_figure, self.trend_figure):
            if isinstance(fig, FigureWidget):
                fig.keep_views_current()
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def table(self) -> pd.DataFrame:
        """The comparison shown (empty while the controls describe none)."""
        result = self.binding.result
        return pd.DataFrame() if result is None else result[1]

    def controls(self) -> dict[str, widgets.Widget]:
        """The view's controls by the names its links use."""
        return {"scenarios": self.chosen, "years": self.years, "year": self.year,
                "locality": self.locality.combobox, "setting": self.setting,
                "one_multiplier": self.one_multiplier, "multiplier": self.payer_multiplier,
                "baseline": self.baseline, "deductible": self.deductible,
                "coinsurance": self.coinsurance, "out_of_pocket": self.out_of_pocket}

    def inputs(self) -> ScenarioInputs:
        first, last = (int(y) for y in self.years.value)
        return ScenarioInputs(
            scenarios=tuple(self.chosen.value), first_year=first, last_year=last,
            year=int(self.year.value), locality=self.locality.locality,
            setting=self.setting.value or None,
            payer_multiplier=float(self.payer_multiplier.value) if self.one_multiplier.value else None,
            baseline=self.baseline.value or None)

    def refresh(self, *_: Any) -> None:
        self.binding.refresh()

    def compute(self, _: Any = None) -> tuple[ScenarioInputs, pd.DataFrame, pd.DataFrame]:
        """The inputs, their comparison (cached) and the year's rows with the patient's cost.
        An unmatched locality is not an error: prices stay national and the picker says so."""
        return self.compute_for(self.inputs())

    def compute_for(self, inputs: ScenarioInputs) -> tuple[ScenarioInputs, pd.DataFrame,
                                                             pd.DataFrame]:
        table = self.cache(self.known, inputs, self.catalog)
        plan = Plan(float(self.deductible.value), float(self.coinsurance.value),
                    float(self.out_of_pocket.value))
        frame = self.cache.derived(table, ("frame", inputs.year, plan), lambda: with_patient_cost(
            year_frame(table, inputs.year), self.catalog.date_for_year(inputs.year), plan))
        return inputs, table, frame

    def prepare(self, _: Any = None) -> None:
        """Keep the dependent controls consistent: the year shown inside the range, the
        locality list of a year with GPCIs, the baseline among the chosen scenarios."""
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
        plan_applies = bool(self.one_multiplier.value) and self.payer_multiplier.value != 1.0
        for box in (self.deductible, self.coinsurance, self.out_of_pocket):
            set_applies(box, plan_applies or any(
                self.known[n].valuation.payer_multiplier != 1.0 for n in names if n in self.known))

    def render(self, out: tuple[ScenarioInputs, pd.DataFrame, pd.DataFrame]) -> None:
        """Numbers and tables first, then the charts (on a page's change, once the numbers have
        left the kernel: ``after_numbers``)."""
        inputs, table, frame = out
        show_numbers(self, inputs, table, frame)
        self.charts_due = (inputs, table)
        after_numbers(self.draw_charts)
        other_settings_ahead(self, inputs)

    def draw_charts(self) -> None:
        """Bring the charts to the last comparison shown (one message each, sent after)."""
        due, self.charts_due = self.charts_due, None
        if due is None:  # a later change drew them already
            return
        inputs, table = due
        specs = chart_specs(table, inputs, self.catalog, self.cache.derived)
        for fig, spec in zip((self.bars_figure, self.gap_figure, self.trend_figure), specs,
                             strict=True):
            update_figure(fig, spec)

    def offer(self, s: Scenario) -> bool:
        """Put a scenario on offer everywhere and add it to the comparison; True if new."""
        added = add_scenario(self.known, s)
        name = self.known_name(s)
        with self.listing():
            keep = list(self.chosen.value)
            self._set_options()
            self.chosen.value = tuple(keep + ([name] if name not in keep else []))
            self.files.set_options(self._options(), name)
        return added

    @contextmanager
    def listing(self) -> Iterator[None]:
        """Change the scenario list and the selection, then compute once. Not ``binding.hold``:
        a list's options and value must be set in order, with notifications as they happen."""
        self.binding.deferred.depth += 1  # held: no compute per change, one below
        try:
            yield
        finally:
            self.binding.deferred.depth -= 1
        self.binding.refresh()

    def known_name(self, s: Scenario) -> str:
        """The name under which ``s`` is on offer (a file saved and loaded back under another
        name, e.g. "x (1).yaml", is the same scenario)."""
        return next((n for n, k in self.known.items() if same_scenario(k, s)), s.name)

    def remove(self, name: str) -> None:
        """Take a built or loaded scenario off the list (the presets stay)."""
        if name in self.presets or name not in self.known:
            raise InputError("scenario to save", "only a scenario you built or loaded can be "
                             "removed; the presets stay")
        with self.listing():
            keep = tuple(n for n in self.chosen.value if n != name)
            del self.known[name]
            self.cache.clear()
            self._set_options()  # new options clear the selection: set it again after
            self.chosen.value = keep
            self.files.set_options(self._options(), next(iter(self.known)))

    def _options(self) -> list[tuple[str, str]]:
        return [(s.title, n) for n, s in self.known.items()]

    def _set_options(self) -> None:
        self.chosen.options = self._options()
        self.builder.set_options(self._options())

    def exported(self) -> tuple[pd.DataFrame, list[Scenario], str | None, int]:
        """What the exports hold: the comparison shown, its scenarios as valued, its baseline,
        and the year the page shows."""
        result = self.binding.result
        if result is None:
            raise InputError("export", "there is no comparison to export: fix the message "
                             "above the charts first")
        inputs, table, _ = result
        chosen = [with_overrides(self.known[n], inputs.setting, inputs.payer_multiplier)
                  for n in inputs.scenarios]
        return table, chosen, inputs.baseline, inputs.year

    # controls
    def _multiplier_moved(self, *_: Any) -> None:
        if not self.one_multiplier.value:
            self.one_multiplier.value = True

    def use_multiplier(self, value: float) -> None:
        """Pay every scenario at ``value`` × Medicare (the reference buttons)."""
        with self.binding.hold():
            self.payer_multiplier.value = value
            self.one_multiplier.value = True


@functools.lru_cache(maxsize=1)
def _presets() -> tuple[Scenario, ...]:
    """The shipped presets, read once per session (files under data/, not user files)."""
    return tuple(scenarios.presets())


def scenario_view(chosen: Sequence[str] = DEFAULT_PRESETS, years: tuple[int, int] | None = None,
                  year: int | None = None, baseline: str | None = DEFAULT_BASELINE,
                  catalog: Catalog | None = None,
                  query: str | Callable[[], str] = "") -> ScenarioView:
    """Build notebook 03's view: presets and built scenarios compared side by side.

    ``query`` is the page's query string, or the function that waits for it
    (``urlstate.page_query`` in the app): called once the view is built, so a warm kernel builds
    it before anyone asks for the page and only the link's values are left after the request."""
    cat = catalog or load_catalog()
    known = {s.name: s for s in _presets()}
    held = cat.years()
    first, last = years or (held[0], held[-1])
    year = max(y for y in cat.gpci_years() if y <= last) if year is None else int(year)
    baseline = baseline if baseline in chosen else None
    start = ScenarioInputs(tuple(chosen), first, last, year, baseline=baseline)
    cache = ComparisonCache()
    table = cache(known, start, cat)
    v = ScenarioView(known=known, catalog=cat, cache=cache, presets=frozenset(known),
                     **compare_controls(known, chosen, first, last, year, cat,
                                        chart_specs(table, start, cat, cache.derived)),
                     **plan_controls())
    options = [(s.title, n) for n, s in known.items()]
    v.builder = builder_panel(known, options, cat, v.offer, lambda: int(v.year.value))
    v.files = files_panel(known, options, v.offer, v.exported, v.remove)
    v.baseline.options = [NO_BASELINE] + [(known[n].title, n) for n in chosen if n in known]
    v.baseline.value = baseline or NONE
    wire(v)
    page_layout(v)
    v.refresh()
    link = read_query(query)  # a warm kernel settles before the page request (``read_query``)
    if link:  # one computation for all its values (the binding holds them)
        v.url.apply(link)
    return v
