"""Playwright helpers for Debian's chromium (never `playwright install`), shared by the e2e tests
and benchmarks/bench_workbook.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]


def shots_dir() -> Path:
    """Where screenshots go: $SHOTS_DIR, else artifacts/screenshots in the repository."""
    path = Path(os.environ.get("SHOTS_DIR") or ROOT / "artifacts" / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def launch(p: Any) -> Any:
    """A headless chromium context with a fresh profile and a laptop-sized window."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    return browser, browser.new_context(viewport={"width": 1280, "height": 900})


# Reads a workbook page: every fc-table as rows of cell texts, the plotly chart titles, the
# total line and the codes line of the surgery panel.
READ_PAGE = """() => {
  const tables = [...document.querySelectorAll('table.fc-table')].map(t =>
    [...t.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim())));
  const titles = [...document.querySelectorAll('.js-plotly-plot .gtitle')].map(t => t.textContent);
  const totals = [...document.querySelectorAll('.fc-total')].map(t => t.textContent.trim());
  return {tables, titles, totals};
}"""

# The x values of the bars of the first trace of the n-th plotly chart, as the browser holds them.
READ_BARS = """(n) => {
  const plot = document.querySelectorAll('.js-plotly-plot')[n];
  return plot && plot.data ? {x: [...plot.data[0].x], y: [...plot.data[0].y]} : null;
}"""


def money(value: float) -> str:
    return f"${value:,.2f}"


def whole_page_screenshot(page: Any, path: Path) -> None:
    """A screenshot of the whole app, also where an inner element scrolls (Voila's lab template):
    the window is made as tall as the tallest scrolling content for the shot."""
    size = page.viewport_size
    height = page.evaluate("""() => {
        const cells = [...document.querySelectorAll('.jp-Cell')];
        const bottoms = cells.map(e => e.getBoundingClientRect().bottom);
        const scroller = [...document.querySelectorAll('*')].find(
            e => e.scrollTop > 0 || (e.scrollHeight > e.clientHeight + 10
                 && getComputedStyle(e).overflowY.match(/auto|scroll/)));
        return Math.max(window.innerHeight, ...bottoms) + (scroller ? scroller.scrollTop : 0);
    }""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(300)  # plotly relayouts on resize
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def change_until(action: Callable[[], object], check: Callable[[float], None], tries: int = 3,
                 timeout_ms: float = 15_000) -> int:
    """Make a control change, then wait for what it must show; make it again if it does not show.

    Voila can drop a change made while its widget views are still wiring up (seen once in 14 runs,
    shared jupyter-recipe, section 2). Every change the tests make is idempotent (pick a value,
    type a number), so repeating it is safe. Returns the attempt that worked.
    """
    for attempt in range(1, tries + 1):
        action()
        try:
            check(timeout_ms)
            return attempt
        except AssertionError:
            if attempt == tries:
                raise
    return tries


def type_into(page: Any, readout: Any, text: str) -> None:
    """Replace a slider's readout with ``text`` and press Enter, as a person would."""
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")
