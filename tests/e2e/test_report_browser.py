"""The HTML report opens in a real Chromium with no console errors, and its table reads back
as the engine's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flatclosure.report import write_html
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
