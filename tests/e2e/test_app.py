"""The Voila app as `make app` runs it (voila.json): its start page, links that reproduce a view,
kernels given back after pages close, and layout measured at 1280 and 1024 px."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from playwright.sync_api import expect

from flatclosure.catalog import load_catalog
from flatclosure.fees import price

from .browser import ROOT, money, shots_dir, whole_page_screenshot
from .conftest import _free_port, need_chromium, serve_process, voila_command
from .layout import layout_problems, png_difference

pytestmark = pytest.mark.browser
REFERENCE = Path(__file__).resolve().parent / "reference"
CULL = ["--MappingKernelManager.cull_idle_timeout=10", "--MappingKernelManager.cull_interval=2"]


@pytest.fixture(scope="module")
def app() -> Iterator[tuple[str, Any]]:
    """The app with its real settings (voila.json), culling shortened for the test."""
    need_chromium()
    port = _free_port()
    yield from serve_process(voila_command(port, preheat=True) + CULL, "/voila/static/voila.js",
                             port)


def kernels(server: Any) -> int:
    """The kernels of a Voila server: its live ipykernel child processes (Voila's API lists
    none); a kernel that has just exited (a zombie until reaped, or gone) is not counted."""
    count = 0
    for child in psutil.Process(server.pid).children():
        try:
            count += any("ipykernel" in part for part in child.cmdline())
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            continue
    return count


def wait_kernels(server: Any, want: int, timeout: float) -> float:
    t0 = time.time()
    while time.time() - t0 < timeout:
        if kernels(server) == want:
            return time.time() - t0
        time.sleep(1)
    raise AssertionError(f"{kernels(server)} kernels after {timeout} s, not {want}")


def open_view(page: Any, base: str, notebook: str, query: str = "") -> None:
    page.goto(f"{base}/voila/render/{notebook}{query}")
    page.locator(".js-plotly-plot .gtitle").first.wait_for(timeout=120_000)
    page.wait_for_timeout(500)  # plotly finishes its layout


def test_start_page_answers_the_questions(app: tuple[str, Any], page: Any) -> None:
    base, _ = app
    page.goto(base + "/")  # the app opens on its start page, not on a list of files
    # the redirect commits once the page's warm kernel answers: slow while the pool first fills
    expect(page).to_have_url(re.compile(r"/voila/render/index\.ipynb$"), timeout=150_000)
    rows = page.locator("table.fc-questions tr")
    expect(rows).to_have_count(5, timeout=120_000)
    cat = load_catalog()
    on = cat.date_for_year(cat.default_year())
    first = rows.nth(0).inner_text()
    assert money(price("14301", on).price or 0) in first
    assert money(price("19303", on).price or 0) in first
    assert rows.nth(0).locator("a").get_attribute("href") == "01_code_catalog.ipynb"
    assert page.locator("abbr.fc-term", has_text="GPCI").count() >= 1
    assert page.locator("#glossary").is_visible()
    page.screenshot(path=str(shots_dir() / "app-index.png"), full_page=True)


def test_a_link_reopens_the_view_and_names_what_it_ignores(app: tuple[str, Any],
                                                           page: Any) -> None:
    base, _ = app
    open_view(page, base, "01_code_catalog.ipynb", "?year=2021&family=mastectomy&colour=red")
    expect(page.locator(".js-plotly-plot .gtitle", has_text="The value gap").first).to_contain_text(
        "2021", timeout=60_000)
    expect(page.get_by_text("Ignored from the link: 'colour' is not a setting")).to_be_visible()
    href = page.locator("a.fc-permalink").first.get_attribute("href")
    assert href == "?year=2021&family=mastectomy"
    page.locator(".widget-toggle-button", has_text=re.compile(r"^\s*2023\s*$")).first.click()
    expect(page.locator("a.fc-permalink").first).to_have_attribute(
        "href", "?year=2023&family=mastectomy", timeout=30_000)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("button.fc-copy").first.click()
    expect(page.locator("button.fc-copy").first).to_have_text("Link copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.endswith("/voila/render/01_code_catalog.ipynb?year=2023&family=mastectomy")

    open_view(page, base, "00_start_here.ipynb", "?setting=office&claim=with_mastectomy&area=0")
    # an impossible combination from a link: the error names the control, old results greyed
    expect(page.locator(".fc-error")).to_contain_text("Change “Setting”.", timeout=60_000)
    expect(page.get_by_text("area=0 is outside")).to_be_visible()
    assert page.locator(".fc-stale").count() >= 3


@pytest.mark.parametrize("notebook", ["00_start_here.ipynb", "01_code_catalog.ipynb"])
def test_views_fit_at_1280_and_1024(app: tuple[str, Any], page: Any, notebook: str) -> None:
    base, _ = app
    open_view(page, base, notebook)
    found = {}
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(800)  # plotly relayouts on resize
        found[width] = layout_problems(page)
        whole_page_screenshot(page, shots_dir() / f"app-{notebook[:2]}-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(800)
    # the reference: the window at 1280 x 900 px scrolled to the view's controls
    page.locator(".jp-OutputArea-output:has(.widget-vbox)").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    shot = page.screenshot(animations="disabled")
    reference = REFERENCE / f"voila-{notebook[:2]}-1280.png"
    if os.environ.get("UPDATE_REFERENCE") == "1" or not reference.exists():
        reference.parent.mkdir(exist_ok=True)
        reference.write_bytes(shot)
    diff = png_difference(page, reference.read_bytes(), shot)
    print(f"{notebook}: layout {found}; differs from reference {diff}")
    assert found == {1280: [], 1024: []}
    assert diff["size"][:2] == diff["size"][2:] and diff["differ"] < 0.03, diff


def test_closed_pages_give_back_their_kernels(app: tuple[str, Any], page: Any) -> None:
    base, server = app
    pool = len(list((ROOT / "notebooks").glob("*.ipynb")))  # one warm kernel per notebook
    waited = wait_kernels(server, pool, 180)
    peak = pool
    for i in range(10):
        view = page.context.new_page()
        open_view(view, base, ("00_start_here.ipynb", "01_code_catalog.ipynb")[i % 2])
        peak = max(peak, kernels(server))
        view.close()
    t0 = time.time()
    back = wait_kernels(server, pool, 240)
    print(f"pool {pool} ready after {waited:.0f} s; peak {peak} kernels during 10 page views; "
          f"back to {pool} {back:.0f} s after the last page closed ({time.time() - t0:.0f} s)")
    assert peak > pool
