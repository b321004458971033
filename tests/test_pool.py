"""The finite RVU pool: statutory budget neutrality at the marginal share, sweeps, inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flatclosure.errors import InputError, UnknownCodeError
from flatclosure.fees import round_cents
from flatclosure.pool import (
    STATUTORY_LABEL,
    NewCode,
    Revaluation,
    budget_neutrality_factor,
    em_check,
    family_neutrality,
    pool_parameters,
    services_to_move_cf,
    statutory,
    sweep,
    year_adjustment,
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
    factor = budget_neutrality_factor(0.113584 * TOTAL, TOTAL)
    assert 36.0896 * factor == pytest.approx(32.4085, abs=1e-4)
    assert (factor - 1) * 100 == pytest.approx(-10.20, abs=0.005)


def test_em_check_reads_the_2021_final_rule_figures_from_the_data():
    # data/cms/conversion_factors.csv 2021: base 36.0896, final-rule BN 0.8980, final CF 32.4085;
    # added = 93e9 x (1/0.898 - 1) = 10,563,474,387.5 (11.3586% of the pool);
    # 36.0896 x 93e9 / (93e9 + added) = 36.0896 x 0.898 = 32.40846
    em = em_check()
    assert (em.cf_before, em.cf_after_reported) == (36.0896, 32.4085)
    assert em.cf_after_model == pytest.approx(32.4084608, abs=1e-7)
    assert round(em.change_pct_model, 2) == -10.20
    assert em.added_share_of_pool == pytest.approx(1 / 0.898 - 1)
    assert "jtaylor.com" in em.source


def test_year_adjustment_is_the_data_row():
    # 2025: BN 1.0002 (+0.02%), derived 32.3465/(33.2875/1.0293); 2021: post-law 0.9319
    y = year_adjustment(2025)
    assert (y.year, y.bn_adjustment, y.conversion_factor) == (2025, 1.0002, 32.3465)
    assert y.bn_pct == pytest.approx(0.02) and "derived" in y.bn_basis
    assert year_adjustment(2021).final_rule_bn == 0.898
    assert year_adjustment(2021).bn_adjustment == 0.9319


def test_em_2021_example_as_a_scenario_on_the_2020_schedule():
    # CF on 2020-06-01 is 36.0896 (RVU20A). A code of r RVUs x 100 million services adds
    # r x 1e8 x 36.0896 = 0.113584 x 93e9 when r = 10,563,312,000 / 3,608,960,000 = 2.926939...
    rvu = 0.113584 * TOTAL / (1e8 * 36.0896)
    r = statutory(NewCode(volume=1e8, on="2020-06-01", total_rvu=rvu))
    assert r.conversion_factor_before == 36.0896
    assert r.added_spending == pytest.approx(10_563_312_000.0, abs=0.01)
    assert r.conversion_factor_after == pytest.approx(32.4085, abs=1e-4)
    assert r.change_pct == pytest.approx(-10.20, abs=0.005)
    assert r.total_spending_after == TOTAL


# -- statutory lens: golden figures ------------------------------------------------------------
def test_a_code_under_20_million_still_moves_the_cf_at_its_marginal_share():
    # 2025-06-01 (RVU25A, CF 32.3465). Displaced per service = 0.6 x 26.25 (14301 facility)
    # + 0.2 x 0 (19499 is carrier priced) = 15.75; net = 30 - 15.75 = 14.25 RVU;
    # added = 14.25 x 5,000 x 32.3465 = 2,304,688.125 -> $2,304,688.13, far under $20M, yet
    # factor = 93e9 / (93e9 + 2,304,688.125) = 0.999975219; CF 32.3465 -> 32.345698
    sc = NewCode(volume=5000, on="2025-06-01", total_rvu=30, displaces={"14301": 0.6, "19499": 0.2})
    r = statutory(sc)
    assert r.displaced_rvu == pytest.approx(15.75)
    assert r.net_rvu_per_service == pytest.approx(14.25)
    assert r.added_spending == 2_304_688.13
    assert r.budget_neutrality_factor == pytest.approx(93e9 / (93e9 + 2_304_688.125), rel=1e-12)
    assert r.conversion_factor_after == pytest.approx(32.345698, abs=1e-6)
    assert r.conversion_factor_after < r.conversion_factor_before
    # one cent: A = 0.01 x 93e9 / (32.3465 - 0.01) = 28,760,069.9; / (14.25 x 32.3465) = 62,394.7
    assert r.services_per_cent == pytest.approx(62_394.7, abs=0.1)
    # 0.1%: A = 0.001 x 93e9 / 0.999 = 93,093,093.09; / (14.25 x 32.3465) = 201,964.6
    assert r.services_per_tenth_pct == pytest.approx(201_964.6, abs=0.1)
    assert r.year is not None and r.year.bn_adjustment == 1.0002
    assert any("19499" in n and "status C" in n for n in r.notes)
    assert r.label == STATUTORY_LABEL


def test_the_preset_moves_19303_by_one_cent():
    # preset: 28 RVU (15 + 10 + 3) x 3,000, displacing 14301 x0.6 (26.25), 19499 x0.2 (carrier
    # priced: no RVUs), 15839 x0.1: added $970,977.24 = 10.006 net RVU x 3,000 x 32.3465;
    # factor = 93e9 / (93e9 + 970,977.24) = 0.99998956; 19303: 940.312755 -> 940.30294 -> $940.30
    sc = NewCode(volume=3000, on="2025-10-01", work_rvu=15, pe_rvu=10, mp_rvu=3,
                 displaces={"14301": 0.6, "19499": 0.2, "15839": 0.1})
    r = statutory(sc)
    assert r.added_spending == 970_977.24
    row = r.codes.set_index("code").loc["19303"]
    assert (row["price_before"], row["price_after"]) == (940.31, 940.30)


def test_above_threshold_every_code_loses_the_same_share_mastectomy_first():
    # 2025-10-01 (RVU25D, CF 32.3465): 30 RVU x 100,000 services, nothing displaced.
    # added = 3,000,000 x 32.3465 = $97,039,500; factor = 93e9 / 93,097,039,500 = 0.99895765;
    # CF after = 32.3465 x factor = 32.312784. 19303 facility = 29.07 RVU x 32.3465 = 940.312755
    # -> $940.31, after x factor = 939.332622 -> $939.33 (-0.104%).
    r = statutory(NewCode(volume=100_000, on="2025-10-01", total_rvu=30))
    assert r.added_spending == 97_039_500.00
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
    assert r.total_spending_after == round_cents(TOTAL)
    assert r.budget_neutrality_factor <= 1  # equal only where added is within binary noise


@PROPS
@given(added=st.floats(-TOTAL / 2, 5 * TOTAL))
def test_factor_keeps_spending_at_any_size(added):
    f = budget_neutrality_factor(added, TOTAL)
    assert round_cents((TOTAL + added) * f) == round_cents(TOTAL)


def test_displacing_all_of_an_equal_valued_service_changes_nothing():
    sc = NewCode(volume=1e6, on="2025-06-01", total_rvu=TR_14301_FACILITY, displaces={"14301": 1})
    r = statutory(sc)
    assert r.net_rvu_per_service == 0 and r.added_spending == 0
    assert r.budget_neutrality_factor == 1.0 and r.services_per_cent is None
    fam = family_neutrality(sc, "tissue_rearrangement", volumes=Volumes({"14301": 2e6}, "t", False))
    assert fam.new_code_work_rvu == pytest.approx(12.65)  # 14301's work share of its total
    assert fam.work_scale_factor == pytest.approx(1.0, abs=1e-12)
    assert (fam.members["price_after"] == fam.members["price_before"]).all()


@PROPS
@given(r1=st.floats(0, 100), r2=st.floats(0, 100), volume=st.floats(0, 3e7),
       share=st.floats(0, 1))
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


def test_a_code_that_frees_rvus_raises_the_cf():
    # displacing 19303 (29.07 RVU) with a 10-RVU code: net -19.07 RVU x 1e6 services
    r = statutory(NewCode(volume=1e6, on="2025-06-01", total_rvu=10, displaces={"19303": 1}))
    assert r.added_spending < 0 and r.budget_neutrality_factor > 1
    assert r.total_spending_after == TOTAL


# -- sweeps ------------------------------------------------------------------------------------
def test_sweep_matches_the_scalar_function():
    sc = NewCode(volume=0, on="2025-06-01", total_rvu=0, displaces={"14301": 0.6})
    rvus, vols = np.linspace(0, 60, 200), np.linspace(0, 2e6, 150)
    sw = sweep(sc, rvus, vols)
    assert sw.budget_neutrality_factor.shape == (200, 150)
    assert sw.added_spending.shape == (200, 150)
    assert sw.displaced_rvu == pytest.approx(0.6 * TR_14301_FACILITY)
    for i, j in [(0, 0), (10, 149), (57, 80), (199, 149), (120, 3)]:
        one = statutory(NewCode(volume=vols[j], on="2025-06-01", total_rvu=rvus[i],
                                displaces={"14301": 0.6}))
        assert sw.budget_neutrality_factor[i, j] == pytest.approx(one.budget_neutrality_factor,
                                                                  rel=1e-12)
        assert sw.added_spending[i, j] == pytest.approx(one.added_spending, abs=0.005)
        assert sw.conversion_factor_after[i, j] == pytest.approx(one.conversion_factor_after)
        cent = one.services_per_cent
        assert sw.services_per_cent[i] == (math.inf if cent is None else pytest.approx(cent))
    frame = sw.to_frame()
    assert len(frame) == 200 * 150
    assert frame["budget_neutrality_factor"].iloc[150 * 57 + 80] == sw.budget_neutrality_factor[57, 80]


def test_services_to_move_cf_is_vectorised_and_needs_one_step():
    # one cent at CF 32.3465: A = 0.01 x 93e9 / 32.3365 = 28,760,069.9; / (10 x 32.3465) = 88,912.5
    out = services_to_move_cf(np.array([10.0, 0.0]), 32.3465, TOTAL, by_usd=0.01)
    assert out[0] == pytest.approx(88_912.5, abs=0.1) and out[1] == math.inf
    with pytest.raises(InputError):
        services_to_move_cf(1.0, 32.3465, TOTAL)


def test_sweep_rejects_bad_axes():
    sc = NewCode(volume=0, on="2025-06-01", total_rvu=0)
    with pytest.raises(InputError, match="rvus"):
        sweep(sc, [], [1.0])
    with pytest.raises(InputError, match="volumes"):
        sweep(sc, [1.0], [-5.0])


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
    with pytest.raises(InputError, match="share of 14301: 5 is over 1"):
        NewCode(volume=1, on="2025-06-01", total_rvu=5, displaces={"14301": 5})
    # bounds kept as data (data/pool/limits.csv: rvu_max 600, yearly_services_max 1e9)
    with pytest.raises(InputError, match="total_rvu: 1e\\+308 is over 600"):
        NewCode(volume=3000, on="2025-06-01", total_rvu=1e308)
    with pytest.raises(InputError, match="volume: 2.36e\\+152 is over 1e\\+09"):
        NewCode(volume=2.36e152, on="2025-06-01", total_rvu=2.36e152)
    with pytest.raises(InputError, match="total_rvu: 900 is over 600"):
        NewCode(volume=1, on="2025-06-01", work_rvu=300, pe_rvu=300, mp_rvu=300)
    with pytest.raises(InputError, match="new work RVU of 14301: 1e\\+300 is over 200"):
        Revaluation(on="2025-06-01", work_rvus={"14301": 1e300})
    with pytest.raises(InputError, match="volume of 14301: 1e\\+200 is over 1e\\+09"):
        Revaluation(on="2025-06-01", work_rvus={"14301": 14.4}, volumes={"14301": 1e200})
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


def test_the_2021_adjustment_is_marked_as_our_arithmetic():
    # 0.9319 = 34.8931 / (36.0896 x 1.0375): no page states it (shared SOURCES.md, section E; the
    # pages state 32.4085, 34.8931, 3.75% and the 10.20% cut), so the words say "derived" first.
    from flatclosure.present.pool_text import year_adjustment_words

    y2021, y2026 = year_adjustment(2021), year_adjustment(2026)
    assert y2021.bn_adjustment == 0.9319 and not y2021.bn_stated
    assert y2026.bn_adjustment == 1.0049 and y2026.bn_stated  # "stated (+0.49%)"
    words = year_adjustment_words(y2021)
    assert "0.9319 (−6.81%; derived: our arithmetic" in words
    assert "acofp.net" in words and "stated by the source" in year_adjustment_words(y2026)


def test_pool_parameters_are_the_dated_parameters_in_force():
    # data/rules/payment_parameters.csv: the $93bn total applies from 2020-01-01 and is the only
    # one found, so a 2019 date uses it and says so; the threshold applies from 2009-01-01.
    from flatclosure.parameters import parameters

    p = pool_parameters("2025-06-01")
    assert p.total_allowed_usd == parameters("2025-06-01").pfs_total_allowed_usd == TOTAL
    early = pool_parameters("2019-06-01")
    assert early.total_allowed_usd == TOTAL and early.threshold_usd == THRESHOLD
    assert "no figure for 2019, so it stands in" in early.total_allowed_source
