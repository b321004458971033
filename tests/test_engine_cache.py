"""The engine's caches (issue 15): a view's refresh re-uses what depends only on its inputs, and
every cached answer equals the uncached one and cannot be changed by the caller."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from flatclosure import fees
from flatclosure.catalog import Catalog, load_catalog


def test_fee_schedule_is_computed_once_and_each_caller_gets_its_own_copy() -> None:
    cat = load_catalog()
    codes = ["14301", "14302", "19303"]
    first = fees.fee_schedule(codes, "2024-08-01", "office", "01182:18", catalog=cat)
    # pprrvu_2024_jul.csv 14301 office at LA 01182:18 (1.042, 1.194, 0.690), CF 33.2875:
    # (12.65*1.042 + 17.89*1.194 + 2.05*0.690) x 33.2875 = 1196.9007 (as in test_fees.py)
    assert first.set_index("code").loc["14301", "price"] == 1196.90
    first.loc[:, "price"] = 0.0  # a caller changing its frame changes nothing cached
    again = fees.fee_schedule(codes, "2024-08-01", "office", "01182:18", catalog=cat)
    assert again is not first
    pd.testing.assert_frame_equal(again, fees._fee_schedule(
        codes, dt.date(2024, 8, 1), "office", "01182:18", False, cat))
    assert pd.isna(again["price"].iloc[2])  # 19303 is not payable in the office (NA)
    assert again.set_index("code").loc["14301", "price"] == 1196.90
    # another setting, date or locality is another entry: 14301 facility 2022, national:
    # 12.65 + 10.88 + 1.94 = 25.47 x 34.6062 = 881.4199
    assert fees.fee_schedule(["14301"], "2022-06-01", catalog=cat)["price"].iloc[0] == 881.42


def test_price_is_memoised_per_arguments() -> None:
    cat = load_catalog()
    one = fees.price("19303", "2022-06-01", catalog=cat)
    assert fees.price("19303", dt.date(2022, 6, 1), "facility", catalog=cat) is one
    assert one.price == 990.08  # 15.00 + 9.88 + 3.73 = 28.61 x 34.6062 = 990.0834
    assert fees.price("19303", "2022-06-01", "office", catalog=cat).price != one.price


def test_catalog_look_ups_equal_the_tables_they_come_from() -> None:
    cat = load_catalog()
    rel = cat.releases
    for year in cat.years():
        # the last release listed for a year, as before the look-ups were memoised
        assert cat.date_for_year(year) == rel[rel["year"] == year].iloc[-1]["effective_from"]
    assert cat.date_for_year(2024) == dt.date(2024, 7, 1)  # RVU24C, the last 2024 release
    assert cat.years() == sorted({int(y) for y in rel["year"]})
    assert cat.gpci_years() == sorted({int(y) for y in cat.gpci_table["year"]})
    for family in set(cat.codes["family"]):
        assert cat.family(family) == list(cat.codes.index[cat.codes["family"] == family])
    assert cat.family("no such family") == []
    assert cat.info("14301") is cat.info(" 14301 ")


def test_cached_lists_and_tables_cannot_be_changed_by_a_caller() -> None:
    cat = Catalog()
    years = cat.years()
    years.append(1900)
    assert 1900 not in cat.years()
    fam = cat.family(cat.info("14301").family)
    fam.clear()
    assert "14301" in cat.family(cat.info("14301").family)
    table = cat.table("2025-06-01")
    assert isinstance(table, pd.DataFrame) and "family" in table
    work = table.set_index("code").loc["14301", "work_rvu"]
    table.loc[:, "work_rvu"] = -1.0
    assert cat.table("2025-06-01").set_index("code").loc["14301", "work_rvu"] == work
    assert work == cat.values("14301", "2025-06-01").work_rvu
    assert cat.locality_name("01182:18", 2024) == cat.locality_name("1182-18", 2024)


def test_recommend_answers_a_repeated_question_from_its_cache_with_the_same_result() -> None:
    from flatclosure.claims import PricingContext
    from flatclosure.protocol import Procedure, recommend
    from flatclosure.protocol.engine import _recommend
    from flatclosure.protocol.rules import default_rules

    cat = load_catalog()
    ctx = PricingContext(dt.date(2025, 6, 1))  # RVU25A, CF 32.3465
    p = Procedure(mastectomy_code="19303", defect_area_cm2=40.0, skin_excision=True)
    first = recommend(p, ctx, catalog=cat)
    # equal frozen inputs (a new Procedure and context with the same fields) hit the same entry
    again = recommend(Procedure(mastectomy_code="19303", defect_area_cm2=40.0, skin_excision=True),
                      PricingContext(dt.date(2025, 6, 1)), catalog=cat)
    assert again is first
    # and equal what the engine computes without its cache: 19303 facility 29.07 RVUs x 32.3465
    # = 940.312755; -50 -> 150% = 1410.47
    fresh = _recommend.__wrapped__(p, ctx, cat, default_rules(), True)
    assert fresh == first and first.total == 1410.47
    assert [ln.line for ln in first.lines] == ["19303-50"]
    # another setting is another entry: the office cannot take 19303 (facility only)
    other = recommend(p, PricingContext(dt.date(2025, 6, 1), setting="facility", locality="01182:18"),
                      catalog=cat)
    assert other is not first and other.total != first.total
