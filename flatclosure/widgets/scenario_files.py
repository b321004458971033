"""Notebook 03, files: scenarios come in by upload and go out, with the exports, as downloads.

The app never takes, shows or writes a server path: ``scenario_from_upload`` reads the bytes the
browser sent (bounded by ``data/rules/input_limits.csv``), and ``FilesPanel`` hands a saved
scenario or a CSV, Excel or HTML export over as a browser download (``fileio.download_link``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .. import fileio, limits, scenarios
from ..errors import FlatclosureError, InputError, clip
from ..outputs import report
from ..scenarios import Scenario, ScenarioError
from .common import CONTROL_STYLE, STYLE, ErrorPanel, labelled, note

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
EXPORT_FILES: dict[str, str] = {"csv": "flatclosure_scenarios.csv",
                                "xlsx": "flatclosure_scenarios.xlsx",
                                "html": "flatclosure_scenarios_report.html"}
SAVE_FORMATS = {"yaml": "YAML (.yaml)", "json": "JSON (.json)"}
# what an export holds: the comparison, its scenarios as valued, the baseline, the year shown
Exported = tuple[pd.DataFrame, list[Scenario], str | None, int]


class MessagePanel(ErrorPanel):
    """An ErrorPanel with its own first words, that shows every failure as one line: the
    package's errors as they read, anything else as an unexpected problem (never nothing)."""

    def __init__(self, lead: str) -> None:
        super().__init__()
        self.lead = lead

    def show(self, exc: FlatclosureError | str) -> None:
        super().show(exc)
        self.widget.value = (f'{STYLE}<div class="fc-error" role="alert"><b>{html.escape(self.lead)}'
                             f"</b> {html.escape(self.message)}</div>")

    @contextmanager
    def catching(self) -> Iterator[None]:
        try:
            yield
        except FlatclosureError as exc:
            self.show(exc)
        except Exception as exc:  # a bug must still say something on screen, bounded
            self.show(f"unexpected problem ({type(exc).__name__}): {clip(str(exc), 120)}")
        else:
            self.clear()


def scenario_from_upload(filename: str, content: bytes) -> Scenario:
    """Validate an uploaded scenario file (``scenarios.loads``); its name is the file's stem."""
    name = Path(str(filename)).name
    p = Path(name)
    if p.suffix.lower() not in SCENARIO_SUFFIXES:
        raise ScenarioError(clip(name), "file", "a scenario file ends in .yaml, .yml or .json")
    most = limits.maximum("scenario_file_bytes")
    if len(content) > most:
        raise ScenarioError(clip(name), "file", f"{len(content)} bytes: the limit is "
                            f"{limits.limit('scenario_file_bytes').describe()}")
    try:
        text = bytes(content).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(clip(name), "file", f"not UTF-8 text (byte {exc.start})") from None
    stem = scenarios_name(p.stem)
    return scenarios.loads(text, stem, clip(name), "json" if p.suffix.lower() == ".json" else "yaml")


def scenarios_name(stem: str) -> str:
    """A scenario's name from an uploaded file's stem: the download-safe part of it."""
    return fileio.safe_filename(stem, "", "scenario")


def same_scenario(a: Scenario, b: Scenario) -> bool:
    """The same scenario under any name (a download renamed "x (1).yaml" by the browser)."""
    return a == replace(b, name=a.name)


def add_scenario(known: dict[str, Scenario], s: Scenario) -> bool:
    """Add ``s`` to the scenarios on offer; True if added, False if the same one is there
    (under its own name or another: loading a file just saved adds no duplicate).

    A different scenario of the same name is never replaced: that raises.
    """
    if any(same_scenario(k, s) for k in known.values()):
        return False
    there = known.get(s.name)
    if there is None:
        limits.check_count("scenarios", "scenarios on offer", len(known) + 1)
        known[s.name] = s
        return True
    if there == s:
        return False
    raise InputError("scenario file", f"a different scenario named {s.name!r} ('{clip(there.title)}')"
                     " is already in the list: rename the file to load it beside that one")


def export_bytes(table: pd.DataFrame, chosen: Sequence[Scenario], kind: str,
                 baseline: str | None = None, year: int | None = None) -> tuple[str, bytes]:
    """The comparison as CSV, Excel or an HTML report (``flatclosure.outputs.report``): name and bytes."""
    if kind not in EXPORT_FILES:
        raise InputError("export", f"{clip(repr(kind))} is not one of {', '.join(EXPORT_FILES)}")
    if kind == "csv":
        data = report.csv_bytes(table)
    elif kind == "xlsx":
        data = report.xlsx_bytes(table, chosen)
    else:
        data = report.report_html(table, chosen, baseline, year=year).encode("utf-8")
    return EXPORT_FILES[kind], data


def scenario_bytes(s: Scenario, fmt: str = "yaml") -> tuple[str, bytes]:
    """A scenario file to download: its name and its text (``scenarios.dumps``)."""
    if fmt not in SAVE_FORMATS:
        raise InputError("format", f"{clip(repr(fmt))} is not yaml or json")
    return fileio.safe_filename(s.name, f".{fmt}", "scenario"), scenarios.dumps(s, fmt).encode()


@dataclass
class FilesPanel:
    """Upload a scenario; download a scenario or the comparison. ``offer`` adds a scenario to
    the view; ``exported`` gives what to export (or raises when there is nothing)."""

    offer: Callable[[Scenario], bool]
    exported: Callable[[], Exported]
    remove: Callable[[str], None]
    known: dict[str, Scenario]
    upload: widgets.FileUpload
    to_save: widgets.Dropdown
    save_format: widgets.ToggleButtons
    save_button: widgets.Button
    remove_button: widgets.Button
    export_buttons: dict[str, widgets.Button]
    errors: MessagePanel
    status: widgets.HTML
    downloads: widgets.HTML
    widget: widgets.VBox

    def uploaded(self, *_: Any) -> Scenario | None:
        out = None
        with self.errors.catching():
            files = fileio.uploaded_files(self.upload.value, limits.maximum("scenario_file_bytes"),
                                          SCENARIO_SUFFIXES, "uploaded file")
            for item in files:
                s = scenario_from_upload(item.name, item.content)
                added = self.offer(s)
                self.status.value = STYLE + note(
                    f"Loaded '{s.title}' ({s.name}) from {item.name} and added it to the comparison."
                    if added else f"'{s.title}' is already in the list: it is now in the comparison.")
                out = s
        return out

    def save(self, *_: Any) -> str | None:
        """Offer the chosen scenario as a file to download."""
        out = None
        with self.errors.catching():
            name = self.to_save.value
            if not name:
                raise InputError("scenario to save", "pick the scenario to save")
            out = self._hand_over(*scenario_bytes(self.known[name], self.save_format.value),
                                  f"'{self.known[name].title}'")
        return out

    def export(self, kind: str) -> str | None:
        """Offer the comparison shown as CSV, Excel or an HTML report to download."""
        out = None
        with self.errors.catching():
            table, chosen, baseline, year = self.exported()
            out = self._hand_over(*export_bytes(table, chosen, kind, baseline, year),
                                  "the comparison")
        return out

    def remove_chosen(self, *_: Any) -> None:
        """Take the scenario chosen in "Scenario to save" off the list (built or loaded only)."""
        with self.errors.catching():
            name = self.to_save.value
            title = self.known[name].title if name in self.known else name
            self.remove(name)
            self.downloads.value = ""
            self.status.value = STYLE + note(f"Removed '{title}' from the list.")

    def _hand_over(self, filename: str, data: bytes, what: str) -> str:
        self.downloads.value = STYLE + '<div class="fc-note">' + fileio.download_link(
            filename, data, f"Download {filename}") + f" ({len(data):,} bytes)</div>"
        self.status.value = STYLE + note(f"{what} is ready as {filename}: click the link to "
                                         "download it (nothing is written on the server).")
        return filename

    def set_options(self, options: list[tuple[str, str]], chosen: str) -> None:
        self.to_save.options = options
        self.to_save.value = chosen


def files_panel(known: dict[str, Scenario], options: list[tuple[str, str]],
                offer: Callable[[Scenario], bool], exported: Callable[[], Exported],
                remove: Callable[[str], None]) -> FilesPanel:
    """The upload and download controls, laid out and wired."""
    auto = widgets.Layout(width="auto")
    p = FilesPanel(
        offer=offer, exported=exported, remove=remove, known=known,
        upload=widgets.FileUpload(accept=",".join(SCENARIO_SUFFIXES), multiple=False,
                                  description="Upload a scenario file", layout=auto),
        to_save=widgets.Dropdown(options=options, value=options[0][1], description="Scenario to save",
                                 style=CONTROL_STYLE, layout=widgets.Layout(width="820px")),
        save_format=widgets.ToggleButtons(options=[(v, k) for k, v in SAVE_FORMATS.items()],
                                          value="yaml"),
        save_button=widgets.Button(description="Download the scenario", icon="download", layout=auto),
        remove_button=widgets.Button(description="Remove it from the list", icon="trash",
                                     tooltip="Only scenarios you built or loaded", layout=auto),
        export_buttons={k: widgets.Button(description=d, icon="download", layout=auto)
                        for k, d in (("csv", "CSV"), ("xlsx", "Excel"), ("html", "HTML report"))},
        errors=MessagePanel("Nothing was loaded or made."), status=widgets.HTML(),
        downloads=widgets.HTML(), widget=widgets.VBox())
    p.widget.children = [
        widgets.HTML(note("Scenario files are read from your computer (upload) and saved to it "
                          "(download): nothing is read from or written on the server.")),
        labelled("Load", p.upload), p.to_save,
        widgets.HBox([labelled("Save as", p.save_format), p.save_button, p.remove_button],
                     layout=widgets.Layout(align_items="center", flex_flow="row wrap")),
        widgets.HBox([labelled("Export the comparison", p.export_buttons["csv"]),
                      p.export_buttons["xlsx"], p.export_buttons["html"]]),
        p.errors.widget, p.status, p.downloads]
    p.upload.observe(p.uploaded, names="value")
    p.save_button.on_click(p.save)
    p.remove_button.on_click(p.remove_chosen)
    for kind, button in p.export_buttons.items():
        button.on_click(lambda _b, kind=kind: p.export(kind))
    return p
