"""plotly's widget bundle served by the Jupyter server: the copy, the loader, the fallback."""

from __future__ import annotations

import hashlib
from pathlib import Path

import plotly.graph_objects as go
import pytest

from flatclosure import plotly_bundle
from flatclosure.plotly_bundle import PLOTLY_BUNDLE, FigureWidget, bundle_file_name, install_bundle
from flatclosure.widgets.common import figure_widget


def test_install_copies_the_bundle_under_its_digest_and_drops_stale_copies(tmp_path: Path) -> None:
    stale = tmp_path / "share/jupyter/labextensions/flatclosure-plotly/static/widgetbundle.0000.js"
    stale.parent.mkdir(parents=True)
    stale.write_text("old plotly")
    copy = install_bundle(tmp_path)
    digest = hashlib.sha256(PLOTLY_BUNDLE.read_bytes()).hexdigest()[:16]
    assert copy == stale.parent / f"widgetbundle.{digest}.js"
    assert copy.read_bytes() == PLOTLY_BUNDLE.read_bytes()
    assert not stale.exists()
    assert not (copy.parent / "package.json").exists()  # a plain directory, no lab extension
    assert install_bundle(tmp_path) == copy  # again: nothing to do


def test_loader_when_served_inline_bundle_otherwise(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    install_bundle(tmp_path)
    import jupyter_core.paths

    monkeypatch.setattr(jupyter_core.paths, "jupyter_path",
                        lambda sub: [str(tmp_path / "share/jupyter" / sub)])
    loader = plotly_bundle._esm()
    assert len(loader) < 2000 and f'"flatclosure-plotly/{bundle_file_name()}"' in loader
    assert "fullLabextensionsUrl" in loader and "export default" in loader
    monkeypatch.setattr(jupyter_core.paths, "jupyter_path", lambda sub: [str(tmp_path / "none")])
    assert plotly_bundle._esm() == PLOTLY_BUNDLE.read_text(encoding="utf-8")


def test_figure_widget_is_plotlys_and_sends_the_bundle_when_asked() -> None:
    fig = figure_widget({"data": [{"type": "bar", "x": [1, 2], "y": ["a", "b"]}],
                         "layout": {"title": {"text": "t"}}})
    assert isinstance(fig, FigureWidget) and isinstance(fig, go.FigureWidget)
    fig._send_inline_bundle(None, {"type": "something else"}, [])
    assert fig._esm == FigureWidget._esm
    fig._send_inline_bundle(None, {"type": plotly_bundle.NEED_BUNDLE}, [])
    assert fig._esm == PLOTLY_BUNDLE.read_text(encoding="utf-8")
