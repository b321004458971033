"""Timings of the workbook: each notebook executed headless, and the Voila app in a real browser.

    python benchmarks/bench_workbook.py        (or: python benchmarks/run.py --only workbook)

* notebook execution: nbclient, kernel start to last cell, each notebook (median of 3);
* Voila, with kernels kept warm (``--preheat_kernel=True --pool_size=1``, as ``make app``), from
  navigation start, measured in the page with ``performance.now()`` by a MutationObserver: to a
  usable page (the controls, the codes and the Medicare total shown) and to the chart drawn (its
  axis labels in the DOM), each reported on its own: the numbers come with the kernel's widget
  state, the chart once plotly's front end has been evaluated (about 1 s more on two cores). Page
  views in a browser that has the app's files cached (median of 5; each in a new tab, which
  evaluates every script again) and, apart, first views in a fresh browser profile (median of 3);
* Voila interaction: from a control change to the updated figure in the DOM, measured in the page
  with ``performance.now()`` around a click until a MutationObserver sees the plotly chart show the
  new state; 20 changes each, median and 95th percentile.

Needs Debian's chromium at /usr/bin/chromium for the browser part.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHANGES = 20

# Click a control, then resolve when the n-th plotly chart shows `expect` in its y-axis labels
# (or title); returns the milliseconds from just before the click.
TIME_CHANGE = """async ([selector, expect, plotIndex, where]) => {
  const plot = document.querySelectorAll('.js-plotly-plot')[plotIndex];
  const shown = () => {
    const el = plot.querySelector(where);
    return el && el.textContent.includes(expect);
  };
  const button = document.querySelector(selector);
  return await new Promise((resolve) => {
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      if (shown()) { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(plot, {subtree: true, childList: true, characterData: true, attributes: true});
    button.click();
  });
}"""

# Run in the page before its own scripts: record when it becomes usable (the controls, the codes
# and the Medicare total shown) and when the chart is drawn (axis labels in the DOM).
MILESTONES = """(() => {
  window.__times = {};
  const seen = (name, ok) => {
    if (ok && !(name in window.__times)) window.__times[name] = performance.now();
  };
  const check = () => {
    const totals = [...document.querySelectorAll('.fc-total')].map(e => e.textContent);
    seen('usable', document.querySelector('.widget-toggle-button')
         && totals.some(t => t.includes('Codes:')) && totals.some(t => t.includes('Medicare allowed')));
    seen('chart', document.querySelector('.js-plotly-plot .yaxislayer-above text'));
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true});
})()"""
DONE = "() => window.__times && 'usable' in window.__times && 'chart' in window.__times"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def notebook_times(repeat: int = 3) -> list[tuple[str, float]]:
    import nbformat
    from nbclient import NotebookClient

    out = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        runs = []
        for _ in range(repeat):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=120, kernel_name="python3",
                                    resources={"metadata": {"path": str(NOTEBOOKS)}})
            t0 = time.perf_counter()
            # the kernel's stderr only says it runs over TCP without encryption (loopback here)
            client.execute(stderr=subprocess.DEVNULL)
            runs.append(time.perf_counter() - t0)
        out.append((f"execute {path.name} (nbclient, kernel start to last cell; target < 3 s)",
                     statistics.median(runs)))
    return out


def _toggle_selector(page: Any, label: str, text: str) -> str:
    """A CSS selector for the toggle button ``text`` in the row labelled ``label``."""
    index = page.evaluate("""([label, text]) => {
        const rows = [...document.querySelectorAll('.widget-hbox')].filter(
            r => r.querySelector('.fc-label')?.textContent === label);
        const buttons = [...document.querySelectorAll('.widget-toggle-button')];
        const b = [...rows[0].querySelectorAll('.widget-toggle-button')].find(
            e => e.textContent.trim() === text);
        b.setAttribute('data-bench', label + ':' + text);
        return buttons.indexOf(b);
    }""", [label, text])
    assert index >= 0, (label, text)
    return f'[data-bench="{label}:{text}"]'


def _interactions(page: Any, first: tuple[str, str, str], second: tuple[str, str, str],
                  plot: int, where: str) -> list[float]:
    """Alternate two (label, button, expected text) changes CHANGES times; ms per change."""
    times = []
    for i in range(CHANGES):
        label, text, expect = first if i % 2 == 0 else second
        sel = _toggle_selector(page, label, text)
        times.append(page.evaluate(TIME_CHANGE, [sel, expect, plot, where]))
        page.wait_for_timeout(150)
    return times


def _page_view(page: Any, url: str) -> dict[str, float]:
    """Seconds from navigation start to each milestone of one page view."""
    page.set_default_timeout(120_000)
    page.add_init_script(MILESTONES)
    page.goto(url, wait_until="commit")
    page.wait_for_function(DONE, polling=50)
    times: dict[str, float] = page.evaluate("window.__times")
    return {k: v / 1000 for k, v in times.items()}


def browser_times() -> list[tuple[str, float]]:
    if not Path("/usr/bin/chromium").exists():
        print("(skipped the browser timings: /usr/bin/chromium not found)")
        return []
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import launch
    from tests.e2e.conftest import _free_port, serve, voila_command

    out: list[tuple[str, float]] = []
    port = _free_port()
    server = serve(voila_command(port, preheat=True), "/voila/static/voila.js", port)
    url = next(server)
    try:
        with sync_playwright() as p:
            browser, ctx = launch(p)
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            start = f"{url}/voila/render/00_start_here.ipynb"
            time.sleep(4)  # the pool heats a kernel for each notebook
            cold = []
            for _ in range(3):
                time.sleep(8)  # let the pool heat the next kernel
                fresh_browser, fresh = launch(p)
                cold.append(_page_view(fresh.new_page(), start))
                fresh.close()
                fresh_browser.close()
            warm = []
            for _ in range(6):  # the first view only fills the browser's cache
                time.sleep(8)
                view = ctx.new_page()
                warm.append(_page_view(view, start))
                view.close()
            warm = warm[1:]
            for name, label in (("usable", "usable page (controls, codes, total)"),
                                ("chart", "chart drawn")):
                out.append((f"Voila 00_start_here: navigation to {label}, warm kernel, browser cache "
                            f"filled (median of {len(warm)}; target for usable < 1.5 s)",
                            statistics.median(v[name] for v in warm)))
                out.append((f"Voila 00_start_here: navigation to {label}, warm kernel, first view in "
                            f"a fresh browser (median of {len(cold)})",
                            statistics.median(v[name] for v in cold)))
            time.sleep(8)
            page.goto(start)
            page.wait_for_selector(".js-plotly-plot .yaxislayer-above text")
            # interaction: tissue rearrangement no/yes changes the codes drawn on the claim chart
            ms = _interactions(page, ("Tissue rearranged?", "no", "13101-RT"),
                               ("Tissue rearranged?", "yes", "14301-RT"), 0, ".yaxislayer-above")
            out.append((f"Voila 00 control change -> updated figure, median of {CHANGES} "
                        "(target < 50 ms)", statistics.median(ms) / 1000))
            out.append((f"Voila 00 control change -> updated figure, p95 of {CHANGES} "
                        "(target < 100 ms)", percentile(ms, 95) / 1000))
            # notebook 01: the year toggles redraw the value-gap chart (title holds the year)
            page.goto(f"{url}/voila/render/01_code_catalog.ipynb")
            page.locator(".js-plotly-plot .gtitle", has_text="The value gap").first.wait_for()
            # time changes once the page has drawn all three charts, not while it still draws them
            page.wait_for_function("""() => {
                const plots = [...document.querySelectorAll('.js-plotly-plot')];
                return plots.length >= 3 && plots.every(p => p.querySelector('.main-svg'));
            }""")
            page.wait_for_timeout(500)
            ms = _interactions(page, ("Year", "2019", "The value gap, 2019"),
                               ("Year", "2025", "The value gap, 2025"), 0, ".gtitle")
            out.append((f"Voila 01 year change -> updated value-gap figure, median of {CHANGES}",
                        statistics.median(ms) / 1000))
            out.append((f"Voila 01 year change -> updated value-gap figure, p95 of {CHANGES}",
                        percentile(ms, 95) / 1000))
            ctx.close()
            browser.close()
    finally:
        server.close()
    return out


def bench() -> list[tuple[str, float]]:
    """(label, seconds) of every workbook timing."""
    return notebook_times() + browser_times()


if __name__ == "__main__":
    for label, seconds in bench():
        shown = f"{seconds * 1000:10.1f} ms" if seconds < 1 else f"{seconds:10.2f} s "
        print(f"{shown}  {label}")
