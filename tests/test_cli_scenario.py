"""``flatclosure scenario``: presets by name, exports, and bad files refused with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flatclosure.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_run_presets_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scenario", "run", "01_mastectomy_reference", "06_unlisted_19499",
                       "--years", "2025", "--baseline", "01_mastectomy_reference", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["scenario"], r["total"]) for r in rows] == [
        ("01_mastectomy_reference", 1410.47), ("06_unlisted_19499", 794.11)]
    # 19499 valued like 19380: 794.11 - 1410.47 = -616.36
    assert rows[1]["difference"] == -616.36 and rows[1]["illustrative"] is True


def test_run_writes_every_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "scenario", "run", "01_mastectomy_reference", "--years", "2024-2025",
                       "--localities", "national,01182:18", "--csv", str(tmp_path / "a.csv"),
                       "--xlsx", str(tmp_path / "a.xlsx"), "--html", str(tmp_path / "a.html"))
    assert code == 0 and "$1,482.02" in out  # LA 2025
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.html", "a.xlsx"]


def test_list_presets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scenario", "list")
    assert code == 0 and "10_new_afc_code" in out


@pytest.mark.parametrize(("content", "message"), [
    ("title: x\n", "field 'description': missing"),
    ("title: x\ndescription: y\nreference: z\nlines: ['19303-50']\nvaluation: {year: 2030}\n",
     "field 'valuation.year': 2030 is not a year we hold"),
    ("title: x\ndescription: y\nreference: z\nlines: ['88888']\nvaluation: {year: 2025}\n",
     "field 'lines[0]': unknown code '88888'"),
    ("title: x\ndescription: y\nreference: z\nlines: ['19303']\nvaluation: {locality: '1:1'}\n",
     "field 'valuation.locality': 00001:01 is not a Medicare locality"),
    ("title: x\ndescription: y\nreference: z\nprocedure: {stage: later}\nvaluation: {year: 2025}\n",
     "field 'procedure.stage'"),
])
def test_bad_file_exits_2_and_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             content: str, message: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    out_csv = tmp_path / "out.csv"
    code, out, err = run(capsys, "scenario", "run", "01_mastectomy_reference", str(bad),
                         "--csv", str(out_csv))
    assert code == 2 and out == "" and message in err and err.count("\n") == 1
    assert not out_csv.exists()


def test_unknown_file_and_bad_years(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "scenario", "run", "nope")
    assert code == 2 and "no such file or preset" in err
    code, _, err = run(capsys, "scenario", "run", "01_mastectomy_reference", "--years", "2018-2020")
    assert code == 2 and "no release held for 2018" in err
