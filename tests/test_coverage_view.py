"""Notebook 05's view without a kernel: the controls drive the law panel, the patient cost and the
letter downloads (data: URLs, nothing on the server)."""

from __future__ import annotations

import base64
import io
import re

import docx
import ipywidgets as widgets
import pytest

from flatclosure.coverage.claim import suggested_diagnoses
from flatclosure.widgets.coverage_view import CoverageView, coverage_view


@pytest.fixture(scope="module")
def view() -> CoverageView:
    return coverage_view(2024)


def _download(v: CoverageView, suffix: str) -> bytes:
    m = re.search(rf'download="([^"]+{re.escape(suffix)})" href="data:[^;]+;base64,([^"]+)"',
                  v.downloads.value + v.pdf_link.value)
    assert m, suffix
    return base64.b64decode(m.group(2))


def test_defaults_employer_plan_and_revision_diagnoses(view: CoverageView) -> None:
    assert view.plan.value == "employer"
    assert [ln.line for ln in view.claim.lines] == ["14301-RT", "14301-LT"]  # type: ignore[union-attr]
    # 2024-08-01 national facility: 14301 = 867.139375 -> 867.14; RT and LT of a code with
    # bilateral indicator 0 are paid 100% of one side (no 59 added): total 867.14
    assert view.claim.total == 867.14  # type: ignore[union-attr]
    # the protocol's own codes of both 14301 lines (data/protocol/diagnoses.yaml), in line order
    assert view.diagnoses.value == ("N65.0", "Z42.8", "Z90.13", "Z85.3")  # both breasts removed
    assert "29 U.S.C. 1185b" in view.law.value and "What it does not settle" in view.law.value
    assert "Chapter 571 of the Laws of 2022" in view.law.value and "H.R. 5813" in view.law.value
    # no deductible left, 20% coinsurance: 0.20 x 867.14 = 173.428 -> 173.43
    assert view.rows[-1] == ("The patient pays (deductible plus coinsurance)", 173.43)


def test_medicare_cost_and_the_appeal_letter_download(view: CoverageView) -> None:
    view.plan.value = "medicare"
    # deductible 2024 $240; 0.20 x (867.14 - 240) = 125.428 -> 125.43; patient 365.43;
    # Medicare's share 501.71, sequestration 2% = 10.0342 -> 10.03, Medicare pays 491.68
    rows = dict(view.rows)
    assert rows["The patient pays (deductible plus coinsurance)"] == 365.43
    assert rows["Medicare pays the surgeon"] == 491.68
    assert rows["Coinsurance: the patient pays 20% of the rest"] == 125.43
    assert "NCD ID 64" in view.law.value and "120 days" in view.law.value
    view.kind.value = "appeal"
    view.reason.value = "cosmetic"
    assert "/work" not in view.downloads.value and "file:" not in view.downloads.value
    d = docx.Document(io.BytesIO(_download(view, ".docx")))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "NCD ID 64" in text and "The surgery is not cosmetic" in text
    assert "not legal advice" in text
    page = _download(view, ".html").decode()
    assert "14301-LT" in page and "Z90.13" in page and "Z85.3" in page  # the protocol's own
    view.kind.value = "prior-auth"
    view.plan.value = "employer"


def test_other_plan_inputs_and_the_diagnoses_follow_the_surgery(view: CoverageView) -> None:
    view.deductible_remaining.value = 500
    view.coinsurance.value = 0.3
    view.oop_remaining.value = 600
    # 500 + 0.3 x 367.14 = 610.142 -> 610.14 (500 + 110.14), capped at 600
    assert view.rows[-1] == ("The patient pays (out-of-pocket maximum reached)", 600.0)
    view.surgery.sides.value = "left"
    assert view.diagnoses.value == ("N65.0", "Z42.8", "Z90.12", "Z85.3")
    view.surgery.claim.value = "with_mastectomy"
    assert view.diagnoses.value == suggested_diagnoses(view.surgery.result) == ("C50.912",)
    assert view.claim.lines[0].line == "19303-LT"  # type: ignore[union-attr]
    view.surgery.claim.value = "closure"
    view.surgery.sides.value = "both"
    for name, value in (("deductible_remaining", 0), ("coinsurance", 0.2),
                        ("oop_remaining", 10000)):
        getattr(view, name).value = value


def test_bounds_come_from_the_data(view: CoverageView) -> None:
    assert (view.coinsurance.min, view.coinsurance.max) == (0.0, 1.0)
    assert view.deductible_met.max == 1000.0
    assert view.oop_remaining.max == 30000.0


def test_hiding_the_medicare_inputs_leaves_the_plan_picker_shown(view: CoverageView) -> None:
    view.plan.value = "individual"
    assert view.provider.layout.display == "none" and view.plan.layout.display is None
    assert view.reason.layout.display is None and view.coinsurance.layout.display is None
    view.plan.value = "medicare"
    assert view.coinsurance.layout.display == "none" and view.provider.layout.display is None
    view.plan.value = "employer"


def test_the_cost_table_for_notebooks_02_and_03() -> None:
    from flatclosure.widgets.coverage_view import medicare_cost_html

    # $2,735.23 on 2024-08-01: the patient pays 240 + 499.05 = $739.05 (test_coverage_cost.py)
    page = medicare_cost_html(2735.23, "2024-08-01")
    assert "$739.05" in page and "$1,956.26" in page and "Palmetto GBA" in page


def test_a_link_sets_the_surgery_and_the_plan_and_names_what_it_ignores() -> None:
    from flatclosure.widgets.coverage_view import coverage_view

    view = coverage_view(query="plan=medicare&sides=left&kind=appeal&colour=1&coinsurance=7")
    assert (view.plan.value, view.surgery.sides.value, view.kind.value) == (
        "medicare", "left", "appeal")
    assert [ln.line for ln in view.claim.lines] == ["14301-LT"]  # type: ignore[union-attr]
    assert view.url is not None and view.url.problems == [
        "'colour' is not a setting of this page",
        "coinsurance=7 is outside “Coinsurance (share, 0.2 = 20%)”: 0 to 1"]
    assert "plan=medicare" in view.url.query() and "sides=left" in view.url.query()
    again = coverage_view(query=view.url.query())
    assert again.url is not None and again.url.query() == view.url.query()
    assert not again.url.problems
    html = "".join(w.value for w in view.widget.children if isinstance(w, widgets.HTML))
    assert '<abbr class="fc-term"' in html and ">WHCRA</abbr>" in html


def test_a_cost_field_changed_leaves_the_letter_and_its_files_as_they_were(
        view: CoverageView) -> None:
    from flatclosure.widgets.coverage_view import letter_downloads

    before, letter = view.downloads.value, view.letter
    hits = letter_downloads.cache_info().hits
    view.deductible_remaining.value = 300  # the cost changes, the letter does not
    # 300 + 0.2 x (867.14 - 300) = 300 + 113.428 -> 413.43
    assert view.rows[-1][1] == 413.43
    assert view.letter == letter and view.downloads.value == before
    assert letter_downloads.cache_info().hits == hits + 1  # the Word file was not written again
    view.deductible_remaining.value = 0
