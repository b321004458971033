"""The workbook's tables against golden figures worked by hand from the CMS extracts."""

from __future__ import annotations

import math

import pytest

from flatclosure import tables
from flatclosure.catalog import load_catalog
from flatclosure.errors import InputError, UnknownCodeError


def test_a_year_is_priced_on_the_start_of_its_latest_release() -> None:
    prices = tables.year_prices(2025).set_index("code")
    # RVU25D (in force from 2025-10-01), CF 32.3465:
    # 19303 facility: 15.00 + 10.33 + 3.74 = 29.07 x 32.3465 = 940.3128
    assert prices.loc["19303", "price"] == 940.31
    assert prices.loc["19303", "release_id"] == "RVU25D"
    # 14301 facility: 12.65 + 11.54 + 2.06 = 26.25 x 32.3465 = 849.0956
    assert prices.loc["14301", "price"] == 849.10
    assert prices.loc["14301", "total_rvu"] == pytest.approx(26.25)
    assert math.isnan(prices.loc["19499", "price"])  # status C: carrier priced


def test_code_table_has_both_settings_and_filters_by_family() -> None:
    t = tables.code_table(2025, "tissue_rearrangement").set_index("code")
    assert list(t.index) == ["14000", "14001", "14301", "14302"]
    # 14301 office: 12.65 + 17.94 + 2.06 = 32.65 x 32.3465 = 1056.1132
    assert t.loc["14301", "office_price"] == 1056.11
    assert t.loc["14301", "facility_price"] == 849.10
    mastectomy = tables.code_table(2025, "mastectomy")
    assert mastectomy["office_price"].isna().all()  # facility-only codes (NA in the office)
    with pytest.raises(InputError, match="family"):
        tables.code_table(2025, "cosmetic")


def test_value_gap_groups_primary_priced_codes() -> None:
    gap = tables.value_gap(2026)
    assert set(gap["group"]) == set(tables.GAP_GROUPS)
    assert not {"14302", "13102", "15772", "19499", "15839"} & set(gap["code"])
    by_code = gap.set_index("code")
    # RVU26C, CF 33.4009: 14000 6.21 + 6.63 + 1.09 = 13.93 x 33.4009 = 465.2745
    assert by_code.loc["14000", "price"] == 465.27
    flat = gap[gap["group"] == "Flat closure"]["price"]
    assert flat.max() < by_code.loc["19303", "price"]  # the gap: every closure code below 19303


def test_payment_trend_follows_each_year_and_skips_codes_not_yet_held() -> None:
    trend = tables.payment_trend(["19303", "15771"])
    t19 = trend[trend["year"] == 2019].set_index("code")
    # RVU19D, CF 36.0391: 15.00 + 9.13 + 3.56 = 27.69 x 36.0391 = 997.9227
    assert t19.loc["19303", "price"] == 997.92
    assert "15771" not in t19.index  # new for CY2020
    assert list(trend["code"].drop_duplicates()) == ["19303", "15771"]
    assert sorted(trend["year"].unique()) == load_catalog().years()
    with pytest.raises(UnknownCodeError):
        tables.payment_trend(["99999"])


def test_seed_beside_a_year() -> None:
    seed = tables.seed_beside_year(2021).set_index("label")
    # 19307's work RVU fell from the published 18.23 to 17.99 in 2021 (RVU21D)
    assert seed.loc["1930X high", "work_rvu"] == 17.99
    assert seed.loc["1930X high", "change"] == pytest.approx(-0.24)
    assert seed.loc["1430X", "quoted_work_rvu"] == seed.loc["1430X", "work_rvu"] == 6.37
    assert math.isnan(seed.loc["19499", "quoted_work_rvu"])  # 'variable' on the page
    assert math.isnan(seed.loc["19499", "work_rvu"])  # no RVUs: carrier priced
    assert tables.seed_codes()[:3] == ["14000", "13101", "15771"]
