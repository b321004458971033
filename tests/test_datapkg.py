"""The strict loader: every table checked against its schema, errors name file, row and field."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from flatclosure import datapkg
from flatclosure.errors import DataError


def _rewrite(path: Path, edit: Callable[[list[list[str]]], object]) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _load_rvus(root: Path) -> None:
    datapkg.load("cms-rvus", root)


def test_every_resource_loads_and_carries_provenance() -> None:
    for name in datapkg.resource_names():
        res = datapkg.resource(name)
        content = datapkg.load(name) if res.format == "csv" else datapkg.load_yaml(name)
        assert len(content) > 0, name
        assert res.sources, f"{name} has no source"
        assert res.vintage and res.effective, f"{name} lacks vintage or effective date"


def test_descriptor_is_a_valid_frictionless_data_package() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(datapkg.data_dir() / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])[:5]


def test_missing_column_is_named(data_copy: Path) -> None:
    def drop_mp(rows: list[list[str]]) -> None:
        i = rows[0].index("mp_rvu")
        for r in rows:
            del r[i]

    _rewrite(data_copy / "cms" / "rvus.csv", drop_mp)
    with pytest.raises(DataError) as exc:
        _load_rvus(data_copy)
    assert exc.value.path.endswith("rvus.csv")
    assert exc.value.row == 1 and exc.value.field == "mp_rvu"
    assert "missing column" in str(exc.value)


def test_duplicate_code_names_the_second_row(data_copy: Path) -> None:
    _rewrite(data_copy / "catalog" / "codes.csv", lambda rows: rows.insert(3, list(rows[1])))
    with pytest.raises(DataError) as exc:
        datapkg.load("catalog-codes", data_copy)
    assert exc.value.row == 4 and exc.value.field == "code"
    assert "duplicate key {'code': '14000'}" in str(exc.value)


@pytest.mark.parametrize(
    ("value", "message"), [("-1.5", "below the minimum 0"), ("abc", "not a number: 'abc'")]
)
def test_bad_rvu_names_file_row_field(data_copy: Path, value: str, message: str) -> None:
    def damage(rows: list[list[str]]) -> None:
        rows[7][rows[0].index("work_rvu")] = value

    _rewrite(data_copy / "cms" / "rvus.csv", damage)
    with pytest.raises(DataError) as exc:
        _load_rvus(data_copy)
    assert (exc.value.row, exc.value.field) == (8, "work_rvu")
    assert message in str(exc.value)
    assert str(exc.value).startswith(str(data_copy / "cms" / "rvus.csv") + ", row 8, field 'work_rvu'")


def test_unknown_indicator_lists_the_allowed_values(data_copy: Path) -> None:
    def damage(rows: list[list[str]]) -> None:
        rows[2][rows[0].index("bilat_surg")] = "7"

    _rewrite(data_copy / "cms" / "rvus.csv", damage)
    with pytest.raises(DataError, match=r"row 3, field 'bilat_surg': unknown value '7' "
                       r"\(allowed: 0, 1, 2, 3, 9\)"):
        _load_rvus(data_copy)


def test_bad_date_and_missing_required_value(data_copy: Path) -> None:
    def bad_date(rows: list[list[str]]) -> None:
        rows[1][rows[0].index("effective_from")] = "2024-13-01"

    _rewrite(data_copy / "cms" / "conversion_factors.csv", bad_date)
    with pytest.raises(DataError, match=r"row 2, field 'effective_from': not a date"):
        datapkg.load("cms-conversion-factors", data_copy)

    def blank(rows: list[list[str]]) -> None:
        rows[5][rows[0].index("source")] = ""

    _rewrite(data_copy / "rules" / "payment_parameters.csv", blank)
    with pytest.raises(DataError, match=r"row 6, field 'source': a value is required"):
        datapkg.load("payment-parameters", data_copy)


def test_unreadable_descriptor_and_unknown_resource(data_copy: Path) -> None:
    with pytest.raises(DataError, match="no resource named 'nope'"):
        datapkg.resource("nope", data_copy)
    (data_copy / "datapackage.json").write_text("{not json", encoding="utf-8")
    datapkg._descriptor.cache_clear()
    with pytest.raises(DataError, match="cannot read the data package descriptor"):
        datapkg.resource("cms-rvus", data_copy)
    datapkg._descriptor.cache_clear()


def test_extra_column_is_refused(data_copy: Path) -> None:
    def add(rows: list[list[str]]) -> None:
        for i, r in enumerate(rows):
            r.append("x" if i else "surprise")

    _rewrite(data_copy / "seed" / "advocates_figures.csv", add)
    with pytest.raises(DataError, match=r"row 1, field 'surprise': column not in the schema"):
        datapkg.load("seed-figures", data_copy)


def test_schema_field_order_is_the_file_order() -> None:
    desc = json.loads((datapkg.data_dir() / "datapackage.json").read_text())
    for res in desc["resources"]:
        if res.get("format") != "csv":
            continue
        with open(datapkg.data_dir() / res["path"], newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == [f["name"] for f in res["schema"]["fields"]], res["name"]


def test_a_table_read_again_is_a_copy_and_an_edited_file_is_checked_again(
        data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    validate = datapkg.validate_table

    def counted(raw: pd.DataFrame, schema: dict, path: str) -> pd.DataFrame:
        checked.append(path)
        return validate(raw, schema, path)

    monkeypatch.setattr(datapkg, "validate_table", counted)
    path = data_copy / "cms" / "rvus.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header, first = next(reader), next(reader)
    golden = float(first[header.index("work_rvu")])  # the file's first row, read by hand
    table = datapkg.load("cms-rvus", data_copy)
    assert table.loc[0, "work_rvu"] == golden and checked == [str(path)]
    table.loc[0, "work_rvu"] = -1.0  # a caller's change stays its own
    again = datapkg.load("cms-rvus", data_copy)
    assert again.loc[0, "work_rvu"] == golden
    assert checked == [str(path)]  # the same bytes: not checked again
    _rewrite(path, lambda rows: rows[1].__setitem__(rows[0].index("work_rvu"), "abc"))
    with pytest.raises(DataError, match="work_rvu"):  # same path, new bytes: checked again
        datapkg.load("cms-rvus", data_copy)
    assert checked == [str(path)] * 2


@pytest.mark.parametrize(("change", "count"), [(2, 22), (-1, 19)])
def test_a_row_with_more_or_fewer_fields_than_the_header_is_refused(
        data_copy: Path, change: int, count: int) -> None:
    # pandas made a long row's first fields its index and filled a short row with empty values
    def damage(rows: list[list[str]]) -> None:
        rows[5] = rows[5] + ["1"] * change if change > 0 else rows[5][:change]

    _rewrite(data_copy / "cms" / "rvus.csv", damage)
    with pytest.raises(DataError) as exc:
        _load_rvus(data_copy)
    assert exc.value.row == 6  # the header is line 1, rows[5] line 6
    assert f"{count} fields where the header has 20" in str(exc.value)


def test_an_unreadable_file_is_named_without_the_servers_folders(tmp_path: Path) -> None:
    folder = tmp_path / "rvus.csv"
    folder.mkdir()  # a folder where the file should be
    with pytest.raises(DataError, match="cannot read the file"):
        datapkg.read_csv_strict(folder, {"fields": [{"name": "code"}]})
