"""Notebook 05 as a Voila app: pick Medicare, check the law panel and the patient's cost against
the engine, download the Word appeal and read it back, and screenshot the HTML letter and the PDF
made by the app."""

from __future__ import annotations

import base64
import struct
import zlib
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
    expect(cost).to_contain_text(money(expected.patient_pays), timeout=60_000)
    expect(cost).to_contain_text(money(expected.medicare_pays), timeout=60_000)
    whole_page_screenshot(page, shots_dir() / "voila-05_coverage_and_appeals.png")

    # the appeal of a "cosmetic" denial, downloaded as Word and read back
    page.locator(".widget-toggle-button", has_text="appeal of a denial").click()
    expect(page.locator('a.fc-download[download$="appeal-medicare.docx"]')).to_have_count(
        1, timeout=60_000)  # generous: two cores shared by several test runs
    with page.expect_download() as got:
        page.locator('a.fc-download[download$=".docx"]').first.click()
    d = docx.Document(str(got.value.path()))
    text = "\n".join([p.text for p in d.paragraphs] +
                     [c.text for t in d.tables for r in t.rows for c in r.cells])
    lines = [ln.line for ln in claim.lines]  # the protocol's lines and its own diagnoses
    codes = [d.code for d in claim.diagnoses]
    for s in (*lines, *codes, "NCD ID 64", "The surgery is not cosmetic", "not legal advice",
              "[PATIENT NAME]"):
        assert s in text

    # the HTML letter as a reader sees it
    letter_html = _href_bytes(page, ".html").decode("utf-8")
    view = page.context.new_page()
    view.set_content(letter_html)
    expect(view.locator("h1")).to_have_text("Appeal of a denied claim for aesthetic flat closure")
    for s in (*lines, *codes):  # the HTML letter shows the same lines and diagnoses
        expect(view.locator("table.fc-letter-table")).to_contain_text(s)
    view.screenshot(path=str(shots_dir() / "letter-appeal-medicare.png"), full_page=True)
    view.set_viewport_size({"width": 900, "height": 1100})

    # the PDF the app makes with Chromium, its first page rendered
    page.locator(".fc-pdf-button").click()
    expect(page.locator('a.fc-download[download$=".pdf"]')).to_have_count(1, timeout=120_000)
    pdf = _href_bytes(page, ".pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    _first_page(pdf, view)
    view.close()


def _png(pixels: Any) -> bytes:
    """A minimal PNG of an (height, width, 3) uint8 array (no imaging library needed)."""
    height, width, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[y].tobytes() for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    head = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _first_page(pdf: bytes, view: Any) -> None:
    """The PDF's first page rendered by PDFium (pdftoppm is not installed here) into the
    screenshots directory, and loaded in Chromium to prove it is a readable image."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    assert len(doc) >= 2  # the appeal runs over more than one Letter page
    pixels = doc[0].render(scale=96 / 72).to_numpy()  # BGR by default
    png = _png(pixels[:, :, ::-1].copy())
    out = shots_dir() / "letter-appeal-medicare-pdf-page1.png"
    out.write_bytes(png)
    view.set_content(f'<img alt="page 1" src="data:image/png;base64,{base64.b64encode(png).decode()}">')
    expect(view.locator("img")).to_have_js_property("naturalWidth", pixels.shape[1])
    # PDFium's text of page 1 carries the title, the blanks and the first claim line
    text = doc[0].get_textpage().get_text_range()
    for s in ("Appeal of a denied claim", "[PATIENT NAME]", "14301-RT"):
        assert s in text


def test_a_link_opens_the_plan_and_surgery_and_the_page_fits(voila_url: str, page: Any) -> None:
    from .layout import layout_problems

    page.goto(f"{voila_url}/voila/render/05_coverage_and_appeals.ipynb"
              "?plan=medicare&sides=left&kind=appeal&colour=1")
    law = page.locator(".fc-law").first
    expect(law).to_contain_text("NCD ID 64", timeout=120_000)  # Medicare's basis, from the link
    expect(page.get_by_text("Ignored from the link: 'colour' is not a setting")).to_be_visible()
    href = page.locator("a.fc-permalink").first.get_attribute("href") or ""
    assert "sides=left" in href and "plan=medicare" in href and "kind=appeal" in href
    assert page.locator("abbr.fc-term", has_text="WHCRA").count() >= 1
    found = {}
    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(800)
        found[width] = layout_problems(page)
        whole_page_screenshot(page, shots_dir() / f"voila-05-link-{width}.png")
    assert found == {1280: [], 1024: []}
