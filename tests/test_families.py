"""The family taxonomy table: one row per catalog family, groups with one colour each."""

from __future__ import annotations

from pathlib import Path

import pytest

from flatclosure import datapkg, families
from flatclosure.errors import DataError
from flatclosure.families import Family


def test_every_catalog_family_has_one_row_in_the_catalogs_order() -> None:
    codes = datapkg.resource("catalog-codes").schema["fields"]
    enum = next(f for f in codes if f["name"] == "family")["constraints"]["enum"]
    assert [f.name for f in families.families()] == enum
    assert families.family_labels()["fallback"] == "Fallbacks (unlisted, excess skin, liposuction)"


def test_value_gap_groups_and_colours_as_charted() -> None:
    assert families.gap_groups() == {
        "Flat closure": ("tissue_rearrangement", "complex_repair", "intermediate_repair",
                         "fat_grafting"),
        "Mastectomy": ("mastectomy",),
        "Breast-mound reconstruction": ("reconstruction",),
    }
    # Okabe-Ito blue, vermillion, orange, bluish green
    assert families.group_colours() == {"Flat closure": "#0072B2", "Fallback": "#E69F00",
                                        "Mastectomy": "#D55E00",
                                        "Breast-mound reconstruction": "#009E73"}
    assert families.group_short_names()["Breast-mound reconstruction"] == "reconstruction"


def test_a_group_with_two_colours_is_refused_naming_row_and_field() -> None:
    rows = [Family("a", "A", "G", "g", True, "#0072B2"),
            Family("b", "B", "G", "g", True, "#D55E00")]
    with pytest.raises(DataError) as err:
        families._check_group(rows, {"a": 2, "b": 3})
    assert str(err.value) == ("data/catalog/families.csv, row 3, field 'colour': group 'G' has "
                              "colour '#0072B2' on its family 'a'")


def test_a_family_without_a_group_carries_no_colour() -> None:
    with pytest.raises(DataError, match="row 2, field 'chart_group'"):
        families._check_group([Family("a", "A", "", "", False, "#0072B2")], {"a": 2})


def test_a_family_no_catalog_code_belongs_to_is_refused(data_copy: Path) -> None:
    codes = data_copy / "catalog" / "codes.csv"
    codes.write_text("".join(line for line in codes.read_text(encoding="utf-8").splitlines(True)
                             if ",office_visit," not in line), encoding="utf-8")
    # office_visit is the 7th family: line 8 of families.csv (header is line 1)
    with pytest.raises(DataError, match=r"families.csv, row 9, field 'family': office_visit has no "
                                        r"rows in catalog-codes"):
        datapkg.load("catalog-families", data_copy)
