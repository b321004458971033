"""Plotly figures in the views: a FigureWidget made from a figure spec, and updates that send only
what changed (``update_figure``). Re-exported by ``flatclosure.widgets.common``.
"""

from __future__ import annotations

import asyncio
import copy
import sys
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

import plotly.graph_objects as go

from ..figures import FigureSpec
from ..plotly_bundle import FigureWidget


def figure_widget(spec: FigureSpec) -> go.FigureWidget:
    """A FigureWidget showing a figure spec, ready for ``update_figure``; its front end is fetched
    from the server and cached by the browser where it can be (``flatclosure.plotly_bundle``)."""
    fig = FigureWidget(spec)
    fig._fc_layout = copy.deepcopy(spec["layout"])
    fig._fc_data = [dict(trace) for trace in spec["data"]]
    fig._fc_edits = _edits(fig)
    return fig


def _edits(fig: go.FigureWidget) -> tuple[int, int]:
    """plotly's count of the figure's edits: a change not made by update_figure moves it."""
    return (fig._last_trace_edit_id, fig._last_layout_edit_id)


def _same(a: Any, b: Any) -> bool:
    """Whether two spec values are equal; arrays or anything not comparable count as changed."""
    try:
        return bool(a == b)
    except (ValueError, TypeError):
        return False


def update_figure(target: go.FigureWidget, spec: FigureSpec) -> None:
    """Make ``target`` show ``spec`` in one message: the trace keys and layout keys that changed
    since the last spec (nothing when none did: plotly's checks cost milliseconds per key). The
    spec functions keep the number and order of traces fixed.

    Python state changes at once; a workbook figure's message reaches the page after the
    handler that called this has finished, so the totals and tables it writes, before or after
    this call, are shown before any chart is redrawn (``FigureWidget.sent_after``).
    """
    data, layout = spec["data"], spec["layout"]
    if len(target.data) != len(data):
        raise ValueError(f"figure has {len(target.data)} traces, the update has {len(data)}")
    # compare with the last spec only while nothing else has changed the figure since
    same_figure = getattr(target, "_fc_edits", None) == _edits(target)
    last: dict[str, Any] = target._fc_layout if same_figure else {}
    changed = {k: v for k, v in layout.items() if k != "template" and not _same(last.get(k), v)}
    shown: list[dict[str, Any]] = target._fc_data if same_figure else [{} for _ in data]
    fresh = [{k: v for k, v in new.items() if k != "type" and not (k in old and _same(old[k], v))}
             for old, new in zip(shown, data, strict=True)]
    if changed or any(fresh):
        ours = isinstance(target, FigureWidget)
        with target.sent_after() if ours else nullcontext():
            with target.batch_update():
                for trace, keys in zip(target.data, fresh, strict=True):
                    if keys:
                        trace.update(keys, overwrite=True)
                if changed:
                    target.layout.update(changed, overwrite=True)
            if ours and not target.sends_changes_only:
                target.keep_views_current()
    target._fc_layout = copy.deepcopy(layout)
    target._fc_data = [dict(trace) for trace in data]
    target._fc_edits = _edits(target)


# How long after a page's change its charts start: the handler's messages (the numbers) leave the
# kernel from its I/O thread, which waited for the main thread while that built the charts.
CHARTS_AFTER_S = 0.003


def _page_change() -> bool:
    """Whether the kernel is handling a message from the page (a control changed there)."""
    kernelbase = sys.modules.get("ipykernel.kernelbase")
    if kernelbase is None or not kernelbase.Kernel.initialized():
        return False
    parent = kernelbase.Kernel.instance().get_parent("shell") or {}
    return bool(parent.get("header", {}).get("msg_type") == "comm_msg")


def later_on_page_change(run: Callable[[], None], after_s: float) -> bool:
    """While the kernel handles a change made on the page: run ``run`` ``after_s`` seconds after
    now, once the handler has returned, and say True; elsewhere (a cell, a test, plain Python,
    a link's values applied) schedule nothing and say False."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    if not _page_change():
        return False
    loop.call_later(after_s, run)
    return True


def after_numbers(draw: Callable[[], None]) -> None:
    """Run ``draw`` (a view's chart updates) now, or, on a change made on the page, just after
    the handler: its numbers reach the page first (04's handler went on for ~23 ms of processor
    time after writing its number, making both charts, issue 15)."""
    if not later_on_page_change(draw, CHARTS_AFTER_S):
        draw()
