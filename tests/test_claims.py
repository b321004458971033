"""Claim rules against golden figures worked by hand.

Base amounts, 2024-08-01 (pprrvu_2024_jul.csv, CF 33.2875), national, facility totals:
19303 28.88 -> 961.3430; 14301 26.05 -> 867.139375; 14302 6.40 -> 213.04;
13101 7.36 -> 244.996; 13102 2.13 -> 70.902375.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from flatclosure.catalog import Catalog
from flatclosure.claims import ClaimLine, PricingContext, price_claim
from flatclosure.errors import InputError

CTX = PricingContext("2024-08-01")


def allowed(lines: list[str] | list[ClaimLine], ctx: PricingContext = CTX,
            catalog: Catalog | None = None) -> list[float]:
    return [p.allowed for p in price_claim(lines, ctx, catalog).lines]


def test_bilateral_mastectomy_with_per_side_closure_and_add_on() -> None:
    r = price_claim(["19303-50", "14301-RT", "14301-LT-59", "14302x2"], CTX)
    # 961.343 x 1.5 = 1442.0145 (rank 1); 867.139375 x 0.5 = 433.5697 (ranks 2, 3);
    # 14302 add-on never reduced: 2 x 213.04 = 426.08
    assert [p.allowed for p in r.lines] == [1442.01, 433.57, 433.57, 426.08]
    assert r.total == 2735.23
    assert [p.rank for p in r.lines] == [1, 2, 3, None]
    assert [n.rule for n in r.lines[0].rules] == ["bilateral", "multiple-procedure"]
    assert "add-on" in [n.rule for n in r.lines[3].rules]


def test_bilateral_indicator_0_pays_one_side() -> None:
    # 14301 BILAT SURG 0: modifier 50 or an RT+LT pair pays 100% of one code
    assert allowed(["14301-50"]) == [867.14]
    assert allowed(["14301-RT", "14301-LT"]) == [867.14, 0.0]


def test_bilateral_indicator_1_by_rt_lt_or_two_units() -> None:
    assert allowed(["19303-RT", "19303-LT"]) == [1442.01, 0.0]
    assert allowed(["19303x2"]) == [1442.01]


def _catalog_with_bilat(tmp: Path, data_copy: Path, indicator: str) -> Catalog:
    path = data_copy / "cms" / "rvus.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("bilat_surg")
    for r in rows[1:]:
        if r[1] == "19303":
            r[col] = indicator
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return Catalog(data_copy)


@pytest.mark.parametrize(("indicator", "expected", "warns"), [
    ("2", 961.34, False),  # already bilateral: 100%
    ("3", 1922.69, False),  # each side in full: 2 x 961.343 = 1922.686
    ("9", 961.34, True),  # concept does not apply
])
def test_bilateral_indicators_2_3_9(tmp_path: Path, data_copy: Path, indicator: str,
                                    expected: float, warns: bool) -> None:
    cat = _catalog_with_bilat(tmp_path, data_copy, indicator)
    r = price_claim(["19303-50"], CTX, cat)
    assert r.lines[0].allowed == expected
    assert bool(r.warnings) is warns


def test_multiple_procedure_ladder_and_units() -> None:
    # 14301 x2 ranks as two procedures: (867.139375 x 1.0 + 867.139375 x 0.5) = 1300.709
    assert allowed(["14301x2"]) == [1300.71]
    # complex repair with its add-on: 13101 alone is ranked 1 (no reduction); 13102 x2 = 141.80475
    assert allowed(["13101", "13102x2"]) == [245.0, 141.8]


def test_a_payer_ladder_100_50_25() -> None:
    ctx = PricingContext("2024-08-01", ladder=(1.0, 0.5, 0.25))
    # ranks: 19303 961.343 (100%), 14301 867.139 x .5 = 433.5697, 13101 244.996 x .25 = 61.249
    assert allowed(["13101", "14301", "19303"], ctx) == [61.25, 433.57, 961.34]


def test_past_the_fifth_procedure_is_by_report() -> None:
    r = price_claim(["19303", "19307", "14301", "15839", "14001", "13101"], CTX)
    assert any("beyond the 5th" in w for w in r.warnings)


def test_modifier_78_pays_the_intra_operative_share() -> None:
    # 867.139375 x 0.71 = 615.669
    r = price_claim(["14301-78"], CTX)
    assert r.lines[0].allowed == 615.67
    assert "no new global period" in r.lines[0].rules[0].text


def test_modifiers_58_79_pay_in_full_and_51_is_informational() -> None:
    assert allowed(["14301-58"]) == [867.14]
    assert allowed(["14301-79"]) == [867.14]
    assert allowed(["19303", "14301-51"]) == [961.34, 433.57]


def test_modifier_22_adds_the_user_percentage() -> None:
    ctx = PricingContext("2024-08-01", modifier_22_percent=25)
    # 961.343 x 1.25 = 1201.67875
    assert allowed(["19303-22"], ctx) == [1201.68]
    r = price_claim(["19303-22"], CTX)
    assert r.lines[0].allowed == 961.34 and any("by report" in w for w in r.warnings)


def test_co_surgery_and_assistants_follow_the_indicators() -> None:
    # 19303 CO-SURG 1: 62.5% -> 600.839375; ASST SURG 2: 16% -> 153.815, AS 13.6% -> 130.7426
    assert allowed(["19303-62"]) == [600.84]
    assert allowed(["19303-80"]) == [153.81]
    assert allowed(["19303-AS"]) == [130.74]
    r = price_claim(["14301-62"], CTX)  # CO-SURG 0: not allowed
    assert r.lines[0].allowed == 0.0 and "denied" in r.warnings[0]
    assert allowed(["13101-80"]) == [0.0]  # ASST SURG 1: never paid


def test_payer_multiplier_applies_to_every_line() -> None:
    ctx = PricingContext("2024-08-01", payer_multiplier=1.22)
    r = price_claim(["19303-50", "14301-RT", "14301-LT-59", "14302x2"], ctx)
    # 1442.0145 x 1.22 = 1759.2577; 433.5697 x 1.22 = 528.955; 426.08 x 1.22 = 519.8176
    assert [p.allowed for p in r.lines] == [1759.26, 528.96, 528.96, 519.82]
    assert r.total == 3337.0


def test_lower_of_charge_and_allowed() -> None:
    assert allowed([ClaimLine("14301", charge=500.0)]) == [500.0]
    assert allowed([ClaimLine("14301", charge=5000.0)]) == [867.14]


def test_carrier_priced_and_restricted_codes() -> None:
    # user price 1500 outranks 19303 (961.343 -> 50% = 480.6715)
    assert allowed([ClaimLine("19499", user_price=1500.0), ClaimLine("19303")]) == [1500.0, 480.67]
    r = price_claim([ClaimLine("19499", comparator="15839")], CTX)
    assert r.lines[0].rules[0].rule == "status-C-comparator"
    with pytest.raises(InputError, match="19499 is carrier priced .* give a user price or a comparator"):
        price_claim(["19499"], CTX)
    r = price_claim(["15877"], CTX)
    assert r.total == 0.0 and "status R" in r.warnings[0]


def test_bad_claims_are_refused_with_the_reason() -> None:
    with pytest.raises(InputError, match="add-on code 14302 needs its primary code"):
        price_claim(["14302"], CTX)
    with pytest.raises(InputError, match="19303 is not payable in the office setting"):
        price_claim(["19303"], PricingContext("2024-08-01", setting="office"))
    with pytest.raises(InputError, match="unknown modifier 'ZZ'"):
        ClaimLine.parse("19303-ZZ")
    with pytest.raises(InputError, match="is not CODE"):
        ClaimLine.parse("19303x0x")
    with pytest.raises(InputError, match="units must be a whole number of at least 1"):
        ClaimLine("19303", units=0)
    with pytest.raises(InputError, match="modifier 50 already means both sides"):
        ClaimLine.parse("19303-50-RT")
    with pytest.raises(InputError, match="payer_multiplier"):
        PricingContext("2024-08-01", payer_multiplier=0)


def test_2019_claims_warn_about_borrowed_indicators() -> None:
    r = price_claim(["19303"], PricingContext("2019-11-01"))
    # rvu_2019_oct 19303 facility: 15.00 + 9.13 + 3.56 = 27.69 x 36.0391 = 997.9227
    assert r.total == 997.92
    assert r.warnings == ("RVU19D has no payment indicators; those of RVU20A are used",)


def test_line_round_trips_through_text() -> None:
    for text in ("19303-50", "14301-LT-59", "14302x2", "19303-78-RT"):
        assert str(ClaimLine.parse(text)) == text


def test_a_2025_locality_price_carries_the_gpci_caveat() -> None:
    r = price_claim(["14301"], PricingContext("2025-06-01", locality="01182:18"))
    assert any(w.startswith("2025 GPCIs: CAVEAT") for w in r.warnings)
    assert price_claim(["14301"], PricingContext("2025-06-01")).warnings == ()  # national
    assert price_claim(["14301"], PricingContext("2024-08-01", locality="01182:18")).warnings == ()
