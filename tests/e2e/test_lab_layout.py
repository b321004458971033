"""Notebooks 00 and 01 in a real JupyterLab (file browser open) at 1280 and 1024 px: nothing that
can be measured overlaps or is cut off (tests/e2e/layout.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .browser import shots_dir, whole_page_screenshot
from .layout import layout_problems

pytestmark = pytest.mark.browser


def run_all(page: Any, lab_url: str, notebook: str) -> None:
    page.goto(f"{lab_url}/lab/tree/notebooks/{notebook}?reset")  # only this notebook open
    # the status bar, not the toolbar indicator: a Run All sent before this is silently dropped
    page.locator(".jp-StatusBar-TextItem",
                 has_text=re.compile(r"\(ipykernel\) \| Idle")).wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    # the notebook shown now (another notebook opened by an earlier test is in a hidden tab)
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot .gtitle").first.wait_for(
        timeout=120_000)
    page.locator(".jp-StatusBar-TextItem",
                 has_text=re.compile(r"\(ipykernel\) \| Idle")).wait_for(timeout=90_000)


def visible_problems(page: Any) -> list[str]:
    """Layout problems of every output, each scrolled into view first (Lab renders lazily)."""
    found: list[str] = []
    outputs = page.locator(".jp-OutputArea-output")
    for i in range(outputs.count()):
        outputs.nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        found += [p for p in layout_problems(page) if p not in found]
    return found


@pytest.mark.parametrize("notebook", ["00_start_here.ipynb", "01_code_catalog.ipynb"])
def test_lab_views_fit_at_1280_and_1024(lab_url: str, page: Any, notebook: str) -> None:
    run_all(page, lab_url, notebook)
    found = {}
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(1000)  # plotly relayouts on resize
        found[width] = visible_problems(page)
        whole_page_screenshot(page, shots_dir() / f"lab-{notebook[:2]}-{width}.png")
    print(f"{notebook}: {found}")
    assert found == {1280: [], 1024: []}
