"""A tampered data package is refused, one case per class of the probe in issue 11: each refusal
names the file, the row (line in the file, header = 1) and the field. Before the plausibility
checks, each of these gave a silently wrong price or a traceback."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from flatclosure import datapkg
from flatclosure.errors import DataError
from tests.conftest import catalog_with

Rows = list[list[str]]


def edit_csv(path: Path, edit: Callable[[Rows], None]) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def cell(rows: Rows, row: int, field: str, value: str) -> None:
    """Set one cell; ``row`` is the file line (header = 1)."""
    rows[row - 1][rows[0].index(field)] = value


def swap_columns(rows: Rows, a: str, b: str) -> None:
    i, j = rows[0].index(a), rows[0].index(b)
    for r in rows[1:]:
        r[i], r[j] = r[j], r[i]


def drop_release(rows: Rows, release: str) -> None:
    rows[:] = [r for r in rows if r[0] != release]


CF, GPCI, RVUS = "cms/conversion_factors.csv", "cms/gpci.csv", "cms/rvus.csv"
RELEASES, PARAMS = "cms/releases.csv", "rules/payment_parameters.csv"

# (class, file, edit, (file named, row, field, words of the reason))
CASES: list[tuple[str, str, Callable[[Rows], None], tuple[str, int, str | None, str]]] = [
    ("CF 0", CF, lambda r: cell(r, 3, "conversion_factor", "0"),
     ("conversion_factors.csv", 3, "conversion_factor", "below the minimum 10")),
    ("CF x100", CF, lambda r: cell(r, 3, "conversion_factor", "3603.91"),
     ("conversion_factors.csv", 3, "conversion_factor", "above the maximum 100")),
    ("GPCI 100", GPCI, lambda r: cell(r, 2, "gpci_work", "100"),
     ("gpci.csv", 2, "gpci_work", "above the maximum 2")),
    ("swapped columns", CF, lambda r: swap_columns(r, "conversion_factor", "bn_adjustment"),
     ("conversion_factors.csv", 2, "conversion_factor", "below the minimum 10")),
    ("negative RVU", RVUS, lambda r: cell(r, 2, "work_rvu", "-8.01"),
     ("rvus.csv", 2, "work_rvu", "below the minimum 0")),
    ("overlapping releases", RELEASES, lambda r: cell(r, 4, "effective_from", "2020-09-01"),
     ("releases.csv", 4, "effective_from", "overlaps the one of row 3")),
    ("overlapping CF periods", CF, lambda r: cell(r, 3, "effective_to", "2020-01-15"),
     ("conversion_factors.csv", 4, "effective_from", "overlaps the one of row 3")),
    ("release relabelled to another year", RELEASES, lambda r: cell(r, 3, "year", "2021"),
     ("releases.csv", 3, "year", "year 2021 but effective_from 2020-01-01 is in 2020")),
    ("bilateral percentage 15", PARAMS, lambda r: cell(r, 2, "value", "15"),
     ("payment_parameters.csv", 2, "value", "outside 0-2 for a share of one side")),
    ("a release with no rows", RVUS, lambda r: drop_release(r, "RVU20D"),
     ("releases.csv", 4, "release_id", "RVU20D has no rows in cms-rvus")),
    ("a table with no rows", CF, lambda r: r.__delitem__(slice(1, None)),
     ("conversion_factors.csv", 2, None, "the table has no rows")),
    ("a duplicate row", GPCI, lambda r: r.insert(3, list(r[1])),
     ("gpci.csv", 4, "locality", "duplicate key")),
]


@pytest.mark.parametrize(("what", "path", "edit", "expected"), CASES, ids=[c[0] for c in CASES])
def test_tampered_file_is_refused_naming_file_row_field(
        data_copy: Path, what: str, path: str, edit: Callable[[Rows], None],
        expected: tuple[str, int, str | None, str]) -> None:
    edit_csv(data_copy / path, edit)
    with pytest.raises(DataError) as caught:
        catalog_with(data_copy)  # what every price is read from
        datapkg.load(next(n for n in datapkg.resource_names(data_copy)  # and the rules
                          if datapkg.resource(n, data_copy).path == data_copy / path), data_copy)
    name, row, field, words = expected
    err = caught.value
    assert (Path(err.path).name, err.row, err.field) == (name, row, field), str(err)
    assert words in err.problem


@pytest.mark.parametrize("path", ["../../etc/passwd", "/etc/passwd", "cms/../../outside.csv"])
def test_descriptor_path_outside_data_is_refused(data_copy: Path, path: str) -> None:
    desc = data_copy / "datapackage.json"
    d = json.loads(desc.read_text(encoding="utf-8"))
    names = [r["name"] for r in d["resources"]]
    d["resources"][names.index("cms-gpci")]["path"] = path
    desc.write_text(json.dumps(d), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        catalog_with(data_copy)
    err = caught.value
    assert Path(err.path).name == "datapackage.json"
    assert (err.row, err.field) == (names.index("cms-gpci") + 1, "path")
    assert "data folder" in err.problem or "inside data/" in err.problem
