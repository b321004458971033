"""Three paths, one engine (pool.paths): today's codes, a new code, a revaluation; and the
scenario field that carries them (data/scenarios/10_new_afc_code.yaml, ``paths``)."""

from __future__ import annotations

import pytest

from flatclosure import scenarios
from flatclosure.errors import InputError
from flatclosure.pool import Revaluation, revalue
from flatclosure.pool.paths import compare_paths, flat_closure_share
from flatclosure.scenarios import ScenarioError
from flatclosure.volumes import Volumes, illustrative_volumes

PRESET = scenarios.presets_dir() / scenarios.POOL_PRESET


def test_the_preset_carries_the_paths_field_and_round_trips() -> None:
    s = scenarios.load(PRESET)
    assert s.paths is not None
    assert s.paths.flat_closure_lines == ("14301-RT", "14301-LT-59")
    assert s.paths.revalue == (("14301", 14.4, None, None),)
    again = scenarios.loads(scenarios.dumps(s), s.name)
    assert again.paths == s.paths


@pytest.mark.parametrize(("paths", "field"), [
    ({"flat_closure_lines": []}, "paths.flat_closure_lines"),
    ({"flat_closure_lines": ["99999"]}, "paths.flat_closure_lines[0]"),
    ({"flat_closure_lines": ["14301"], "revalue": {"14301": {"work_rvu": 500}}},
     "paths.revalue.14301.work_rvu"),
    ({"flat_closure_lines": ["14301"], "revalue": {"14301": {"work_rvu": 14,
                                                              "flat_closure_share": 2}}},
     "paths.revalue.14301.flat_closure_share"),
    ({"flat_closure_lines": ["14301"], "revalue": {"14301": {"work": 14}}},
     "paths.revalue.14301.work"),
    ({"flat_closure_lines": ["14301"], "colour": "red"}, "paths.colour"),
])
def test_bad_paths_fields_name_the_field(paths: dict, field: str) -> None:
    d = scenarios.load(PRESET).to_dict()
    d["paths"] = paths
    with pytest.raises(ScenarioError) as exc:
        scenarios.from_dict(d, "bad")
    assert exc.value.field == field


def test_revaluation_spending_is_all_services_times_the_work_change() -> None:
    # 14301 2025 (RVU25D) work 12.65 -> 14.40 on 29,000 illustrative services, CF 32.3465:
    # 1.75 x 29,000 x 32.3465 = 1,641,584.875 -> $1,641,584.88; 25% flat closures -> $410,396.22
    r = revalue(Revaluation(on="2025-10-01", work_rvus={"14301": 14.4},
                            flat_closure_share={"14301": 0.25}))
    assert r.added_spending == 1_641_584.88
    assert r.to_flat_closures == 410_396.22
    assert r.to_other_services == pytest.approx(1_641_584.88 - 410_396.22)
    assert r.volumes_illustrative
    # factor 93e9 / (93e9 + 1,641,584.875): 14301 facility 26.25 + 1.75 = 28.00 RVU x 32.3465 =
    # 905.702 x 0.99998235 = 905.686 -> $905.69; 19303 940.312755 x factor = 940.2962 -> $940.30
    codes = r.codes.set_index("code")
    assert (codes.loc["14301", "price_before"], codes.loc["14301", "price_after"]) == (849.10,
                                                                                       905.69)
    assert codes.loc["19303", "price_after"] == 940.30
    assert r.budget_neutrality_factor == pytest.approx(93e9 / (93e9 + 1_641_584.875))


def test_a_revaluation_asked_again_is_remembered_and_volumes_are_part_of_its_key() -> None:
    # issue 15: the same inputs give the same result object; other volumes of the revalued code
    # give their own: 1.75 x 10,000 x 32.3465 = 566,063.75 (not the 29,000 above)
    ask = Revaluation(on="2025-10-01", work_rvus={"14301": 14.4}, flat_closure_share={"14301": 0.25})
    assert revalue(ask) is revalue(ask)
    other = illustrative_volumes().replace({"14301": 10_000})
    r = revalue(ask, other)
    assert r is not revalue(ask) and r.added_spending == 566_063.75
    assert r.rows["volume_source"].iloc[0] == other.label()


def test_revaluation_inputs_are_checked() -> None:
    with pytest.raises(InputError, match="at least one code"):
        Revaluation(on="2025-10-01", work_rvus={})
    with pytest.raises(InputError, match="not revalued"):
        Revaluation(on="2025-10-01", work_rvus={"14301": 14}, volumes={"13101": 5})
    with pytest.raises(InputError, match="flat-closure share of 14301: 1.5 is over 1"):
        Revaluation(on="2025-10-01", work_rvus={"14301": 14}, flat_closure_share={"14301": 1.5})
    with pytest.raises(InputError, match="not paid by RVUs"):
        revalue(Revaluation(on="2025-10-01", work_rvus={"19499": 3}))


def test_default_flat_closure_share_is_the_same_closures_as_the_new_code() -> None:
    # 3,000 flat closures x 2 lines of 14301 each / 29,000 services = 20.69%; capped at 1
    reval = Revaluation(on="2025-10-01", work_rvus={"14301": 14.4})
    lines = ("14301-RT", "14301-LT-59")
    assert flat_closure_share(reval, 3000, lines, illustrative_volumes()) == {
        "14301": pytest.approx(6000 / 29000)}
    assert flat_closure_share(reval, 3000, lines, Volumes({"14301": 100}, "t", False)) == {
        "14301": 1.0}


def test_paths_without_a_new_code_are_today_and_the_revaluation() -> None:
    # 13101 (2025 work 3.50) -> 4.50 on 100,000 given services: 1 x 100,000 x 32.3465
    reval = Revaluation(on="2025-10-01", work_rvus={"13101": 4.5}, volumes={"13101": 100_000})
    r = compare_paths(("14301-RT", "14301-LT-59"), "2025-10-01", revaluation=reval)
    assert [p.key for p in r.paths] == ["today", "revalue"]
    rev = r.path("revalue")
    assert rev.added_spending == 3_234_650.0 and not rev.illustrative  # volume given
    assert rev.flat_closure_paid == pytest.approx(1273.65 * rev.budget_neutrality_factor, abs=0.02)
    # the office visit: 99213 office 2025, (1.30 + 1.35 + 0.10) x 32.3465 = 88.95 today
    assert r.path("today").office_visit_paid == 88.95
    assert r.year is not None and r.year.bn_adjustment == 1.0002


def test_reconciliation_squares_spending_with_the_claims() -> None:
    # 2025, national, preset: (a) 14301-RT + 14301-LT-59: 26.25 x 32.3465 = 849.0956 -> $849.10,
    # second side at 50% 424.5478 -> $424.55: $1,273.65. (b) AFC01-50: 28 x 32.3465 x 1.5 =
    # 1,358.553 -> $1,358.55 at today's CF: +$84.90 x 3,000 = $254,700.00 added a year, exactly
    # what the flat closures gain; CF 32.3465 x 93e9 / (93e9 + 254,700) = 32.346411.
    # (c) 14301 at 14.40: 28 x 32.3465 = 905.702 -> $905.70 + 452.851 -> $452.85 = $1,358.55:
    # +$84.90 x 3,000 = $254,700.00 (second side at 50%), plus (29,000 - 6,000) x 1.75 x
    # 32.3465 = 1,301,946.625 -> $1,301,946.63 = $1,556,646.63.
    from flatclosure.present.pool_text import reconcile_words
    from flatclosure.widgets.pool_inputs import default_inputs, pool_outcome

    paths = pool_outcome(default_inputs()).paths
    today, new, rev = (paths.path(k) for k in ("today", "new_code", "revalue"))
    for p in (new, rev):  # the flat closures' spending is (claim - claim today) x closures
        assert p.flat_closure_paid_today_cf == 1358.55 and p.flat_closures == 3000
        assert dict(p.gains)[next(iter(dict(p.gains)))] == pytest.approx(
            (p.flat_closure_paid_today_cf - today.flat_closure_paid) * 3000, abs=0.005)
    assert new.added_spending == 254_700.00 == new.paid_by_everyone
    assert new.conversion_factor_after == pytest.approx(32.3465 * 93e9 / (93e9 + 254_700), abs=1e-9)
    assert rev.added_spending == 1_556_646.63 and dict(rev.gains)["flat closures"] == 254_700.00
    words = reconcile_words(paths)
    assert ("(b) AFC01-50 is paid $1,358.55 at today's conversion factor against $1,273.65 for "
            "the claim in (a): +$84.90 × 3,000 flat closures = $254,700.00 added a year") in words
    assert ("(c) 14301-RT 14301-LT-59 is paid $1,358.55 at today's conversion factor against "
            "$1,273.65 for the claim in (a): +$84.90 × 3,000 flat closures = $254,700.00") in words
    assert ("plus 23,000 other 14301 services × 1.75 work RVU × $32.3465 = $1,301,946.63: "
            "$1,556,646.63 added a year") in words
    assert "17.99 RVU" in words and "stops at 100%" not in words


def test_reconciliation_says_when_the_revalued_code_has_too_few_services() -> None:
    # 200,000 flat closures x 2 lines of 14301 = 400,000 > 29,000 illustrative 14301 services
    import dataclasses

    from flatclosure.present.pool_text import reconcile_words
    from flatclosure.widgets.pool_inputs import default_inputs, pool_outcome

    paths = pool_outcome(dataclasses.replace(default_inputs(), volume=200_000.0)).paths
    assert ("200,000 flat closures bill 400,000 lines of 14301, more than the 29,000 services"
            in reconcile_words(paths))
    # no other 14301 services are left: (c) adds only the claims' +$84.90 x 200,000
    assert paths.path("revalue").added_spending == 16_980_000.00


def test_error_words_name_the_control_to_change() -> None:
    from flatclosure.present.pool_text import error_words

    assert error_words("added_spending: the change would remove the whole PFS pool") == (
        "The change would remove the whole PFS pool. Change 'Flat closures a year' or 'All its "
        "services a year' (lower), or 'Total PFS allowed, $bn' under More inputs (higher).")
    assert error_words("mine.csv, row 2: bad") == "mine.csv, row 2: bad"  # not a pool field


def test_the_verdict_follows_the_numbers_at_the_extreme_corner() -> None:
    # 80 RVU x 1,000,000 flat closures: (b) AFC01-50 = 80 x 32.3465 x 1.5 = 3,881.58 against
    # $1,273.65: +$2,607.93 x 1e6 = $2,607,930,000 a year; (c) the same million claims of 14301
    # at 14.40 gain $84.90 each = $84,900,000 (2,000,000 lines > 29,000 services: no others).
    import dataclasses

    from flatclosure.present.pool_text import verdict
    from flatclosure.widgets.pool_inputs import default_inputs, pool_outcome

    paths = pool_outcome(dataclasses.replace(default_inputs(), rvu=80.0, volume=1e6)).paths
    assert paths.path("new_code").added_spending == 2_607_930_000.0
    assert paths.path("revalue").added_spending == 84_900_000.0
    words = verdict(paths)
    assert ("Here revaluing costs less than the new code ($84,900,000.00 against "
            "$2,607,930,000.00 a year).") in words
    assert "0.0 times" not in words and "0% of" not in words
    # defaults: 1,556,646.63 / 254,700 = 6.11; other services 1,301,946.63 / 1,556,646.63 = 84%
    assert "Revaluing costs 6.1 times what the new code costs: 84% of its spending" in verdict(
        pool_outcome(default_inputs()).paths)


def test_default_inputs_golden_by_hand() -> None:
    """The three paths for notebook 04's defaults (2025 national, preset 10_new_afc_code.yaml),
    recomputed by hand from PPRRVU25_OCT (CF 32.3465; facility totals 14301 26.25, 15839 22.44,
    19303 29.07; 99213 office 2.75; 19499 status C, no RVUs)."""
    from flatclosure.widgets.pool_inputs import default_inputs, pool_outcome

    out = pool_outcome(default_inputs())
    stat, paths = out.statutory, out.paths
    # displaced per new service: 0.6 x 26.25 + 0.2 x 0 + 0.1 x 22.44 = 15.75 + 2.244 = 17.994;
    # net 28 - 17.994 = 10.006; added 10.006 x 3,000 x 32.3465 = 970,977.237 -> $970,977.24
    assert stat.displaced_rvu == 17.994 and stat.added_spending == 970_977.24
    # CF after = 32.3465 x 93e9 / (93e9 + 970,977.237) = 32.3465 x 0.999989559 = 32.346162
    assert stat.conversion_factor_after == pytest.approx(32.346162, abs=1e-6)
    # one cent: A = 0.01 x 93e9 / 32.3365 = 28,760,069.9; / (10.006 x 32.3465) = 88,859 services
    # 0.1%: A = 0.001 x 93e9 / 0.999 = 93,093,093.1; / 323.659 = 287,627 services
    assert stat.services_per_cent is not None and stat.services_per_tenth_pct is not None
    assert round(stat.services_per_cent) == 88_859 and round(stat.services_per_tenth_pct) == 287_627
    # revaluation on the claim: 3,000 flat closures x (1,358.55 - 1,273.65) = $254,700.00, plus
    # the other (29,000 - 3,000 x 2) x 1.75 x 32.3465 = $1,301,946.63: $1,556,646.63 a year
    rev = paths.revaluation
    assert rev is not None and rev.added_spending == 1_556_646.63
    assert rev.to_flat_closures == 254_700.00 and rev.to_other_services == 1_301_946.63
    # mastectomy 19303: 29.07 x 32.3465 = 940.3128; (b) x 93e9 / (93e9 + 254,700) = 0.99999726
    # -> 940.3102 -> $940.31; (c) x 93e9 / (93e9 + 1,556,646.63) = 0.99998326 -> 940.2971 -> $940.30
    assert [p.mastectomy_paid for p in paths.paths] == [940.31, 940.31, 940.30]
    # office visit 99213: 2.75 x 32.3465 = 88.9529 -> $88.95 on every path (moves < half a cent)
    assert {p.office_visit_paid for p in paths.paths} == {88.95}
    # family lens: displaced outside work 3,000 x (0.6 x 12.65 + 0.1 x 10.50) = 25,920; new work
    # 3,000 x 15 = 45,000; scale (593,533.9 - 19,080) / 593,533.9 = 0.967854; 19303 work
    # 15 x 0.967854 = 14.5178: -0.4822 x 32.3465 = -$15.60 -> $924.72 (-1.66%, not -3.9%)
    fam = out.family
    assert fam is not None and fam.work_scale_factor == pytest.approx(0.967854, abs=1e-6)
    assert fam.members.set_index("code").loc["19303", "price_after"] == 924.72
