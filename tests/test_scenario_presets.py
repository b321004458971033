"""Each preset scenario gives its expected totals (data/scenarios/expected_results.csv).

Checked by hand, 2025 (release RVU25D, CF 32.3465, national, facility):
- 01 mastectomy: 19303 = 15.00 + 10.33 + 3.74 = 29.07 RVU x 32.3465 = 940.3128; -50: x 1.5 = 1410.47
- 02 same surgeon, documented true tissue transfer (no 59/XS): 19303-50 1410.47; 14301-RT and
  14301-LT, bilateral indicator 0, paid as one side: 26.25 x 32.3465 = 849.095625, ranked 2nd at
  50% = 424.55 (the LT line 0.00); total 1835.02 (worked example 2)
- 03 different surgeon, 14301-RT + 14301-LT, one side at 100%: 849.10 (worked example 3)
- 04 revision, different surgeon: 14001-RT + 14001-LT (19.82 x 32.3465 = 641.107630, one side)
  and fat grafting summed 160 cc = 15771 (15.61 x 32.3465 = 504.928865) + 15772 x3 (4.47 x 3 x
  32.3465 = 433.766565 -> 433.77, add-on); ranked: 14001 641.11 (100%), 15771 50% = 252.46;
  total 641.11 + 252.46 + 433.77 = 1327.34
- 06 unlisted 19499 (status C, reported once) valued like 19380 (the protocol's comparator):
  19380 = 11.17 + 11.31 + 2.07 = 24.55 RVU x 32.3465 = 794.1066 -> 794.11;
  Los Angeles (01182:18, GPCI 1.042 / 1.194 / 0.69): 11.17 x 1.042 + 11.31 x 1.194 + 2.07 x 0.69
  = 11.6391 + 13.5041 + 1.4283 = 26.5716 x 32.3465 = 859.4977 -> 859.50;
  2026 (RVU26C, CF 33.4009): 10.89 + 9.09 + 2.05 = 22.03 x 33.4009 = 735.8218 -> 735.82
- 10 new code AFC01-50: (15 + 10 + 3) x 32.3465 x 1.5 = 1358.55 (below the $20M threshold, no
  budget-neutrality cut)

The other rows of expected_results.csv were rebuilt from the engine (same rules; they follow the
worked examples in data/protocol/examples), not checked by hand.
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
    assert exp[("02_advocates_initial_same_surgeon", 2025, "national")] == 1835.02
    assert exp[("03_advocates_initial_plastic_surgeon", 2025, "national")] == 849.10
    assert exp[("04_advocates_revision_fat_grafting", 2025, "national")] == 1327.34
    assert exp[("06_unlisted_19499", 2025, "national")] == 794.11
    assert exp[("06_unlisted_19499", 2025, "01182:18")] == 859.50
    assert exp[("06_unlisted_19499", 2026, "national")] == 735.82
    # AFC01-50: 28 RVU x 32.3465 x 1.5 = 1,358.553; x 0.99998956 (its marginal share of the
    # year's budget neutrality, $970,977.24 on 93e9) = 1,358.539 -> $1,358.54
    assert exp[("10_new_afc_code", 2025, "national")] == 1358.54


def test_the_unlisted_preset_is_the_protocols_claim() -> None:
    """Preset 06 bills 19499 through the protocol: once (status C), like its comparator."""
    r = evaluate(PRESETS["06_unlisted_19499"], year=2025)
    assert r.claim is not None
    assert [str(pl.line) for pl in r.claim.lines] == ["19499"] and r.total == 794.11
    assert "19380" in " ".join(n.text for n in r.claim.lines[0].rules)


def test_the_new_code_moves_the_cf_at_its_marginal_share() -> None:
    # $970,977.24 a year of net spending: factor 93e9 / (93e9 + 970,977.24) = 0.99998956
    r = evaluate(PRESETS["10_new_afc_code"], year=2025)
    assert r.pool is not None
    assert r.pool.added_spending == 970_977.24
    assert r.pool.budget_neutrality_factor == pytest.approx(93e9 / (93e9 + 970_977.24))
    assert any("illustrative" in n for n in r.notes)


def test_claim_for_scenario_prices_in_the_scenarios_context() -> None:
    from flatclosure.claims import PricingContext
    from flatclosure.errors import InputError
    from flatclosure.scenarios import claim_for_scenario

    # worked example 2 (1835.02); the scenario's payer pays 122% of Medicare on each line:
    # 940.312755 x 1.5 x 1.22 = 1720.772342 -> 1720.77; 849.095625 x 0.5 x 1.22 = 517.948331
    # -> 517.95 (the LT line 0.00); total 2238.72
    proc = {"mastectomy_code": "19303", "defect_area_cm2": 40, "closure_as": "true_transfer"}
    assert claim_for_scenario(proc, PricingContext("2025-06-01")).total == 1835.02
    assert claim_for_scenario(proc, PricingContext("2025-06-01", payer_multiplier=1.22)
                              ).total == 2238.72
    with pytest.raises(InputError) as exc:
        claim_for_scenario({"date": "2025-01-01"}, PricingContext("2025-06-01"))
    assert exc.value.field == "procedure.date"
