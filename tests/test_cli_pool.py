"""``flatclosure pool``: JSON values, the readable table, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flatclosure.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "cms_geo_service_sample.csv"


def run_json(capsys, *argv: str) -> dict:
    assert main(["pool", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_above_threshold(capsys):
    # 2025-10-01 (RVU25D, CF 32.3465): 30 RVU x 100,000 = 3,000,000 RVU -> $97,039,500;
    # factor 93e9 / 93,097,039,500 = 0.99895765; 19303: $940.31 -> $939.33
    out = run_json(capsys, "--rvu", "30", "--volume", "100000", "--date", "2025-10-01")
    assert out["added_spending"] == 97_039_500.0
    assert out["threshold_exceeded"] is True
    assert out["budget_neutrality_factor"] == pytest.approx(0.9989576521, abs=1e-10)
    assert out["conversion_factor_before"] == 32.3465
    assert out["conversion_factor_after"] == pytest.approx(32.312784, abs=1e-6)
    assert out["total_spending_after"] == 93_000_000_000.0
    codes = {c["code"]: c for c in out["codes"]}
    assert out["codes"][0]["code"] == "19301"  # mastectomy first
    assert (codes["19303"]["price_before"], codes["19303"]["price_after"]) == (940.31, 939.33)
    assert codes["19499"]["price_before"] is None
    assert "family" not in out


def test_json_displacement_total_allowed_and_family(capsys):
    # net = 30 - 0.6 x 26.25 = 14.25 RVU; 14.25 x 5,000 x 32.3465 = $2,304,688.13 < $20M
    out = run_json(capsys, "--rvu", "30", "--volume", "5000", "--displace", "14301=0.6",
                   "--displace", "19499=0.2", "--date", "2025-06-01", "--total-allowed", "5e10",
                   "--family", "breast")
    assert out["added_spending"] == 2_304_688.13
    assert out["threshold_exceeded"] is False
    assert out["budget_neutrality_factor"] == 1.0
    assert out["conversion_factor_after"] == out["conversion_factor_before"] == 32.3465
    assert out["total_allowed"] == 5e10
    assert out["scenario"]["displaces"] == {"14301": 0.6, "19499": 0.2}
    fam = out["family"]
    assert fam["volumes"]["illustrative"] is True
    assert "UNCONFIRMED" in fam["lens"]
    assert fam["work_pool_after"] == pytest.approx(fam["work_pool_before"], rel=1e-12)
    assert fam["codes"][0]["price_after"] < fam["codes"][0]["price_before"]


def test_family_with_cms_volumes(capsys):
    # fixture: 19303 = 7,600 and 19307 = 4,900 national services; W = 15 x 7,600 + 17.99 x
    # 4,900 = 202,151; new work 10 x 1,000; s = 192,151 / 202,151 = 0.950532
    out = run_json(capsys, "--rvu", "20", "--work-rvu", "10", "--volume", "1000", "--date",
                   "2025-06-01", "--family", "19303,19307", "--volumes", str(FIXTURE))
    fam = out["family"]
    assert fam["volumes"]["illustrative"] is False
    assert fam["work_scale_factor"] == pytest.approx(192_151 / 202_151, rel=1e-12)
    assert [c["volume"] for c in fam["codes"]] == [7600, 4900]


def test_readable_table_labels_lenses_and_illustrative_volumes(capsys):
    assert main(["pool", "--rvu", "30", "--volume", "5000", "--displace", "14301=0.6",
                 "--date", "2025-06-01", "--family", "breast"]) == 0
    text = capsys.readouterr().out
    assert "Statutory budget neutrality" in text
    assert "added spending        $2,304,688.13 a year" in text
    assert "not exceeded" in text and "32.3465 -> 32.3465" in text
    assert "Family work neutrality (UNCONFIRMED" in text
    assert "volume (illustrative)" in text and "ILLUSTRATIVE volumes" in text
    assert "American Medical Association" in text


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--rvu", "x", "--volume", "3"], "argument --rvu: 'x' is not a number"),
        (["--rvu", "3", "--volume", "-3"], "argument --volume: '-3' must be 0 or more"),
        (["--rvu", "3", "--volume", "3", "--displace", "14301"], "is not CODE=SHARE"),
        (["--rvu", "3", "--volume", "3", "--displace", "14301=lots"], "'lots' is not a share"),
        (["--rvu", "3", "--volume", "3", "--displace", "99999=1"], "unknown code '99999'"),
        (["--rvu", "3", "--volume", "3", "--displace", "19303=1", "--setting", "office"],
         "not paid in the office setting"),
        (["--rvu", "3", "--volume", "3", "--family", "elbows and knees"], "is not a family"),
        (["--rvu", "3", "--volume", "3", "--year", "1999"], "no release held for 1999"),
        (["--rvu", "3", "--volume", "3", "--family", "breast", "--volumes", "/nonexistent.csv"],
         "file not found"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, words):
    with pytest.raises(SystemExit) as stop:
        code = main(["pool", *argv])
        raise SystemExit(code)
    assert stop.value.code == 2
    err = capsys.readouterr()
    assert err.out == ""
    assert len(err.err.strip().splitlines()) == 1 and words in err.err
