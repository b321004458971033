"""One rule for every view: controls, a pure compute function, a render function, an error panel.

In the spirit of ``ipywidgets.interactive_output``: the view names its controls, gives a plain
function from their values to a result (no widgets inside), and a function that shows a result.
The binding calls them on every control change and enforces the house rule of issue 14:

* a ``FlatclosureError`` from ``compute`` never leaves old numbers looking current: the outputs
  are marked stale (greyed, class ``fc-stale``), ``result`` becomes None, and the error panel
  names the control to change (by its on-screen label), then says what is wrong;
* several control changes made at once (``with binding.hold(): ...``, e.g. a URL applied) compute
  once, with the controls' trait notifications held (``hold_trait_notifications``).

Adopting it in a view (see also ``docs`` in the report of issue 14)::

    binding = Binding(
        controls={"year": year_dropdown, "setting": setting_buttons},   # name -> widget
        compute=lambda v: price(v["year"], v["setting"]),                # pure, may raise
        render=show_result,                                              # result -> widgets
        errors=ErrorPanel(), outputs=[total_html, figure],               # greyed when stale
        fields={"setting": "setting"},  # error field (InputError.field) -> control name
        before=enable_controls)         # optional: control states that follow other controls
    binding.refresh()                   # first render
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import ipywidgets as widgets

from ..errors import FlatclosureError
from .common import STYLE, ErrorPanel

STALE_STYLE = """<style>
.fc-stale { opacity: 0.25; filter: grayscale(1); pointer-events: none; }
</style>"""


def control_label(control: widgets.Widget, name: str) -> str:
    """What the reader sees next to a control: its description, its fc label, else its name."""
    return str(getattr(control, "_fc_label", "") or getattr(control, "description", "") or name)


class Deferred:
    """One run of ``run`` for many requests: a request made while held (``held()``, nested or
    not) is kept and runs once when the outermost hold ends; otherwise it runs at once."""

    def __init__(self, run: Callable[[], None]) -> None:
        self.run, self.depth, self.pending = run, 0, False

    def request(self, *_: Any) -> None:
        if self.depth:
            self.pending = True
        else:
            self.run()

    @contextmanager
    def held(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if not self.depth and self.pending:
            self.pending = False
            self.run()


class Binding:
    """Controls -> ``compute(values)`` -> ``render(result)``; errors shown, stale outputs marked."""

    def __init__(self, controls: Mapping[str, widgets.Widget],
                 compute: Callable[[dict[str, Any]], Any], render: Callable[[Any], None], *,
                 errors: ErrorPanel, outputs: Sequence[widgets.Widget] = (),
                 fields: Mapping[str, str] | None = None,
                 before: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.controls = dict(controls)
        self.compute, self.render, self.before = compute, render, before
        self.errors, self.outputs = errors, list(outputs)
        self.fields = dict(fields or {})
        self.result: Any = None
        self.stale = False
        self.computed = 0  # how many times compute ran (batching is tested with it)
        self.deferred = Deferred(self.refresh)
        for control in self.controls.values():
            control.observe(self.deferred.request, names="value")

    def values(self) -> dict[str, Any]:
        return {name: control.value for name, control in self.controls.items()}

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls; compute once at the end with every new value in place."""
        with self.deferred.held(), ExitStack() as stack:
            for control in self.controls.values():
                stack.enter_context(control.hold_trait_notifications())
            yield

    def refresh(self) -> None:
        """Compute for the current values and render; on a FlatclosureError mark stale."""
        self.deferred.depth += 1  # changes made by ``before`` (enabling, options) do not recurse
        try:
            values = self.values()
            if self.before is not None:
                self.before(values)
            values = self.values()
            self.computed += 1
            try:
                result = self.compute(values)
            except FlatclosureError as exc:
                self._fail(exc)
                return
            self.render(result)
            self.result, self.stale = result, False
            self.errors.clear()
            for out in self.outputs:
                out.remove_class("fc-stale")
        finally:
            self.deferred.depth -= 1
            self.deferred.pending = False

    def culprit(self, exc: FlatclosureError) -> str | None:
        """The name of the control an error is about: its field mapped, or a control so named."""
        field = getattr(exc, "field", None)
        if field is None:
            return None
        return self.fields.get(str(field), str(field) if str(field) in self.controls else None)

    def _fail(self, exc: FlatclosureError) -> None:
        self.result, self.stale = None, True
        for out in self.outputs:
            out.add_class("fc-stale")
        name = self.culprit(exc)
        problem = getattr(exc, "problem", None) or self.errors.describe(exc)
        if name is not None:
            label = control_label(self.controls[name], name)
            lead = f"Change “{label}”."
        else:
            lead = "Change one of the choices above."
        self.errors.message = f"{lead} {problem}"
        self.errors.widget.value = (
            f'{STYLE}{STALE_STYLE}<div class="fc-error" role="alert"><b>{html.escape(lead)}</b> '
            f"{html.escape(str(problem))} <i>The results below are out of date until then "
            "(greyed).</i></div>")
        self.errors.widget.layout.display = None
