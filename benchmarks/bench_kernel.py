"""A control change as the kernel sees it, without a browser (issue 15): not a test, it prints figures.

    python benchmarks/bench_kernel.py [--only 03,04] [--changes 20]

Two parts, each the median and p95 (nearest rank) of ``--changes`` changes alternating two
options as ``bench_workbook.PROBES`` do, the first change left out:

* in this process, the processor time of a change (``time.process_time``: what the kernel's
  main thread spends, hardly moved by other work on the machine) until the number's message
  (the output the browser benchmark's probe reads), until the handler returns, and until the
  last chart message (charts made after the handler are waited for);
* in a real kernel (jupyter_client), played as a page plays it (the control's new ``index``
  sent as a click sends it), the wall time from sending to the number's message, to the last
  chart message and to the kernel's idle. Browser timings add the relay and the page's own
  work on top of these; on a loaded machine the wall times are mostly waiting.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rows import percentile  # noqa: E402


@dataclass(frozen=True)
class KernelProbe:
    """How a notebook's view is built and changed: code that names ``view``, ``control``,
    ``number`` (the output read) and ``figures``; the two option indexes alternated."""

    notebook: str
    setup: str
    options: tuple[int, int]  # negative: counted from the last option, as the page probes

    def option(self, change: int, count: int) -> int:
        """The option index of the ``change``-th change for a control of ``count`` options."""
        index = self.options[change % 2]
        return index if index >= 0 else count + index


PROBES = (
    KernelProbe("00", "from flatclosure.widgets import surgery_panel\nview = surgery_panel()\n"
                "control, number = view.setting, view.total\nfigures = (view.figure,)", (1, 0)),
    KernelProbe("01", "from flatclosure.widgets import catalog_view\nview = catalog_view()\n"
                "control, number = view.year, view.table\n"
                "figures = (view.gap_figure, view.trend_figure, view.seed_figure)", (-2, -3)),
    KernelProbe("02", "from flatclosure.widgets import protocol_view\nview = protocol_view()\n"
                "control, number = view.controls['sides'], view.out.total\n"
                "figures = (view.out.figure,)", (0, 2)),
    KernelProbe("03", "from flatclosure.widgets import scenario_view\nview = scenario_view()\n"
                "control, number = view.setting, view.table_html\n"
                "figures = (view.bars_figure, view.gap_figure, view.trend_figure)", (2, 1)),
    KernelProbe("04", "from flatclosure.widgets import pool_view\nview = pool_view()\n"
                "view.details.selected_index = 1  # the charts' section open, as the page probe\n"
                "control, number = view.c.setting, view.out['paths']\n"
                "figures = (view.prices_figure, view.heatmap)", (1, 0)),
)
# what a page's figure view says once it has drawn (plotly_bundle.SHOWN): changes only, after it
SHOWN = ("from flatclosure.plotly_bundle import SHOWN\n"
         "for f in figures: f._from_view(f, {'type': SHOWN}, [])\n"
         "import json\nprint(json.dumps({'control': control.comm.comm_id, "
         "'options': len(control.options), "
         "'number': number.comm.comm_id, 'figures': [f.comm.comm_id for f in figures]}))")


def processor_times(probe: KernelProbe, changes: int) -> list[str]:
    """The in-process part: the view built with a comm that records when each message leaves."""
    import comm
    from comm.base_comm import BaseComm

    sent: list[tuple[float, str]] = []

    class Recorded(BaseComm):
        def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                        buffers: Any = None, **keys: Any) -> None:
            sent.append((time.process_time(), self.comm_id))

    comm.create_comm = lambda **kw: Recorded(**kw)
    import flatclosure.widgets.scenario_page as page03
    from flatclosure.widgets import figure_updates

    figure_updates._page_change = lambda: True  # as on a page
    page03.PREFETCH_AFTER_S = 3600.0  # 03 makes the other settings ahead between changes: not here
    space: dict[str, Any] = {}
    exec(probe.setup + "\n" + SHOWN.split("import json")[0], space)  # noqa: S102 - our code
    number, figs = space["number"].comm.comm_id, {f.comm.comm_id for f in space["figures"]}
    control, loop, rows = space["control"], asyncio.new_event_loop(), []

    async def change(index: int) -> tuple[float, float]:
        t0 = time.process_time()
        control.index = index
        t1 = time.process_time()
        await asyncio.sleep(0.02)  # the charts made after the handler (not what is made ahead)
        return t0, t1

    for i in range(changes + 1):
        sent.clear()
        t0, t1 = loop.run_until_complete(change(probe.option(i, len(control.options))))
        charts = [t for t, c in sent if c in figs]
        if i:
            rows.append((next(t for t, c in sent if c == number) - t0, t1 - t0,
                         max(charts or [t1]) - t0))
    loop.close()
    return [f"{probe.notebook}: processor time, control -> {what}: median "
            f"{statistics.median(r[k] for r in rows) * 1000:5.1f} ms, p95 "
            f"{percentile([r[k] for r in rows], 95) * 1000:5.1f} ms (of {len(rows)})"
            for k, what in enumerate(("number's message", "handler done", "last chart message"))]


def run_cell(client: Any, code: str) -> str:
    """Execute ``code``; return what it printed."""
    msg_id, printed = client.execute(code), ""
    while True:
        msg = client.get_iopub_msg(timeout=180)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            printed += msg["content"]["text"]
        elif msg["msg_type"] == "error":
            raise RuntimeError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return printed


def one_change(client: Any, ids: dict[str, Any], index: int) -> dict[str, float | None]:
    """Send a click's message; ms from sending to the number, the last chart and idle."""
    msg = client.session.msg("comm_msg", {"comm_id": ids["control"], "data": {
        "method": "update", "state": {"index": index}, "buffer_paths": []}})
    out: dict[str, float | None] = {"number": None, "chart": None, "idle": None}
    t0 = time.perf_counter()
    client.shell_channel.send(msg)
    while True:
        try:  # chart messages leave after the handler, so after idle: wait for a quiet 0.3 s
            got = client.get_iopub_msg(timeout=0.3 if out["idle"] is not None else 30)
        except Exception:  # queue.Empty: quiet
            return out
        ms = (time.perf_counter() - t0) * 1000
        content = got["content"]
        if got["msg_type"] == "status" and content["execution_state"] == "idle" and \
                got["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            out["idle"] = ms
        elif got["msg_type"] == "comm_msg":
            if content["comm_id"] == ids["number"] and out["number"] is None:
                out["number"] = ms
            elif content["comm_id"] in ids["figures"]:
                out["chart"] = ms


def bench_notebook(probe: KernelProbe, changes: int) -> list[str]:
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(ROOT / "notebooks"))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        ids = json.loads(run_cell(client, probe.setup + "\n" + SHOWN).strip().splitlines()[-1])
        results = []
        for i in range(changes + 1):
            res = one_change(client, ids, probe.option(i, ids["options"]))
            if i:
                results.append(res)
            time.sleep(0.5)  # as the browser benchmark: a quiet page, then the next change
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    lines = []
    for key, what in (("number", "control -> number's message"), ("chart", "control -> last "
                      "chart message"), ("idle", "control -> kernel idle (the change handled)")):
        values = [r[key] for r in results if r[key] is not None]
        if values:
            lines.append(f"{probe.notebook}: {what}: median {statistics.median(values):6.1f} ms, "
                         f"p95 {percentile(values, 95):6.1f} ms (of {len(values)})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="notebooks by number: --only 03,04")
    parser.add_argument("--changes", type=int, default=20)
    args = parser.parse_args()
    only = tuple(n for n in args.only.split(",") if n)
    chosen = [p for p in PROBES if not only or p.notebook in only]
    for probe in chosen:  # a kernel each, before this process imports the views
        print("\n".join(bench_notebook(probe, args.changes)), flush=True)
    for probe in chosen:
        print("\n".join(processor_times(probe, args.changes)), flush=True)


if __name__ == "__main__":
    main()
