"""Fee schedule amounts against golden figures worked by hand from the CMS files."""

from __future__ import annotations

import numpy as np
import pytest

from flatclosure.catalog import load_catalog
from flatclosure.errors import InputError
from flatclosure.fees import fee_schedule, price, price_matrix, round_cents


@pytest.mark.parametrize(("code", "day", "setting", "locality", "expected"), [
    # pprrvu_2022_jan.csv 19303: 15.00 + 9.88 + 3.73 = 28.61 x CF 34.6062 = 990.0834
    ("19303", "2022-06-01", "facility", None, 990.08),
    # 14301 2022: 12.65 + 10.88 + 1.94 = 25.47 x 34.6062 = 881.4199
    ("14301", "2022-06-01", "facility", None, 881.42),
    # 14302 2022: 3.73 + 1.96 + 0.65 = 6.34 x 34.6062 = 219.4033
    ("14302", "2022-06-01", "facility", None, 219.40),
    # 14301 office 2022: 12.65 + 17.51 + 1.94 = 32.10 x 34.6062 = 1110.859
    ("14301", "2022-06-01", "office", None, 1110.86),
    # pprrvu_2024_jul.csv 14301 office, gpci_2024.csv LA 01182:18 (1.042, 1.194, 0.690):
    # (12.65*1.042 + 17.89*1.194 + 2.05*0.690) x 33.2875 = 35.95646 x 33.2875 = 1196.9007
    ("14301", "2024-08-01", "office", "01182:18", 1196.90),
    # 13101 facility, Alabama 10112:00 (1.000, 0.869, 0.575):
    # (3.50 + 3.44*0.869 + 0.42*0.575) x 33.2875 = 6.73086 x 33.2875 = 224.0535
    ("13101", "2024-08-01", "facility", "10112:00", 224.05),
    # pprrvu_2021_jan 14301 facility, gpci_2021 Alabama (1.0, 0.888, 0.921):
    # (12.65 + 10.74*0.888 + 1.90*0.921) x 34.8931 = 23.93702 x 34.8931 = 835.2368
    ("14301", "2021-06-01", "facility", "10112:00", 835.24),
    # pprrvu_2026_jul_nonqpp 19303 facility total 27.42 x 33.4009 = 915.8527
    ("19303", "2026-02-01", "facility", None, 915.85),
])
def test_golden_prices(code: str, day: str, setting: str, locality: str | None, expected: float) -> None:
    assert price(code, day, setting, locality).price == expected


def test_qualifying_apm_rate_in_2026() -> None:
    # 27.42 x 33.5675 = 920.4209
    assert price("19303", "2026-02-01", qualifying_apm=True).price == 920.42


def test_na_and_carrier_priced_codes_have_no_amount() -> None:
    p = price("19303", "2025-02-01", "office")
    assert not p.payable and p.price is None
    c = price("19499", "2025-02-01")
    assert c.status == "C" and c.price is None


def test_fee_schedule_frame_keeps_order_and_provenance() -> None:
    f = fee_schedule(["19307", "14000"], "2020-02-01")
    assert list(f["code"]) == ["19307", "14000"]
    assert set(f["release_id"]) == {"RVU20A"} and set(f["conversion_factor"]) == {36.0896}
    # 19307 2020: 18.23 + 12.38 + 4.37 = 34.98 x 36.0896 = 1262.414
    assert f.loc[0, "price"] == 1262.41


def test_price_matrix_equals_scalar_prices() -> None:
    cat = load_catalog()
    rvus = cat.table("2024-08-01")
    locs = cat.localities(2024)
    m = price_matrix(rvus, locs, cat.conversion_factor("2024-08-01"), "facility")
    assert m.shape == (len(rvus), 109)
    j = int(np.flatnonzero(locs["locality_id"] == "10112:00")[0])
    i = int(np.flatnonzero(rvus["code"] == "13101")[0])
    assert round_cents(m[i, j]) == 224.05


def test_rounding_is_half_up_once() -> None:
    assert round_cents(2.675) == 2.68 and round_cents(-2.675) == -2.68
    assert list(np.asarray(round_cents(np.array([0.005, 1.004999])))) == [0.01, 1.0]


def test_bad_setting() -> None:
    with pytest.raises(InputError, match="setting: 'home' is not one of facility, office"):
        price("19303", "2024-01-05", "home")
