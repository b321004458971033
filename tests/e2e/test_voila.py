"""Notebook 00 as a Voila app: toggle tissue rearrangement and change the defect area, and check
that the shown codes and total match the engine's."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from flatclosure.catalog import load_catalog
from flatclosure.claims import PricingContext, price_claim

from .browser import READ_PAGE, change_until, money, shots_dir, type_into, whole_page_screenshot

pytestmark = pytest.mark.browser


def total_of(lines: list[str], year: int) -> str:
    on = load_catalog().date_for_year(year)
    return money(price_claim(lines, PricingContext(on)).total)


def test_start_page_prices_the_described_closure(voila_url: str, page: Any) -> None:
    year = max(load_catalog().gpci_years())  # the panel's default year
    t0 = time.time()
    page.goto(f"{voila_url}/voila/render/00_start_here.ipynb")
    codes = page.locator(".fc-total", has_text="Codes:").first
    total = page.locator(".fc-total", has_text="whole claim").first
    expect(codes).to_have_text("Codes: 14301-RT, 14301-LT", timeout=90_000)
    expect(total).to_contain_text(total_of(["14301-RT", "14301-LT"], year))
    page.locator(".js-plotly-plot").first.wait_for()
    whole_page_screenshot(page, shots_dir() / "voila-00_start_here.png")
    assert not page.get_by_text("surgery_panel()").is_visible()  # no code cells in the app

    # no tissue rearrangement: a complex repair of 7 cm a side, both sides added (CPT): 14 cm
    toggle = page.locator(".widget-hbox", has=page.locator(".fc-label",
                                                           has_text="Tissue rearranged?"))
    change_until(lambda: toggle.locator(".widget-toggle-button", has_text="no").click(),
                 lambda t: expect(codes).to_have_text("Codes: 13101, 13102x2", timeout=t))
    expect(total).to_contain_text(total_of(["13101", "13102x2"], year))

    # back to rearrangement, then 100 sq cm a side: 14301 and two add-on units of 14302
    change_until(lambda: toggle.locator(".widget-toggle-button", has_text="yes").click(),
                 lambda t: expect(codes).to_have_text("Codes: 14301-RT, 14301-LT", timeout=t))
    readout = page.locator(".widget-slider", has_text="Defect area per side").locator(
        ".widget-readout")
    want = ["14301-RT", "14302-RTx2", "14301-LT", "14302-LTx2"]
    change_until(lambda: type_into(page, readout, "100"),
                 lambda t: expect(codes).to_have_text("Codes: " + ", ".join(want), timeout=t))
    expect(total).to_contain_text(total_of(want, year))
    shown = page.evaluate(READ_PAGE)
    on = load_catalog().date_for_year(year)
    engine = price_claim(want, PricingContext(on))
    assert [r[0] for r in shown["tables"][0]] == want
    assert [r[3] for r in shown["tables"][0]] == [money(p.allowed) for p in engine.lines]
    whole_page_screenshot(page, shots_dir() / "voila-00_start_here-100sqcm.png")
    print(f"voila e2e {time.time() - t0:.1f} s")
