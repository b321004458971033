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


def test_json_of_a_large_code(capsys):
    # 2025-10-01 (RVU25D, CF 32.3465): 30 RVU x 100,000 = 3,000,000 RVU -> $97,039,500;
    # factor 93e9 / 93,097,039,500 = 0.99895765; 19303: $940.31 -> $939.33
    out = run_json(capsys, "--rvu", "30", "--volume", "100000", "--date", "2025-10-01")
    assert out["added_spending"] == 97_039_500.0
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
    # net = 30 - 0.6 x 26.25 = 14.25 RVU; 14.25 x 5,000 x 32.3465 = $2,304,688.13, absorbed at
    # its marginal share of a 5e10 pool: factor 5e10 / (5e10 + 2,304,688.125) = 0.99995391
    out = run_json(capsys, "--rvu", "30", "--volume", "5000", "--displace", "14301=0.6",
                   "--displace", "19499=0.2", "--date", "2025-06-01", "--total-allowed", "5e10",
                   "--family", "breast")
    assert out["added_spending"] == 2_304_688.13
    assert out["budget_neutrality_factor"] == pytest.approx(5e10 / (5e10 + 2_304_688.125))
    assert out["conversion_factor_after"] == pytest.approx(32.3465 * 5e10 / (5e10 + 2_304_688.125))
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
    assert "Added spending: $2,304,688.13 a year" in text
    # factor 93e9 / (93e9 + 2,304,688.125) = 0.99997522: CF 32.3465 -> 32.3457 (-0.0025%)
    assert "$32.3465 → $32.3457 per RVU (−0.0025%)" in text
    assert "one cent after 62,395 services a year" in text
    assert "Family work neutrality (UNCONFIRMED" in text
    assert "volume (illustrative)" in text and "ILLUSTRATIVE volumes" in text
    assert "American Medical Association" in text


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--rvu", "x", "--volume", "3"], "argument --rvu: 'x' is not a number"),
        (["--rvu", "3", "--volume", "-3"], "argument --volume: '-3' must be 0 or more"),
        (["--rvu", "3", "--volume", "3", "--displace", "14301"], "is not CODE=SHARE"),
        (["--rvu", "3", "--volume", "3", "--displace", "14301=lots"], "'lots' is not a number"),
        (["--rvu", "3", "--volume", "3", "--displace", "14301=5"], "share of 14301: 5 is over 1"),
        (["--revalue", "14301"], "is not CODE=WORK_RVU"),
        (["--revalue", "19499=3"], "not paid by RVUs"),
        (["--rvu", "3"], "--rvu and --volume together"),
        ([], "give a new code"),
        (["--rvu", "3", "--volume", "3", "--displace", "99999=1"], "unknown code '99999'"),
        (["--rvu", "3", "--volume", "3", "--displace", "19303=1", "--setting", "office"],
         "not paid in the office setting"),
        (["--rvu", "3", "--volume", "3", "--family", "elbows and knees"], "is not a family"),
        (["--rvu", "3", "--volume", "3", "--year", "1999"], "no release held for 1999"),
        (["--rvu", "3", "--volume", "3", "--family", "breast", "--volumes", "/nonexistent.csv"],
         "file not found"),
        # bounds from data/pool/limits.csv: never $inf or a 300-digit RVU on screen
        (["--rvu", "1e308"], "argument --rvu: '1e308' is over 600"),
        (["--rvu", "1e308", "--volume", "3000"], "argument --rvu: '1e308' is over 600"),
        (["--rvu", "2.36e152", "--volume", "2.36e152"], "argument --rvu: '2.36e152' is over 600"),
        (["--rvu", "28", "--volume", "3000", "--total-allowed", "1e300"],
         "argument --total-allowed: '1e300' is over 1e+13"),
        (["--revalue", "14301=1e300"], "new work RVU of 14301: 1e+300 is over 200"),
        (["--revalue", "14301=14.4,1e200"], "volume of 14301: 1e+200 is over 1e+09"),
        (["--rvu", "inf", "--volume", "3"], "argument --rvu: 'inf' must be 0 or more"),
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


def test_revalue_and_new_code_give_three_paths(capsys):
    # preset lines (14301-RT, 14301-LT-59) on 2025-10-01: today 26.25 x 32.3465 = 849.0956 ->
    # $849.10 + half of it 424.5478 -> $424.55 = $1,273.65. (b) AFC01-50: 28 x 32.3465 x 1.5 =
    # 1,358.553 -> $1,358.55; +$84.90 x 3,000 = $254,700.00. (c) 14301 at 14.40: 28 x 32.3465 =
    # 905.702 -> $905.70 + 452.851 -> $452.85 = $1,358.55; +$84.90 x 3,000 = $254,700.00, plus
    # (29,000 - 6,000 lines) x 1.75 x 32.3465 = 1,301,946.625 -> $1,301,946.63: $1,556,646.63.
    # The top level stays the per-service lens: (28 - 17.994) x 3,000 x 32.3465 = $970,977.24.
    out = run_json(capsys, "--rvu", "28", "--volume", "3000", "--displace", "14301=0.6",
                   "--displace", "19499=0.2", "--displace", "15839=0.1", "--revalue",
                   "14301=14.4,29000", "--year", "2025")
    for key in ("conversion_factor_before", "conversion_factor_after", "added_spending",
                "budget_neutrality_factor", "codes"):
        assert key in out
    assert out["added_spending"] == 970_977.24
    paths = {p["path"]: p for p in out["paths"]}
    assert list(paths) == ["today", "new_code", "revalue"]
    assert paths["today"]["flat_closure_paid"] == 1273.65
    assert paths["new_code"]["flat_closure_paid_today_cf"] == 1358.55
    assert paths["new_code"]["added_spending"] == 254_700.00
    assert paths["revalue"]["added_spending"] == 1_556_646.63
    # 19303: 29.07 x 32.3465 x 93e9 / (93e9 + 254,700) = 940.3102 -> $940.31 (b);
    # x 93e9 / (93e9 + 1,556,646.63) = 940.2971 -> $940.30 (c)
    assert paths["new_code"]["mastectomy_paid"] == 940.31
    assert paths["revalue"]["mastectomy_paid"] == 940.30
    gains = dict((g["who"], g["dollars_a_year"]) for g in paths["revalue"]["gains"])
    assert gains["flat closures"] == 254_700.00
    assert "Revaluing costs 6.1 times what the new code costs: 84%" in out["verdict"]
    assert "+$84.90 × 3,000 flat closures = $254,700.00 added a year" in out["reconciliation"]


def test_revalue_alone_and_year_context(capsys):
    # 13101 (2025: work 3.00? as held) revalued to +1 work RVU on 1,000 given services
    assert main(["pool", "--revalue", "14301=13.65,1000", "--year", "2025", "--year-context"]) == 0
    text = capsys.readouterr().out
    # 1.00 x 1,000 x 32.3465 = $32,346.50 a year
    assert "Added spending: $32,346.50 a year" in text
    assert ("in 2025 the conversion factor carries a budget-neutrality adjustment of 1.0002 "
            "(+0.02%; derived: our arithmetic") in text
    assert "This change's own share: $32,346.50 a year" in text
    assert "(a) Today's codes" in text and "(c) Revalue existing codes" in text


def test_json_says_whether_the_years_adjustment_is_stated_or_our_arithmetic(capsys):
    # 2021: 0.9319 = 34.8931 / (36.0896 x 1.0375), stated by no source; 2026: +0.49%, stated
    assert main(["pool", "--rvu", "28", "--volume", "3000", "--year", "2021", "--json"]) == 0
    ctx = json.loads(capsys.readouterr().out)["year_context"]
    assert (ctx["bn_adjustment"], ctx["bn_stated"]) == (0.9319, False)
    assert ctx["bn_basis"].startswith("derived: our arithmetic, no source states it")
    assert main(["pool", "--rvu", "28", "--volume", "3000", "--year", "2026", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["year_context"]["bn_stated"] is True
