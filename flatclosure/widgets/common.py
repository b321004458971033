"""Shared pieces of every workbook view: footer, error panel, locality picker, tables, styles.

Views are thin: plain functions compute tables (``flatclosure.tables``) and figures
(``flatclosure.figures``); the widgets here only show them and pass control values back.
"""

from __future__ import annotations

import gc
import html
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from .. import datapkg
from ..catalog import AMA_NOTICE, Catalog, load_catalog, normalise_locality
from ..errors import FlatclosureError
from ..present.citations import citation_text
from ..present.formatting import (
    NUMERIC_FORMATS,
    Formatter,
    fmt_prose,
    fmt_text,
)

if TYPE_CHECKING:  # moved to figure_updates.py; the views import them from here
    from .figure_updates import figure_widget as figure_widget
    from .figure_updates import update_figure as update_figure

FOOTER_RESOURCES = ("cms-rvus", "cms-gpci", "cms-conversion-factors", "catalog-codes")
NATIONAL_LABEL = "National (all GPCIs 1.000)"
LABEL_WIDTH = "190px"
CONTROL_STYLE = {"description_width": LABEL_WIDTH}

# One small stylesheet for every table and note the views render (scoped by fc- classes).
STYLE = """
<style>
.fc-table { border-collapse: collapse; font-size: 13px; margin: 4px 0 10px; line-height: 1.35; }
.fc-table th { text-align: left; border-bottom: 2px solid #444; padding: 4px 10px 4px 4px;
  vertical-align: bottom; }
.fc-table td { border-bottom: 1px solid #ddd; padding: 3px 10px 3px 4px; vertical-align: top; }
.fc-table td.wide { min-width: 260px; max-width: 420px; }
.fc-fit td.wide { min-width: 150px; }  /* a table that must fit a narrow notebook column */
.fc-table td.num, .fc-table th.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
.fc-table tr:nth-child(even) td { background: #f6f6f6; }
.fc-table td:first-child { white-space: nowrap; }  /* a code or claim line never breaks */
.fc-table caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
.fc-note { color: #444; font-size: 13px; margin: 2px 0 6px; line-height: 1.4; }
.fc-total { font-size: 18px; font-weight: 600; margin: 6px 0; line-height: 1.4; }
.fc-label { text-align: right; padding-right: 8px; font-size: var(--jp-widgets-font-size, 13px);
  line-height: var(--jp-widgets-inline-height, 28px); }
.fc-error { border-left: 4px solid #D55E00; background: #fff4ec; padding: 8px 12px;
  color: #222; font-size: 14px; margin: 6px 0; line-height: 1.4; }
.fc-off { opacity: 0.4; }
.fc-footer { color: #555; font-size: 12px; border-top: 1px solid #ccc; margin-top: 16px;
  padding-top: 6px; line-height: 1.4; }
</style>
"""

# Columns every view shows the same way: the code, and our own description of it.
CODE_COLUMN: tuple[str, str, Formatter] = ("code", "Code", fmt_text)
DESCRIPTION_COLUMN: tuple[str, str, Formatter] = ("description", "What it is (our words)", fmt_prose)


def _cell_class(f: Formatter) -> str:
    return "num" if f in NUMERIC_FORMATS else "wide" if f is fmt_prose else ""


def html_table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Formatter]],
               caption: str = "", css_class: str = "fc-table") -> str:
    """An HTML table of ``frame``: (column, header with unit, formatter) per shown column.

    ``fmt_money`` and ``fmt_rvu`` columns are right-aligned; ``fmt_prose`` columns are wide.
    """
    head = "".join(f'<th class="{_cell_class(f)}">{html.escape(h)}</th>' for _, h, f in columns)
    rows = []
    for rec in frame.to_dict("records"):
        cells = "".join(f'<td class="{_cell_class(f)}">{html.escape(f(rec[c]))}</td>'
                        for c, _, f in columns)
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'{STYLE}<table class="{css_class}">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def note(text: str, css_class: str = "fc-note") -> str:
    """A line of escaped text in the workbook's note style."""
    return f'<div class="{css_class}">{html.escape(text)}</div>'


def data_vintage(resources: Sequence[str] = FOOTER_RESOURCES) -> str:
    """'title: vintage' of each data resource, read from data/datapackage.json."""
    parts = []
    for name in resources:
        res = datapkg.resource(name)
        parts.append(f"{res.title} ({res.vintage})")
    return "; ".join(parts)


def footer_text(resources: Sequence[str] = FOOTER_RESOURCES) -> str:
    return (f"{AMA_NOTICE} Data: {data_vintage(resources)}. "
            f"Sources: {citation_text(resources)}.")


def footer(resources: Sequence[str] = FOOTER_RESOURCES) -> widgets.HTML:
    """The AMA notice and the vintage of the data shown, for the end of every notebook."""
    return widgets.HTML(STYLE + note(footer_text(resources), "fc-footer"))


class ErrorPanel:
    """Shows a FlatclosureError as one readable line instead of a traceback.

    ``with panel.catching(): ...`` clears the panel when the block succeeds and shows the error's
    message when it raises a FlatclosureError (other exceptions are bugs and propagate).
    """

    def __init__(self, describe: Callable[[FlatclosureError | str], str] = str) -> None:
        self.widget = widgets.HTML(layout=widgets.Layout(display="none"))
        self.message = ""
        self.describe = describe  # how an error reads on screen (e.g. labels.user_message)

    def show(self, exc: FlatclosureError | str) -> None:
        self.message = self.describe(exc)
        self.widget.value = (f'{STYLE}<div class="fc-error" role="alert"><b>Cannot show this '
                             f'combination.</b> {html.escape(self.message)}</div>')
        self.widget.layout.display = None

    def clear(self) -> None:
        self.message = ""
        self.widget.value = ""
        self.widget.layout.display = "none"

    @property
    def showing(self) -> bool:
        return bool(self.message)

    @contextmanager
    def catching(self) -> Iterator[None]:
        try:
            yield
        except FlatclosureError as exc:
            self.show(exc)
        else:
            self.clear()


class LocalityPicker:
    """A searchable Medicare locality picker for one year (type a state, city or MAC:locality).

    Built from ``Catalog.localities(year)``. Years without a GPCI file (2026) offer national
    prices only, and the note under the box says so.
    """

    def __init__(self, year: int, catalog: Catalog | None = None, description: str = "Locality"):
        self.catalog = catalog or load_catalog()
        self.combobox = widgets.Combobox(
            value=NATIONAL_LABEL, placeholder="type a state, city or MAC:locality",
            description=description, ensure_option=False, continuous_update=False,
            style=CONTROL_STYLE, layout=widgets.Layout(width="460px"))
        self.note = widgets.HTML()
        self.widget = widgets.VBox([self.combobox, self.note])
        self._ids: dict[str, str | None] = {NATIONAL_LABEL: None}
        self._lost = False
        self.year = int(year)
        self.set_year(year)
        self.combobox.observe(lambda _: self._describe(), names="value")

    @staticmethod
    def label(row: dict[str, Any]) -> str:
        name = str(row["locality_name"]).title()
        return f"{row['state']} · {name} ({row['locality_id']})"

    def options_for(self, year: int) -> dict[str, str | None]:
        """Shown label -> locality id (None for national) of a year."""
        ids: dict[str, str | None] = {NATIONAL_LABEL: None}
        if int(year) in self.catalog.gpci_years():
            table = self.catalog.localities(year).sort_values(["state", "locality_name"])
            for row in table.to_dict("records"):
                ids[self.label(row)] = row["locality_id"]
        return ids

    def set_year(self, year: int) -> None:
        """Offer the localities of ``year``; keep the chosen one if it still exists."""
        keep = self.locality
        self.year = int(year)
        self._ids = self.options_for(year)
        self.combobox.options = tuple(self._ids)
        national_only = len(self._ids) == 1
        self.combobox.disabled = national_only
        labels = {v: k for k, v in self._ids.items()}
        self._lost = keep is not None and keep not in labels
        self.combobox.value = labels.get(keep, NATIONAL_LABEL)
        self._describe()

    def matches(self, text: str) -> list[str]:
        """Labels the typed text picks: the exact label, else every label containing the text
        (case ignored; a MAC:LOCALITY in any spelling, e.g. 1182-18, matches its own label)."""
        if text in self._ids:
            return [text]
        typed = " ".join(str(text).lower().split())
        if not typed:
            return []
        try:
            wanted = normalise_locality(typed)
        except FlatclosureError:
            wanted = ""
        return [label for label, lid in self._ids.items()
                if typed in label.lower() or (lid is not None and lid == wanted)]

    @property
    def locality(self) -> str | None:
        """The chosen locality id (MAC:LOCALITY), or None for national prices (also while the
        typed text matches no locality, or several)."""
        found = self.matches(self.combobox.value)
        return self._ids[found[0]] if len(found) == 1 else None

    @property
    def valid(self) -> bool:
        return len(self.matches(self.combobox.value)) == 1

    def _describe(self) -> None:
        typed = self.combobox.value
        found = self.matches(typed)
        if len(self._ids) == 1:
            held = self.catalog.gpci_years()
            text = (f"No GPCI file is held for {self.year} (held: {held[0]}-{held[-1]}), so "
                    f"{self.year} prices are national only.")
        elif not found:
            text = (f"{typed!r} matches no Medicare locality in {self.year}: type part of a state or "
                    "city name, or MAC:LOCALITY. Prices stay national until one matches.")
        elif len(found) > 1:
            shown = "; ".join(found[:4]) + ("; ..." if len(found) > 4 else "")
            text = (f"{len(found)} localities match {typed!r} ({shown}): type more or pick one from "
                    "the list. Prices stay national until one is chosen.")
        elif typed not in self._ids:
            text = f"Using {found[0]}."
        elif self._lost and self.locality is None:
            text = f"The locality chosen before does not exist in {self.year}: national prices."
        else:
            text = (f"{len(self._ids) - 1} Medicare localities in {self.year}; type to search. "
                    "National means all GPCIs are 1.")
        caveat = self.catalog.gpci_warning(self.year)
        if caveat and self.locality is not None:
            text += f" Note: {caveat}"
        self.note.value = STYLE + note(text)

    def observe(self, handler: Callable[[Any], None]) -> None:
        self.combobox.observe(handler, names="value")


def set_applies(control: widgets.Widget, applies: bool) -> None:
    """Enable a control that applies; disable one that does not and grey it out with its label
    (a disabled slider alone looks the same as an enabled one)."""
    control.disabled = not applies
    if applies:
        control.remove_class("fc-off")
    else:
        control.add_class("fc-off")


def labelled(text: str, control: widgets.Widget) -> widgets.HBox:
    """A control with its label on the left, aligned with the descriptions of other controls
    (ToggleButtons put their own description above the buttons)."""
    label = widgets.HTML(f'<div class="fc-label">{html.escape(text)}</div>',
                         layout=widgets.Layout(width=LABEL_WIDTH, min_width=LABEL_WIDTH))
    control._fc_label = text  # how messages name the control (binding.control_label)
    return widgets.HBox([label, control])


def scrolling(child: widgets.Widget) -> widgets.Box:
    """A box that scrolls sideways when its content (a wide table) is wider than the page."""
    return widgets.Box([child], layout=widgets.Layout(overflow="auto", width="100%"))


def heading(text: str, level: int = 3) -> widgets.HTML:
    return widgets.HTML(f"<h{level} style='margin:14px 0 4px'>{html.escape(text)}</h{level}>")


def settle_kernel() -> None:
    """In a kernel, once a view is built: collect, then freeze what lives as long as the page
    (imports, catalog, widgets, tables) out of the collector's full passes, which paused a change
    74-131 ms in notebooks 03 and 04 (issue 15). Plain Python (tests, the CLI) is left as it is."""
    if "ipykernel" in sys.modules:
        gc.collect()
        gc.freeze()


def __getattr__(name: str) -> Any:
    """``figure_widget`` and ``update_figure`` from ``figure_updates``, imported on first use: a page
    without a chart (the start page, notebook 05's) does not import plotly's widget (issue 15)."""
    if name in ("figure_widget", "update_figure"):
        from . import figure_updates  # a measured slow import (plotly's widget): ~0.3 s

        return getattr(figure_updates, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
