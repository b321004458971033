"""Exports: CSV and Excel read back equal the comparison; the HTML report carries its tables,
figures, vintage, sources, notice and illustrative marks."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from flatclosure.catalog import AMA_NOTICE
from flatclosure.outputs.report import report_html, write_csv, write_html, write_xlsx
from flatclosure.scenarios import compare, presets

SCENARIOS = [s for s in presets() if s.name in (
    "01_mastectomy_reference", "03_advocates_initial_plastic_surgeon", "10_new_afc_code")]
TABLE = compare(SCENARIOS, years=[2024, 2025, 2026], localities=[None, "01182:18"],
                baseline="01_mastectomy_reference")


class Tables(HTMLParser):
    """Reads every <table class=...> back as a list of rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._current = dict(attrs).get("class") or "?"
            self.tables[self._current] = []
        elif tag == "tr" and self._current:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._current:
            self.tables[self._current].append(self._row)
            self._row = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def read_tables(text: str) -> dict[str, list[list[str]]]:
    p = Tables()
    p.feed(text)
    return p.tables


def money(v: float) -> str:
    return "n/a" if v != v else f"${v:,.2f}"


def test_csv_round_trip(tmp_path: Path) -> None:
    path = write_csv(TABLE, tmp_path / "c.csv")
    back = pd.read_csv(path)
    assert len(back) == len(TABLE) == 18
    assert back["total"].round(2).tolist() == pytest.approx(TABLE["total"].tolist(), nan_ok=True)
    assert list(back.columns[:4]) == ["scenario", "title", "group", "year"]


def test_excel_has_comparison_scenarios_vintage_and_sources(tmp_path: Path) -> None:
    path = write_xlsx(TABLE, SCENARIOS, tmp_path / "c.xlsx")
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["comparison", "scenarios", "data vintage", "sources", "notice"]
    comp = sheets["comparison"]
    assert comp["total"].tolist() == pytest.approx(TABLE["total"].tolist(), nan_ok=True)
    assert set(sheets["data vintage"]["release_id"]) == {"RVU24C", "RVU25D", "RVU26C"}
    assert AMA_NOTICE in sheets["notice"]["notice"].tolist()


def test_html_tables_read_back_equal_the_engine() -> None:
    text = report_html(TABLE, SCENARIOS, "01_mastectomy_reference")
    tables = read_tables(text)
    header, *rows = tables["comparison"]
    assert header[:5] == ["scenario", "title", "year", "locality", "total"]
    assert len(rows) == len(TABLE)
    for shown, want in zip(rows, TABLE.itertuples(), strict=True):
        assert shown[0] == want.scenario and int(shown[2]) == want.year
        assert shown[4] == money(want.total)
    assert {r[0] for r in tables["vintage"][1:]} == {"RVU24C", "RVU25D", "RVU26C"}
    assert "illustrative" in text.lower() and "Flat closure alone under a hypothetical new code *" in text
    assert html.escape(AMA_NOTICE) in text
    assert "no GPCI file held for 2026" in text  # the n/a reasons are listed


def test_export_files_are_whole_and_readable(tmp_path: Path) -> None:
    out = write_html(TABLE, SCENARIOS, tmp_path / "r.html")
    assert out.stat().st_mode & 0o044  # readable by others: it is meant to be shared
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_report_charts_carry_the_workbook_template_as_plotly_js_takes_it() -> None:
    """plotly.js ignores a template name: the report's charts had plotly.js's own grey look."""
    text = report_html(TABLE, SCENARIOS, "01_mastectomy_reference")
    call = r'Plotly\.newPlot\("fig\d+", .*?\], (\{.*?\}), \{"responsive"'  # data, layout, config
    layouts = [json.loads(m) for m in re.findall(call, text)]
    assert len(layouts) == 3  # bars, value gap, trend (three years)
    for layout in layouts:
        template = layout["template"]
        assert template["layout"]["plot_bgcolor"] == "white"  # plotly_white's, value for value
        assert set(template["data"]) == {"bar", "heatmap", "scatter"}
