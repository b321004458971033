"""The HTML report opens in a real Chromium with no console errors, and its table reads back
as the engine's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Dialog

from flatclosure.outputs.report import write_html
from flatclosure.scenarios import compare, presets

from .browser import shots_dir

pytestmark = pytest.mark.browser


def money(v: float) -> str:
    return "n/a" if v != v else f"${v:,.2f}"


def test_html_report_opens_without_errors(page: Any, tmp_path: Path) -> None:
    scenarios = [s for s in presets() if s.name in (
        "01_mastectomy_reference", "03_advocates_initial_plastic_surgeon", "10_new_afc_code")]
    table = compare(scenarios, years=[2024, 2025, 2026], localities=[None, "01182:18"],
                    baseline="01_mastectomy_reference")
    path = write_html(table, scenarios, tmp_path / "report.html", "01_mastectomy_reference")
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3")
    cells = page.eval_on_selector_all(
        "table.comparison tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    page.screenshot(path=str(shots_dir() / "report.png"), full_page=True)
    assert problems == []
    assert [c[4] for c in cells] == [money(v) for v in table["total"]]
    assert [c[0] for c in cells] == list(table["scenario"])


def test_hostile_scenario_text_never_runs_in_the_report(page: Any, tmp_path: Path) -> None:
    """A shared scenario's title closing the figure script (issue 11, item 1): no dialog opens,
    the figures still draw, and the title reads back as the text it is."""
    from flatclosure.scenarios import from_dict

    title = "</script><script>alert(1)</script>"
    hostile = from_dict({"title": title, "description": "<img src=x onerror=alert(2)>",
                         "reference": "<svg onload=alert(3)>", "lines": ["19303-50"],
                         "valuation": {"year": 2025}}, "hostile")
    table = compare([hostile], years=[2024, 2025], localities=[None])
    path = write_html(table, [hostile], tmp_path / "hostile.html")
    dialogs: list[str] = []

    def record_and_dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_and_dismiss)
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 2",
                           timeout=60_000)
    page.wait_for_timeout(500)
    titles = page.eval_on_selector_all("table.comparison tbody tr",
                                       "rows => rows.map(r => r.cells[1].textContent)")
    assert dialogs == []
    assert titles == [title, title]
    assert page.locator("img[src=x]").count() == 0
