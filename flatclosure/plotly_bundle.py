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
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from functools import cache
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go

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
export default async () => {
  try {
    const widget = (await import(bundleUrl())).default;
    return typeof widget === "function" ? await widget() : widget;
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


class FigureWidget(go.FigureWidget):
    """``go.FigureWidget`` whose front end is fetched from the server when it serves plotly's
    bundle (see the module docstring); otherwise exactly plotly's widget."""

    _esm = _esm()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_msg(self._send_inline_bundle)

    def _send_inline_bundle(self, _: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == NEED_BUNDLE:
            self._esm = PLOTLY_BUNDLE.read_text(encoding="utf-8")


if __name__ == "__main__":
    print(install_bundle(sys.argv[1] if len(sys.argv) > 1 else sys.prefix))
