"""Notebook 03, the builder: a scenario of explicit claim lines, made in the browser.

``build_scenario`` validates the typed lines like a scenario file (``scenarios.from_dict``);
``BuilderPanel`` holds the title and lines boxes and hands a valid scenario to the view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from .. import limits, scenarios
from ..catalog import Catalog, load_catalog
from ..errors import FlatclosureError
from ..scenarios import Scenario, ScenarioError
from .common import CONTROL_STYLE, STYLE, labelled, note
from .scenario_files import MessagePanel

BUILDER = "the scenario builder"
EMPTY_CLAIM = ("nothing: an empty claim", "")


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
    most = limits.maximum("scenario_file_bytes")
    if len(lines_text or "") > most:
        raise ScenarioError(BUILDER, "lines", f"{len(lines_text)} characters: the limit is "
                            f"{limits.limit('scenario_file_bytes').describe()}")
    lines = parse_lines(lines_text)
    if not lines:
        raise ScenarioError(BUILDER, "lines", "give at least one claim line, like 14301-RT")
    name = slug(title)
    if name in taken:
        raise ScenarioError(BUILDER, "title", f"a scenario named {name!r} is already in the list: "
                            "give this one another title")
    data: dict[str, Any] = start_from.to_dict() if start_from is not None else {"valuation": {}}
    data.pop("procedure", None)
    codes, modifiers = _codes_and_modifiers(lines)
    nc = data.get("new_code")
    if nc is not None and nc.get("code") not in codes:
        data.pop("new_code")
    if not _assumptions_used(data, codes, modifiers, catalog):
        data.pop("illustrative", None)  # the '*' would mark numbers no assumption touches
    made = "Built in the workbook (notebook 03)"
    data.update(
        title=title, lines=lines,
        description=f"{made} from the claim lines {', '.join(lines)}"
                    + (f", starting from '{start_from.title}'." if start_from else "."),
        reference=made + (f"; started from: {start_from.reference}" if start_from else "."))
    return scenarios.from_dict(data, name, BUILDER, catalog)

def _codes_and_modifiers(lines: list[str]) -> tuple[set[str], set[str]]:
    codes, modifiers = set(), set()
    for text in lines:
        parts = re.sub(r"X\d+$", "", text.upper()).split("-")  # 14302-RTx2: units last
        codes.add(parts[0])
        modifiers.update(parts[1:])
    return codes, modifiers


def _assumptions_used(data: Mapping[str, Any], codes: set[str], modifiers: set[str],
                      catalog: Catalog | None) -> bool:
    """Does the built claim use what the starting scenario assumed (its illustrative values)?
    The presets assume a new code's values, the share paid for modifier 22, or the comparator
    of a carrier-priced (status C, unlisted) code."""
    if data.get("new_code") is not None:
        return True
    if "22" in modifiers and float(data.get("valuation", {}).get("modifier_22_percent") or 0):
        return True
    cat = catalog or load_catalog()
    on = cat.date_for_year(int(data.get("valuation", {}).get("year") or cat.default_year()))
    return any(_carrier_priced(cat, c, on) for c in codes)


def _carrier_priced(cat: Catalog, code: str, on: Any) -> bool:
    try:
        return cat.values(code, on).status == "C"
    except FlatclosureError:
        return False  # an unknown code: scenarios.from_dict names it


@dataclass
class BuilderPanel:
    """The builder's controls; ``offer`` puts a built scenario in the view's lists."""

    known: Mapping[str, Scenario]
    catalog: Catalog
    offer: Callable[[Scenario], bool]
    year: Callable[[], int]
    start_from: widgets.Dropdown
    title: widgets.Text
    lines: widgets.Textarea
    add_button: widgets.Button
    errors: MessagePanel
    status: widgets.HTML
    widget: widgets.VBox

    def fill_from(self, *_: Any) -> None:
        """Copy the chosen scenario's title and claim lines into the builder."""
        name = self.start_from.value
        if not name:
            return
        s = self.known[name]
        with self.errors.catching():
            self.lines.value = "\n".join(claim_lines_of(s, self.year(), self.catalog))
            self.title.value = f"{s.title} (my version)"

    def add_built(self, *_: Any) -> Scenario | None:
        """Validate the builder's scenario, add it to the list and to the comparison."""
        start = self.known.get(self.start_from.value) if self.start_from.value else None
        built = None
        with self.errors.catching():
            built = build_scenario(self.title.value, self.lines.value, start, self.known, self.catalog)
            self.offer(built)
            self.status.value = STYLE + note(
                f"Added '{built.title}' ({', '.join(built.lines)}) to the comparison; download it "
                "under 'Save, load and export' to keep it.")
        if self.errors.showing:
            self.status.value = ""
        return built

    def set_options(self, options: list[tuple[str, str]]) -> None:
        self.start_from.options = [EMPTY_CLAIM] + options


def builder_panel(known: Mapping[str, Scenario], options: list[tuple[str, str]], catalog: Catalog,
                  offer: Callable[[Scenario], bool], year: Callable[[], int]) -> BuilderPanel:
    """The builder's controls, laid out and wired."""
    wide = widgets.Layout(width="640px")
    p = BuilderPanel(
        known=known, catalog=catalog, offer=offer, year=year,
        start_from=widgets.Dropdown(options=[EMPTY_CLAIM] + options, value="",
                                    description="Start from", style=CONTROL_STYLE,
                                    layout=widgets.Layout(width="820px")),
        title=widgets.Text(description="Title", placeholder="e.g. My surgeon's claim",
                           style=CONTROL_STYLE, layout=wide),
        lines=widgets.Textarea(description="Claim lines", placeholder="one a line, e.g.\n"
                               "14301-RT\n14301-LT-59\n14302-RTx2", rows=5, style=CONTROL_STYLE,
                               layout=wide),
        add_button=widgets.Button(description="Add to the comparison", button_style="primary",
                                  layout=widgets.Layout(width="auto")),
        errors=MessagePanel("This scenario cannot be added."), status=widgets.HTML(),
        widget=widgets.VBox())
    p.widget.children = [
        widgets.HTML(note("Type the claim lines as a biller would (code, modifiers, xunits), or "
                          "start from a scenario and change its lines. The valuation (modifier "
                          "22 share, comparator of an unlisted code, a new code) is copied from "
                          "the scenario you start from.")),
        p.start_from, p.title, p.lines, widgets.HBox([labelled("", p.add_button)]),
        p.errors.widget, p.status]
    p.start_from.observe(p.fill_from, names="value")
    p.add_button.on_click(p.add_built)
    return p
