"""The start page (notebooks/index.ipynb): each question's answer from the engine, its link."""

from __future__ import annotations

import re
from pathlib import Path

import ipywidgets as widgets

from flatclosure.widgets.landing import landing, questions, questions_html

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_the_answers_are_the_engines_figures_of_the_default_year() -> None:
    gap, coding, trend, pool, coverage = (_text(q.answer) for q in questions())
    # 2025 (RVU25D, CF 32.3465), national facility: 14301 26.25 RVU = 849.0956 -> $849.10;
    # 19303 29.07 RVU = 940.3128 -> $940.31; 849.10 / 940.31 = 0.903 -> 90%
    assert "In 2025" in gap and "$849.10 for 14301" in gap and "$940.31 for 19303" in gap
    assert "the closure is 90% of the mastectomy" in gap
    # both sides, bilateral indicator 0: RT and LT paid as one side, 849.10
    assert "14301-RT, 14301-LT" in coding and "$849.10 in 2025" in coding
    # 2019 (RVU19D, CF 36.0391): 12.65 + 10.50 + 2.10 = 25.25 RVU = 909.987 -> $909.99;
    # 849.10 / 909.99 - 1 = -6.69%
    assert "$909.99 in 2019 and $849.10 in 2025 (\u22126.7%)" in trend
    # the preset's new code: 28.00 RVU, 3,000 services, $970,977.24 a year (test_scenario_presets)
    assert "28.00 RVU for 3,000 services" in pool and "adds $970,977.24 a year" in pool
    assert "WHCRA" in coverage and "appeal" in coverage


def test_each_question_links_its_notebook_and_the_page_shows_the_glossary() -> None:
    html = questions_html(NOTEBOOKS)
    for name in ("01_code_catalog", "02_coding_protocol", "03_reimbursement_scenarios",
                 "04_finite_rvu_pool", "05_coverage_and_appeals"):
        assert f'<a href="{name}.ipynb">' in html
    assert "(being written)" in questions_html(NOTEBOOKS / "no-such-folder")
    page = landing(NOTEBOOKS)
    assert isinstance(page, widgets.VBox) and len(page.children) == 4
    assert "Glossary" in page.children[1].value and "<abbr" not in page.children[1].value
    assert "WHCRA" in page.children[2].value
