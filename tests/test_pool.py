"""The finite RVU pool: statutory budget neutrality, family work neutrality, sweeps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flatclosure.errors import InputError, UnknownCodeError
from flatclosure.fees import round_cents
from flatclosure.pool import (
    FAMILY_LABEL,
    STATUTORY_LABEL,
    NewCode,
    break_even_volume,
    budget_neutrality_factor,
    family_neutrality,
    pool_parameters,
    resolve_family,
    statutory,
    sweep,
)
from flatclosure.volumes import Volumes

PROPS = settings(max_examples=40, deadline=None)
THRESHOLD = 20_000_000.0  # data/rules/payment_parameters.csv budget_neutrality_threshold_usd
TOTAL = 93_000_000_000.0  # data/rules/payment_parameters.csv pfs_total_allowed_usd
TR_14301_FACILITY = 26.25  # 2025 (RVU25A): 12.65 work + 11.54 facility PE + 2.06 MP


def test_parameters_come_from_the_data_package():
    p = pool_parameters()
    assert p.threshold_usd == THRESHOLD
    assert p.total_allowed_usd == TOTAL
    assert "93 billion" in p.total_allowed_source and p.total_allowed_year == 2020
    assert "1848(c)(2)(B)(ii)" in p.threshold_source


# -- the CY2021 E/M worked example (shared domain notes section 6; research notes A8) ----------
def test_em_2021_example_from_the_factor():
    # added = 11.3584% of the pool: factor = 1 / 1.113584 = 0.898000; 36.0896 x 0.898 = 32.4085
    factor = budget_neutrality_factor(0.113584 * TOTAL, TOTAL, THRESHOLD)
    assert 36.0896 * factor == pytest.approx(32.4085, abs=1e-4)
    assert (factor - 1) * 100 == pytest.approx(-10.20, abs=0.005)


def test_em_2021_example_as_a_scenario_on_the_2020_schedule():
    # CF on 2020-06-01 is 36.0896 (RVU20A). A code of r RVUs x 100 million services adds
    # r x 1e8 x 36.0896 = 0.113584 x 93e9 when r = 10,563,312,000 / 3,608,960,000 = 2.926939...
    rvu = 0.113584 * TOTAL / (1e8 * 36.0896)
    r = statutory(NewCode(volume=1e8, on="2020-06-01", total_rvu=rvu))
    assert r.conversion_factor_before == 36.0896
    assert r.threshold_exceeded
    assert r.added_spending == pytest.approx(10_563_312_000.0, abs=0.01)
    assert r.conversion_factor_after == pytest.approx(32.4085, abs=1e-4)
    assert r.change_pct == pytest.approx(-10.20, abs=0.005)
    assert r.total_spending_after == TOTAL


# -- statutory lens: golden figures ------------------------------------------------------------
def test_below_threshold_nothing_is_offset():
    # 2025-06-01 (RVU25A, CF 32.3465). Displaced per service = 0.6 x 26.25 (14301 facility)
    # + 0.2 x 0 (19499 is carrier priced) = 15.75; net = 30 - 15.75 = 14.25 RVU;
    # added = 14.25 x 5,000 x 32.3465 = 2,304,688.125 -> $2,304,688.13, under $20M.
    sc = NewCode(volume=5000, on="2025-06-01", total_rvu=30, displaces={"14301": 0.6, "19499": 0.2})
    r = statutory(sc)
    assert r.displaced_rvu == pytest.approx(15.75)
    assert r.net_rvu_per_service == pytest.approx(14.25)
    assert r.added_spending == 2_304_688.13
    assert not r.threshold_exceeded
    assert r.budget_neutrality_factor == 1.0
    assert r.conversion_factor_after == r.conversion_factor_before == 32.3465
    assert (r.codes["price_after"].fillna(-1) == r.codes["price_before"].fillna(-1)).all()
    # break-even: 20,000,000 / (14.25 x 32.3465) = 43,389.82 services a year
    assert r.break_even_volume == pytest.approx(43_389.8187, abs=1e-3)
    assert any("19499" in n and "status C" in n for n in r.notes)
    assert r.label == STATUTORY_LABEL


def test_above_threshold_every_code_loses_the_same_share_mastectomy_first():
    # 2025-10-01 (RVU25D, CF 32.3465): 30 RVU x 100,000 services, nothing displaced.
    # added = 3,000,000 x 32.3465 = $97,039,500; factor = 93e9 / 93,097,039,500 = 0.99895765;
    # CF after = 32.3465 x factor = 32.312784. 19303 facility = 29.07 RVU x 32.3465 = 940.312755
    # -> $940.31, after x factor = 939.332622 -> $939.33 (-0.104%).
    r = statutory(NewCode(volume=100_000, on="2025-10-01", total_rvu=30))
    assert r.added_spending == 97_039_500.00
    assert r.threshold_exceeded
    assert r.budget_neutrality_factor == pytest.approx(0.9989576521, abs=1e-10)
    assert r.conversion_factor_after == pytest.approx(32.312784, abs=1e-6)
    assert list(r.codes["family"][:6]) == ["mastectomy"] * 6
    row = r.codes.set_index("code").loc["19303"]
    assert (row["price_before"], row["price_after"], row["change"]) == (940.31, 939.33, -0.98)
    assert row["change_pct"] == pytest.approx(-0.104235, abs=1e-6)
    assert math.isnan(r.codes.set_index("code").loc["19499", "price_before"])  # carrier priced
    assert r.total_spending_after == TOTAL


def test_total_allowed_is_an_input():
    sc = NewCode(volume=100_000, on="2025-10-01", total_rvu=30)
    r = statutory(sc, total_allowed=50e9)
    # factor = 50e9 / (50e9 + 97,039,500) = 0.998063
    assert r.budget_neutrality_factor == pytest.approx(50e9 / 50_097_039_500)
    assert r.total_allowed_source.startswith("user input")
    with pytest.raises(InputError, match="total_allowed"):
        statutory(sc, total_allowed=-1)


def test_prices_at_a_locality_scale_by_the_same_factor():
    sc = NewCode(volume=100_000, on="2025-10-01", total_rvu=30)
    nat, loc = statutory(sc), statutory(sc, locality="01182:18")
    assert loc.budget_neutrality_factor == nat.budget_neutrality_factor
    p = loc.codes.set_index("code").loc["19303"]
    assert p["price_after"] == pytest.approx(p["price_before"] * loc.budget_neutrality_factor,
                                             abs=0.01)
    assert p["price_before"] != nat.codes.set_index("code").loc["19303", "price_before"]


# -- invariants --------------------------------------------------------------------------------
@PROPS
@given(rvu=st.floats(0, 200), volume=st.floats(0, 5e7))
def test_total_spending_unchanged_after_adjustment_to_the_cent(rvu, volume):
    r = statutory(NewCode(volume=volume, on="2025-06-01", total_rvu=rvu))
    if r.threshold_exceeded:
        assert r.total_spending_after == round_cents(TOTAL)
        assert r.budget_neutrality_factor < 1
    else:
        assert r.budget_neutrality_factor == 1.0
        assert abs(r.added_spending) <= THRESHOLD


@PROPS
@given(added=st.floats(-TOTAL / 2, 5 * TOTAL))
def test_factor_keeps_spending_or_does_nothing(added):
    f = budget_neutrality_factor(added, TOTAL, THRESHOLD)
    if abs(added) > THRESHOLD:
        assert round_cents((TOTAL + added) * f) == round_cents(TOTAL)
    else:
        assert f == 1.0


def test_displacing_all_of_an_equal_valued_service_changes_nothing():
    sc = NewCode(volume=1e6, on="2025-06-01", total_rvu=TR_14301_FACILITY, displaces={"14301": 1})
    r = statutory(sc)
    assert r.net_rvu_per_service == 0 and r.added_spending == 0
    assert r.budget_neutrality_factor == 1.0 and r.break_even_volume is None
    fam = family_neutrality(sc, "tissue_rearrangement", volumes=Volumes({"14301": 2e6}, "t", False))
    assert fam.new_code_work_rvu == pytest.approx(12.65)  # 14301's work share of its total
    assert fam.work_scale_factor == pytest.approx(1.0, abs=1e-12)
    assert (fam.members["price_after"] == fam.members["price_before"]).all()


@PROPS
@given(r1=st.floats(0, 100), r2=st.floats(0, 100), volume=st.floats(0, 3e7),
       share=st.floats(0, 2))
def test_factor_monotone_in_rvu(r1, r2, volume, share):
    lo, hi = sorted((r1, r2))
    kw = {"volume": volume, "on": "2025-06-01", "displaces": {"19303": share}}
    f_lo = statutory(NewCode(total_rvu=lo, **kw)).budget_neutrality_factor
    f_hi = statutory(NewCode(total_rvu=hi, **kw)).budget_neutrality_factor
    assert f_hi <= f_lo


@PROPS
@given(v1=st.floats(0, 3e7), v2=st.floats(0, 3e7), rvu=st.floats(0, 100))
def test_factor_monotone_in_volume(v1, v2, rvu):
    lo, hi = sorted((v1, v2))
    f_lo = statutory(NewCode(volume=lo, on="2025-06-01", total_rvu=rvu)).budget_neutrality_factor
    f_hi = statutory(NewCode(volume=hi, on="2025-06-01", total_rvu=rvu)).budget_neutrality_factor
    assert f_hi <= f_lo


def test_a_code_that_frees_rvus_raises_the_cf_above_threshold():
    # displacing 2 x 19303 (29.07 RVU each) with a 10-RVU code: net -48.14 RVU x 1e6 services
    r = statutory(NewCode(volume=1e6, on="2025-06-01", total_rvu=10, displaces={"19303": 2}))
    assert r.added_spending < -THRESHOLD and r.budget_neutrality_factor > 1
    assert r.total_spending_after == TOTAL


# -- sweeps ------------------------------------------------------------------------------------
def test_sweep_matches_the_scalar_function():
    sc = NewCode(volume=0, on="2025-06-01", total_rvu=0, displaces={"14301": 0.6})
    rvus, vols = np.linspace(0, 60, 200), np.linspace(0, 2e6, 150)
    sw = sweep(sc, rvus, vols)
    assert sw.budget_neutrality_factor.shape == (200, 150)
    assert sw.added_spending.shape == sw.threshold_exceeded.shape == (200, 150)
    assert sw.displaced_rvu == pytest.approx(0.6 * TR_14301_FACILITY)
    for i, j in [(0, 0), (10, 149), (57, 80), (199, 149), (120, 3)]:
        one = statutory(NewCode(volume=vols[j], on="2025-06-01", total_rvu=rvus[i],
                                displaces={"14301": 0.6}))
        assert sw.budget_neutrality_factor[i, j] == pytest.approx(one.budget_neutrality_factor,
                                                                  rel=1e-12)
        assert sw.added_spending[i, j] == pytest.approx(one.added_spending, abs=0.005)
        assert sw.threshold_exceeded[i, j] == one.threshold_exceeded
        assert sw.conversion_factor_after[i, j] == pytest.approx(one.conversion_factor_after)
        be = one.break_even_volume
        assert sw.break_even_volume[i] == (math.inf if be is None else pytest.approx(be))
    frame = sw.to_frame()
    assert len(frame) == 200 * 150
    assert frame["budget_neutrality_factor"].iloc[150 * 57 + 80] == sw.budget_neutrality_factor[57, 80]


def test_break_even_volume_is_vectorised():
    # 20e6 / (10 x 32.3465) = 61,830.49; zero net RVU never crosses
    out = break_even_volume(np.array([10.0, -10.0, 0.0]), 32.3465, THRESHOLD)
    assert out[0] == pytest.approx(61_830.4917, abs=1e-3) and out[1] == out[0]
    assert out[2] == math.inf


def test_sweep_rejects_bad_axes():
    sc = NewCode(volume=0, on="2025-06-01", total_rvu=0)
    with pytest.raises(InputError, match="rvus"):
        sweep(sc, [], [1.0])
    with pytest.raises(InputError, match="volumes"):
        sweep(sc, [1.0], [-5.0])


# -- family work neutrality ----------------------------------------------------------------------
VOLS = Volumes({"19303": 8000, "19307": 2000}, "test volumes", illustrative=False)


def test_family_work_total_is_held_and_taken_from_the_members():
    # mastectomy family, 2025-06-01: W = 15.00 x 8,000 + 17.99 x 2,000 = 155,980 (other members
    # have no volume here). New code: 10 work RVU x 1,000 = 10,000. s = (155,980 - 10,000) /
    # 155,980 = 0.9358892. 19303 work 15 -> 14.0383; price 940.312755 - 15 x (1 - s) x 32.3465
    # = 909.206363 -> $909.21.
    sc = NewCode(volume=1000, on="2025-06-01", total_rvu=20, work_rvu=10)
    f = family_neutrality(sc, "mastectomy", volumes=VOLS)
    assert f.work_pool_before == pytest.approx(155_980)
    assert f.work_scale_factor == pytest.approx(145_980 / 155_980, rel=1e-12)
    assert f.work_pool_after == pytest.approx(f.work_pool_before, rel=1e-12)
    m = f.members.set_index("code")
    assert m.loc["19303", "work_rvu_after"] == pytest.approx(14.038338, abs=1e-6)
    assert (m.loc["19303", "price_before"], m.loc["19303", "price_after"]) == (940.31, 909.21)
    assert f.new_code_work_rvu_after == 10 and f.work_rvu_basis == "given"
    assert f.label == FAMILY_LABEL and not f.volumes_illustrative


def test_family_scaling_the_new_code_too():
    # s = 155,980 / (155,980 + 10,000) = 0.9397518; the new code's work 10 -> 9.3975
    sc = NewCode(volume=1000, on="2025-06-01", total_rvu=20, work_rvu=10)
    f = family_neutrality(sc, "mastectomy", volumes=VOLS, scale_new_code=True)
    assert f.work_scale_factor == pytest.approx(155_980 / 165_980, rel=1e-12)
    assert f.new_code_work_rvu_after == pytest.approx(9.397518, abs=1e-6)
    assert f.work_pool_after == pytest.approx(155_980, rel=1e-12)


@PROPS
@given(work=st.floats(0, 40), volume=st.floats(0, 2000), share=st.floats(0, 1),
       scale_new=st.booleans())
def test_family_work_total_held_property(work, volume, share, scale_new):
    sc = NewCode(volume=volume, on="2025-06-01", total_rvu=work + 20, work_rvu=work,
                 displaces={"19307": share})
    f = family_neutrality(sc, "mastectomy", volumes=VOLS, scale_new_code=scale_new)
    assert f.work_pool_after == pytest.approx(f.work_pool_before, rel=1e-9)
    assert f.members.set_index("code").loc["19307", "volume_after"] == pytest.approx(
        2000 - share * volume)


def test_family_displaced_member_services_leave_and_overdraw_is_an_error():
    # displacing 19303 one for one with a code of equal work holds the family as it is
    sc = NewCode(volume=1000, on="2025-06-01", total_rvu=29.07, work_rvu=15,
                 displaces={"19303": 1})
    f = family_neutrality(sc, "mastectomy", volumes=VOLS)
    assert f.work_scale_factor == pytest.approx(1.0, abs=1e-12)
    too_many = NewCode(volume=9000, on="2025-06-01", total_rvu=29.07, displaces={"19303": 1})
    with pytest.raises(InputError, match="take over 9,000 services of 19303"):
        family_neutrality(too_many, "mastectomy", volumes=VOLS)
    huge = NewCode(volume=1e6, on="2025-06-01", total_rvu=30, work_rvu=15)
    with pytest.raises(InputError, match="cannot stay work-neutral"):
        family_neutrality(huge, "mastectomy", volumes=VOLS)


def test_family_assumes_work_from_what_is_displaced_and_labels_it():
    # 14301 facility: work 12.65 of 26.25 total = 48.19%; new total 30 -> work 14.457
    sc = NewCode(volume=5000, on="2025-06-01", total_rvu=30, displaces={"14301": 0.6})
    f = family_neutrality(sc)  # breast family, illustrative volumes
    assert f.new_code_work_rvu == pytest.approx(30 * 12.65 / 26.25)
    assert f.work_rvu_basis.startswith("assumed: 48.2%")
    assert f.volumes_illustrative and "ILLUSTRATIVE" in f.volumes_source
    assert f.family == "breast" and f.work_scale_factor < 1


def test_resolve_family():
    name, codes = resolve_family("breast")
    assert name == "breast"
    assert codes[:6] == ("19301", "19302", "19303", "19305", "19306", "19307")
    assert set(codes[6:]) == {"19357", "19361", "19364", "19367", "19342", "19350", "11970",
                              "19380"}
    assert resolve_family("19303, 19307") == ("user-defined: 19303 19307", ("19303", "19307"))
    assert resolve_family(["19303"])[1] == ("19303",)
    with pytest.raises(InputError, match="not a family"):
        resolve_family("knee joint")
    with pytest.raises(UnknownCodeError):
        resolve_family("99999")


# -- the scenario --------------------------------------------------------------------------------
def test_new_code_validation():
    nc = NewCode(volume=10, on="2025-06-01", work_rvu=10, pe_rvu=8, mp_rvu=2)
    assert nc.rvu == 20 and nc.displacement == {}
    assert NewCode(volume=1, on="2025-06-01", total_rvu=5, displaces={" 14301 ": 1}).displacement \
        == {"14301": 1.0}
    with pytest.raises(InputError, match="total RVU"):
        NewCode(volume=10, on="2025-06-01")
    with pytest.raises(InputError, match="volume"):
        NewCode(volume=-1, on="2025-06-01", total_rvu=5)
    with pytest.raises(InputError, match="together"):
        NewCode(volume=1, on="2025-06-01", work_rvu=10, pe_rvu=8)
    with pytest.raises(InputError, match="work \\+ PE \\+ MP"):
        NewCode(volume=1, on="2025-06-01", total_rvu=19, work_rvu=10, pe_rvu=8, mp_rvu=2)
    with pytest.raises(InputError, match="share of 14301"):
        NewCode(volume=1, on="2025-06-01", total_rvu=5, displaces={"14301": -0.5})
    with pytest.raises(InputError, match="setting"):
        NewCode(volume=1, on="2025-06-01", total_rvu=5, setting="moon")
    with pytest.raises(InputError, match="date"):
        NewCode(volume=1, on="June", total_rvu=5)


def test_displacing_a_code_not_paid_in_the_setting_is_an_error():
    sc = NewCode(volume=1, on="2025-06-01", total_rvu=5, displaces={"19303": 1}, setting="office")
    with pytest.raises(InputError, match="not paid in the office setting"):
        statutory(sc)
    with pytest.raises(UnknownCodeError):
        statutory(NewCode(volume=1, on="2025-06-01", total_rvu=5, displaces={"99999": 1}))
