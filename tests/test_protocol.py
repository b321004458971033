"""The protocol engine: size bands, validation, rules, inclusion in the mastectomy, NCCI,
reporting of both sides, global periods, the rules file's checks, and every combination."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flatclosure.catalog import load_catalog
from flatclosure.claims import PricingContext
from flatclosure.errors import DataError, InputError
from flatclosure.protocol import (
    ACTION_ORDER,
    Procedure,
    ProtocolResult,
    assumption_switches,
    default_rules,
    facts,
    load_rules,
    parse_rules,
    recommend,
)
from flatclosure.protocol import actions as protocol_actions

DAY = "2025-06-01"  # RVU25A, CF 32.3465
CTX = PricingContext(DAY)
cat = load_catalog()


def initial(**kw: Any) -> Procedure:
    base: dict[str, Any] = dict(mastectomy_code="19303", defect_area_cm2=40.0)
    base.update(kw)
    return Procedure(**base)


def revision(**kw: Any) -> Procedure:
    base: dict[str, Any] = dict(stage="revision", defect_area_cm2=40.0)
    base.update(kw)
    return Procedure(**base)


def rec(p: Procedure, ctx: PricingContext = CTX, **kw: Any) -> ProtocolResult:
    return recommend(p, ctx, **kw)


# --- size bands (data/catalog/codes.csv, Catalog.size_codes) ------------------------------------
@pytest.mark.parametrize(("family", "size", "expected"), [
    ("tissue_rearrangement", 10, [("14000", 1)]), ("tissue_rearrangement", 10.1, [("14001", 1)]),
    ("tissue_rearrangement", 60.1, [("14301", 1), ("14302", 1)]),
    ("tissue_rearrangement", 150, [("14301", 1), ("14302", 3)]),
    ("complex_repair", 2.5, [("13100", 1)]), ("complex_repair", 7.6, [("13101", 1), ("13102", 1)]),
    ("complex_repair", 40, [("13101", 1), ("13102", 7)]),
    ("intermediate_repair", 2.5, [("12031", 1)]), ("intermediate_repair", 7.6, [("12034", 1)]),
    ("intermediate_repair", 20, [("12035", 1)]), ("intermediate_repair", 20.1, [("12036", 1)]),
    ("intermediate_repair", 30.1, [("12037", 1)]), ("intermediate_repair", 140, [("12037", 1)]),
    ("fat_grafting", 50, [("15771", 1)]), ("fat_grafting", 160, [("15771", 1), ("15772", 3)]),
])
def test_size_bands(family: str, size: float, expected: list[tuple[str, int]]) -> None:
    assert cat.size_codes(family, size) == expected


def test_lengths_of_one_cm_or_less_are_not_complex_repair() -> None:
    with pytest.raises(InputError):
        cat.size_codes("complex_repair", 1.0, "repair_length_cm")


# --- validation ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("kw", "field"), [
    (dict(defect_area_cm2=0.0), "defect_area_cm2"),  # a transfer without its area
    (dict(defect_area_cm2=5000.0), "defect_area_cm2"),  # above the rules' limit (1500)
    (dict(fat_cc=30.0), "fat_cc"),  # a volume with no grafting
    (dict(stage="revision"), "mastectomy_code"),  # a mastectomy code at revision
    (dict(sides="middle"), "sides"),
    (dict(days_since_surgery=0), "days_since_surgery"),
    (dict(days_since_surgery=True), "days_since_surgery"),
    (dict(global_modifier="51"), "global_modifier"),
    (dict(rearrangement="yes"), "rearrangement"),
    (dict(second_side="both"), "second_side"),
    (dict(distinctness="maybe"), "distinctness"),
    (dict(assumptions_off="ncci_pairs"), "assumptions_off"),
    (dict(rearrangement=False, repair_length_cm=10.0), "layered_closure"),  # a simple repair
    (dict(fat_grafting=True, fat_cc=0.0), "fat_cc"),
    (dict(closure_as="true_transfer", rearrangement=False, repair_length_cm=5,
          layered_closure=True), "closure_as"),
])
def test_the_procedure_refuses_by_field(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as exc:
        initial(**kw)
    assert exc.value.field == field


@pytest.mark.parametrize(("kw", "ctx", "field"), [
    (dict(mastectomy_code=None), CTX, "mastectomy_code"),
    (dict(mastectomy_code="14301"), CTX, "mastectomy_code"),
    (dict(), PricingContext(DAY, "office"), "setting"),  # mastectomy codes are facility-only
    (dict(), PricingContext("2030-01-01"), "date"),
    (dict(days_since_surgery=30), CTX, "global_modifier"),  # inside 19303's 90 days: choose
    (dict(assumptions_off=frozenset({"nope"})), CTX, "assumptions_off"),
    (dict(), PricingContext(DAY, locality="99999:99"), "locality"),
    (dict(), PricingContext("2026-03-01", locality="01182:18"), "locality"),  # no 2026 GPCIs
    (dict(closure_as="mastectomy_22", same_surgeon=False), CTX, "closure_as"),
    (dict(second_side="rt_lt_distinct"), CTX, "second_side"),  # 59/XS without a distinctness
])
def test_the_engine_refuses_by_field(kw: dict[str, Any], ctx: PricingContext, field: str) -> None:
    with pytest.raises(InputError) as exc:
        rec(initial(**kw), ctx)
    assert exc.value.field == field


def test_fat_grafting_at_the_initial_surgery_is_refused_unless_switched_off() -> None:
    with pytest.raises(InputError) as exc:
        rec(initial(fat_grafting=True, fat_cc=60.0, same_surgeon=False))
    assert exc.value.field == "fat_grafting" and "fat_grafting_revision_only" in str(exc.value)
    r = rec(initial(fat_grafting=True, fat_cc=60.0, sides="left", same_surgeon=False,
                    assumptions_off=frozenset({"fat_grafting_revision_only"})))
    fat = [ln for ln in r.lines if ln.code == "15771"][0]
    assert fat.denial_risk == "high" and "fat-grafting-at-initial-risk" in fat.rule_ids
    assert ("fat_grafting_revision_only", "off") in r.assumptions


# --- the reporting rules ----------------------------------------------------------------------
def test_same_surgeon_closure_is_included_without_59() -> None:
    # 19303 facility 29.07 RVUs x 32.3465 = 940.312755; -50 -> 150% = 1410.47
    r = rec(initial(skin_excision=True))
    assert [ln.line for ln in r.lines] == ["19303-50"] and r.total == 1410.47
    assert sorted(b.code for b in r.bundled) == ["14301", "14301", "15839", "15839"]
    assert all("A53399" in b.reason and "CPT Assistant 2017" in b.reason for b in r.bundled)
    alt = {a.id: a for a in r.alternatives}
    assert alt["alt-true-transfer"].lines == ("19303-50", "14301-RT", "14301-LT")
    assert alt["alt-mastectomy-22"].lines == ("19303-50-22",)  # 15839 not billed beside 22


def test_a_stated_distinctness_takes_the_modifier_the_pair_allows() -> None:
    r = rec(initial(distinctness="separate_encounter"))
    assert [ln.line for ln in r.lines] == ["19303-50", "14301-RT-XE", "14301-LT-XE"]
    r = rec(initial(distinctness="separate_site", distinct_modifier="59"))
    assert [ln.line for ln in r.lines] == ["19303-50", "14301-RT-59", "14301-LT-59"]


def test_ncci_switch_off_prices_the_distinct_closure_without_a_modifier() -> None:
    r = rec(initial(sides="left", distinctness="separate_site",
                    assumptions_off=frozenset({"ncci_pairs"})))
    assert [ln.line for ln in r.lines] == ["19303-LT", "14301-LT"]
    assert ("ncci_pairs", "off") in r.assumptions


def test_an_indicator_0_pair_denies_the_closure_and_its_add_on(data_copy: Path) -> None:
    pairs = data_copy / "protocol" / "ncci_pairs.csv"
    pairs.write_text(pairs.read_text().replace("19303,14301,1,", "19303,14301,0,"))
    rules = load_rules(data_copy)
    r = rec(initial(defect_area_cm2=75.0, sides="left", distinctness="separate_site"),
            rules=rules)
    assert [ln.line for ln in r.lines] == ["19303-LT"]
    assert [b.code for b in r.bundled] == ["14301", "14302"]  # 14302 went with its primary
    assert "modifier indicator 0" in r.bundled[0].reason


def test_layered_closure_alone_is_intermediate_repair() -> None:
    # 20 + 20 = 40 cm -> 12037: 9.89 x 32.3465 = 319.906885 -> 319.91
    base = dict(rearrangement=False, defect_area_cm2=0.0, repair_length_cm=20.0,
                layered_closure=True, same_surgeon=False)
    assert [ln.line for ln in rec(initial(**base)).lines] == ["12037"]
    for criterion in ("extensive_undermining", "edge_debridement", "exposed_structures",
                      "retention_sutures"):
        lines = [ln.line for ln in rec(initial(**base, **{criterion: True})).lines]
        assert lines == ["13101", "13102x7"], criterion
    # CPT 2020: free margins are the helical rim, vermilion border and nostril rim, none on the
    # chest: the criterion is refused rather than turned into a complex repair
    with pytest.raises(InputError, match="free_margins: .*helical rim"):
        rec(initial(**base, free_margins=True))


def test_complex_repair_by_a_different_surgeon_is_not_low_risk_without_a_source() -> None:
    r = rec(initial(rearrangement=False, defect_area_cm2=0.0, repair_length_cm=20.0,
                    layered_closure=True, extensive_undermining=True, same_surgeon=False))
    assert r.total == 723.91 and r.denial_risk == "medium"
    assert any("American College of Surgeons" in (x.source or "") for x in r.lines[0].risks)


def test_one_side_repair_is_one_line_with_its_side() -> None:
    # 13101 facility 3.50 + 3.47 + 0.43 = 7.40 x 32.3465 = 239.36441, right side only
    r = rec(initial(rearrangement=False, defect_area_cm2=0.0, repair_length_cm=5.0,
                    layered_closure=True, retention_sutures=True, sides="right",
                    same_surgeon=False))
    assert [(ln.line, ln.allowed) for ln in r.lines] == [("13101-RT", 239.36)]


def test_modifier_78_pays_the_intra_operative_share() -> None:
    # 14301: 26.25 RVUs x 32.3465 = 849.095625; INTRA OP 0.71 -> 602.857894 -> 602.86
    r = rec(revision(sides="right", days_since_surgery=30, global_modifier="78"))
    assert [(ln.line, ln.allowed) for ln in r.lines] == [("14301-RT-78", 602.86)]
    assert {a.id: a.total for a in r.alternatives if a.kind == "global_modifier"} == {
        "alt-global-58": 849.10, "alt-global-78": 602.86, "alt-global-79": 849.10}


def test_global_period_comes_from_the_prior_codes_global_days() -> None:
    # 13101 has a 010 global: day 30 is outside it, so no modifier is needed
    r = rec(revision(sides="right", days_since_surgery=30, prior_code="13101"))
    assert r.prior_global_days == 10 and not r.inside_global
    assert [ln.line for ln in r.lines] == ["14301-RT"]
    r = rec(revision(sides="right", days_since_surgery=30, prior_code="19303", same_surgeon=False))
    assert r.inside_global and [ln.line for ln in r.lines] == ["14301-RT"]
    assert any("global period binds" in w for w in r.warnings)


def test_unlisted_is_reported_once_by_its_status() -> None:
    # 19499 (status C) valued like 19380: 24.55 x 32.3465 = 794.106575 -> 794.11, one line
    r = rec(initial(closure_as="unlisted", same_surgeon=False))
    assert [(ln.line, ln.allowed) for ln in r.lines] == [("19499", 794.11)]
    off = rec(initial(closure_as="unlisted", same_surgeon=False,
                      assumptions_off=frozenset({"carrier_priced_once"})))
    assert [ln.line for ln in off.lines] == ["19499-50"]  # then its indicator 1 decides


def test_lines_carry_rules_rationale_risk_diagnoses_and_documentation() -> None:
    r = rec(initial(closure_as="true_transfer"))
    att = r.lines[1]
    assert att.rule_ids[0] == "att-by-area" and att.denial_risk == "high"
    assert any("NCCI pair 19303/14301" in x for x in att.risk_reasons)
    assert any("sq cm" in d for d in att.documentation) and att.rationale
    assert [(d.code, d.label) for d in att.diagnoses] == [
        ("C50.911", "Breast cancer, site not specified, right breast (female)")]
    d = r.to_dict()
    line = d["lines"][0]  # type: ignore[index]
    assert line["line"] == "19303-50" and line["diagnoses"][0] == {
        "code": "C50.911", "label": "Breast cancer, site not specified, right breast (female)",
        "unconfirmed": False}


def test_rules_in_force_depend_on_dates() -> None:
    # fat grafting codes are new for CY2020: refused in the October 2019 release, not dropped
    p = revision(fat_grafting=True, fat_cc=60.0, sides="left", rearrangement=False,
                 defect_area_cm2=0.0)
    with pytest.raises(InputError) as exc:
        rec(p, PricingContext("2019-11-01"))
    assert exc.value.field == "date" and "fat-grafting-summed" in str(exc.value)
    assert rec(p).lines[0].code == "15771"


def test_every_assumption_rule_has_a_switch_or_choice_and_every_risk_a_source() -> None:
    names = {s["name"] for s in assumption_switches()}
    assert {"ncci_pairs", "second_side", "fat_grafting_revision_only",
            "carrier_priced_once"} <= names
    for r in default_rules().rules:
        assert r.sources and r.rationale and r.title
        assert not r.assumption or r.switch or r.choice
        if "risk" in r.then:
            assert r.risk is not None and (r.risk.source or "UNCONFIRMED" in r.risk.text)


def test_one_function_per_action_in_a_declared_order() -> None:
    assert set(ACTION_ORDER) == set(protocol_actions.ACTION_FUNCTIONS)
    assert ACTION_ORDER.index("include") < ACTION_ORDER.index("ncci") < ACTION_ORDER.index("risk")


def _doc() -> dict[str, Any]:
    return yaml.safe_load((Path(__file__).parents[1] / "data/protocol/rules.yaml").read_text())


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["rules"][0]["when"].update(colour="red"), "rules[0] (att-by-area).when.colour"),
    (lambda d: d["rules"][0]["then"].update(launch={}), "rules[0] (att-by-area).then.launch"),
    (lambda d: d["rules"][0]["then"]["add"].update(size="stage"), "rules[0] (att-by-area).then.add"),
    (lambda d: d["rules"][1].update(id="att-by-area"), "rules[1].id"),
    (lambda d: d["rules"][0].update(source=["nowhere"]), "rules[0] (att-by-area).source"),
    (lambda d: d["rules"][0]["then"]["risk"].pop("source"), "rules[0] (att-by-area).then.risk"),
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
    doc["rules"][0]["when"] = {"stage": "__import__('os')"}
    rules = parse_rules(doc, "rules.yaml")
    assert not rules.rules[0].matches(facts(initial(), None))  # compared as a string, never run


# --- properties ----------------------------------------------------------------------------------
sizes = st.floats(min_value=0.1, max_value=400, allow_nan=False)
common = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_valid(r: ProtocolResult) -> None:
    codes = {ln.code for ln in r.lines}
    for ln in r.lines:
        assert ln.priced.line.units >= 1 and ln.allowed >= 0 and ln.diagnoses
        info = cat.info(ln.code)
        if info.is_add_on:
            assert set(info.primary_codes) & codes, ln.line
    assert r.total == pytest.approx(sum(ln.allowed for ln in r.lines), abs=0.005)


@common
@given(area=sizes, stage=st.sampled_from(["initial", "revision"]),
       sides=st.sampled_from(["left", "right", "both"]),
       second=st.sampled_from(["modifier_50", "rt_lt"]), same=st.booleans())
def test_amounts_are_monotone_in_area(area: float, stage: str, sides: str, second: str,
                                      same: bool) -> None:
    kw = dict(stage=stage, sides=sides, second_side=second, same_surgeon=same,
              closure_as="true_transfer" if stage == "initial" and same else "protocol",
              mastectomy_code="19303" if stage == "initial" else None)
    small = rec(Procedure(defect_area_cm2=area, **kw), alternatives=False)  # type: ignore[arg-type]
    big = rec(Procedure(defect_area_cm2=area + 15, **kw), alternatives=False)  # type: ignore[arg-type]
    _assert_valid(small)
    _assert_valid(big)
    assert big.total >= small.total


@common
@given(length=st.floats(min_value=1.05, max_value=60, allow_nan=False),
       fat=st.floats(min_value=0.1, max_value=400, allow_nan=False), extra=st.floats(0, 80))
def test_amounts_are_monotone_in_length_and_volume(length: float, fat: float, extra: float) -> None:
    def total(ln: float, cc: float) -> float:
        return rec(revision(rearrangement=False, defect_area_cm2=0.0, repair_length_cm=ln,
                            layered_closure=True, extensive_undermining=True, fat_grafting=True,
                            fat_cc=cc), alternatives=False).total

    assert total(length + extra, fat) >= total(length, fat)
    assert total(length, fat + extra) >= total(length, fat)


# --- exhaustive: every discrete combination, sizes at and around every boundary -----------------
AREAS = [0.0, 0.5, 9.9, 10.0, 10.1, 29.9, 30.0, 30.1, 59.9, 60.0, 60.1, 89.9, 90.0, 90.1, 150.0, -1.0]
LENGTHS = [0.0, 1.0, 1.1, 2.4, 2.5, 2.6, 7.4, 7.5, 7.6, 12.4, 12.5, 12.6, 20.0, 0.5, -2.0, 3.0]
VOLUMES = [20.0, 10.0, 49.9, 50.0, 50.1, 99.9, 100.0, 100.1, 250.0, -5.0, 1.0, 75.0, 0.0, 51.0, 101.0,
           30.0]


def _combination(n: int, i: int, values: tuple[Any, ...]) -> Procedure:
    stage, sides, rearr, fat, same, closure_as, days = values
    return Procedure(
        stage=stage, sides=sides, rearrangement=rearr, defect_area_cm2=AREAS[i],
        repair_length_cm=LENGTHS[i], layered_closure=i % 5 != 0, extensive_undermining=i % 2 == 0,
        fat_grafting=fat, fat_cc=VOLUMES[i] if fat else (5.0 if i == 3 else 0.0),
        skin_excision=(n + i) % 2 == 0, liposuction=(n + i) % 3 == 0, same_surgeon=same,
        days_since_surgery=days, closure_as=closure_as,
        global_modifier=("58", "78", "79")[(n + i) % 3] if days == 30 else None,
        mastectomy_code=("19303", "19307", "19301")[i % 3] if stage == "initial" else None,
        second_side=("modifier_50", "rt_lt", "rt_lt_distinct")[(n + i) % 3],
        distinctness=("none", "separate_site", "separate_encounter")[i % 3],
        distinct_modifier=("59", "X")[i % 2],
        assumptions_off=frozenset({"fat_grafting_revision_only"}) if i % 4 == 0 else frozenset())


def test_every_combination_gives_a_priced_result_or_a_clear_refusal() -> None:
    discrete = itertools.product(
        ["initial", "revision"], ["left", "right", "both"], [True, False], [True, False],
        [True, False], ["protocol", "true_transfer", "unlisted", "mastectomy_22"], [None, 30, 200])
    priced = refused = 0
    for n, values in enumerate(discrete):
        for i in range(len(AREAS)):
            try:
                result = rec(_combination(n, i, values))
            except InputError as exc:
                assert exc.field and str(exc)
                refused += 1
                continue
            _assert_valid(result)
            if result.procedure.distinctness == "none" and result.procedure.same_surgeon:
                assert not any({"59", "XS", "XE"} & set(ln.priced.line.modifiers)
                               for ln in result.lines if result.procedure.stage == "initial")
            for alt in result.alternatives:
                assert (alt.total is None) == (alt.error is not None)
            priced += 1
    assert priced > 1500 and refused > 500, (priced, refused)
    print(f"exhaustive: {priced} priced, {refused} refused")


def test_the_50_and_78_warning_only_where_a_line_carries_both() -> None:
    """Palmetto GBA: 50 and 78 not on one service; summed fat grafting has no side modifier."""
    base: dict[str, Any] = dict(stage="revision", same_surgeon=True, days_since_surgery=40,
                                global_modifier="78", diagnosis="history")
    grafted = rec(Procedure(**base, rearrangement=False, fat_grafting=True, fat_cc=60))
    assert [ln.line for ln in grafted.lines] == ["15771-78", "15772x2"]
    assert not any("50 and 78" in w for w in grafted.warnings)
    moved = rec(Procedure(**base, defect_area_cm2=25, second_side="modifier_50"))
    assert [ln.line for ln in moved.lines] == ["14001-50-78"]
    assert any("50 and 78" in w for w in moved.warnings)


def test_a_separate_encounter_on_the_mastectomy_wound_points_to_58_or_78() -> None:
    r = rec(initial(distinctness="separate_encounter"))
    assert [ln.line for ln in r.lines][1:] == ["14301-RT-XE", "14301-LT-XE"]  # the pair allows it
    assert any("58" in w and "78" in w and "global period" in w for w in r.warnings)


def test_fat_grafting_is_not_the_closure_included_in_the_mastectomy() -> None:
    # the mastectomy surgeon's closure is included; fat grafting (switch off) and liposuction are
    # separate procedures: kept, with the UNCONFIRMED NCCI pair shown as a high risk, no 59/XS
    r = rec(initial(fat_grafting=True, fat_cc=60.0, liposuction=True,
                    assumptions_off=frozenset({"fat_grafting_revision_only"})))
    assert [ln.line for ln in r.lines] == ["19303-50", "15771", "15772x2", "15877-RT", "15877-LT"]
    assert [b.code for b in r.bundled] == ["14301", "14301"]
    assert all(any("NCCI pair" in x for x in ln.risk_reasons) for ln in r.lines[1:])
