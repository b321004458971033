"""Notebook 01 in a real JupyterLab: Run All, change the year and the family, and check that the
shown table and chart change to the engine's values."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from flatclosure.catalog import load_catalog
from flatclosure.fees import price

from .browser import READ_PAGE, money, shots_dir

pytestmark = pytest.mark.browser


def row(tables: list[list[list[str]]], code: str) -> list[str]:
    """The first table row (of the code table, the first fc-table) for ``code``."""
    return next(r for r in tables[0] if r[0] == code)


def test_catalog_notebook_follows_the_year_and_family(lab_url: str, page: Any) -> None:
    cat = load_catalog()
    t0 = time.time()
    page.goto(f"{lab_url}/lab/tree/notebooks/01_code_catalog.ipynb")
    # the status bar, not the toolbar indicator: a Run All sent before this is silently dropped
    page.locator(".jp-StatusBar-TextItem",
                 has_text=re.compile(r"\(ipykernel\) \| Idle")).wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    latest = max(cat.gpci_years())  # the workbook's default year
    gap_title = page.locator(".js-plotly-plot .gtitle", has_text="The value gap").first
    expect(gap_title).to_contain_text(f"The value gap, {latest}", timeout=90_000)
    before = page.evaluate(READ_PAGE)
    on = cat.date_for_year(latest)
    assert row(before["tables"], "19303")[5] == money(price("19303", on).price or 0)
    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots_dir() / "lab-01_code_catalog.png"))

    # the year: 2019's table and chart
    page.locator(".widget-toggle-button", has_text=re.compile(r"^\s*2019\s*$")).first.click()
    expect(gap_title).to_contain_text("The value gap, 2019", timeout=30_000)
    after = page.evaluate(READ_PAGE)
    on19 = cat.date_for_year(2019)
    assert row(after["tables"], "19303")[5] == money(price("19303", on19).price or 0)
    assert row(after["tables"], "14301")[3] == f"{cat.values('14301', on19).work_rvu:.2f}"
    assert row(after["tables"], "19303")[5] != row(before["tables"], "19303")[5]
    bars = page.evaluate("""() => {
        const p = [...document.querySelectorAll('.js-plotly-plot')].find(
            e => (e.layout?.title?.text || '').startsWith('The value gap'));
        return Object.fromEntries(p.data[2].y.map((y, i) => [y, p.data[2].x[i]]));
    }""")
    assert bars["19307 (mastectomy)"] == price("19307", on19).price

    # the family: the table keeps only mastectomy codes, the trend draws them
    page.locator(".widget-dropdown select").first.select_option(label="Mastectomy")
    expect(page.locator(".js-plotly-plot .gtitle", has_text="mastectomy").first).to_be_visible()
    fam = page.evaluate(READ_PAGE)
    assert [r[0] for r in fam["tables"][0]] == cat.family("mastectomy")
    page.screenshot(path=str(shots_dir() / "lab-01_code_catalog-2019-mastectomy.png"),
                    full_page=True)
    print(f"lab e2e {time.time() - t0:.1f} s")
