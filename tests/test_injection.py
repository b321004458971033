"""User text cannot run in any output: the HTML report's scripts, CSV cells and Excel cells.

A scenario file is shared by e-mail, so its title, description, reference and notes are hostile
input. Before the fix, a title ``</script><script>alert(1)</script>`` closed the report's inline
figure script, and 27 text cells of one Excel export were live formulas.
"""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest

from flatclosure import scenarios
from flatclosure.outputs import report
from flatclosure.scenarios import Scenario

# the scenarios of one comparison and its table
Exported = tuple[list[Scenario], pd.DataFrame]

HOSTILE_TITLE = "</script><script>alert(1)</script>"
FORMULAS = ["=HYPERLINK(\"http://example.invalid\",\"click\")", "+1+1", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1"]


def hostile() -> Scenario:
    return scenarios.from_dict({
        "title": HOSTILE_TITLE, "description": "<img src=x onerror=alert(2)> & \u2028 \u2029",
        "reference": FORMULAS[0], "lines": ["19303-50"], "valuation": {"year": 2025},
        "illustrative": FORMULAS[1:4]}, "hostile")


def formula_titled(text: str) -> Scenario:
    return scenarios.from_dict({"title": text, "description": "d", "reference": "r",
                                "lines": ["19303-50"], "valuation": {"year": 2025}},
                               f"f{abs(hash(text))}")


@pytest.fixture(scope="module")
def exported() -> Exported:
    chosen = [hostile()] + [formula_titled(f) for f in FORMULAS if f.strip()]
    return chosen, scenarios.compare(chosen, years=[2025], localities=[None])


def test_script_json_cannot_close_a_script_or_break_a_line() -> None:
    text = report.script_json({"t": HOSTILE_TITLE + "&\u2028\u2029<!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert text == ('{"t": "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e'
                    '\\u0026\\u2028\\u2029\\u003c!--"}')


def test_html_report_has_no_script_but_its_own(exported: Exported) -> None:
    chosen, table = exported
    page = report.report_html(table, chosen)
    # every <script> opened is the report's own: plotly.js and one per figure
    opened = re.findall(r"<script[^>]*>", page, flags=re.I)
    closed = re.findall(r"</script", page, flags=re.I)
    assert len(opened) == len(closed) == 1 + page.count('class="figure"')
    assert "<img" not in page and "alert(1)</script>" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text


def test_csv_cells_starting_with_a_formula_character_are_text(exported: Exported) -> None:
    _, table = exported
    rows = list(csv.reader(io.StringIO(report.csv_bytes(table).decode())))
    titles = [r[rows[0].index("title")] for r in rows[1:]]
    assert titles[0] == HOSTILE_TITLE
    for cell in (c for r in rows for c in r):
        assert not cell.startswith(report.FORMULA_START), cell
    assert "'=HYPERLINK(\"http://example.invalid\",\"click\")" in titles
    assert "'@SUM(A1)" in titles and "'+1+1" in titles and "'-2+3" in titles


def test_excel_has_no_formula_cell(exported: Exported) -> None:
    chosen, table = exported
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes(table, chosen)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://example.invalid\",\"click\")" in texts
    assert not any(t.startswith(report.FORMULA_START) for t in texts)
    # numbers stay numbers: a negative difference is not text
    assert any(isinstance(c.value, float) for c in cells)
