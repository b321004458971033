"""Notebook 04 as a Voila app: the three paths first (drive the revaluation and the new code's
volume and check the table and verdict against the engine), then open the folded statutory
detail and check the charts follow."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from flatclosure.present.formatting import fmt_money
from flatclosure.widgets.pool_inputs import default_inputs, pool_outcome
from flatclosure.widgets.pool_view import DETAIL_TITLES

from .browser import READ_PAGE, change_until, shots_dir, type_into, whole_page_screenshot

pytestmark = pytest.mark.browser

# The plotly chart whose title starts with ``prefix``: its traces as the browser holds them.
READ_PLOT = """(prefix) => {
  const p = [...document.querySelectorAll('.js-plotly-plot')].find(
      e => (e.layout?.title?.text || '').startsWith(prefix));
  return p ? p.data.map(t => ({name: t.name, x: [...(t.x || [])], y: [...(t.y || [])]})) : null;
}"""


def _number_box(page: Any, label: str) -> Any:
    return page.locator(".widget-text", has_text=label).locator("input").first


def _set_number(page: Any, label: str, value: str) -> None:
    box = _number_box(page, label)
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def test_three_paths_then_the_detail(voila_url: str, page: Any) -> None:
    start = default_inputs()
    first = pool_outcome(start).paths
    t0 = time.time()
    page.goto(f"{voila_url}/voila/render/04_finite_rvu_pool.ipynb")
    table = page.locator("table.fc-paths").first
    expect(table).to_contain_text("(c) Revalue existing codes", timeout=90_000)
    for p in first.paths:  # every path's figures, as the engine computes them
        expect(table).to_contain_text(fmt_money(p.flat_closure_paid))
        expect(table).to_contain_text(fmt_money(p.added_spending))
    expect(page.get_by_text("Revaluing costs 6.1 times what the new code costs")).to_be_visible()
    expect(page.get_by_text("$36.0896 to $32.4085 (−10.20%)", exact=False)).to_be_visible()
    assert not page.get_by_text("pool_view()").is_visible()  # no code cells in the app
    whole_page_screenshot(page, shots_dir() / "voila-04_finite_rvu_pool.png")

    # revalue 14301 to 15.40 work RVU: the revaluation column follows the engine
    revalued = pool_outcome(dataclasses.replace(start, revalue_work_rvu=15.4)).paths
    want = fmt_money(revalued.path("revalue").added_spending)
    change_until(lambda: _set_number(page, "Its new work RVU", "15.4"),
                 lambda t: expect(table).to_contain_text(want, timeout=t))

    # 200,000 flat closures a year: the new code's column and the year panel follow
    readout = page.locator(".widget-slider", has_text="Flat closures a year").locator(
        ".widget-readout")
    big = dataclasses.replace(start, revalue_work_rvu=15.4, volume=200_000.0)
    after = pool_outcome(big)
    stat = after.statutory
    new = after.paths.path("new_code")  # the path's CF: its claim's spending, not the map's lens
    cf_words = (f"${new.conversion_factor_before:.4f} → ${new.conversion_factor_after:.4f}")
    change_until(lambda: type_into(page, readout, "200000"),
                 lambda t: expect(table).to_contain_text(
                     fmt_money(after.paths.path("new_code").added_spending), timeout=t))
    expect(page.locator(".fc-note", has_text="(b) A new flat-closure code: Conversion factor")
           .first).to_contain_text(cf_words)

    # the folded detail: open the statutory lens, its charts are the engine's
    page.get_by_text(DETAIL_TITLES[1]).click()
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].some(
        e => (e.layout?.title?.text || '').startsWith('Change of the conversion factor')
             && e.data[2].y[0] === 200000)""", timeout=60_000)
    page.wait_for_function("""(want) => [...document.querySelectorAll('.js-plotly-plot')].some(
        e => (e.layout?.title?.text || '').startsWith('What each code is paid')
             && e.data[1].x[e.data[1].y.indexOf('19303 (mastectomy)')] === want)""",
                           arg=float(stat.codes.set_index("code").loc["19303", "price_after"]),
                           timeout=60_000)
    prices = page.evaluate(READ_PLOT, "What each code is paid")
    engine = stat.codes.set_index("code")
    for label, shown_price in zip(prices[1]["y"], prices[1]["x"], strict=True):
        assert shown_price == engine.loc[label.split()[0], "price_after"], label
    heat = page.evaluate(READ_PLOT, "Change of the conversion factor")
    assert heat[2]["x"] == [start.rvu] and heat[2]["y"] == [200_000]
    assert heat[1]["name"] == "the CF moves by one cent per RVU"

    page.get_by_text(DETAIL_TITLES[2]).click()  # the family lens says what it cannot do
    expect(page.locator(".fc-error", has_text="cannot stay work-neutral").first).to_be_visible(
        timeout=30_000)
    assert page.evaluate(READ_PAGE)["titles"]
    whole_page_screenshot(page, shots_dir() / "voila-04_finite_rvu_pool-200000.png")
    print(f"voila pool e2e {time.time() - t0:.1f} s")


def test_a_link_opens_the_paths_as_shown_and_the_page_fits(voila_url: str, page: Any) -> None:
    from .layout import layout_problems

    # ?volume=5000&rvu=30: (b) AFC01-50 = 30 x 32.3465 x 1.5 = $1,455.59 against $1,273.65:
    # +$181.94 x 5,000 = $909,700.00 a year (pool_view's unit test computes the same)
    page.goto(f"{voila_url}/voila/render/04_finite_rvu_pool.ipynb?volume=5000&rvu=30&colour=red")
    table = page.locator("table.fc-paths").first
    expect(table).to_contain_text("$909,700.00", timeout=120_000)
    expect(page.get_by_text("Ignored from the link: 'colour' is not a setting")).to_be_visible()
    href = page.locator("a.fc-permalink").first.get_attribute("href") or ""
    assert "rvu=30&volume=5000" in href and "colour" not in href
    assert page.locator("abbr.fc-term", has_text="budget neutrality").count() >= 1
    assert "research notes" not in page.content()
    found = {}
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(800)  # plotly relayouts on resize
        found[width] = layout_problems(page)
        whole_page_screenshot(page, shots_dir() / f"voila-04-link-{width}.png")
    assert found == {1280: [], 1024: []}
