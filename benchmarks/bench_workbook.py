"""Timings of the workbook against a floor, in one run (issue 15): not a test, it prints figures.

    python benchmarks/bench_workbook.py [--quick]   (or: python benchmarks/run.py --only workbook)

* each notebook executed headless (nbclient, kernel start to last cell);
* each view's refresh inside one Python process (engine and widget code, no front end);
* in Voila (``make app``'s command, warm kernels) driven by Debian's chromium: for each notebook,
  control -> number (the notebook's total or table changed in the DOM) and control -> chart (the
  first and the last plotly chart emitted its draw event), median and p95 of ``--changes`` changes;
  when the kernel said "idle" for the last time after a change, and what the page sent back after
  its own change (plotly's "echo"); page usable (a control and the number shown) and chart drawn,
  from navigation start, with a filled browser cache (warm) and a fresh profile (cold);
* the floor, in the same browser: a static page whose select rewrites a number. Each browser
  figure is printed with its ratio to the floor's;
* the Voila floor, in the same server: ``voila_floor.ipynb``, one control, one number and one
  chart drawn as the workbook draws them. Each notebook's figure is printed with its ratio to the
  same figure of this page too: what Voila itself costs on this machine, and what is the
  workbook's own;
* last, each figure the issue sets a target for, met or MISSED.
"""

from __future__ import annotations

import argparse
import compileall
import http.server
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_rows import (  # noqa: E402
    TARGETS,
    VOILA_FLOOR_NAME,
    Row,
    against_voila_floor,
    percentile,
    show,
)
from machine import load, uptime, wait_until_quiet  # noqa: E402
from page_probes import FLOOR_HTML, INIT, MILESTONES_DONE, TIME_CHANGE  # noqa: E402


@dataclass(frozen=True)
class Probe:
    """How one notebook is exercised: the labelled control row and the two options alternated
    (button or option index), and its number: a CSS selector and a text the element contains;
    ``unfold``: titles of folded sections opened first, so that their charts count too."""

    notebook: str
    label: str
    options: tuple[int, int]
    number: tuple[str, str]
    unfold: tuple[str, ...] = ()


PROBES = (
    Probe("00_start_here.ipynb", "Setting", (1, 0), (".fc-total", "whole claim")),
    Probe("01_code_catalog.ipynb", "Year", (-2, -3), ("table.fc-table", "")),
    # 02 opens on the closure at the mastectomy: 19303 is priced in the facility only, so the
    # office greys the total (unchanged, an error names "Setting"); one side or both changes it
    Probe("02_coding_protocol.ipynb", "Sides", (0, 2), (".fc-total", "whole claim")),
    Probe("03_reimbursement_scenarios.ipynb", "Setting", (2, 1), ("table.fc-table", "")),
    Probe("04_finite_rvu_pool.ipynb", "Setting", (1, 0), ("table.fc-table", ""),
          unfold=("Statutory lens in detail",)),
)
FLOOR = Probe("floor", "Setting", (1, 0), (".fc-total", "whole claim"))
VOILA_FLOOR_NOTEBOOK = HERE / "voila_floor.ipynb"
VOILA_FLOOR = Probe(VOILA_FLOOR_NOTEBOOK.name, "Setting", (1, 0), (".fc-total", "whole claim"))


def _heat_seconds() -> float:
    """How long after a page view the pool has a warm kernel again: voila.json's refill delay
    (``VoilaKernelManager.fill_delay``: the refill waits so it does not slow the page being
    loaded) plus ~7 s to start a kernel and run a notebook up to its page request on 2 cores."""
    import json

    config = json.loads((ROOT / "voila.json").read_text(encoding="utf-8"))
    return float(config.get("VoilaKernelManager", {}).get("fill_delay", 1)) + 7


HEAT = _heat_seconds()


def notebook_times(repeat: int, only: tuple[str, ...] = ()) -> list[Row]:
    import nbformat
    from nbclient import NotebookClient

    rows: list[Row] = []
    floor = float("nan")
    paths = [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if not only or p.name.startswith(only)]
    for path in [VOILA_FLOOR_NOTEBOOK, *paths]:
        runs = []
        for _ in range(repeat):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=180, kernel_name="python3",
                                    resources={"metadata": {"path": str(NOTEBOOKS)}})
            t0 = time.perf_counter()
            client.execute(stderr=subprocess.DEVNULL)  # stderr: only "TCP without encryption"
            runs.append(time.perf_counter() - t0)
        if path == VOILA_FLOOR_NOTEBOOK:
            floor = statistics.median(runs)
            rows.append(Row(f"{VOILA_FLOOR_NAME}: executed (nbclient, median of {repeat})", floor,
                            who=VOILA_FLOOR_NAME, measure="execute"))
            continue
        rows.append(Row(f"execute {path.name} (nbclient, median of {repeat})",
                        statistics.median(runs), target=2.5, who=path.name[:2], measure="execute"))
    return rows


def refresh_times(repeat: int) -> list[Row]:
    """Each view's refresh in this process: engine and widget code with no front end attached."""
    from timing import median_seconds

    from flatclosure.widgets import catalog_view, pool_view, protocol_view, scenario_view
    from flatclosure.widgets.surgery import surgery_panel

    rows = []
    for name, build in (("00 surgery panel", surgery_panel), ("01 catalog", catalog_view),
                        ("02 protocol", protocol_view), ("03 scenarios", scenario_view),
                        ("04 pool", pool_view)):
        view = build()
        rows.append(Row(f"{name}: refresh() in the kernel, same inputs, median of {repeat}",
                        median_seconds(view.refresh, repeat)))
    return rows


def _serve_floor() -> tuple[http.server.ThreadingHTTPServer, str]:
    body = FLOOR_HTML.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except (BrokenPipeError, ConnectionResetError):  # a page closed as soon as it was usable
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def page_view(ctx: Any, url: str, probe: Probe, chart: bool) -> dict[str, float]:
    """Seconds from navigation start to 'usable' and 'chart' in a new tab of ``ctx``."""
    page = ctx.new_page()
    page.set_default_timeout(180_000)
    page.add_init_script(f"window.__number = {list(probe.number)!r};" + INIT)
    page.goto(url, wait_until="commit")
    page.wait_for_function(MILESTONES_DONE, arg=chart, polling=20)
    times: dict[str, float] = page.evaluate("window.__times")
    page.close()
    return {k: v / 1000 for k, v in times.items()}


def changes(page: Any, probe: Probe, n: int) -> list[dict[str, Any]]:
    """Alternate the probe's two options n times; one result dict per change (ms)."""
    out = []
    for i in range(n + 1):
        index = probe.options[i % 2]
        res = page.evaluate(TIME_CHANGE, [probe.label, _index(page, probe, index),
                                          probe.number[0], probe.number[1], 400, 8000])
        if i:  # the first change only wakes the page's code paths
            out.append(res)
        page.wait_for_timeout(100)
    return out


def _index(page: Any, probe: Probe, index: int) -> int:
    if index >= 0:
        return index
    count = page.evaluate("""(label) => {
        const lab = [...document.querySelectorAll('.fc-label')].find(e => e.textContent.trim() === label);
        return lab.closest('.widget-hbox').querySelectorAll('.widget-toggle-button, option').length;
    }""", probe.label)
    return int(count) + index


def summarise(name: str, results: list[dict[str, Any]], floor: list[float]) -> list[Row]:
    def stats(values: list[float], what: str, fl: list[float] | None) -> list[Row]:
        measure = what.split(" (")[0]
        if not values:
            return [Row(f"{name}: {what}: never seen", float("nan"), None,
                        TARGETS.get((measure, "median")), who=name, measure=measure + ", median")]
        med, p95 = statistics.median(values) / 1000, percentile(values, 95) / 1000
        fm = statistics.median(fl) / 1000 if fl else None
        fp = percentile(fl, 95) / 1000 if fl else None
        return [Row(f"{name}: {what}, median of {len(values)}", med, fm,
                    TARGETS.get((measure, "median")), who=name, measure=measure + ", median"),
                Row(f"{name}: {what}, p95 of {len(values)}", p95, fp, TARGETS.get((measure, "p95")),
                    who=name, measure=measure + ", p95")]

    number = [r["number"] for r in results if r["number"] is not None]
    drawn = [[c for c in r["charts"] if c is not None] for r in results]
    first = [min(c) for c in drawn if c]
    last = [max(c) for c in drawn if c]
    idle = [r["idle"] for r in results if r["idle"] is not None]
    rows = stats(number, "control -> number", floor)
    rows += stats(first, "control -> first chart drawn", floor)
    if any(len(c) > 1 for c in drawn):
        rows += stats(last, f"control -> all charts drawn (up to {max(map(len, drawn))})", floor)
    rows += stats(idle, "control -> kernel idle for the last time (echo included)", None)
    echo = Counter(k for r in results for k in r["echo"])
    timed_out = sum(r["timedOut"] for r in results)
    sent = sum(echo.values()) / max(1, len(results))
    print(f"   {name}: {sent:.1f} messages sent back per change after the change itself "
          f"({dict(echo) or 'none'}); timed out: {timed_out}; load {load()}")
    return rows


def browser_times(n: int, warm_views: int, cold_views: int,
                  only: tuple[str, ...] = ()) -> list[Row]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import launch
    from tests.e2e.conftest import _free_port, serve, voila_command

    rows: list[Row] = []
    floor_server, floor_url = _serve_floor()
    port = _free_port()
    server = serve(voila_command(port, preheat=True), "/voila/static/voila.js", port,
                   extra=(VOILA_FLOOR_NOTEBOOK,))
    url = next(server)
    try:
        with sync_playwright() as p:
            browser, ctx = launch(p)
            # the floor: page views and changes in the same browser
            f_warm = [page_view(ctx, floor_url, FLOOR, False)["usable"] for _ in range(warm_views)]
            fpage = ctx.new_page()
            fpage.add_init_script(INIT)
            fpage.goto(floor_url)
            f_changes = [r["number"] for r in changes(fpage, FLOOR, n)]
            fpage.close()
            f_med = statistics.median(f_changes)
            rows.append(Row(f"floor: select -> number, median of {n}", f_med / 1000))
            rows.append(Row(f"floor: select -> number, p95 of {n}", percentile(f_changes, 95) / 1000))
            rows.append(Row("floor: navigation -> number shown", statistics.median(f_warm)))
            # the pool executes every notebook once to heat a kernel for each: the first pages
            # timed while it still ran (the Voila floor, then 00) took 0.3-0.5 s longer
            print(f"   waited {wait_until_quiet():.0f} s for the kernel pool to be heated")
            probes = [p for p in PROBES if not only or p.notebook.startswith(only)]
            probes.insert(0, VOILA_FLOOR)
            for i, probe in enumerate(probes):
                rows += _page_views(p, ctx, url, probe, warm_views, cold_views if i < 2 else 0,
                                    statistics.median(f_warm))
            for probe in probes:
                time.sleep(HEAT)  # the pool heats the next kernel of the page views above
                page = ctx.new_page()
                page.set_default_timeout(180_000)
                page.add_init_script(f"window.__number = {list(probe.number)!r};" + INIT)
                page.goto(f"{url}/voila/render/{probe.notebook}")
                try:
                    page.wait_for_function(MILESTONES_DONE, arg=True, polling=50)
                except PlaywrightTimeout:  # one view that never shows its number: say so, go on
                    print(f"   {_name(probe)}: number or chart never shown in 180 s; "
                          f"milestones {page.evaluate('window.__times')}")
                    page.close()
                    continue
                for title in probe.unfold:
                    page.get_by_text(title).first.click()
                page.wait_for_timeout(1500)  # every chart drawn once, kernel idle
                rows += summarise(_name(probe), changes(page, probe, n), f_changes)
                page.close()
            ctx.close()
            browser.close()
    finally:
        server.close()
        floor_server.shutdown()
    return rows


def _page_views(p: Any, ctx: Any, url: str, probe: Probe, warm_views: int, cold_views: int,
                floor: float) -> list[Row]:
    """Page usable and chart drawn of one notebook: warm kernel, with a browser cache filled by
    a first view (warm) and with a fresh browser profile (cold). A page whose charts are all
    folded (``unfold``) has no "chart drawn"."""
    from tests.e2e.browser import launch

    target = f"{url}/voila/render/{probe.notebook}"
    chart = not probe.unfold
    cold = []
    for _ in range(cold_views):
        fresh_browser, fresh = launch(p)
        cold.append(page_view(fresh, target, probe, chart))
        fresh.close()
        fresh_browser.close()
        time.sleep(HEAT)  # let the pool heat the next kernel
    warm = []
    for _ in range(warm_views + 1):  # the first view only fills the browser's cache
        warm.append(page_view(ctx, target, probe, chart))
        time.sleep(HEAT)
    warm = warm[1:]
    rows, name = [], _name(probe)
    for key, what, goal in (("usable", "page usable", 1.2), ("chart", "chart drawn", 2.0)):
        if not chart and key == "chart":
            continue
        rows.append(Row(f"{name} {what}, warm kernel, browser cache filled (median of {len(warm)})",
                        statistics.median(v[key] for v in warm), floor, goal, who=name,
                        measure=what + ", warm"))
        if cold:
            rows.append(Row(f"{name} {what}, warm kernel, fresh browser profile "
                            f"(median of {len(cold)})", statistics.median(v[key] for v in cold),
                            floor, who=name, measure=what + ", cold"))
    print(f"   {name}: page views done; load {load()}")
    return rows


def _name(probe: Probe) -> str:
    return VOILA_FLOOR_NAME if probe is VOILA_FLOOR else probe.notebook[:2]


def served_plotly() -> str:
    """Which plotly.js the figures use: the served partial bundle, or plotly's inline 5 MB."""
    from flatclosure.plotly_bundle import served_bundle

    path = served_bundle()
    if path is None:
        return ("NOT SERVED: figures send plotly's 5 MB bundle inline "
                "(python -m flatclosure.plotly_bundle installs the copy)")
    return f"served {path.name}"


def bench(quick: bool = False, only: tuple[str, ...] = ()) -> list[Row]:
    """Every workbook figure of one run (``quick``: fewer repeats, for a look, not a report;
    ``only``: the notebooks whose names start with these, e.g. ``("01", "02")``)."""
    print(f"   load at start {load()}; uptime: {uptime()}")
    print(f"   partial plotly.js: {served_plotly()}")
    # kernels read the package's bytecode as on a user's machine after its first import, also
    # where PYTHONDONTWRITEBYTECODE is set (this sandbox): compiling the modules a notebook
    # imports cost its kernel 0.1-0.2 s (all 91: 0.27 s)
    compiled = compileall.compile_dir(ROOT / "flatclosure", quiet=1)
    print(f"   bytecode: flatclosure {'compiled ahead' if compiled else 'NOT all compiled'} "
          f"(PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r})")
    rows = refresh_times(5 if quick else 20)
    rows += notebook_times(1 if quick else 3, only)
    if not Path("/usr/bin/chromium").exists():
        print("(skipped the browser timings: /usr/bin/chromium not found)")
        return rows
    return against_voila_floor(rows + browser_times(n=8 if quick else 20,
                                                    warm_views=2 if quick else 5,
                                                    cold_views=1 if quick else 3, only=only))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="notebooks to time, by number: --only 01,02")
    args = parser.parse_args()
    show(bench(args.quick, tuple(n for n in args.only.split(",") if n)))
