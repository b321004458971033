"""The workbook's FigureWidget: the partial plotly.js served by the Jupyter server, the lean view, the
fallback to plotly's inline widget, and figure messages sent after the handler's totals."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import ipywidgets as widgets
import plotly.graph_objects as go
import pytest
from comm import DummyComm

from flatclosure import plotly_bundle
from flatclosure.plotly_bundle import (
    PLOTLY_BUNDLE,
    PLOTLY_JS,
    PLOTLY_JS_SHA256,
    TRACE_TYPES,
    FigureWidget,
    bundle_file_name,
    install_bundle,
)
from flatclosure.widgets.common import figure_widget, update_figure

T = TypeVar("T")


def test_the_partial_plotly_js_is_the_published_file_with_the_trace_types_the_figures_use() -> None:
    data = PLOTLY_JS.read_bytes()
    assert hashlib.sha256(data).hexdigest() == PLOTLY_JS_SHA256
    assert b"plotly.js (cartesian - minified) v4.1.1" in data[:200]
    registered = set(re.findall(rb'moduleType:"trace",name:"(\w+)"', data))
    assert {t.decode() for t in registered} == set(TRACE_TYPES)
    assert len(data) < PLOTLY_BUNDLE.stat().st_size / 3  # 1.5 MB instead of plotly's 5 MB


def test_every_workbook_figure_draws_with_the_partial_bundle() -> None:
    from flatclosure.widgets import catalog_view, pool_view, protocol_view, scenario_view
    from flatclosure.widgets.surgery import surgery_panel

    used = set()
    for view in (surgery_panel(), catalog_view(), protocol_view(), scenario_view(), pool_view()):
        for fig in vars(view).values():
            if isinstance(fig, go.FigureWidget):
                used |= {trace.type for trace in fig.data}
    assert used == {"bar", "scatter", "heatmap"}
    assert used <= set(TRACE_TYPES)


def test_install_copies_the_partial_bundle_under_its_digest_and_drops_stale_copies(
        tmp_path: Path) -> None:
    static = tmp_path / "share/jupyter/labextensions/flatclosure-plotly/static"
    static.mkdir(parents=True)
    stale = [static / "widgetbundle.0000.js", static / "plotly-cartesian.0000.js"]
    for path in stale:
        path.write_text("old plotly")
    copy = install_bundle(tmp_path)
    assert copy == static / f"plotly-cartesian.{PLOTLY_JS_SHA256[:16]}.js"
    assert copy.read_bytes() == PLOTLY_JS.read_bytes()
    assert not any(path.exists() for path in stale)
    assert not (copy.parent / "package.json").exists()  # a plain directory, no lab extension
    assert install_bundle(tmp_path) == copy  # again: nothing to do


def test_the_apps_page_starts_loading_the_served_copy_from_its_head() -> None:
    template = (Path(__file__).resolve().parents[1] / "share/jupyter/voila/templates/flatclosure"
                / "index.html.j2").read_text(encoding="utf-8")
    assert f'set plotly_js = "{plotly_bundle.ASSET_DIR}/{bundle_file_name()}"' in template
    assert 'page_config["fullLabextensionsUrl"] ~ "/" ~ plotly_js' in template  # base URL too
    assert "window.flatclosurePlotly" in plotly_bundle.VIEW.read_text(encoding="utf-8")
    # fetched early, evaluated only when a chart asks: evaluated early it delayed Voila's scripts
    assert 'link.rel = "preload"' in template and "onload = () => { if" not in template
    # the pages without a chart say so and skip it; every other page fetches it
    assert '(nb.metadata.get("flatclosure") or {}).get("charts", true)' in template
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    charts = {path.name: json.loads(path.read_text(encoding="utf-8"))["metadata"].get(
        "flatclosure", {}).get("charts", True) for path in notebooks.glob("*.ipynb")}
    assert {name for name, drawn in charts.items() if not drawn} == {
        "index.ipynb", "05_coverage_and_appeals.ipynb"}


def test_lean_view_when_served_plotlys_inline_widget_otherwise(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_bundle(tmp_path)
    import jupyter_core.paths

    monkeypatch.setattr(jupyter_core.paths, "jupyter_path",
                        lambda sub: [str(tmp_path / "share/jupyter" / sub)])
    view = plotly_bundle._esm()
    assert len(view) < 8000 and f'"flatclosure-plotly/{bundle_file_name()}"' in view
    assert f'"{plotly_bundle.NEED_BUNDLE}"' in view and "%(" not in view
    assert "fullLabextensionsUrl" in view and "export default" in view
    # the view applies the kernel's messages and sends none of plotly's computed defaults back
    for message in ("_py2js_restyle", "_py2js_relayout", "_py2js_update", "_py2js_addTraces"):
        assert f'"{message}"' in view
    assert "_js2py" not in view and "save_changes" not in view
    monkeypatch.setattr(jupyter_core.paths, "jupyter_path", lambda sub: [str(tmp_path / "none")])
    assert plotly_bundle._esm() == PLOTLY_BUNDLE.read_text(encoding="utf-8")


def test_figure_widget_is_plotlys_and_sends_the_bundle_when_asked() -> None:
    fig = figure_widget({"data": [{"type": "bar", "x": [1, 2], "y": ["a", "b"]}],
                         "layout": {"title": {"text": "t"}}})
    assert isinstance(fig, FigureWidget) and isinstance(fig, go.FigureWidget)
    fig._from_view(None, {"type": "something else"}, [])
    assert fig._esm == FigureWidget._esm
    fig._from_view(None, {"type": plotly_bundle.NEED_BUNDLE}, [])
    assert fig._esm == PLOTLY_BUNDLE.read_text(encoding="utf-8")
    assert not fig.sends_changes_only  # plotly's own view never asks for the figure


class Recorder(DummyComm):
    """A comm that keeps what a widget sends, in one log shared by several widgets."""

    def __init__(self, log: list[tuple[str, dict[str, Any]]], name: str) -> None:
        super().__init__()
        self.log, self.name = log, name

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        if msg_type == "comm_msg":
            self.log.append((self.name, data["state"]))


def _bars(y: list[float]) -> dict[str, Any]:
    return {"data": [{"type": "bar", "x": ["a", "b"], "y": y}], "layout": {"title": {"text": "t"}}}


def _alone(fn: Callable[[], T]) -> T:
    """Run ``fn`` in a thread of its own: no event loop runs there unless ``fn`` starts one (the
    browser tests' Playwright keeps one running in the main thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def _recorded() -> tuple[list[tuple[str, dict[str, Any]]], FigureWidget, widgets.HTML]:
    log: list[tuple[str, dict[str, Any]]] = []
    fig = figure_widget(_bars([1, 2]))
    total = widgets.HTML()
    fig.comm, total.comm = Recorder(log, "figure"), Recorder(log, "total")
    return log, fig, total


def test_a_figure_change_reaches_the_page_after_the_totals_of_the_same_handler() -> None:
    log, fig, total = _recorded()

    async def handler() -> list[str]:
        update_figure(fig, _bars([3, 4]))
        assert fig.data[0].y == (3, 4)  # Python state at once
        total.value = "Total: $7.00"
        sent_in_handler = [name for name, _ in log]
        await asyncio.sleep(0)  # the kernel goes back to its event loop
        return sent_in_handler

    assert _alone(lambda: asyncio.run(handler())) == ["total"]
    assert [name for name, _ in log][:3] == ["total", "figure", "figure"]
    assert {name for name, _ in log[3:]} <= {"figure"}
    # the edit ids and the update in one message, then plotly's reset of the update key
    update, reset = log[1][1], log[2][1]
    assert set(update) == {"_last_trace_edit_id", "_last_layout_edit_id", "_py2js_update"}
    assert update["_py2js_update"]["style_data"]["y"] == [[3, 4]]
    assert reset["_py2js_update"] is None
    # and the figure as it now is, for a view made later (a folded section opened)
    state = {k: v for _, msg in log[2:] for k, v in msg.items()}
    assert list(state["_widget_data"][0]["y"]) == [3, 4]


def test_without_an_event_loop_a_figure_change_is_sent_at_once() -> None:
    log, fig, total = _recorded()

    def handler() -> None:
        update_figure(fig, _bars([5, 6]))
        total.value = "Total: $11.00"

    _alone(handler)
    assert [name for name, _ in log] == ["figure", "figure", "total"]
    assert log[0][1]["_py2js_update"]["style_data"]["y"] == [[5, 6]]


def test_held_changes_go_before_a_later_direct_change_of_the_same_figure() -> None:
    log, fig, _ = _recorded()

    async def handler() -> None:
        update_figure(fig, _bars([7, 8]))
        fig.layout.title.text = "direct"  # not through update_figure: sent at once, after the held

    _alone(lambda: asyncio.run(handler()))
    kinds = [next(iter(state)) for _, state in log]
    assert kinds[:2] == ["_last_trace_edit_id", "_py2js_update"]
    assert log[0][1]["_py2js_update"]["style_data"]["y"] == [[7, 8]]
    assert any(s.get("_py2js_relayout") for _, s in log[2:])


def test_update_figure_sends_only_what_changed_and_nothing_when_nothing_did() -> None:
    log, fig, _ = _recorded()
    two = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2], "name": "flat"},
                    {"type": "scatter", "x": ["a", "b"], "y": [5, 5], "name": "line"}],
           "layout": {"title": {"text": "t"}}}
    fig = figure_widget(two)
    fig.comm = Recorder(log, "figure")
    _alone(lambda: update_figure(fig, two))
    assert log == []  # the same spec: no message, no redraw
    changed = {"data": [two["data"][0], {**two["data"][1], "y": [6, 7]}], "layout": two["layout"]}
    _alone(lambda: update_figure(fig, changed))
    update = log[0][1]["_py2js_update"]
    assert update["style_data"] == {"y": [[6, 7]]} and update["style_traces"] == [1]
    assert update["layout_data"] == {}
    assert fig.data[1].y == (6, 7) and fig.data[0].y == (1, 2)


def test_update_figure_rewrites_what_was_changed_behind_its_back() -> None:
    fig = figure_widget(_bars([1, 2]))
    fig.data[0].y = (9, 9)  # not through update_figure
    fig.layout.title.text = "other"
    update_figure(fig, _bars([1, 2]))
    assert fig.data[0].y == (1, 2) and fig.layout.title.text == "t"


def test_once_a_lean_view_has_shown_a_figure_an_update_sends_only_its_change() -> None:
    log, fig, _ = _recorded()
    assert plotly_bundle.SHOWN in fig._esm  # the served view says when it was made
    _alone(lambda: update_figure(fig, _bars([3, 4])))  # no view yet: the state follows
    state = {k: v for _, msg in log for k, v in msg.items()}
    assert list(state["_widget_data"][0]["y"]) == [3, 4]

    log.clear()
    fig._from_view(None, {"type": plotly_bundle.SHOWN}, [])  # a view drew the current state
    assert log == [] and fig.sends_changes_only
    _alone(lambda: update_figure(fig, _bars([5, 6])))
    sent = {k for _, msg in log for k in msg}
    assert "_py2js_update" in sent and not sent & {"_widget_data", "_widget_layout"}
    assert log[0][1]["_py2js_update"]["style_data"]["y"] == [[5, 6]]

    log.clear()  # a view made now (a folded section opened) asks, and gets the figure as it is
    fig._from_view(None, {"type": plotly_bundle.SHOWN}, [])
    state = {k: v for _, msg in log for k, v in msg.items()}
    assert list(state["_widget_data"][0]["y"]) == [5, 6]
    log.clear()
    fig._from_view(None, {"type": plotly_bundle.SHOWN}, [])  # nothing changed since: nothing sent
    assert log == []
