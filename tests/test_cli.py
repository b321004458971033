"""The price, claim and localities commands: JSON for scripts, tables for people, clean errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from flatclosure.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_price_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "price", "19303", "14301", "--date", "2022-06-01", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["code"] for r in rows] == ["19303", "14301"]
    first = rows[0]
    for key in ("code", "date", "setting", "locality", "work_rvu", "pe_rvu", "mp_rvu",
                "conversion_factor", "price"):
        assert key in first
    # 28.61 x 34.6062 = 990.08; 25.47 x 34.6062 = 881.42
    assert (first["price"], rows[1]["price"]) == (990.08, 881.42)
    assert (first["date"], first["setting"], first["locality"]) == ("2022-06-01", "facility", "national")


def test_price_locality_and_office(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "price", "14301", "--date", "2024-08-01", "--setting", "office",
                       "--locality", "1182:18", "--json")
    assert code == 0 and json.loads(out)[0]["price"] == 1196.90


def test_price_table_marks_na_and_carrier_priced(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "price", "19303", "19499", "--year", "2025", "--setting", "office")
    assert code == 0
    assert "NA in office" in out and "carrier priced" in out and "American Medical Association" in out


def test_claim_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "claim", "19303-50", "14301-RT", "14301-LT-59", "14302x2",
                       "--date", "2024-08-01", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["total"] == 2735.23
    line = result["lines"][2]
    assert (line["code"], line["modifiers"], line["units"], line["allowed"]) == (
        "14301", ["LT", "59"], 1, 433.57)
    assert line["rules"][-1]["rule"] == "multiple-procedure"


def test_claim_with_payer_multiplier_and_comparator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "claim", "19499", "--comparator", "19499=15839", "--date",
                       "2024-08-01", "--payer-multiplier", "1.5", "--json")
    # a comparator-priced 19499 is paid like the comparator's own fee schedule amount, x 1.5
    _, pout, _ = run(capsys, "price", "15839", "--date", "2024-08-01", "--json")
    base = json.loads(pout)[0]["price"]
    assert code == 0 and abs(json.loads(out)["total"] - base * 1.5) <= 0.01


@pytest.mark.parametrize(("argv", "message"), [
    (["price", "99215"], "unknown code '99215'"),
    (["price", "19303", "--year", "2018"], "no release held for 2018"),
    (["price", "19303", "--date", "2024-13-01"], "is not a date"),
    (["claim", "14302", "--year", "2024"], "needs its primary code"),
    (["claim", "19303-QQ"], "unknown modifier 'QQ'"),
    (["claim", "19303", "--payer-multiplier", "-1"], "payer_multiplier"),
    (["claim", "19303", "--user-price", "19499"], "is not CODE=VALUE"),
    (["price", "19303", "--locality", "LA"], "is not MAC:LOCALITY"),
])
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str],
                                         message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_localities_search(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "localities", "--year", "2024", "--search", "los angeles", "--json")
    assert code == 0
    assert [r["locality_id"] for r in json.loads(out)] == ["01182:18"]


def test_the_installed_command_runs() -> None:
    exe = shutil.which("flatclosure", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "the flatclosure console script is not installed"
    done = subprocess.run([exe, "price", "19303", "--date", "2022-06-01"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "$990.08" in done.stdout
    bad = subprocess.run([exe, "price"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "the following arguments are required" in bad.stderr


def test_price_at_a_2025_locality_shows_the_gpci_caveat(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "price", "14301", "--year", "2025", "--locality", "01182:18")
    assert code == 0 and "note: 2025 GPCIs: CAVEAT" in out and "12.65" in out
