"""The protocol engine: size bands, validation, rules, bundling, conventions, global periods."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flatclosure.catalog import load_catalog
from flatclosure.errors import DataError, InputError
from flatclosure.protocol import (
    ProcedureAttributes,
    active_rules,
    assumption_switches,
    default_rules,
    load_rules,
    parse_rules,
    recommend,
    size_codes,
)

DAY = "2025-06-01"  # RVU25A, CF 32.3465
cat = load_catalog()


def initial(**kw: object) -> ProcedureAttributes:
    base: dict[str, object] = dict(mastectomy_code="19303", defect_area_cm2=40.0, date=DAY)
    base.update(kw)
    return ProcedureAttributes(**base)  # type: ignore[arg-type]


def revision(**kw: object) -> ProcedureAttributes:
    base: dict[str, object] = dict(stage="revision", defect_area_cm2=40.0, date=DAY)
    base.update(kw)
    return ProcedureAttributes(**base)  # type: ignore[arg-type]


# --- size bands (data/catalog/codes.csv) ---------------------------------------------------------
@pytest.mark.parametrize(("size", "expected"), [
    (0.1, [("14000", 1)]), (10, [("14000", 1)]), (10.1, [("14001", 1)]), (30, [("14001", 1)]),
    (30.1, [("14301", 1)]), (60, [("14301", 1)]), (60.1, [("14301", 1), ("14302", 1)]),
    (90, [("14301", 1), ("14302", 1)]), (90.1, [("14301", 1), ("14302", 2)]),
    (150, [("14301", 1), ("14302", 3)]),
])
def test_area_bands(size: float, expected: list[tuple[str, int]]) -> None:
    assert size_codes("tissue_rearrangement", size) == expected


@pytest.mark.parametrize(("size", "expected"), [
    (1.1, [("13100", 1)]), (2.5, [("13100", 1)]), (2.6, [("13101", 1)]), (7.5, [("13101", 1)]),
    (7.6, [("13101", 1), ("13102", 1)]), (12.5, [("13101", 1), ("13102", 1)]),
    (12.6, [("13101", 1), ("13102", 2)]),
])
def test_length_bands(size: float, expected: list[tuple[str, int]]) -> None:
    assert size_codes("complex_repair", size) == expected


@pytest.mark.parametrize(("size", "expected"), [
    (1, [("15771", 1)]), (50, [("15771", 1)]), (50.1, [("15771", 1), ("15772", 1)]),
    (100, [("15771", 1), ("15772", 1)]), (100.1, [("15771", 1), ("15772", 2)]),
])
def test_volume_bands(size: float, expected: list[tuple[str, int]]) -> None:
    assert size_codes("fat_grafting", size) == expected


def test_lengths_of_one_cm_or_less_are_not_complex_repair() -> None:
    with pytest.raises(InputError) as exc:
        size_codes("complex_repair", 1.0, "repair_length_cm")
    assert exc.value.field == "repair_length_cm" and "13100" in str(exc.value)


# --- validation: each refusal names its field ----------------------------------------------------
@pytest.mark.parametrize(("kw", "field"), [
    (dict(defect_area_cm2=-1.0), "defect_area_cm2"),
    (dict(defect_area_cm2=float("nan")), "defect_area_cm2"),
    (dict(defect_area_cm2=0.0), "defect_area_cm2"),  # rearrangement without its area
    (dict(defect_area_cm2=5000.0), "defect_area_cm2"),
    (dict(fat_cc=30.0), "fat_cc"),  # a volume with no grafting
    (dict(stage="revision"), "mastectomy_code"),  # a mastectomy code at revision
    (dict(mastectomy_code=None), "mastectomy_code"),
    (dict(mastectomy_code="14301"), "mastectomy_code"),
    (dict(sides="middle"), "sides"),
    (dict(stage="later"), "stage"),
    (dict(setting="office"), "setting"),  # mastectomy codes are facility-only
    (dict(date="2030-01-01"), "date"),
    (dict(days_since_surgery=0), "days_since_surgery"),
    (dict(days_since_surgery=True), "days_since_surgery"),
    (dict(days_since_surgery=30), "global_modifier"),  # inside 19303's 90 days: choose
    (dict(global_modifier="51"), "global_modifier"),
    (dict(rearrangement="yes"), "rearrangement"),
    (dict(payer_multiplier=0.0), "payer_multiplier"),
    (dict(bilateral_convention="both"), "bilateral_convention"),
    (dict(assumptions_off=frozenset({"nope"})), "assumptions_off"),
    (dict(locality="99999:99"), "locality"),
    (dict(repair_length_cm=0.8), "repair_length_cm"),
    (dict(fat_grafting=True, fat_cc=0.0), "fat_cc"),
])
def test_refusals_name_the_field(kw: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as exc:
        initial(**kw)
    assert exc.value.field == field


def test_fat_grafting_at_the_initial_surgery_is_refused_unless_switched_off() -> None:
    with pytest.raises(InputError) as exc:
        recommend(initial(fat_grafting=True, fat_cc=60.0))
    assert exc.value.field == "fat_grafting" and "fat_grafting_revision_only" in str(exc.value)
    r = recommend(initial(fat_grafting=True, fat_cc=60.0, sides="left",
                          assumptions_off=frozenset({"fat_grafting_revision_only"})))
    fat = [ln for ln in r.lines if ln.code == "15771"][0]
    assert fat.denial_risk == "high" and "fat-grafting-at-initial-risk" in fat.rule_ids
    assert ("fat_grafting_revision_only", "off") in r.assumptions


def test_2026_has_no_gpci_file_so_a_2026_locality_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        initial(date="2026-03-01", locality="01182:18")
    assert exc.value.field == "locality"


# --- rules ---------------------------------------------------------------------------------------
def test_every_assumption_rule_has_a_switch_or_choice_and_is_listed() -> None:
    names = {s["name"] for s in assumption_switches()}
    assert {"ncci_pairs", "bilateral_convention", "fat_grafting_revision_only"} <= names
    for r in default_rules().rules:
        assert r.sources and r.rationale and r.title
        if r.assumption:
            assert r.switch or r.choice


def test_same_surgeon_complex_repair_is_bundled_into_the_mastectomy() -> None:
    # 19303 facility 29.07 RVUs x 32.3465 = 940.312755; -50 -> 150% = 1410.47
    r = recommend(initial(rearrangement=False, defect_area_cm2=40.0, repair_length_cm=10.0))
    assert [ln.line for ln in r.lines] == ["19303-50"]
    assert r.total == 1410.47
    assert {(b.code, b.rule_id) for b in r.bundled} == {
        ("13101", "acs-complex-repair-included"), ("13102", "acs-complex-repair-included")}
    alt = {a.id: a for a in r.alternatives}
    assert alt["alt-att"].total == 2259.57 and alt["alt-mastectomy-22"].lines == ("19303-50-22",)


def test_different_surgeon_bills_complex_repair_without_the_mastectomy() -> None:
    # 13101 facility 3.50 + 3.47 + 0.43 = 7.40 x 32.3465 = 239.36441, right side only, one line
    r = recommend(initial(rearrangement=False, defect_area_cm2=0.0, repair_length_cm=5.0,
                          sides="right", same_surgeon=False))
    assert [(ln.line, ln.allowed) for ln in r.lines] == [("13101-RT", 239.36)]
    assert "ncci-same-session" not in r.rules_applied


def test_ncci_switch_off_drops_the_distinct_modifier() -> None:
    r = recommend(initial(sides="left", assumptions_off=frozenset({"ncci_pairs"})))
    assert [ln.line for ln in r.lines] == ["19303-LT", "14301-LT"]
    assert ("ncci_pairs", "off") in r.assumptions


def test_an_indicator_0_pair_denies_the_closure_and_its_add_on(data_copy: Path) -> None:
    pairs = data_copy / "protocol" / "ncci_pairs.csv"
    text = pairs.read_text().replace("19303,14301,1,", "19303,14301,0,")
    pairs.write_text(text)
    rules = load_rules(data_copy)
    r = recommend(initial(defect_area_cm2=75.0, sides="left"), rules=rules)
    assert [ln.line for ln in r.lines] == ["19303-LT"]
    assert [b.code for b in r.bundled] == ["14301"]  # 14302 went with its primary
    assert "modifier indicator 0" in r.bundled[0].reason


def test_modifier_78_pays_the_intra_operative_share() -> None:
    # 14301: 26.25 RVUs x 32.3465 = 849.095625; INTRA OP 0.71 -> 602.857894 -> 602.86
    r = recommend(revision(sides="right", days_since_surgery=30, global_modifier="78"))
    assert [(ln.line, ln.allowed) for ln in r.lines] == [("14301-RT-78", 602.86)]
    assert {a.id: a.total for a in r.alternatives if a.kind == "global_modifier"} == {
        "alt-global-58": 849.10, "alt-global-78": 602.86, "alt-global-79": 849.10}


def test_global_period_comes_from_the_prior_codes_global_days() -> None:
    # 13101 has a 010 global: day 30 is outside it, so no modifier is needed
    a = revision(sides="right", days_since_surgery=30, prior_code="13101")
    assert a.prior_global_days == 10 and not a.inside_global
    assert [ln.line for ln in recommend(a).lines] == ["14301-RT"]
    b = revision(sides="right", days_since_surgery=30, prior_code="19303", same_surgeon=False)
    assert b.inside_global
    r = recommend(b)
    assert [ln.line for ln in r.lines] == ["14301-RT"]
    assert any("global period binds" in w for w in r.warnings)


def test_unlisted_alternative_uses_the_comparator() -> None:
    # 19499 valued like 19380: 11.17 + 11.31 + 2.07 = 24.55 x 32.3465 = 794.106575; -50 with
    # indicator 1 -> 150% = 1191.16; 19303-50 1410.47 ranks first, so 19499-50 is paid 50% = 595.58
    r = recommend(initial(closure_as="unlisted"))
    assert [(ln.line, ln.allowed) for ln in r.lines] == [("19303-50", 1410.47), ("19499-50", 595.58)]
    assert r.lines[1].denial_risk == "high"


def test_lines_carry_rules_rationale_risk_and_documentation() -> None:
    r = recommend(initial())
    att = r.lines[1]
    assert att.rule_ids[0] == "att-by-area"
    assert "acs-att-needs-documentation" in att.rule_ids and att.denial_risk == "high"
    assert any("sq cm" in d for d in att.documentation)
    assert att.rationale and r.documentation
    d = r.to_dict()
    assert {"lines", "total", "alternatives", "warnings"} <= set(d)
    assert d["lines"][0]["line"] == "19303-50" and "rule_ids" in d["lines"][0]  # type: ignore[index]


def test_active_rules_depend_on_effective_dates() -> None:
    # fat grafting codes are new for CY2020: not in force in the October 2019 release
    a = revision(fat_grafting=True, fat_cc=60.0, date="2019-11-01", sides="left")
    assert "fat-grafting-by-volume" not in [r.id for r in active_rules(a)]
    assert "fat-grafting-by-volume" in [r.id for r in active_rules(a.replace(date=DAY))]


def _doc() -> dict[str, object]:
    return yaml.safe_load((Path(__file__).parents[1] / "data/protocol/rules.yaml").read_text())


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["rules"][0]["when"].update(colour="red"), "rules[0] (att-by-area).when.colour"),
    (lambda d: d["rules"][0]["then"].update(launch={}), "rules[0] (att-by-area).then.launch"),
    (lambda d: d["rules"][0]["then"]["add"].update(size="fat_cc"), "rules[0] (att-by-area).then.add"),
    (lambda d: d["rules"][1].update(id="att-by-area"), "rules[1].id"),
    (lambda d: d["rules"][0].update(source=["nowhere"]), "rules[0] (att-by-area).source"),
    (lambda d: d["rules"][0]["when"].update(defect_area_cm2={"gt": "x"}),
     "rules[0] (att-by-area).when.defect_area_cm2"),
])
def test_a_broken_rules_file_names_the_place(edit, field: str) -> None:  # type: ignore[no-untyped-def]
    doc = _doc()
    edit(doc)
    with pytest.raises(DataError) as exc:
        parse_rules(doc, "data/protocol/rules.yaml")
    assert exc.value.field == field


def test_conditions_are_data_not_code() -> None:
    doc = _doc()
    doc["rules"][0]["when"] = {"stage": "__import__('os')"}  # type: ignore[index]
    rules = parse_rules(doc, "rules.yaml")
    assert not rules.rules[0].matches(initial().facts())  # compared as a string, never run


# --- properties ----------------------------------------------------------------------------------
sizes = st.floats(min_value=0.1, max_value=400, allow_nan=False)
common = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_valid(r) -> None:  # type: ignore[no-untyped-def]
    codes = {ln.code for ln in r.lines}
    for ln in r.lines:
        assert ln.priced.line.units >= 1 and ln.allowed >= 0
        info = cat.info(ln.code)
        if info.is_add_on:
            assert set(info.primary_codes) & codes, ln.line
    assert r.total == pytest.approx(sum(ln.allowed for ln in r.lines), abs=0.005)


@common
@given(area=sizes, stage=st.sampled_from(["initial", "revision"]),
       sides=st.sampled_from(["left", "right", "both"]),
       convention=st.sampled_from(["modifier_50", "rt_lt", "summed"]), same=st.booleans())
def test_amounts_are_monotone_in_area(area: float, stage: str, sides: str, convention: str,
                                      same: bool) -> None:
    kw = dict(stage=stage, sides=sides, bilateral_convention=convention, same_surgeon=same, date=DAY,
              mastectomy_code="19303" if stage == "initial" else None)
    small = recommend(ProcedureAttributes(defect_area_cm2=area, **kw), alternatives=False)  # type: ignore[arg-type]
    big = recommend(ProcedureAttributes(defect_area_cm2=area + 15, **kw), alternatives=False)  # type: ignore[arg-type]
    _assert_valid(small)
    _assert_valid(big)
    assert big.total >= small.total


@common
@given(length=st.floats(min_value=1.05, max_value=60, allow_nan=False),
       fat=st.floats(min_value=0.1, max_value=400, allow_nan=False), extra=st.floats(0, 80))
def test_amounts_are_monotone_in_length_and_volume(length: float, fat: float, extra: float) -> None:
    def total(ln: float, cc: float) -> float:
        return recommend(revision(rearrangement=False, defect_area_cm2=0.0, repair_length_cm=ln,
                                  fat_grafting=True, fat_cc=cc), alternatives=False).total

    assert total(length + extra, fat) >= total(length, fat)
    assert total(length, fat + extra) >= total(length, fat)


# --- exhaustive: every discrete combination, sizes at and around every boundary -----------------
AREAS = [0.0, 0.5, 9.9, 10.0, 10.1, 29.9, 30.0, 30.1, 59.9, 60.0, 60.1, 89.9, 90.0, 90.1, 150.0, -1.0]
LENGTHS = [0.0, 1.0, 1.1, 2.4, 2.5, 2.6, 7.4, 7.5, 7.6, 12.4, 12.5, 12.6, 20.0, 0.5, -2.0, 3.0]
VOLUMES = [20.0, 10.0, 49.9, 50.0, 50.1, 99.9, 100.0, 100.1, 250.0, -5.0, 1.0, 75.0, 0.0, 51.0, 101.0,
           30.0]


def test_every_combination_gives_a_priced_result_or_a_clear_refusal() -> None:
    discrete = itertools.product(
        ["initial", "revision"], ["left", "right", "both"], [True, False], [True, False],
        [True, False], [True, False], [None, 30, 200])
    priced = refused = 0
    for n, (stage, sides, rearr, fat, skin, same, days) in enumerate(discrete):
        for i, (area, length, volume) in enumerate(zip(AREAS, LENGTHS, VOLUMES, strict=True)):
            try:
                attrs = ProcedureAttributes(
                    stage=stage, sides=sides, rearrangement=rearr, defect_area_cm2=area,
                    repair_length_cm=length, fat_grafting=fat,
                    # without grafting the volume is 0, but once a volume with no grafting (refused)
                    fat_cc=volume if fat else (5.0 if i == 3 else 0.0), skin_excision=skin,
                    liposuction=(n + i) % 3 == 0, same_surgeon=same, days_since_surgery=days,
                    global_modifier=("58", "78", "79")[(n + i) % 3] if days == 30 else None,
                    mastectomy_code=("19303", "19307", "19301")[i % 3] if stage == "initial" else None,
                    bilateral_convention=("modifier_50", "rt_lt", "summed")[(n + i) % 3],
                    distinct_modifier=("59", "XS")[i % 2], date=DAY,
                    assumptions_off=frozenset({"fat_grafting_revision_only"}) if i % 4 == 0 else frozenset(),
                )
                result = recommend(attrs)
            except InputError as exc:
                assert exc.field and str(exc)
                refused += 1
                continue
            _assert_valid(result)
            for alt in result.alternatives:
                assert (alt.total is None) == (alt.error is not None)
                assert alt.total is None or alt.total >= 0
            priced += 1
    assert priced > 2000 and refused > 500, (priced, refused)
    print(f"exhaustive: {priced} priced, {refused} refused")


def test_claim_for_scenario_prices_in_the_scenarios_context() -> None:
    from flatclosure.claims import PricingContext
    from flatclosure.protocol import claim_for_scenario

    # worked example 1 (2259.57); the scenario's payer pays 122% of Medicare on each line:
    # 940.312755 x 1.5 x 1.22 = 1720.77; 849.095625 x 0.5 x 1.22 = 517.95 twice -> 2756.67
    proc = {"mastectomy_code": "19303", "defect_area_cm2": 40}
    assert claim_for_scenario(proc, PricingContext(DAY)).total == 2259.57
    assert claim_for_scenario(proc, PricingContext(DAY, payer_multiplier=1.22)).total == 2756.67
    with pytest.raises(InputError) as exc:
        claim_for_scenario({"date": "2025-01-01"}, PricingContext(DAY))
    assert exc.value.field == "procedure.date"


def test_fat_grafting_before_its_codes_existed_is_refused_not_dropped() -> None:
    from flatclosure.protocol import ProcedureAttributes, recommend

    attrs = ProcedureAttributes(stage="revision", sides="both", rearrangement=True,
                                defect_area_cm2=25, fat_grafting=True, fat_cc=80,
                                same_surgeon=False, date="2019-11-01")
    with pytest.raises(InputError, match=r"fat-grafting-by-volume .* in force from 2020-01-01"):
        recommend(attrs)
