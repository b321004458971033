"""The printable card: parsed back, its codes and amounts checked against the engine."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from flatclosure.card import render_card, write_card
from flatclosure.catalog import AMA_NOTICE, load_catalog
from flatclosure.errors import InputError
from flatclosure.fees import price
from flatclosure.protocol import default_rules


class _Card(HTMLParser):
    """Collects the code rows (data-code), rule rows (data-rule) and id'd elements' text."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: dict[str, list[str]] = {}
        self.rules: list[str] = []
        self.ids: dict[str, str] = {}
        self._row: str | None = None
        self._cell: list[str] | None = None
        self._id: str | None = None
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "tr" and a.get("data-code"):
            self._row = a["data-code"]
            self.codes[self._row] = []
        if tag == "tr" and a.get("data-rule"):
            self.rules.append(a["data-rule"] or "")
        if tag == "td" and self._row:
            self._cell = []
        if a.get("id"):
            self._id = a["id"]
            self.ids[self._id] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row and self._cell is not None:
            self.codes[self._row].append("".join(self._cell).strip())
            self._cell = None
        if tag == "tr":
            self._row = None
        if tag in ("span", "p") and self._id:
            self._id = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._id in ("release", "date", "cf", "ama-notice"):
            self.ids[self._id] += data


def _parse(html: str) -> _Card:
    p = _Card()
    p.feed(html)
    return p


@pytest.mark.parametrize("year", [2025, 2026])
def test_card_codes_and_amounts_match_the_engine(year: int) -> None:
    cat = load_catalog()
    card = _parse(render_card(year))
    on = cat.date_for_year(year)
    assert card.ids["date"] == on.isoformat()
    assert card.ids["release"] == cat.release_on(on).release_id
    assert float(card.ids["cf"]) == cat.conversion_factor(on)
    expected_codes = {"14000", "14001", "14301", "14302", "13100", "13101", "13102", "15771", "15772",
                      "12031", "12032", "12034", "12035", "12036", "12037",
                      "19499", "15839", "15877", "19301", "19302", "19303", "19305", "19306", "19307"}
    assert set(card.codes) == expected_codes
    for code, cells in card.codes.items():
        v = cat.values(code, on)
        assert float(cells[3]) == pytest.approx(v.work_rvu)
        assert float(cells[4]) == pytest.approx(v.fac_pe_rvu)
        for cell, setting in ((cells[9], "facility"), (cells[10], "office")):
            p = price(code, on, setting)
            if p.price is None:
                assert not cell.startswith("$"), (code, setting, cell)
            else:
                assert float(cell.replace("$", "").replace(",", "")) == p.price, (code, setting)
    # 2026 RVU26C: 14301 facility (12.33 + 8.63 + 2.04) x 33.4009 = 768.2207 -> $768.22
    if year == 2026:
        assert card.codes["14301"][9] == "$768.22"
        assert card.codes["19499"][9] == "carrier priced"
        assert card.codes["19303"][10] == "NA"


def test_card_holds_rules_notice_and_no_scripts() -> None:
    html = render_card(2026)
    card = _parse(html)
    in_force = [r.id for r in default_rules().rules]
    assert card.rules == in_force
    assert card.ids["ama-notice"].strip() == AMA_NOTICE
    assert "script" not in card.tags and "link" not in card.tags  # self-contained
    assert "UNCONFIRMED" in html and "Documentation checklist" in html
    # conditions and assumptions in the words of notebook 02, not attribute or switch names
    assert "Code the closure as: modifier 22 on the mastectomy, no closure code" in html
    assert "closure as = " not in html and "mastectomy_22" not in html
    assert "(assumption: can be switched off under &#x27;More pricing options and assumptions&#x27;)" in html
    assert "(assumption: chosen under &#x27;Second side of a per-defect code&#x27;)" in html
    assert "ncci_pairs" not in html and "fat_grafting_revision_only" not in html


def test_card_shows_the_worked_examples_with_their_diagnoses() -> None:
    from flatclosure.card import example_rows

    html = render_card(2025)
    rows = {r.title: r for r in example_rows(2025)}
    golden = rows["Both sides, different surgeon, complex repair (lengths added)"]
    # 13101 7.40 x 32.3465 = 239.36 + 13102 x7 2.14 x 7 x 32.3465 = 484.55 -> 723.91
    assert golden.lines == ("13101", "13102x7") and golden.total == 723.91
    assert "13102x7 (C50.911 C50.912)" in html and "$723.91" in html
    assert len(rows) >= 12


def test_card_refuses_a_year_not_held(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        render_card(2031)
    assert exc.value.field == "year"
    out = write_card(tmp_path / "card.html", 2025)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
