"""A link to what I see: a view's controls round-trip through the page's query string.

Voila hands the page's query string to the kernel (``QUERY_STRING``; with preheated kernels
``voila.utils.get_query_string`` waits for the request). ``UrlState`` encodes the controls of a
view by their names (``?year=2024&setting=office``), applies a query to them (in one batch when a
``Binding`` is given) and offers a "copy link" button. Bounds come from the controls themselves
(options of a dropdown, min and max of a slider); a bad or stale parameter is named in a note and
ignored, never a traceback. In JupyterLab a page has no query: nothing is read and no link shown.

Adopting it in a view::

    state = UrlState(binding.controls, binding, codecs={"locality": locality_codec(picker)})
    state.apply(page_query())   # in the view factory: ``view_factory(query=page_query())``
    children.append(state.widget)
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import ipywidgets as widgets

from .binding import Binding, control_label
from .common import STYLE, note, settle_kernel

MAX_TEXT = 200  # longest free-text value taken from a URL (a locality name is far shorter)

COPY_STYLE = """<style>
.fc-link { display: flex; gap: 8px; align-items: center; margin: 4px 0 8px; font-size: 13px; }
.fc-link button { font-size: 13px; padding: 2px 10px; cursor: pointer; }
</style>"""


class UrlValueError(ValueError):
    """A URL parameter that cannot be applied; the message says which and why."""


@dataclass(frozen=True)
class Codec:
    """How one control's value is written in a URL and read back (read may raise UrlValueError)."""

    write: Callable[[], str]
    read: Callable[[str], Any]


def in_voila() -> bool:
    """True inside a kernel Voila started (it sets VOILA_PREHEAT to True or False)."""
    return "VOILA_PREHEAT" in os.environ


def page_query() -> str:
    """The query string of the Voila page this kernel serves; "" in JupyterLab or plain Python."""
    if not in_voila():
        return ""
    if os.environ.get("VOILA_PREHEAT") == "True":
        # imported here: voila.utils costs about a second, and is needed only by a preheated kernel
        from voila.utils import get_query_string

        return get_query_string() or ""
    return os.environ.get("QUERY_STRING", "")


def read_query(query: str | Callable[[], str], warm: Callable[[], None] | None = None) -> str:
    """The page's query string: ``query``, or what the function returns once a view is built.
    ``page_query`` in a warm (preheated) Voila kernel waits for the page request: before it
    does, the kernel computes what a visitor's first changes will ask for (``warm``, e.g. 01's
    other years: a year not yet seen took 45 ms, the p95 of a change, issue 15) and settles
    (``settle_kernel``), work done before anyone asks for the page."""
    if not callable(query):
        return query
    if query is page_query and os.environ.get("VOILA_PREHEAT") == "True":
        if warm is not None:
            warm()
        settle_kernel()
    return query()


def _options(control: Any) -> list[tuple[str, Any]]:
    return [(str(label), value) for label, value in zip(control._options_labels,
                                                        control._options_values, strict=True)]


def _write(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def default_codec(name: str, control: Any) -> Codec:
    """A codec bounded by the control: one of its options, a number within its min and max."""
    label = control_label(control, name)

    def read_option(text: str) -> Any:
        for _, value in _options(control):
            if _write(value).lower() == text.lower():
                return value
        shown = ", ".join(_write(v) for _, v in _options(control))
        raise UrlValueError(f"{name}={text!r} is not a choice of “{label}” ({shown})")

    def read_number(text: str) -> Any:
        try:
            number = float(text)
        except ValueError:
            raise UrlValueError(f"{name}={text!r} is not a number (“{label}”)") from None
        if not control.min <= number <= control.max:
            raise UrlValueError(f"{name}={text} is outside “{label}”: "
                                f"{_write(control.min)} to {_write(control.max)}")
        return type(control.value)(number)

    def read_text(text: str) -> Any:
        if len(text) > MAX_TEXT:
            raise UrlValueError(f"{name} is longer than {MAX_TEXT} characters")
        return text

    def write() -> str:
        return _write(control.value)

    if hasattr(control, "_options_values") and not isinstance(control, widgets.Combobox):
        return Codec(write, read_option)
    if hasattr(control, "min") and hasattr(control, "max"):
        return Codec(write, read_number)
    return Codec(write, read_text)


class UrlState:
    """Encode a view's controls as a query string, apply one, and show a "copy link" button."""

    def __init__(self, controls: Mapping[str, Any], binding: Binding | None = None,
                 codecs: Mapping[str, Codec] | None = None) -> None:
        self.controls = dict(controls)
        self.binding = binding
        self.codecs = {name: (codecs or {}).get(name) or default_codec(name, c)
                       for name, c in self.controls.items()}
        self.problems: list[str] = []
        self.link = widgets.HTML()
        self.notes = widgets.HTML()
        self.widget = widgets.VBox([self.notes, self.link])
        if not in_voila():
            self.link.layout.display = "none"  # JupyterLab: a page has no link of its own
        for control in self.controls.values():
            control.observe(lambda _: self.show_link(), names="value")
        self.show_link()

    def query(self) -> str:
        """The controls' values as a query string, in the order of the controls."""
        return urlencode([(name, codec.write()) for name, codec in self.codecs.items()])

    def decode(self, query: str) -> tuple[dict[str, Any], list[str]]:
        """Values to set from a query string, and the problems of the parameters ignored."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, text in parse_qsl(query.lstrip("?"), keep_blank_values=True)[:50]:
            if name not in self.codecs:
                problems.append(f"{name!r} is not a setting of this page")
                continue
            try:
                values[name] = self.codecs[name].read(text)
            except UrlValueError as exc:
                problems.append(str(exc))
        return values, problems

    def apply(self, query: str | None) -> list[str]:
        """Set the controls from a query (all at once); name and ignore what cannot be used."""
        values, self.problems = self.decode(query or "")
        if self.binding is not None:
            with self.binding.hold():
                self._set(values)
        else:
            self._set(values)
        self.notes.value = "" if not self.problems else STYLE + "".join(
            note(f"Ignored from the link: {p}.") for p in self.problems)
        self.show_link()
        return self.problems

    def _set(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            self.controls[name].value = value

    def show_link(self) -> None:
        """The link to this view as it is now: relative, so it holds under any server address."""
        href = html.escape("?" + self.query())
        # window.URL: inside an inline handler a bare URL is document.URL, a string
        self.link.value = (
            f'{COPY_STYLE}<div class="fc-link"><button type="button" class="fc-copy" '
            f'title="Copy a link that opens this page with these choices" '
            f"onclick=\"navigator.clipboard.writeText(new window.URL(this.dataset.href, location.href)"
            f".href).then(() => {{this.textContent = 'Link copied'}})\" "
            f'data-href="{href}">Copy link</button>'
            f'<a class="fc-permalink" href="{href}">Link to what you see</a></div>')
