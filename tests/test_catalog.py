"""The catalog: releases by date of service, code values, conversion factors and GPCIs."""

from __future__ import annotations

import datetime as dt

import pytest

from flatclosure.catalog import load_catalog, normalise_locality
from flatclosure.errors import InputError, NoDataForDateError, UnknownCodeError

cat = load_catalog()


@pytest.mark.parametrize(("day", "release"), [
    ("2019-10-01", "RVU19D"), ("2020-09-30", "RVU20A"), ("2020-10-01", "RVU20D"),
    ("2024-03-08", "RVU24A"), ("2024-03-09", "RVU24AR"), ("2024-04-01", "RVU24B"),
    ("2024-12-31", "RVU24C"), ("2025-10-01", "RVU25D"), ("2026-01-01", "RVU26C"),
])
def test_release_in_force_by_date(day: str, release: str) -> None:
    assert cat.release_on(day).release_id == release


@pytest.mark.parametrize(("day", "cf"), [
    ("2019-06-01", 36.0391), ("2021-05-01", 34.8931), ("2024-03-08", 32.7442),
    ("2024-03-09", 33.2875), ("2025-12-31", 32.3465), ("2026-07-01", 33.4009),
])
def test_conversion_factor_by_date(day: str, cf: float) -> None:
    assert cat.conversion_factor(day) == cf


def test_2026_has_two_conversion_factors() -> None:
    assert cat.conversion_factor("2026-03-01", qualifying_apm=True) == 33.5675
    assert cat.conversion_factor("2026-03-01", qualifying_apm=False) == 33.4009


def test_values_of_a_code_follow_the_release() -> None:
    # pprrvu_2022_jan.csv row 19307: work 17.99, facility PE 12.83, MP 4.47, NA in the office
    v = cat.values("19307", "2022-05-05")
    assert (v.release_id, v.work_rvu, v.fac_pe_rvu, v.mp_rvu) == ("RVU22A", 17.99, 12.83, 4.47)
    assert not v.office_payable and v.facility_payable
    assert (v.glob_days, v.intra_op, v.bilat_surg, v.co_surg) == ("090", 0.71, "1", "1")
    assert cat.values("19307", "2020-05-05").work_rvu == 18.23  # before the 2021 revaluation


def test_2019_indicators_come_from_2020_and_say_so() -> None:
    v = cat.values("14301", "2019-11-01")
    assert (v.release_id, v.indicators_from, v.work_rvu, v.mult_proc) == ("RVU19D", "RVU20A", 12.65, "2")


def test_errors_say_what_is_available() -> None:
    with pytest.raises(UnknownCodeError, match="unknown code '99215': the catalog holds 14000"):
        cat.values("99215", "2024-01-01")
    with pytest.raises(UnknownCodeError, match="code 15771 is not in the 2019 October release"):
        cat.values("15771", "2019-12-01")
    with pytest.raises(NoDataForDateError, match="no relative value file held for 2019-03-01: "
                       "releases cover 2019-10-01 to 2026-12-31"):
        cat.values("19303", "2019-03-01")
    with pytest.raises(NoDataForDateError, match="no release held for 2027: years available are 2019"):
        cat.date_for_year(2027)
    with pytest.raises(NoDataForDateError, match="no GPCI file held for 2026"):
        cat.gpci("01182:18", 2026)
    with pytest.raises(InputError, match="'99999:99' is not a Medicare locality in 2024"):
        cat.gpci("99999:99", 2024)
    with pytest.raises(InputError, match="date: '2024-02-30' is not a date"):
        cat.values("19303", "2024-02-30")


def test_localities_and_gpcis() -> None:
    assert len(cat.localities(2019)) == 112
    assert len(cat.localities(2020)) == 112  # the file's last two rows are blank
    assert len(cat.localities(2024)) == 109  # three California localities retired
    # gpci_2024.csv: 01182 CA 18 LOS ANGELES... 1.042, 1.194, 0.690
    assert cat.gpci("1182:18", 2024) == (1.042, 1.194, 0.69)
    assert cat.gpci(None, 2026) == (1.0, 1.0, 1.0)
    assert normalise_locality("1182-18") == "01182:18"
    assert cat.localities(2020).set_index("locality_id").loc["10112:00", "state"] == "AL"


def test_year_questions_use_the_latest_release_of_the_year() -> None:
    assert cat.date_for_year(2024) == dt.date(2024, 7, 1)
    assert cat.years() == [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]


def test_catalog_codes_and_add_on_primaries() -> None:
    info = cat.info("14302")
    assert info.is_add_on and info.primary_codes == ("14301",)
    assert cat.info("13102").primary_codes == ("13100", "13101")
    assert cat.family("mastectomy") == ["19301", "19302", "19303", "19305", "19306", "19307"]
    assert (info.size_unit, info.size_min, info.size_step) == ("sq_cm", 60.0, 30.0)


def test_one_default_year_for_every_entry_point() -> None:
    """The latest year with both an RVU file and a GPCI file (2025 in the data shipped): the CLI,
    the card and every notebook open on it."""
    cat = load_catalog()
    assert cat.default_year() == max(set(cat.years()) & set(cat.gpci_years())) == 2025
    assert cat.default_date() == cat.date_for_year(2025)


def test_the_catalogs_memo_keeps_the_most_recently_used_results_and_no_more() -> None:
    from flatclosure.catalog import MEMO_ENTRIES, Memo

    memo = Memo()
    for i in range(MEMO_ENTRIES + 10):
        memo[(i,)] = i
    assert len(memo) == MEMO_ENTRIES and (9,) not in memo and (10,) in memo
    assert memo[(10,)] == 10  # read: now the most recent
    memo[("new",)] = 0
    assert (10,) in memo and (11,) not in memo and len(memo) == MEMO_ENTRIES
