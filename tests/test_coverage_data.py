"""The coverage tables of data/coverage/: every row sourced and dated, figures as the sources print
them, cross-references checked, bad rows named by file, row and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flatclosure import datapkg
from flatclosure.coverage import tables
from flatclosure.errors import DataError, InputError, NoDataForDateError

COVERAGE = [n for n in datapkg.resource_names() if n.startswith("coverage-")]


def test_every_coverage_row_has_a_source_and_a_date() -> None:
    # 8 tables: the diagnoses are the protocol's (data/protocol/diagnoses.yaml), not a copy
    assert len(COVERAGE) == 8 and "coverage-diagnoses" not in COVERAGE
    for name in COVERAGE:
        res = datapkg.resource(name)
        assert res.sources and res.vintage and res.effective, name
        table = datapkg.load(name)
        fields = set(table.columns)
        if "source" in fields:
            assert table["source"].str.len().min() > 5, name
        date_fields = fields & {"effective_from", "published"}
        if name != "coverage-denial-reasons":  # our own wording: dated by its descriptor
            assert date_fields, name
            for f in date_fields:
                assert table[f].notna().all(), (name, f)


def test_part_b_deductibles_as_cms_printed_them() -> None:
    # coverage-sources.md B1; newmedicare.com's $234 (2024) and $248 (2025) are wrong
    got = {y: tables.part_b_deductible(y).value for y in range(2019, 2027)}
    assert got == {2019: 185, 2020: 198, 2021: 203, 2022: 233, 2023: 226, 2024: 240,
                   2025: 257, 2026: 283}
    with pytest.raises(NoDataForDateError, match="2018"):
        tables.part_b_deductible(2018)


def test_sequestration_by_date_of_service_without_gaps() -> None:
    rows = datapkg.load("coverage-sequestration").to_dict(orient="records")
    for a, b in zip(rows, rows[1:], strict=False):
        assert b["effective_from"] == a["effective_to"] + dt.timedelta(days=1)
    assert rows[0]["effective_from"] == dt.date(2013, 4, 1)
    assert rows[-1]["effective_to"] == dt.date(2026, 12, 31)
    rate = {d: tables.sequestration(d).value for d in (
        "2019-06-01", "2020-04-30", "2020-05-01", "2021-07-01", "2022-03-31", "2022-04-01",
        "2022-07-01", "2025-06-01")}
    assert list(rate.values()) == [0.02, 0.02, 0.0, 0.0, 0.0, 0.01, 0.02, 0.02]


def test_medicare_shares_and_the_limiting_charge() -> None:
    assert tables.medicare_rule("part_b_coinsurance").value == 0.2
    assert tables.medicare_rule("nonparticipating_fee_share").value == 0.95
    assert tables.medicare_rule("limiting_charge_share").value == 1.15  # x 0.95 = 1.0925


def test_coverage_basis_names_the_statute_of_each_plan_type() -> None:
    cites = {p: " ".join(a.cite for a in tables.coverage_basis(p).authorities)
             for p in tables.PLAN_TYPES}
    assert "29 U.S.C. 1185b" in cites["employer"]
    assert "42 U.S.C. 300gg-52" in cites["individual"] and "300gg-27" in cites["individual"]
    assert "NCD ID 64" in cites["medicare"] and "140.2" in cites["medicare"]
    assert "State rules decide" in tables.coverage_basis("medicaid").requires
    assert "opt out" in tables.coverage_basis("nonfederal_governmental").authorities[0].plain
    for p in tables.PLAN_TYPES:
        assert "NCI" in tables.coverage_basis(p).not_settled, p
    assert "chapter 571 of 2022" in tables.coverage_basis("employer").not_settled
    with pytest.raises(InputError, match="known: employer"):
        tables.coverage_basis("tricare")


def test_deadlines_with_their_sources() -> None:
    employer = {s.step: s.deadline for s in tables.appeal_steps("employer", "appeal")}
    assert employer == {1: "180 days", 2: "72 hours", 3: "30 days", 4: "60 days", 5: "4 months"}
    medicare = [s.deadline for s in tables.appeal_steps("medicare", "appeal")]
    assert medicare == ["120 days", "180 days", "60 days", "60 days", "60 days"]
    assert tables.appeal_steps("individual", "appeal")[0].deadline == "UNCONFIRMED"
    for plan in tables.PLAN_TYPES:
        for kind in tables.LETTER_KINDS:
            assert tables.appeal_steps(plan, kind), (plan, kind)


def test_a_dangling_authority_id_is_named(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = data_copy / "coverage" / "coverage_basis.csv"
    path.write_text(path.read_text().replace("erisa_713;phsa_2727", "erisa_714;phsa_2727"))
    monkeypatch.setenv("FLATCLOSURE_DATA", str(data_copy))
    for f in (tables.authorities, tables._bases):
        f.cache_clear()
    try:
        with pytest.raises(DataError, match=r"coverage_basis.csv, row 2, field 'authorities'.*erisa_714"):
            tables.coverage_basis("employer")
    finally:
        monkeypatch.delenv("FLATCLOSURE_DATA")
        for f in (tables.authorities, tables._bases):
            f.cache_clear()


def test_a_deductible_out_of_bounds_is_refused(data_copy: Path) -> None:
    path = data_copy / "coverage" / "part_b_deductible.csv"
    path.write_text(path.read_text().replace("2024,240,", "2024,2400,"))
    with pytest.raises(DataError, match=r"part_b_deductible.csv, row 7, field 'deductible_usd'"):
        datapkg.load("coverage-part-b-deductible", data_copy)
