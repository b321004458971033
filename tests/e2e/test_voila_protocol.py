"""Notebook 02 as a Voila app: code a documented true transfer, state a distinct site, change the
defect area, and check that the shown codes, diagnoses, total, claim table and alternatives
chart change to the engine's values (no 59/XS until a distinctness is stated)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from flatclosure.catalog import load_catalog
from flatclosure.claims import PricingContext
from flatclosure.labels import CLOSURE_AS, DISTINCTNESS
from flatclosure.protocol import Procedure, ProtocolResult, recommend

from .browser import READ_BARS, READ_PAGE, change_until, money, shots_dir, type_into, whole_page_screenshot

pytestmark = pytest.mark.browser


def expected(**changes: Any) -> ProtocolResult:
    """The engine's recommendation for the view's defaults (year with GPCIs, 19303, both sides,
    45 sq cm and 7 cm a side, same surgeon), with ``changes``."""
    cat = load_catalog()
    base = dict(mastectomy_code="19303", defect_area_cm2=45.0, repair_length_cm=7.0,
                layered_closure=True)
    return recommend(Procedure(**{**base, **changes}),
                     PricingContext(cat.date_for_year(cat.default_year())))


def codes_text(result: ProtocolResult) -> str:
    return "Codes: " + ", ".join(ln.line for ln in result.lines)


def test_protocol_app_follows_tissue_rearrangement_and_defect_area(voila_url: str,
                                                                     page: Any) -> None:
    t0 = time.time()
    page.goto(f"{voila_url}/voila/render/02_coding_protocol.ipynb")
    codes = page.locator(".fc-total", has_text="Codes:").first
    total = page.locator(".fc-total", has_text="whole claim").first
    first = expected()
    expect(codes).to_have_text(codes_text(first), timeout=90_000)
    expect(total).to_contain_text(money(first.total))
    page.locator(".js-plotly-plot").first.wait_for()
    whole_page_screenshot(page, shots_dir() / "voila-02_coding_protocol.png")
    assert not page.get_by_text("protocol_view()").is_visible()  # no code cells in the app

    # the same surgeon's closure in the mastectomy incision is included: no 59/XS
    assert codes_text(first) == "Codes: 19303-50"
    expect(page.locator("table.fc-table", has_text="Left off the claim")).to_contain_text("14301")
    expect(page.locator("table.fc-table", has_text="Diagnoses")).to_contain_text("C50.912")

    # a documented true tissue transfer: the transfer lines, still without 59/XS
    transfer = expected(closure_as="true_transfer")
    closure_as = page.locator(".fc-closure-as select")
    change_until(lambda: closure_as.select_option(label=CLOSURE_AS["true_transfer"]),
                 lambda t: expect(codes).to_have_text(codes_text(transfer), timeout=t))
    assert codes_text(transfer) == "Codes: 19303-50, 14301-RT, 14301-LT"
    expect(total).to_contain_text(money(transfer.total))

    # back to the rules' coding, a stated separate site, then 100 sq cm a side
    change_until(lambda: closure_as.select_option(label=CLOSURE_AS["protocol"]),
                 lambda t: expect(codes).to_have_text(codes_text(first), timeout=t))
    distinct = expected(distinctness="separate_site")
    distinctness = page.locator(".fc-distinctness select")
    change_until(lambda: distinctness.select_option(label=DISTINCTNESS["separate_site"]),
                 lambda t: expect(codes).to_have_text(codes_text(distinct), timeout=t))
    readout = page.locator(".fc-defect-area-cm2 .widget-readout")
    big = expected(distinctness="separate_site", defect_area_cm2=100.0)
    change_until(lambda: type_into(page, readout, "100"),
                 lambda t: expect(codes).to_have_text(codes_text(big), timeout=t))
    assert "14302-RT-XSx2" in codes_text(big)
    expect(total).to_contain_text(money(big.total))
    shown = page.evaluate(READ_PAGE)
    claim = shown["tables"][0]
    assert [r[0] for r in claim] == [ln.line for ln in big.lines]
    assert [r[5] for r in claim] == [money(ln.allowed) for ln in big.lines]
    # the chart is redrawn after the totals and tables are shown (numbers first, issue 15)
    page.wait_for_function(f"(t) => ({READ_BARS})(0)?.x[0] === t", arg=big.total, timeout=30_000)
    bars = page.evaluate(READ_BARS, 0)  # the alternatives chart: the recommended claim's bar
    assert bars["x"][0] == big.total

    # the assumptions behind the claim are one click away
    page.locator(".fc-more").get_by_text("More pricing options and assumptions").click()
    expect(page.get_by_text("switch off to price without it").first).to_be_visible()

    # the card button writes the card next to the notebook and links it
    page.locator(".fc-card-button").click()
    expect(page.locator("a[download]", has_text="protocol_card_")).to_be_visible(timeout=30_000)
    whole_page_screenshot(page, shots_dir() / "voila-02_coding_protocol-100sqcm.png")
    print(f"voila 02 e2e {time.time() - t0:.1f} s")
