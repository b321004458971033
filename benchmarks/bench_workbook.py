"""Timings of the workbook: each notebook executed headless, and the Voila app in a real browser.

    python benchmarks/bench_workbook.py        (or: python benchmarks/run.py --only workbook)

* notebook execution: nbclient, kernel start to last cell, each notebook (median of 3);
* Voila, with kernels kept warm (``--preheat_kernel=True --pool_size=1``, as ``make app``): from
  navigation start to a usable page (controls and the figure drawn), measured in the page with
  ``performance.now()`` (median of 3 page views);
* Voila interaction: from a control change to the updated figure in the DOM, measured in the page
  with ``performance.now()`` around a click until a MutationObserver sees the plotly chart show the
  new state; 20 changes each, median and 95th percentile.

Needs Debian's chromium at /usr/bin/chromium for the browser part.
"""

from __future__ import annotations

import statistics
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

# The page is usable when the panel shows its codes and its chart has been drawn.
USABLE = """() => {
  const ok = [...document.querySelectorAll('.fc-total')].some(e => e.textContent.includes('Codes:'))
    && document.querySelector('.js-plotly-plot .yaxislayer-above text');
  if (ok && !window.__usable) window.__usable = performance.now();
  return ok;
}"""


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
            client.execute()
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
            usable = []
            for i in range(4):  # the first view also waits for the pool to fill
                time.sleep(8 if i else 12)  # let the pool (re)heat a kernel
                page.goto(start)
                page.wait_for_function(USABLE, polling="raf")
                if i:
                    usable.append(page.evaluate("window.__usable") / 1000)
            out.append(("Voila 00_start_here: navigation to usable page, warm kernel pool "
                        "(median of 3; target < 1.5 s)", statistics.median(usable)))
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
