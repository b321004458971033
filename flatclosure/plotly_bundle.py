"""plotly's FigureWidget with a lean front end on a partial plotly.js, fetched by URL and cached.

``go.FigureWidget`` is an anywidget whose ``_esm`` is plotly's whole widget bundle
(``plotly/package_data/widgetbundle.js``, 5 MB: all 49 trace types). anywidget sends ``_esm``
with the widget's state over the kernel websocket, so every Voila page view moved 5 MB per figure
and compiled it again; served from the Jupyter server it was still 5 MB to evaluate before any
chart drew (measured with ``benchmarks/bench_workbook.py``, issue 15).

Here ``_esm`` is ``static/figure_view.js`` (4 kB): a view that draws with plotly.js's partial
"cartesian" bundle (1.5 MB: bar, scatter, heatmap, the types ``flatclosure.figures`` uses, and a
few more, ``TRACE_TYPES``) and applies the kernel's messages with plotly.js's own ``restyle``,
``relayout`` and ``update``. The model and the Python side are plotly's own, so figures are built
and updated exactly as before. Unlike plotly's view it sends nothing back after a redraw: plotly's
sent its computed defaults (``_js2py_traceDeltas``, ``_js2py_widget_layoutDelta``, 2-6 kB per
change), which the kernel validated and echoed, busy until 150-340 ms after a change (the
workbook never reads those defaults; a user's zoom stays in the page).

The partial bundle is copied (``python -m flatclosure.plotly_bundle``, run by ``make`` and
``binder/postBuild``) into ``<prefix>/share/jupyter/labextensions/flatclosure-plotly/static/``
under a name holding its SHA-256. JupyterLab (``/lab/extensions/``) and Voila, standalone or
``voila/render`` in a server (``/voila/labextensions/``), serve every labextensions directory;
the page's own ``jupyter-config-data`` says where (``fullLabextensionsUrl``, base URL included:
Binder's ``/user/<name>/`` too). Without a ``package.json`` the directory is no extension. The
app's Voila page (``share/jupyter/voila/templates/flatclosure/index.html.j2``) fetches the same
file from its head (a preload) and evaluates it when the first chart's view asks for it.

When the copy is missing from the kernel's environment, ``FigureWidget`` keeps plotly's inline
bundle and view; when the page cannot load the URL (a server from another environment), the view
asks the kernel, which then sends the inline bundle as before.

``FigureWidget.sent_after`` holds a figure's messages until the kernel has handled the current
message, so every total and table a refresh writes reaches the page before any chart.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from copy import deepcopy
from functools import cache
from pathlib import Path
from typing import Any

from _plotly_utils import optional_imports
from ipywidgets.widgets.widget import _remove_buffers


class _Nbformat:
    """nbformat, imported when plotly's renderers first read it (``fig.show()``)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module("nbformat"), name)


def import_renderers_without_nbformat() -> None:
    """Import plotly's renderers (plotly's widget imports them) without nbformat, which they hold
    only to check its version when a figure is shown by ``fig.show()``: nbformat imports
    jsonschema, 0.2 s of every chart notebook's start (``python -X importtime`` in a kernel,
    issue 15), for a check the workbook's widgets never make. The renderers get nbformat on
    first use instead. Nothing changes where nbformat or the renderers are already imported.
    (``import_module`` in plotly's optional imports loads a ``LazyLoader`` module at once.)"""
    skipped = getattr(optional_imports, "_not_importable", None)
    if ("nbformat" in sys.modules or "plotly.io._renderers" in sys.modules
            or not isinstance(skipped, set) or "nbformat" in skipped):
        return
    skipped.add("nbformat")
    try:
        renderers = importlib.import_module("plotly.io._renderers")
    finally:
        skipped.discard("nbformat")
    if getattr(renderers, "nbformat", False) is None:
        setattr(renderers, "nbformat", _Nbformat())  # noqa: B010  (plotly's module, untyped)


import_renderers_without_nbformat()

import plotly  # noqa: E402  (plotly's widget after its renderers, imported above)
import plotly.graph_objects as go  # noqa: E402

PLOTLY_BUNDLE = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
STATIC = Path(__file__).parent / "static"
# plotly.js's partial "cartesian" bundle, as published on npm (plotly.js-cartesian-dist-min 4.1.1,
# MIT, LICENSE-plotly.js beside it; refresh: npm pack plotly.js-cartesian-dist-min@VERSION): the
# same plotly.js as plotly 7.1's widget bundle, with the trace types below instead of all 49.
PLOTLY_JS = STATIC / "plotly-cartesian-4.1.1.min.js"
PLOTLY_JS_SHA256 = "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a"
TRACE_TYPES = ("bar", "box", "contour", "heatmap", "histogram", "histogram2d",
               "histogram2dcontour", "image", "pie", "scatter", "scatterternary", "violin")
VIEW = STATIC / "figure_view.js"
ASSET_DIR = "flatclosure-plotly"  # under a labextensions directory; no package.json, no extension
NEED_BUNDLE = "flatclosure:need-bundle"
SHOWN = "flatclosure:shown"  # a lean view was made: it asks for the figure as it is now, if changed


@cache
def bundle_file_name() -> str:
    """The served copy's name: ``static/plotly-cartesian.<first 16 hex of SHA-256>.js``."""
    digest = hashlib.sha256(PLOTLY_JS.read_bytes()).hexdigest()[:16]
    return f"static/plotly-cartesian.{digest}.js"


def served_bundle() -> Path | None:
    """The copy of the partial plotly.js in a labextensions directory of this environment."""
    try:
        from jupyter_core.paths import jupyter_path  # with every Jupyter server; not a kernel's need
    except ImportError:
        return None
    for root in jupyter_path("labextensions"):
        path = Path(root) / ASSET_DIR / bundle_file_name()
        if path.is_file():
            return path
    return None


def install_bundle(prefix: str | Path = sys.prefix) -> Path:
    """Copy the partial plotly.js into ``<prefix>/share/jupyter/labextensions/flatclosure-plotly``,
    replacing copies of other versions (and of plotly's whole widget bundle, served before);
    return the copy's path."""
    target = Path(prefix) / "share" / "jupyter" / "labextensions" / ASSET_DIR / bundle_file_name()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in [*target.parent.glob("widgetbundle.*.js"), *target.parent.glob("plotly-*.js")]:
        if stale != target:
            stale.unlink()
    if not target.is_file():
        tmp = target.with_suffix(".part")
        shutil.copyfile(PLOTLY_JS, tmp)
        tmp.replace(target)
    return target


def _esm() -> str:
    if served_bundle() is None:
        return PLOTLY_BUNDLE.read_text(encoding="utf-8")
    view = VIEW.read_text(encoding="utf-8")
    return (view.replace("%(file)s", f"{ASSET_DIR}/{bundle_file_name()}")
            .replace("%(need)s", NEED_BUNDLE).replace("%(shown)s", SHOWN))


# Figure messages held until the kernel has handled the current message: (figure, msg, buffers).
_HELD: list[tuple[FigureWidget, dict[str, Any], list[Any]]] = []


def send_held() -> None:
    """Send every held figure message, in the order the figures changed; a figure's consecutive
    messages with distinct keys (edit ids, then the update) go as one."""
    held = list(_HELD)
    _HELD.clear()
    merged: list[tuple[FigureWidget, dict[str, Any], list[Any]]] = []
    for fig, msg, buffers in held:
        if merged and merged[-1][0] is fig and not set(merged[-1][1]["state"]) & set(msg["state"]):
            last = merged[-1][1]
            last["state"].update(msg["state"])
            last["buffer_paths"] = last["buffer_paths"] + msg["buffer_paths"]
            merged[-1][2].extend(buffers)
        else:
            merged.append((fig, msg, list(buffers)))
    for fig, msg, buffers in merged:
        fig._send(msg, buffers=buffers)


class FigureWidget(go.FigureWidget):
    """``go.FigureWidget`` whose front end is fetched from the server when it serves plotly's
    bundle, and whose changes can be sent after the handler that made them (module docstring);
    otherwise exactly plotly's widget."""

    _esm = _esm()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._fc_holding = False
        super().__init__(*args, **kwargs)
        self._fc_synced = self._edit_ids()
        self._fc_viewed = False  # whether a lean view has shown the figure
        self.on_msg(self._from_view)

    @property
    def sends_changes_only(self) -> bool:
        """Whether an update may send only its change: a lean view (``figure_view.js``) has
        shown the figure, and any view made later asks for the figure as it is now. Before
        that (the page not yet drawn, a link's values applied) and with plotly's own view, the
        synced state must follow every update (``keep_views_current``)."""
        return self._fc_viewed and SHOWN in self._esm

    def _edit_ids(self) -> tuple[int, int]:
        return (self._last_trace_edit_id, self._last_layout_edit_id)

    @contextmanager
    def sent_after(self) -> Iterator[None]:
        """Change the figure now; send the change to the page once the kernel has handled the
        current message (an asyncio callback), or at once where no event loop runs (plain Python,
        where nothing is sent). Python state is updated at once either way."""
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        self._fc_holding = True
        try:
            yield
        finally:
            self._fc_holding = False
            if loop is None:
                send_held()
            elif _HELD:
                loop.call_soon(send_held)

    def keep_views_current(self) -> None:
        """Make the figure's synced state (``_widget_data``, ``_widget_layout``: what a page reads
        when it first shows the figure) what it shows now, if it changed since it was last made
        so. The page's views apply the kernel's update messages when they arrive, and plotly's
        Python side refreshes this state only when the figure itself is displayed: a view made
        later (a folded section opened, a figure changed before any page showed it) would draw
        the figure as it first was. A lean view asks for this when it is made (``SHOWN``), so
        an update sends only its change (a whole figure again was 33 of 49 kB and ~20 ms of
        notebook 01's year change, issue 15)."""
        if self._edit_ids() == self._fc_synced:
            return
        self._widget_layout = deepcopy(self._layout_obj._props)
        self._widget_data = deepcopy(self._data)
        self._fc_synced = self._edit_ids()

    def send_state(self, key: Any = None) -> None:
        if not getattr(self, "_fc_holding", False):
            if _HELD:
                send_held()  # what was held goes first: the page sees changes in their order
            super().send_state(key)
            return
        state = self.get_state(key=key)
        if state:
            state, buffer_paths, buffers = _remove_buffers(state)
            _HELD.append((self, {"method": "update", "state": state,
                                 "buffer_paths": buffer_paths}, buffers))

    def _from_view(self, _: Any, content: Any, buffers: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == NEED_BUNDLE:  # the page cannot load the served copy: plotly's own view
            self._esm = PLOTLY_BUNDLE.read_text(encoding="utf-8")
            self.keep_views_current()
        elif kind == SHOWN:
            self._fc_viewed = True
            self.keep_views_current()


if __name__ == "__main__":
    print(install_bundle(sys.argv[1] if len(sys.argv) > 1 else sys.prefix))
