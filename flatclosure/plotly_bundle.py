"""plotly's FigureWidget with its front end fetched by URL, so browsers cache it.

``go.FigureWidget`` is an anywidget whose ``_esm`` is plotly's whole widget bundle
(``plotly/package_data/widgetbundle.js``, about 5 MB). anywidget sends ``_esm`` with the widget's
state over the kernel websocket and imports it from a ``blob:`` URL, so every Voila page view
moved 5 MB per figure (hidden ones too) and compiled it again: measured on the 2-core machine,
00_start_here's chart came 1.2-1.3 s after its controls (benchmarks/bench_workbook.py).

Here ``_esm`` is a small loader that imports the same bundle from the Jupyter server instead. The
bundle is copied (``python -m flatclosure.plotly_bundle``, run by ``make`` and
``binder/postBuild``) into ``<prefix>/share/jupyter/labextensions/flatclosure-plotly/static/``
under a name holding its SHA-256, so an upgraded plotly never meets a stale copy. JupyterLab
(``/lab/extensions/``) and Voila, standalone or ``voila/render`` in a server
(``/voila/labextensions/``), serve every labextensions directory; the page's own
``jupyter-config-data`` says where (``fullLabextensionsUrl``, base URL included: Binder's
``/user/<name>/`` too). Without a ``package.json`` the directory is no JupyterLab extension. The
model and view are plotly's own, so in-place and batched updates work unchanged.

When the copy is missing from the kernel's environment, ``FigureWidget`` keeps plotly's inline
bundle; when the page cannot import the URL (a server from another environment), the loader asks
the kernel, which then sends the inline bundle as before.

Two costs of plotly's widget after every redraw are cut here (issue 15, measured with
``benchmarks/bench_workbook.py``). The view sent its computed trace and layout defaults back
(``_js2py_traceDeltas`` and ``_js2py_widget_layoutDelta``, 2-6 kB each): the kernel validated and
echoed them, busy until 150-340 ms after a change. The loader drops those keys (the workbook
never reads plotly's computed defaults in Python; a zoom or legend click is still sent). And
``FigureWidget.sent_after`` holds a figure's messages until the kernel has handled the current
message, so every total and table a refresh writes reaches the page before any chart.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
from ipywidgets.widgets.widget import _remove_buffers

PLOTLY_BUNDLE = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
ASSET_DIR = "flatclosure-plotly"  # under a labextensions directory; no package.json, no extension
NEED_BUNDLE = "flatclosure:need-bundle"

LOADER = """// flatclosure: plotly's widget bundle, imported from the Jupyter server (cached by the browser)
const FILE = "%(file)s";
function bundleUrl() {
  const el = document.getElementById("jupyter-config-data");
  const cfg = el ? JSON.parse(el.textContent) : {};
  const base = cfg.fullLabextensionsUrl || (cfg.baseUrl || "/") + "lab/extensions";
  return new URL(base.replace(/\\/$/, "") + "/" + FILE, document.baseURI).href;
}
// what plotly's view sends back after drawing (its computed defaults): never read in Python
const ECHO = new Set(["_js2py_traceDeltas", "_js2py_layoutDelta", "_js2py_widget_layoutDelta"]);
function quiet(model) {
  let dropped = false;
  return new Proxy(model, {
    get(target, key) {
      if (key === "set") {
        return (name, ...rest) => {
          dropped = ECHO.has(name);
          return dropped ? undefined : target.set(name, ...rest);
        };
      }
      if (key === "save_changes") {
        return (...args) => (dropped ? (dropped = false) : target.save_changes(...args));
      }
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
const hushed = (widget) => ({
  ...widget,
  initialize: widget.initialize && ((ctx) => widget.initialize({ ...ctx, model: quiet(ctx.model) })),
  render: widget.render && ((ctx) => widget.render({ ...ctx, model: quiet(ctx.model) })),
});
export default async () => {
  try {
    const widget = (await import(bundleUrl())).default;
    return hushed(typeof widget === "function" ? await widget() : widget);
  } catch (error) {
    console.warn("flatclosure: plotly bundle not served here, asking the kernel", error);
    return {
      initialize({ model }) { model.send({ type: "%(need)s" }); },
      render({ el }) { el.textContent = "Loading the chart..."; },
    };
  }
};
"""


@cache
def bundle_file_name() -> str:
    """The served copy's name: ``static/widgetbundle.<first 16 hex of SHA-256>.js``."""
    digest = hashlib.sha256(PLOTLY_BUNDLE.read_bytes()).hexdigest()[:16]
    return f"static/widgetbundle.{digest}.js"


def served_bundle() -> Path | None:
    """The copy of this plotly's bundle in a labextensions directory of this environment."""
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
    """Copy plotly's bundle into ``<prefix>/share/jupyter/labextensions/flatclosure-plotly``,
    replacing copies of other plotly versions; return the copy's path."""
    target = Path(prefix) / "share" / "jupyter" / "labextensions" / ASSET_DIR / bundle_file_name()
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob("widgetbundle.*.js"):
        if stale != target:
            stale.unlink()
    if not target.is_file():
        tmp = target.with_suffix(".part")
        shutil.copyfile(PLOTLY_BUNDLE, tmp)
        tmp.replace(target)
    return target


def _esm() -> str:
    if served_bundle() is None:
        return PLOTLY_BUNDLE.read_text(encoding="utf-8")
    return LOADER % {"file": f"{ASSET_DIR}/{bundle_file_name()}", "need": NEED_BUNDLE}


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
        self.on_msg(self._send_inline_bundle)

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

    def _send_inline_bundle(self, _: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == NEED_BUNDLE:
            self._esm = PLOTLY_BUNDLE.read_text(encoding="utf-8")


if __name__ == "__main__":
    print(install_bundle(sys.argv[1] if len(sys.argv) > 1 else sys.prefix))
