"""Notebook 03: reimbursement scenarios side by side, across years, locality, setting and payer.

Plain functions first (``comparison``, ``with_overrides``, ``build_scenario``, ``save_scenario``,
``load_scenario``, ``export``): they call ``flatclosure.scenarios`` and ``flatclosure.report`` and
raise a ``FlatclosureError`` with a readable message on bad input. ``ScenarioView`` only wires
controls to them and shows the tables and figures (``flatclosure.figures.scenario_*_spec``).
"""

from __future__ import annotations

import functools
import html
import math
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import figures, report, scenarios
from ..catalog import Catalog, load_catalog
from ..claims import payment_parameters
from ..errors import FlatclosureError, InputError
from ..present.formatting import fmt_change, fmt_money, fmt_pct, fmt_prose, fmt_rvu, fmt_text
from ..scenarios import Scenario, ScenarioError
from .common import (
    CONTROL_STYLE,
    STYLE,
    ErrorPanel,
    LocalityPicker,
    figure_widget,
    heading,
    html_table,
    labelled,
    note,
    scrolling,
    update_figure,
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
EXPORT_FILES: dict[str, str] = {"csv": "flatclosure_scenarios.csv",
                                "xlsx": "flatclosure_scenarios.xlsx",
                                "html": "flatclosure_scenarios_report.html"}
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
BUILDER = "the scenario builder"
# The 'none' choice of a selection widget (ipywidgets reads a None value as 'nothing selected').
NONE = ""
NO_BASELINE = ("no baseline", NONE)
EMPTY_CLAIM = ("nothing: an empty claim", NONE)

YEAR_COLUMNS = [
    ("label", "Scenario (* = illustrative values)", fmt_prose),
    ("where", "Where", fmt_text),
    ("setting", "Setting", fmt_text),
    ("payer_multiplier", "Payer (× Medicare)", fmt_rvu),
    ("total", "Allowed, whole claim (US$)", fmt_money),
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
    chosen = [with_overrides(known[n], inputs.setting, inputs.payer_multiplier)
              for n in inputs.scenarios]
    return scenarios.compare(chosen, inputs.years, inputs.localities, inputs.baseline, cat)


def bars_spec(table: pd.DataFrame, inputs: ScenarioInputs) -> figures.FigureSpec:
    """The grouped bars of the year shown; the title says when a payer multiplier is applied."""
    spec = figures.scenario_bars_spec(table, inputs.year, inputs.baseline)
    if inputs.payer_multiplier is not None:
        spec["layout"]["title"]["text"] = (f"What each scenario pays, {inputs.year} (allowed "
                                           f"amount per claim at {inputs.payer_multiplier:.2f} "
                                           "× Medicare)")
    return spec


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


def parse_lines(text: str) -> list[str]:
    """Claim lines typed one per line, or separated by commas or spaces."""
    return [x for x in re.split(r"[\s,;]+", text or "") if x]


def slug(title: str) -> str:
    """A file-name-like scenario name from a title."""
    s = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return s[:60] or "scenario"


def claim_lines_of(s: Scenario, year: int | None = None, catalog: Catalog | None = None) -> list[str]:
    """A scenario's claim lines; for a protocol scenario, the lines the protocol codes in ``year``."""
    if s.lines:
        return list(s.lines)
    r = scenarios.evaluate(s, year, catalog=catalog)
    return [str(p.line) for p in r.claim.lines] if r.claim is not None else []


def build_scenario(title: str, lines_text: str, start_from: Scenario | None = None,
                   taken: Collection[str] = (), catalog: Catalog | None = None) -> Scenario:
    """A scenario of explicit claim lines, validated like a file (``scenarios.from_dict``).

    Copies the valuation, comparators, prices and (when its code stays on the claim) the new
    code of ``start_from``; its illustrative notes go with what they are about.
    """
    title = (title or "").strip()
    if not title:
        raise ScenarioError(BUILDER, "title", "give the scenario a title")
    lines = parse_lines(lines_text)
    if not lines:
        raise ScenarioError(BUILDER, "lines", "give at least one claim line, like 14301-RT")
    name = slug(title)
    if name in taken:
        raise ScenarioError(BUILDER, "title", f"a scenario named {name!r} is already in the list: "
                            "give this one another title")
    data: dict[str, Any] = start_from.to_dict() if start_from is not None else {"valuation": {}}
    data.pop("procedure", None)
    nc = data.get("new_code")
    if nc is not None and not any(ln.split("-")[0].split("x")[0] == nc.get("code") for ln in lines):
        data.pop("new_code")
        data.pop("illustrative", None)  # they are about the new code
    made = "Built in the workbook (notebook 03)"
    data.update(
        title=title, lines=lines,
        description=f"{made} from the claim lines {', '.join(lines)}"
                    + (f", starting from '{start_from.title}'." if start_from else "."),
        reference=made + (f"; started from: {start_from.reference}" if start_from else "."))
    return scenarios.from_dict(data, name, BUILDER, catalog)


def _path(text: str, what: str) -> Path:
    text = (text or "").strip()
    if not text:
        raise InputError(what, "type a path first")
    return Path(text).expanduser()


def save_scenario(s: Scenario, path_text: str, overwrite: bool = False) -> Path:
    """Write a scenario file (``scenarios.save``); an existing file only when ``overwrite``."""
    path = _path(path_text, "scenario file")
    if path.suffix.lower() not in SCENARIO_SUFFIXES:
        raise InputError("scenario file", f"{path.name}: a scenario file ends in .yaml, .yml or .json")
    if path.is_dir():
        raise InputError("scenario file", f"{path} is a folder: add a file name")
    if path.exists() and not overwrite:
        raise InputError("scenario file", f"{path} already exists and was left as it is: tick "
                         "'replace files that exist' to overwrite it, or choose another name")
    if not path.parent.is_dir():
        raise InputError("scenario file", f"the folder {path.parent} does not exist")
    try:
        return scenarios.save(s, path)
    except OSError as exc:
        raise InputError("scenario file", f"cannot write {path}: {exc.strerror or exc}") from exc


def load_scenario(path_text: str) -> Scenario:
    """Read and validate a scenario file (``scenarios.load``)."""
    path = _path(path_text, "scenario file")
    if not path.is_file():
        raise InputError("scenario file", f"there is no file {path}")
    return scenarios.load(path)


def scenario_from_upload(filename: str, content: bytes) -> Scenario:
    """Validate an uploaded scenario file (``scenarios.loads``); its name is the file's stem."""
    p = Path(filename)
    if p.suffix.lower() not in SCENARIO_SUFFIXES:
        raise ScenarioError(filename, "file", "a scenario file ends in .yaml, .yml or .json")
    try:
        text = bytes(content).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(filename, "file", f"not UTF-8 text: {exc}") from exc
    return scenarios.loads(text, p.stem, filename, "json" if p.suffix.lower() == ".json" else "yaml")


def add_scenario(known: dict[str, Scenario], s: Scenario) -> bool:
    """Add ``s`` to the scenarios on offer; True if added, False if the same one is there.

    A different scenario of the same name is never replaced: that raises.
    """
    there = known.get(s.name)
    if there is None:
        known[s.name] = s
        return True
    if there == s:
        return False
    raise InputError("scenario file", f"a different scenario named {s.name!r} ('{there.title}') is "
                     "already in the list: rename the file to load it beside that one")


def export(table: pd.DataFrame, chosen: Sequence[Scenario], folder_text: str, kind: str,
           baseline: str | None = None, overwrite: bool = False) -> Path:
    """Write the comparison as CSV, Excel or an HTML report (``flatclosure.report``) into a
    folder (made if missing); an existing file only when ``overwrite``."""
    if kind not in EXPORT_FILES:
        raise InputError("export", f"{kind!r} is not one of {', '.join(EXPORT_FILES)}")
    folder = _path(folder_text, "export folder")
    if folder.exists() and not folder.is_dir():
        raise InputError("export folder", f"{folder} is a file, not a folder")
    path = folder / EXPORT_FILES[kind]
    if path.exists() and not overwrite:
        raise InputError("export", f"{path} already exists and was left as it is: tick 'replace "
                         "files that exist' to overwrite it, or choose another folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if kind == "csv":
            return report.write_csv(table, path)
        if kind == "xlsx":
            return report.write_xlsx(table, chosen, path)
        return report.write_html(table, chosen, path, baseline)
    except OSError as exc:
        raise InputError("export", f"cannot write {path}: {exc.strerror or exc}") from exc


# -- the view ----------------------------------------------------------------------------------
class MessagePanel(ErrorPanel):
    """An ErrorPanel with its own first words (the shared one speaks of control combinations)."""

    def __init__(self, lead: str) -> None:
        super().__init__()
        self.lead = lead

    def show(self, exc: FlatclosureError | str) -> None:
        super().show(exc)
        self.widget.value = (f'{STYLE}<div class="fc-error" role="alert"><b>{html.escape(self.lead)}'
                             f"</b> {html.escape(self.message)}</div>")


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
    # the builder
    start_from: widgets.Dropdown
    title: widgets.Text
    lines: widgets.Textarea
    add_button: widgets.Button
    builder_errors: MessagePanel
    builder_status: widgets.HTML
    # files
    to_save: widgets.Dropdown
    file_path: widgets.Text
    overwrite: widgets.Checkbox
    save_button: widgets.Button
    load_button: widgets.Button
    upload: widgets.FileUpload
    export_folder: widgets.Text
    export_buttons: dict[str, widgets.Button]
    file_errors: MessagePanel
    file_status: widgets.HTML
    widget: widgets.VBox
    catalog: Catalog
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    written: list[Path] = field(default_factory=list)
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

    # the builder
    def fill_from(self, *_: Any) -> None:
        """Copy the chosen scenario's title and claim lines into the builder."""
        name = self.start_from.value
        if not name:
            return
        s = self.known[name]
        with self.builder_errors.catching():
            self.lines.value = "\n".join(claim_lines_of(s, int(self.year.value), self.catalog))
            self.title.value = f"{s.title} (my version)"

    def add_built(self, *_: Any) -> Scenario | None:
        """Validate the builder's scenario, add it to the list and to the comparison."""
        start = self.known.get(self.start_from.value) if self.start_from.value else None
        built = None
        with self.builder_errors.catching():
            built = build_scenario(self.title.value, self.lines.value, start, self.known, self.catalog)
            self._offer(built)
            self.builder_status.value = STYLE + note(
                f"Added '{built.title}' ({', '.join(built.lines)}) to the comparison; save it "
                "below to keep it.")
        if self.builder_errors.showing:
            self.builder_status.value = ""
        return built

    def _offer(self, s: Scenario) -> None:
        """Put a scenario on offer everywhere and add it to the comparison."""
        add_scenario(self.known, s)
        options = [(self.known[n].title, n) for n in self.known]
        with self.holding():
            keep = list(self.chosen.value)
            self.chosen.options = options
            self.chosen.value = tuple(keep + ([s.name] if s.name not in keep else []))
            self.start_from.options = [EMPTY_CLAIM] + options
            self.to_save.options = options
            self.to_save.value = s.name

    # files
    def save(self, *_: Any) -> Path | None:
        out = None
        with self.file_errors.catching():
            name = self.to_save.value
            if not name:
                raise InputError("scenario to save", "pick the scenario to save")
            out = save_scenario(self.known[name], self.file_path.value, bool(self.overwrite.value))
            self.written.append(out)
            self.file_status.value = STYLE + note(f"Saved '{self.known[name].title}' to "
                                                  f"{out.resolve()}")
        return out

    def load(self, *_: Any) -> Scenario | None:
        return self._load(lambda: load_scenario(self.file_path.value))

    def _load(self, read: Callable[[], Scenario]) -> Scenario | None:
        out = None
        with self.file_errors.catching():
            s = read()
            added = s.name not in self.known
            self._offer(s)
            self.file_status.value = STYLE + note(
                f"Loaded '{s.title}' ({s.name}) and added it to the comparison."
                if added else f"'{s.title}' is already in the list: it is now in the comparison.")
            out = s
        return out

    def uploaded(self, *_: Any) -> None:
        for item in self.upload.value:
            self._load(functools.partial(scenario_from_upload, str(item["name"]),
                                         bytes(item["content"])))

    def export(self, kind: str) -> Path | None:
        out = None
        with self.file_errors.catching():
            if self.errors.showing or self.table.empty:
                raise InputError("export", "there is no comparison to export: fix the message "
                                 "above the charts first")
            chosen = [with_overrides(self.known[n], self.setting.value or None,
                                     self.payer_multiplier.value if self.one_multiplier.value
                                     else None) for n in self.chosen.value]
            out = export(self.table, chosen, self.export_folder.value, kind, self.baseline.value or None,
                         bool(self.overwrite.value))
            self.written.append(out)
            self.file_status.value = STYLE + "".join(
                note(f"Wrote {p.resolve()}") for p in self.written[-3:])
        return out

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
    options = [(s.title, n) for n, s in known.items()]
    wide = widgets.Layout(width="640px")
    refs = reference_multipliers()
    view = ScenarioView(
        known=known,
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
                           for k, v in refs.items()],
        baseline=widgets.Dropdown(options=[NO_BASELINE], value=NONE,
                                  description="Differences against", style=CONTROL_STYLE,
                                  layout=wide),
        errors=ErrorPanel(), summary=widgets.HTML(),
        bars_figure=figure_widget(bars_spec(table, start)),
        table_html=widgets.HTML(), notes=widgets.HTML(), gap_note=widgets.HTML(),
        gap_figure=figure_widget(figures.scenario_gap_spec(table, year, "national", baseline)),
        trend_figure=figure_widget(figures.scenario_trend_spec(table, "national", TREND_SLOTS)),
        trend_table=widgets.HTML(),
        start_from=widgets.Dropdown(options=[EMPTY_CLAIM] + options,
                                    value=NONE, description="Start from", style=CONTROL_STYLE,
                                    layout=widgets.Layout(width="820px")),
        title=widgets.Text(description="Title", placeholder="e.g. My surgeon's claim",
                           style=CONTROL_STYLE, layout=wide),
        lines=widgets.Textarea(description="Claim lines", placeholder="one a line, e.g.\n"
                               "14301-RT\n14301-LT-59\n14302-RTx2", rows=5, style=CONTROL_STYLE,
                               layout=wide),
        add_button=widgets.Button(description="Add to the comparison", button_style="primary",
                                  layout=widgets.Layout(width="auto")),
        builder_errors=MessagePanel("This scenario cannot be added."),
        builder_status=widgets.HTML(),
        to_save=widgets.Dropdown(options=options, value=options[0][1], description="Scenario to save",
                                 style=CONTROL_STYLE, layout=widgets.Layout(width="820px")),
        file_path=widgets.Text(value="my_scenario.yaml", description="Scenario file",
                               placeholder="e.g. my_scenario.yaml", style=CONTROL_STYLE,
                               layout=wide),
        overwrite=widgets.Checkbox(value=False, description="replace files that exist",
                                   indent=False, layout=widgets.Layout(width="auto")),
        save_button=widgets.Button(description="Save", icon="save",
                                   layout=widgets.Layout(width="auto")),
        load_button=widgets.Button(description="Load", icon="folder-open",
                                   layout=widgets.Layout(width="auto")),
        upload=widgets.FileUpload(accept=",".join(SCENARIO_SUFFIXES), multiple=False,
                                  description="Upload a scenario file",
                                  layout=widgets.Layout(width="auto")),
        export_folder=widgets.Text(value="exports", description="Export to folder",
                                   style=CONTROL_STYLE, layout=wide),
        export_buttons={k: widgets.Button(description=d, icon="download",
                                          layout=widgets.Layout(width="auto"))
                        for k, d in (("csv", "CSV"), ("xlsx", "Excel"), ("html", "HTML report"))},
        file_errors=MessagePanel("Nothing was written or loaded."), file_status=widgets.HTML(),
        widget=widgets.VBox(), catalog=cat,
    )
    v = view
    v.baseline.options = [NO_BASELINE] + [(known[n].title, n) for n in chosen if n in known]
    v.baseline.value = baseline or NONE
    payer_row = widgets.HBox([v.one_multiplier, v.payer_multiplier],
                             layout=widgets.Layout(align_items="center"))
    refs_row = widgets.HBox([widgets.HTML(note("Set it to:")), *v.reference_buttons],
                            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
    builder = widgets.VBox([
        widgets.HTML(note("Type the claim lines as a biller would (code, modifiers, xunits), or "
                          "start from a scenario and change its lines. The valuation (modifier "
                          "22 share, comparator of an unlisted code, a new code) is copied from "
                          "the scenario you start from.")),
        v.start_from, v.title, v.lines, widgets.HBox([labelled("", v.add_button)]),
        v.builder_errors.widget, v.builder_status])
    files = widgets.VBox([
        widgets.HTML(note("Paths are on the computer running the workbook, relative to this "
                          "notebook's folder. Nothing is overwritten unless you tick the box.")),
        v.to_save, v.file_path,
        widgets.HBox([labelled("", v.save_button), v.load_button, v.upload, v.overwrite],
                     layout=widgets.Layout(align_items="center", flex_flow="row wrap")),
        v.export_folder,
        widgets.HBox([labelled("Export the comparison", v.export_buttons["csv"]),
                      v.export_buttons["xlsx"], v.export_buttons["html"]]),
        v.file_errors.widget, v.file_status])
    v.widget.children = [
        heading("1. Choose the scenarios"),
        v.chosen,
        widgets.HTML(note("Hold Ctrl (⌘ on a Mac) or Shift to pick several. Build your own below; "
                          "it joins this list.")),
        widgets.Accordion(children=[builder], titles=("Build your own scenario",)),
        heading("2. Compare them"),
        v.years, v.year, v.locality.widget,
        labelled("Setting", v.setting),
        labelled("Payer", payer_row),
        labelled("", refs_row),
        widgets.HTML(note("HCCI: commercial prices of professional services relative to Medicare "
                          "(2017 claims); a payer multiplier scales every line's allowed amount.")),
        v.baseline,
        v.errors.widget, v.summary,
        heading("What each scenario pays"),
        v.bars_figure, scrolling(v.table_html), v.notes,
        heading("The value gap"), v.gap_note, v.gap_figure,
        heading("Year by year"), v.trend_figure, scrolling(v.trend_table),
        heading("3. Save, load and export"), files,
    ]
    v._show(table, start, redraw=False)
    for control in (v.chosen, v.years, v.year, v.setting, v.one_multiplier, v.baseline):
        control.observe(v.refresh, names="value")
    v.locality.observe(v.refresh)
    v.payer_multiplier.observe(v._multiplier_moved, names="value")
    for button, value in zip(v.reference_buttons, refs.values(), strict=True):
        button.on_click(lambda _b, value=value: v.use_multiplier(value))
    v.start_from.observe(v.fill_from, names="value")
    v.add_button.on_click(v.add_built)
    v.save_button.on_click(v.save)
    v.load_button.on_click(v.load)
    v.upload.observe(v.uploaded, names="value")
    for kind, button in v.export_buttons.items():
        button.on_click(lambda _b, kind=kind: v.export(kind))
    return v

