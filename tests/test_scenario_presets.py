"""Each preset scenario gives its expected totals (data/scenarios/expected_results.csv).

Checked by hand, 2025 (release RVU25D, CF 32.3465, national, facility):
- 01 mastectomy: 19303 = 15.00 + 10.33 + 3.74 = 29.07 RVU x 32.3465 = 940.3128; -50: x 1.5 = 1410.47
- 02 same surgeon: 1410.47 + 2 x (14301 = 26.25 x 32.3465 = 849.1056, ranked 2nd and 3rd at 50%)
  = 1410.47 + 424.55 + 424.55 = 2259.57
- 06 unlisted 19499 valued like 19380 (the protocol's comparator, data/protocol/rules.yaml):
  19380 = 11.17 + 11.31 + 2.07 = 24.55 RVU x 32.3465 = 794.1066 -> 794.11;
  Los Angeles (01182:18, GPCI 1.042 / 1.194 / 0.69): 11.17 x 1.042 + 11.31 x 1.194 + 2.07 x 0.69
  = 11.6391 + 13.5041 + 1.4283 = 26.5716 x 32.3465 = 859.4977 -> 859.50;
  2026 (RVU26C, CF 33.4009): 10.89 + 9.09 + 2.05 = 22.03 x 33.4009 = 735.8218 -> 735.82
- 10 new code AFC01-50: (15 + 10 + 3) x 32.3465 x 1.5 = 1358.55 (below the $20M threshold, no
  budget-neutrality cut)
"""

from __future__ import annotations

import math

import pytest

from flatclosure import datapkg
from flatclosure.scenarios import compare, evaluate, presets

EXPECTED = datapkg.load("scenario-expected-results")
PRESETS = {s.name: s for s in presets()}


def test_every_preset_has_expected_results() -> None:
    assert set(EXPECTED["scenario"]) == set(PRESETS)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_matches_its_expected_results(name: str) -> None:
    want = EXPECTED[EXPECTED["scenario"] == name]
    table = compare([PRESETS[name]], years=sorted(set(want["year"])),
                    localities=[None, "01182:18"])
    got = table.set_index(["year", "locality"])
    for row in want.itertuples():
        shown = got.loc[(row.year, row.locality)]
        if math.isnan(row.total):
            assert math.isnan(shown["total"]) and shown["unavailable"] == row.unavailable
        else:
            assert shown["total"] == row.total, (name, row.year, row.locality)


def test_hand_checked_figures() -> None:
    exp = EXPECTED.set_index(["scenario", "year", "locality"])["total"]
    assert exp[("01_mastectomy_reference", 2025, "national")] == 1410.47
    assert exp[("02_advocates_initial_same_surgeon", 2025, "national")] == 2259.57
    assert exp[("06_unlisted_19499", 2025, "national")] == 794.11
    assert exp[("06_unlisted_19499", 2025, "01182:18")] == 859.50
    assert exp[("06_unlisted_19499", 2026, "national")] == 735.82
    # AFC01-50: 28 RVU x 32.3465 x 1.5 = 1,358.553; x 0.99998956 (its marginal share of the
    # year's budget neutrality, $970,977.24 on 93e9) = 1,358.539 -> $1,358.54
    assert exp[("10_new_afc_code", 2025, "national")] == 1358.54


def test_the_unlisted_preset_uses_the_protocols_comparator() -> None:
    from flatclosure.protocol import default_rules

    assert dict(PRESETS["06_unlisted_19499"].comparators) == {
        "19499": default_rules().settings["unlisted_comparator"]}


def test_the_new_code_moves_the_cf_at_its_marginal_share() -> None:
    # $970,977.24 a year of net spending: factor 93e9 / (93e9 + 970,977.24) = 0.99998956
    r = evaluate(PRESETS["10_new_afc_code"], year=2025)
    assert r.pool.added_spending == 970_977.24
    assert r.pool.budget_neutrality_factor == pytest.approx(93e9 / (93e9 + 970_977.24))
    assert any("illustrative" in n for n in r.notes)
