"""Notebook 04 as a Voila app: move the yearly-volume slider past the break-even volume and check
that the shown conversion factor and the chart match the engine's."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from flatclosure.pool import statutory
from flatclosure.widgets.pool_view import default_inputs

from .browser import READ_PAGE, change_until, shots_dir, type_into, whole_page_screenshot

pytestmark = pytest.mark.browser

# The plotly chart whose title starts with ``prefix``: its traces as the browser holds them.
READ_PLOT = """(prefix) => {
  const p = [...document.querySelectorAll('.js-plotly-plot')].find(
      e => (e.layout?.title?.text || '').startsWith(prefix));
  return p ? p.data.map(t => ({name: t.name, x: [...(t.x || [])], y: [...(t.y || [])]})) : null;
}"""


def test_pool_slider_past_break_even_cuts_the_conversion_factor(voila_url: str, page: Any) -> None:
    start = default_inputs()
    before = statutory(start.scenario())
    t0 = time.time()
    page.goto(f"{voila_url}/voila/render/04_finite_rvu_pool.ipynb")
    cf = page.locator(".fc-total", has_text="Conversion factor:").first
    expect(cf).to_contain_text(f"${before.conversion_factor_before:.4f} → "
                               f"${before.conversion_factor_after:.4f} per RVU", timeout=90_000)
    assert not before.threshold_exceeded  # the preset stays under $20M: nothing moves
    page.locator(".js-plotly-plot").nth(1).wait_for()
    expect(page.get_by_text("Lens 2: family work neutrality (UNCONFIRMED)")).to_be_visible()
    expect(page.get_by_text("8,000 (illustrative)").first).to_be_attached()
    whole_page_screenshot(page, shots_dir() / "voila-04_finite_rvu_pool.png")
    assert not page.get_by_text("pool_view()").is_visible()  # no code cells in the app

    # 200,000 services a year: far past the break-even volume
    readout = page.locator(".widget-slider", has_text="Services a year").locator(".widget-readout")
    after = statutory(dataclasses.replace(start, volume=200_000.0).scenario())
    assert after.threshold_exceeded
    change_until(lambda: type_into(page, readout, "200000"),
                 lambda t: expect(cf).to_contain_text(
                     f"${after.conversion_factor_before:.4f} → "
                     f"${after.conversion_factor_after:.4f} per RVU", timeout=t))
    assert after.conversion_factor_after < after.conversion_factor_before
    # the charts follow the text within a moment (their own widget messages): wait for the cross
    page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')].some(
        e => (e.layout?.title?.text || '').startsWith('Change of the conversion factor')
             && e.data[2].y[0] === 200000)""", timeout=30_000)
    page.wait_for_function("""(want) => [...document.querySelectorAll('.js-plotly-plot')].some(
        e => (e.layout?.title?.text || '').startsWith('What each code is paid')
             && e.data[1].x[e.data[1].y.indexOf('19303 (mastectomy)')] === want)""",
                           arg=float(after.codes.set_index("code").loc["19303", "price_after"]),
                           timeout=30_000)
    prices = page.evaluate(READ_PLOT, "What each code is paid")
    statutory_bars = dict(zip(prices[1]["y"], prices[1]["x"], strict=True))
    engine = after.codes.set_index("code")
    assert "19303 (mastectomy)" in statutory_bars
    for label, shown_price in statutory_bars.items():  # every bar is the engine's price
        assert shown_price == engine.loc[label.split()[0], "price_after"], label
    heat = page.evaluate(READ_PLOT, "Change of the conversion factor")
    assert heat[2]["x"] == [start.rvu] and heat[2]["y"] == [200_000]  # the cross moved
    shown = page.evaluate(READ_PAGE)
    assert any("cannot stay work-neutral" in t for t in page.locator(".fc-error").all_inner_texts())
    assert shown["titles"]
    whole_page_screenshot(page, shots_dir() / "voila-04_finite_rvu_pool-200000.png")
    print(f"voila pool e2e {time.time() - t0:.1f} s")
