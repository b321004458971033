"""Notebook 03 as a Voila app: pay every scenario at HCCI's commercial average, then change the
year, and check that the shown totals are the engine's."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from flatclosure import scenarios
from flatclosure.claims import payment_parameters
from flatclosure.widgets.scenario_compare import DEFAULT_BASELINE, DEFAULT_PRESETS

from .browser import READ_PAGE, change_until, money, shots_dir, whole_page_screenshot
from .layout import layout_problems

pytestmark = pytest.mark.browser


def engine_rows(year: int, multiplier: float | None = None) -> list[tuple[str, str]]:
    """(title, total as shown) of the default presets in ``year``, national, from the engine."""
    known = {s.name: s for s in scenarios.presets()}
    chosen = [known[n] for n in DEFAULT_PRESETS]
    if multiplier is not None:
        chosen = [replace(s, valuation=replace(s.valuation, payer_multiplier=multiplier))
                  for s in chosen]
    table = scenarios.compare(chosen, years=[year], localities=[None], baseline=DEFAULT_BASELINE)
    return [(str(r.title) + (" *" if r.illustrative else ""), money(r.total))
            for r in table.itertuples()]


def shown_rows(page: Any) -> list[tuple[str, str]]:
    rows = page.evaluate(READ_PAGE)["tables"][0]  # the year's table comes first
    return [(r[0], r[4]) for r in rows]


def test_scenarios_follow_the_payer_and_the_year(voila_url: str, page: Any) -> None:
    t0 = time.time()
    page.goto(f"{voila_url}/voila/render/03_reimbursement_scenarios.ipynb")
    caption = page.locator("table.fc-table caption", has_text="What each scenario pays").first
    expect(caption).to_contain_text("What each scenario pays, 2025", timeout=90_000)
    page.locator(".js-plotly-plot").first.wait_for()
    want = engine_rows(2025)
    assert shown_rows(page) == want
    assert want[0] == ("Mastectomy alone, both sides (reference)", "$1,410.47")  # 940.31 x 150%
    assert not page.get_by_text("scenario_view()").is_visible()  # no code cells in the app
    whole_page_screenshot(page, shots_dir() / "voila-03_reimbursement_scenarios.png")

    # every scenario paid at the HCCI national average multiple of Medicare
    average = payment_parameters()["commercial_multiplier_average"]
    want = engine_rows(2025, average)
    first = page.locator("table.fc-table").first.locator("tbody tr").first.locator("td").nth(4)
    change_until(lambda: page.locator(".widget-button",
                                      has_text=f"HCCI national average ×{average:.2f}").click(),
                 lambda t: expect(first).to_have_text(want[0][1], timeout=t))
    assert shown_rows(page) == want
    bars_of = """() => {
        const p = [...document.querySelectorAll('.js-plotly-plot')].find(
            e => (e.layout?.title?.text || '').startsWith('What each scenario pays'));
        return p.data[0].y;
    }"""
    # the chart is redrawn after the table is shown (numbers first, issue 15): wait for it
    first_total = float(want[0][1].lstrip("$").replace(",", ""))
    page.wait_for_function(f"(t) => Math.abs(({bars_of})()[0] - t) < 0.005", arg=first_total,
                           timeout=30_000)
    bars = page.evaluate(bars_of)
    assert [money(v) for v in bars] == [t for _, t in want]

    # the year of the bars and the table
    year = page.locator(".widget-dropdown", has_text="Year of bars and table").locator("select")
    change_until(lambda: year.select_option("2020"),
                 lambda t: expect(caption).to_contain_text("What each scenario pays, 2020", timeout=t))
    assert shown_rows(page) == engine_rows(2020, average)
    whole_page_screenshot(page, shots_dir() / "voila-03_reimbursement_scenarios-2020-hcci.png")
    print(f"voila scenarios e2e {time.time() - t0:.1f} s")


def test_files_come_by_upload_and_leave_as_downloads(voila_url: str, page: Any) -> None:
    """No path box in the app (issue 11, items 2 and 3): a scenario file is uploaded from the
    browser, the comparison comes back as a download, and no server path is shown."""
    page.goto(f"{voila_url}/voila/render/03_reimbursement_scenarios.ipynb")
    page.locator(".widget-upload").first.wait_for(timeout=90_000)
    labels = page.eval_on_selector_all(
        ".widget-text, .widget-textarea", "els => els.map(e => e.textContent + ' ' + "
        "[...e.querySelectorAll('input, textarea')].map(i => i.placeholder).join(' '))")
    assert not [t for t in labels if any(w in t.lower() for w in ("path", "folder"))]
    text = ("title: Uploaded <b>closure</b>\ndescription: d\nreference: r\n"
            "lines: ['14301-RT', '14301-LT-59']\nvaluation: {year: 2025}\n")
    with page.expect_file_chooser(timeout=60_000) as chooser:
        page.locator(".widget-upload").first.click()
    chooser.value.set_files(
        files=[{"name": "shared.yaml", "mimeType": "application/yaml", "buffer": text.encode()}])
    expect(page.get_by_text("from shared.yaml and added it to the comparison")).to_be_visible(
        timeout=60_000)
    expect(page.locator("table.fc-table").first).to_contain_text("Uploaded <b>closure</b>",
                                                                 timeout=60_000)
    page.locator(".widget-button", has_text="CSV").click()
    link = page.locator("a.fc-download", has_text="flatclosure_scenarios.csv")
    link.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as got:
        link.click()
    download = got.value
    assert download.suggested_filename == "flatclosure_scenarios.csv"
    body = Path(download.path()).read_text(encoding="utf-8")
    assert "Uploaded <b>closure</b>" in body and body.startswith("scenario,title,")
    assert str(Path.cwd()) not in page.content()


def test_scenarios_fit_at_1280_and_1024(voila_url: str, page: Any) -> None:
    """Issue 14 (5): no legend over a title (the value gap), no trend squeezed to a strip, no
    table cut off at the right, at the two widths a reviewer uses."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{voila_url}/voila/render/03_reimbursement_scenarios.ipynb")
    expect(page.locator("table.fc-table caption").first).to_contain_text(
        "What each scenario pays, 2025", timeout=90_000)
    page.locator(".js-plotly-plot").nth(2).wait_for(timeout=60_000)
    found = {}
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(1000)  # plotly relayouts on resize
        found[width] = layout_problems(page)
        trend = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].filter(
            e => (e.layout?.title?.text || '').endsWith('year by year')).map(
            e => e.querySelector('.nsewdrag').getBoundingClientRect().width)[0]""")
        assert trend > 0.6 * width - 200, f"the trend's plot is {trend} px wide at {width} px"
        whole_page_screenshot(page, shots_dir() / f"voila-03-{width}.png")
    print(f"03 layout: {found}")
    assert found == {1280: [], 1024: []}


def test_a_link_reopens_the_comparison_and_names_what_it_ignores(voila_url: str,
                                                                 page: Any) -> None:
    """Issue 14 (8): the controls round-trip through the page URL; bad parameters are named."""
    query = ("?scenarios=01_mastectomy_reference%2C07_excess_skin_15839&years=2022-2025"
             "&year=2024&one_multiplier=yes&multiplier=1.22&colour=red&years=1990-1991")
    page.goto(f"{voila_url}/voila/render/03_reimbursement_scenarios.ipynb{query}")
    caption = page.locator("table.fc-table caption", has_text="What each scenario pays").first
    expect(caption).to_contain_text("What each scenario pays, 2024", timeout=90_000)
    want = [row for row in engine_rows(2024, 1.22)
            if row[0].startswith(("Mastectomy alone", "Flat closure alone as excess"))]
    assert shown_rows(page) == want
    expect(page.get_by_text("Ignored from the link: 'colour' is not a setting")).to_be_visible()
    expect(page.get_by_text("Ignored from the link: years='1990-1991'")).to_be_visible()
    href = page.locator("a.fc-permalink").first.get_attribute("href") or ""
    assert href.startswith("?scenarios=01_mastectomy_reference%2C07_excess_skin_15839"
                           "&years=2022-2025&year=2024&locality=national&setting=&"
                           "one_multiplier=yes&multiplier=1.22&baseline=01_mastectomy_reference")
    page.goto(f"{voila_url}/voila/render/03_reimbursement_scenarios.ipynb{href}")
    expect(caption).to_contain_text("What each scenario pays, 2024", timeout=90_000)
    assert shown_rows(page) == want
    assert page.locator("a.fc-permalink").first.get_attribute("href") == href
