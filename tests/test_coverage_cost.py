"""What the patient pays under Original Medicare Part B (2024 and 2025, worked by hand) and under
another plan's deductible, coinsurance and out-of-pocket maximum."""

from __future__ import annotations

import math

import pytest

from flatclosure.claims import PricingContext, price_claim
from flatclosure.coverage import medicare_patient_cost, plan_patient_cost
from flatclosure.errors import InputError


def test_medicare_2024_participating_and_non_participating() -> None:
    # The golden claim of tests/test_claims.py: 19303-50, 14301-RT, 14301-LT-59, 14302x2 on
    # 2024-08-01, national facility: allowed $2,735.23. Part B deductible 2024 = $240.
    total = price_claim(["19303-50", "14301-RT", "14301-LT-59", "14302x2"],
                        PricingContext("2024-08-01")).total
    assert total == 2735.23
    par = medicare_patient_cost(total, "2024-08-01")
    # coinsurance 0.20 x (2735.23 - 240) = 0.20 x 2495.23 = 499.046 -> 499.05
    # patient 240 + 499.05 = 739.05; Medicare's share 2735.23 - 739.05 = 1996.18;
    # sequestration 2% x 1996.18 = 39.9236 -> 39.92; Medicare pays 1996.18 - 39.92 = 1956.26
    assert (par.deductible_applied, par.coinsurance, par.patient_pays) == (240.0, 499.05, 739.05)
    assert (par.medicare_share, par.sequestration, par.medicare_pays) == (1996.18, 39.92, 1956.26)
    assert par.charge_cap is None

    nonpar = medicare_patient_cost(total, "2024-08-01", "non_participating")
    # approved 0.95 x 2735.23 = 2598.4685 -> 2598.47; coinsurance 0.20 x (2598.47 - 240)
    # = 471.694 -> 471.69; patient 240 + 471.69 = 711.69; share 2598.47 - 711.69 = 1886.78;
    # sequestration 2% x 1886.78 = 37.7356 -> 37.74; Medicare pays 1849.04
    assert (nonpar.approved, nonpar.coinsurance, nonpar.patient_pays) == (2598.47, 471.69, 711.69)
    assert (nonpar.sequestration, nonpar.medicare_pays) == (37.74, 1849.04)

    cap = medicare_patient_cost(total, "2024-08-01", "limiting_charge")
    # limiting charge 1.15 x 2598.47 = 2988.2405 -> 2988.24 (= 1.0925 x 2735.23 = 2988.24);
    # Medicare pays the patient 1849.04 (sequestration included), so the patient's net cost is
    # 2988.24 - 1849.04 = 1139.20
    assert (cap.charge_cap, cap.medicare_pays, cap.patient_pays) == (2988.24, 1849.04, 1139.20)
    # the labels say who pays whom: on an unassigned claim Medicare pays the patient
    rows = dict(cap.rows())
    assert rows["Medicare pays the patient, who pays the surgeon"] == 1849.04
    assert rows["The most this surgeon may bill the patient (the limiting charge)"] == 2988.24
    assert rows["The patient pays (the limiting charge less Medicare's payment)"] == 1139.20
    assert dict(nonpar.rows())["Medicare pays the surgeon"] == 1849.04


def test_medicare_2024_with_part_of_the_deductible_already_paid() -> None:
    # $100 of the $240 already paid: 140 left; 0.20 x (2735.23 - 140) = 519.046 -> 519.05
    c = medicare_patient_cost(2735.23, "2024-08-01", deductible_met=100)
    assert (c.deductible_applied, c.coinsurance, c.patient_pays) == (140.0, 519.05, 659.05)
    # more than the deductible paid counts as all of it
    assert medicare_patient_cost(2735.23, "2024-08-01", deductible_met=500).deductible_applied == 0


def test_medicare_2025_two_sides_of_tissue_rearrangement() -> None:
    # 14301 in RVU25A: work 12.65 + facility PE 11.54 + MP 2.06 = 26.25 RVU x CF 32.3465
    # = 849.095625; RT ranked first 849.10, LT at 50% 424.547... -> 424.55; total 1273.65
    total = price_claim(["14301-RT", "14301-LT-59"], PricingContext("2025-06-01")).total
    assert total == 1273.65
    par = medicare_patient_cost(total, "2025-06-01")
    # deductible 2025 $257; coinsurance 0.20 x (1273.65 - 257) = 0.20 x 1016.65 = 203.33;
    # patient 257 + 203.33 = 460.33; share 1273.65 - 460.33 = 813.32;
    # sequestration 2% x 813.32 = 16.2664 -> 16.27; Medicare pays 797.05
    assert (par.deductible_year, par.coinsurance, par.patient_pays) == (257.0, 203.33, 460.33)
    assert (par.medicare_share, par.sequestration, par.medicare_pays) == (813.32, 16.27, 797.05)

    cap = medicare_patient_cost(total, "2025-06-01", "limiting_charge")
    # approved 0.95 x 1273.65 = 1209.9675 -> 1209.97; coinsurance 0.20 x (1209.97 - 257)
    # = 190.594 -> 190.59; share 1209.97 - 257 - 190.59 = 762.38; sequestration 15.2476 -> 15.25;
    # Medicare pays 747.13; limiting charge 1.15 x 1209.97 = 1391.4655 -> 1391.47;
    # patient 1391.47 - 747.13 = 644.34
    assert (cap.approved, cap.medicare_pays, cap.charge_cap, cap.patient_pays) == (
        1209.97, 747.13, 1391.47, 644.34)


def test_sequestration_suspended_in_2021_and_halved_in_spring_2022() -> None:
    # 2021: deductible 203, no sequestration: Medicare pays 0.8 x (1000 - 203) = 637.60
    assert medicare_patient_cost(1000, "2021-07-01").medicare_pays == 637.60
    # 2022-05: deductible 233, 1%: share 0.8 x 767 = 613.60, less 6.136 -> 6.14 = 607.46
    assert medicare_patient_cost(1000, "2022-05-01").medicare_pays == 607.46


def test_another_plan_with_an_out_of_pocket_maximum() -> None:
    # deductible 500 of 1273.65; coinsurance 0.3 x 773.65 = 232.095 -> 232.10; 732.10 is over
    # the 600 still to go to the out-of-pocket maximum: the patient pays 600, the plan 673.65
    c = plan_patient_cost(1273.65, 500, 0.3, 600)
    assert (c.deductible_applied, c.coinsurance, c.patient_pays, c.plan_pays, c.capped) == (
        500.0, 232.10, 600.0, 673.65, True)
    assert plan_patient_cost(1273.65, 0, 0.2, 10000).patient_pays == 254.73  # 254.73 exactly


@pytest.mark.parametrize("kwargs, field", [
    ({"coinsurance_share": 1.5}, "coinsurance_share"),
    ({"deductible_remaining": -1}, "deductible_remaining"),
    ({"out_of_pocket_remaining": math.nan}, "out_of_pocket_remaining"),
])
def test_plan_inputs_are_bounded(kwargs: dict[str, float], field: str) -> None:
    args = {"deductible_remaining": 0.0, "coinsurance_share": 0.2,
            "out_of_pocket_remaining": 1000.0, **kwargs}
    with pytest.raises(InputError, match=field):
        plan_patient_cost(100.0, **args)


def test_medicare_inputs_are_checked() -> None:
    with pytest.raises(InputError, match="provider"):
        medicare_patient_cost(100, "2025-06-01", "opted_out")
    with pytest.raises(InputError, match="deductible_met"):
        medicare_patient_cost(100, "2025-06-01", deductible_met=5000)
