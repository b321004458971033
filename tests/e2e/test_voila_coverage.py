"""Notebook 05 as a Voila app: pick Medicare, check the law panel and the patient's cost against
the engine, download the Word appeal and read it back, and screenshot the HTML letter and the PDF
made by the app."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import docx
import pytest
from playwright.sync_api import expect

from flatclosure.catalog import load_catalog
from flatclosure.coverage import claim_from_protocol, coverage_basis, medicare_patient_cost
from flatclosure.widgets.surgery import Surgery, price_surgery

from .browser import change_until, money, shots_dir, whole_page_screenshot

pytestmark = pytest.mark.browser


def _href_bytes(page: Any, suffix: str) -> bytes:
    href = page.locator(f'a.fc-download[download$="{suffix}"]').first.get_attribute("href")
    assert href and href.startswith("data:"), href  # a browser download, never a server path
    return base64.b64decode(href.split(",", 1)[1])


def test_coverage_app_medicare_cost_and_letters(voila_url: str, page: Any) -> None:
    year = load_catalog().default_year()
    claim = claim_from_protocol(price_surgery(Surgery(year)), ["Z90.13", "Z85.3"])
    expected = medicare_patient_cost(claim.total, claim.on)
    page.goto(f"{voila_url}/voila/render/05_coverage_and_appeals.ipynb")
    law = page.locator(".fc-law").first
    expect(law).to_contain_text("29 U.S.C. 1185b", timeout=120_000)
    assert not page.get_by_text("coverage_view()").is_visible()  # no code cells in the app

    plan = page.locator(".widget-dropdown", has_text="Plan type").locator("select")
    cost = page.locator("table.fc-cost").first
    change_until(lambda: plan.select_option(label=coverage_basis("medicare").label),
                 lambda t: expect(law).to_contain_text("NCD ID 64", timeout=t))
    expect(cost).to_contain_text(money(expected.patient_pays))
    expect(cost).to_contain_text(money(expected.medicare_pays))
    whole_page_screenshot(page, shots_dir() / "voila-05_coverage_and_appeals.png")

    # the appeal of a "cosmetic" denial, downloaded as Word and read back
    page.locator(".widget-toggle-button", has_text="appeal of a denial").click()
    expect(page.locator('a.fc-download[download$="appeal-medicare.docx"]')).to_have_count(1)
    with page.expect_download() as got:
        page.locator('a.fc-download[download$=".docx"]').first.click()
    d = docx.Document(str(got.value.path()))
    text = "\n".join([p.text for p in d.paragraphs] +
                     [c.text for t in d.tables for r in t.rows for c in r.cells])
    for s in ("14301-RT", "14301-LT-59", "Z90.13", "NCD ID 64", "This surgery is not cosmetic",
              "not legal advice", "[PATIENT NAME]"):
        assert s in text

    # the HTML letter as a reader sees it
    letter_html = _href_bytes(page, ".html").decode("utf-8")
    view = page.context.new_page()
    view.set_content(letter_html)
    expect(view.locator("h1")).to_have_text("Appeal of a denied claim for aesthetic flat closure")
    expect(view.locator("table.fc-letter-table")).to_contain_text("14301-LT-59")
    view.screenshot(path=str(shots_dir() / "letter-appeal-medicare.png"), full_page=True)

    # the PDF the app makes with Chromium, its first page rendered
    page.locator(".fc-pdf-button").click()
    expect(page.locator('a.fc-download[download$=".pdf"]')).to_have_count(1, timeout=120_000)
    pdf = _href_bytes(page, ".pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    _first_page(pdf, view, letter_html)
    view.close()


def _first_page(pdf: bytes, view: Any, letter_html: str) -> None:
    """pdftoppm when installed; otherwise the letter in Chromium's print rendering (what the
    PDF was printed from), so the shot still shows the printed page."""
    out = shots_dir() / "letter-appeal-medicare-pdf-page1.png"
    tool = shutil.which("pdftoppm")
    if tool:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "letter.pdf"
            src.write_bytes(pdf)
            subprocess.run([tool, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",  # noqa: S603
                            str(src), str(out.with_suffix(""))], check=True, timeout=60)
        assert out.exists()
        return
    view.emulate_media(media="print")
    view.set_content(letter_html)
    view.set_viewport_size({"width": 816, "height": 1056})  # US Letter at 96 dpi
    view.screenshot(path=str(out))
    assert re.search(rb"/Type\s*/Page\b", pdf)
