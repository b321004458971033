"""data/cms/conversion_factors.csv: every row reconciles, so a reader can check each number."""

from __future__ import annotations

import math

import pytest

from flatclosure import datapkg

# bn_adjustment has 4 decimals: +-0.00005 x base (<= 36.1) x update x add-on (<= 1.04) < 0.0019
TOLERANCE = 0.0019


def _rows() -> list[dict]:
    return datapkg.load("cms-conversion-factors").to_dict("records")


@pytest.mark.parametrize("row", _rows(), ids=lambda r: f"{r['effective_from']}-{r['apm_track']}")
def test_each_row_reconciles_within_rounding(row: dict) -> None:
    # base x update x budget neutrality x one-year law add-on = the CF in force
    product = row["base_cf"] * row["update_factor"] * row["bn_adjustment"] * row["law_add_on"]
    assert product == pytest.approx(row["conversion_factor"], abs=TOLERANCE)
    assert row["source"] and row["bn_basis"] and row["base_basis"] and row["update_basis"]


def test_2021_records_the_final_rule_and_the_law_separately() -> None:
    # final rule: 36.0896 x 0.8980 = 32.40846 -> 32.4085 (the E/M revaluation, -10.20%);
    # after CAA 2021: 36.0896 x 0.9319 x 1.0375 = 34.89273 ~ 34.8931 (G2211 moratorium + 3.75%);
    # the old row paired 34.8931 with 0.8980: 36.0896 x 0.898 x 1.0375 = 33.62, which does not
    row = next(r for r in _rows() if r["effective_from"].year == 2021)
    assert (row["conversion_factor"], row["final_rule_cf"], row["final_rule_bn"]) == (
        34.8931, 32.4085, 0.8980)
    assert row["base_cf"] * row["final_rule_bn"] == pytest.approx(row["final_rule_cf"], abs=1e-4)
    assert row["law_add_on"] == 1.0375 and row["bn_adjustment"] == 0.9319
    assert abs(row["base_cf"] * 0.898 * row["law_add_on"] - row["conversion_factor"]) > 1.0
    assert "G2211" in row["bn_basis"] and "derived" in row["bn_basis"]


def test_final_rule_figures_reconcile_where_given() -> None:
    for row in _rows():
        if row["final_rule_cf"] is None or (isinstance(row["final_rule_cf"], float)
                                            and math.isnan(row["final_rule_cf"])):
            continue
        product = row["base_cf"] * row["update_factor"] * row["final_rule_bn"]
        assert product == pytest.approx(row["final_rule_cf"], abs=TOLERANCE), row["effective_from"]
