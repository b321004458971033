"""Notebook 02 as a Voila app: code a documented true transfer, state a distinct site, change the
defect area, and check that the shown codes, diagnoses, total, patient cost, claim table and
alternatives chart change to the engine's values (no 59/XS until a distinctness is stated); the
card is a browser download; a link reopens the view; nothing overlaps or is cut at 1280 and
1024 px."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from flatclosure.catalog import load_catalog
from flatclosure.claims import PricingContext
from flatclosure.coverage import PROVIDERS, medicare_patient_cost
from flatclosure.labels import CLOSURE_AS, DISTINCTNESS
from flatclosure.protocol import Procedure, ProtocolResult, recommend

from .browser import READ_BARS, change_until, money, shots_dir, type_into, whole_page_screenshot
from .layout import layout_problems
from .test_lab_layout import visible_problems

pytestmark = pytest.mark.browser


CLAIM_ROWS = """() => [...document.querySelectorAll('table.fc-table')]
  .filter(t => (t.caption || {}).textContent?.startsWith('The claim, line by line'))
  .map(t => [...t.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim())))[0]"""


def expected(locality: str | None = None, **changes: Any) -> ProtocolResult:
    """The engine's recommendation for the view's defaults (year with GPCIs, 19303, both sides,
    45 sq cm and 7 cm a side, same surgeon), with ``changes``."""
    cat = load_catalog()
    base = dict(mastectomy_code="19303", defect_area_cm2=45.0, repair_length_cm=7.0,
                layered_closure=True)
    return recommend(Procedure(**{**base, **changes}),
                     PricingContext(cat.date_for_year(cat.default_year()), locality=locality))


def open_protocol(page: Any, base: str, query: str = "") -> None:
    page.goto(f"{base}/voila/render/02_coding_protocol.ipynb{query}")
    page.locator(".fc-total", has_text="Codes:").first.wait_for(timeout=120_000)


def show_tab(page: Any, title: str) -> None:
    page.locator(".fc-details .lm-TabBar-tab", has_text=title).first.click()
    page.wait_for_timeout(500)


def codes_text(result: ProtocolResult) -> str:
    return "Codes: " + ", ".join(ln.line for ln in result.lines)


def test_protocol_app_follows_tissue_rearrangement_and_defect_area(voila_url: str,
                                                                     page: Any) -> None:
    t0 = time.time()
    open_protocol(page, voila_url)
    codes = page.locator(".fc-total", has_text="Codes:").first
    total = page.locator(".fc-total", has_text="whole claim").first
    first = expected()
    expect(codes).to_have_text(codes_text(first), timeout=90_000)
    expect(total).to_contain_text(money(first.total))
    # what the patient pays beside the allowed amount: Original Medicare, participating surgeon
    cost = medicare_patient_cost(first.total, first.context.on)
    expect(page.locator("table.fc-cost")).to_contain_text(money(cost.patient_pays))
    show_tab(page, "Alternatives")
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
    claim = page.evaluate(CLAIM_ROWS)
    assert [r[0] for r in claim] == [ln.line for ln in big.lines]
    assert [r[5] for r in claim] == [money(ln.allowed) for ln in big.lines]
    # the chart is redrawn after the totals and tables are shown (numbers first, issue 15)
    page.wait_for_function(f"(t) => ({READ_BARS})(0)?.x[0] === t", arg=big.total, timeout=30_000)
    bars = page.evaluate(READ_BARS, 0)  # the alternatives chart: the recommended claim's bar
    assert bars["x"][0] == big.total

    # the assumptions behind the claim are one click away
    page.locator(".fc-more").get_by_text("More pricing options and assumptions").click()
    expect(page.get_by_text("switch off to price without it").first).to_be_visible()

    # the card is a browser download (a data: URL), no server path on the page
    page.locator(".fc-card-button").click()
    link = page.locator("a[download]", has_text="protocol_card_")
    expect(link).to_be_visible(timeout=30_000)
    assert (link.get_attribute("href") or "").startswith("data:text/html;base64,")
    assert "written to" not in page.inner_text("body")
    whole_page_screenshot(page, shots_dir() / "voila-02_coding_protocol-100sqcm.png")
    print(f"voila 02 e2e {time.time() - t0:.1f} s")


def test_a_link_reopens_the_protocol_view(voila_url: str, page: Any) -> None:
    query = ("?closure_as=true_transfer&sides=left&locality=01182:18"
             "&provider=non_participating&deductible_met=100&colour=red")
    open_protocol(page, voila_url, query)
    want = expected(locality="01182:18", closure_as="true_transfer", sides="left")
    expect(page.locator(".fc-total", has_text="Codes:").first).to_have_text(codes_text(want),
                                                                          timeout=60_000)
    expect(page.locator(".fc-total", has_text="whole claim").first).to_contain_text(
        money(want.total))
    # a dropdown's <option value> is its label
    assert page.locator(".fc-closure-as select").input_value() == CLOSURE_AS["true_transfer"]
    assert page.locator(".fc-provider select").input_value() == PROVIDERS["non_participating"]
    assert "01182:18" in page.locator(".fc-locality input").input_value()
    cost = medicare_patient_cost(want.total, want.context.on, "non_participating", 100)
    expect(page.locator("table.fc-cost")).to_contain_text(money(cost.patient_pays))
    expect(page.get_by_text("Ignored from the link: 'colour' is not a setting")).to_be_visible()
    href = page.locator("a.fc-permalink").first.get_attribute("href") or ""
    assert "closure_as=true_transfer" in href and "locality=01182%3A18" in href
    assert "colour" not in href
    page.screenshot(path=str(shots_dir() / "voila-02-link.png"), full_page=False)


def test_protocol_view_fits_at_1280_and_1024(voila_url: str, page: Any) -> None:
    open_protocol(page, voila_url)
    found: dict[str, list[str]] = {}
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        for tab in ("Alternatives", "Why these codes"):
            show_tab(page, tab)
            page.wait_for_timeout(800)  # plotly relayouts on resize
            found[f"{width} {tab}"] = layout_problems(page)
            whole_page_screenshot(page, shots_dir() / f"voila-02-{width}-{tab[:3].lower()}.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    print(f"02 layout: {found}")
    assert all(problems == [] for problems in found.values()), found


def run_in_lab(page: Any, lab_url: str) -> None:
    """Open notebook 02 alone in JupyterLab and run it (its chart waits in a closed tab)."""
    page.goto(f"{lab_url}/lab/tree/notebooks/02_coding_protocol.ipynb?reset")
    idle = page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\(ipykernel\) \| Idle"))
    idle.wait_for(timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .fc-total", has_text="Codes:").first.wait_for(
        timeout=120_000)
    idle.wait_for(timeout=90_000)


def test_lab_protocol_view_fits_at_1280_and_1024(lab_url: str, page: Any) -> None:
    run_in_lab(page, lab_url)
    show_tab(page, "Alternatives")
    found = {}
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(1000)  # plotly relayouts on resize
        found[width] = visible_problems(page)
        whole_page_screenshot(page, shots_dir() / f"lab-02-{width}.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    print(f"02 in Lab: {found}")
    assert found == {1280: [], 1024: []}
