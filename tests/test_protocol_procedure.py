"""One procedure vocabulary: the Procedure's fields are listed here once, and the CLI flags,
notebook 02's controls and the labels are generated from them (adding a fact is one field plus
its label); the numeric ranges are the rules file's limits."""

from __future__ import annotations

import dataclasses

import pytest

from flatclosure.cli import build_parser
from flatclosure.cli.protocol import flag
from flatclosure.errors import InputError
from flatclosure.labels import FIELD_LABELS
from flatclosure.protocol import Procedure, default_rules, procedure_facts

# the one list of the surgery's facts (and how it is to be coded); the pricing context is apart
FIELDS = (
    "stage", "sides", "mastectomy_code", "same_surgeon", "rearrangement", "defect_area_cm2",
    "repair_length_cm", "layered_closure", "extensive_undermining", "edge_debridement",
    "exposed_structures", "free_margins", "retention_sutures", "fat_grafting", "fat_cc",
    "skin_excision", "liposuction", "days_since_surgery", "prior_code", "global_modifier",
    "closure_as", "second_side", "distinctness", "distinct_modifier", "unlisted_comparator",
    "diagnosis", "cancer_site", "sex", "cancer_side", "risk_basis", "revision_problem",
    "revision_encounter", "breasts_removed", "assumptions_off",
)


def test_the_fields_are_listed_once() -> None:
    assert tuple(procedure_facts()) == FIELDS
    assert not {"date", "setting", "locality", "payer_multiplier"} & set(FIELDS)


def test_every_field_has_a_label_a_flag_and_a_control() -> None:
    from flatclosure.widgets.protocol_view import protocol_view

    parser = build_parser()
    protocol = parser._subparsers._group_actions[0].choices["protocol"]  # type: ignore[union-attr]
    flags = {o for a in protocol._actions for o in a.option_strings}
    view = protocol_view()
    for name, fact in procedure_facts().items():
        assert fact.label and FIELD_LABELS[name] == fact.label
        assert flag(name) in flags, name
        if fact.kind == "switches":
            assert set(view.switches) == set(default_rules().switches())
        else:
            assert name in view.controls, name


def test_ranges_come_from_the_rules_limits() -> None:
    limits = default_rules().settings["limits"]
    for name, fact in procedure_facts().items():
        if fact.limit:
            assert fact.limit in limits, name
    Procedure(defect_area_cm2=limits["defect_area_cm2"])
    with pytest.raises(InputError) as exc:
        Procedure(defect_area_cm2=limits["defect_area_cm2"] + 1)
    assert exc.value.field == "defect_area_cm2" and "1500" in exc.value.problem


def test_converters_strip_and_freeze() -> None:
    p = Procedure(stage=" revision ", prior_code=" 19303 ", global_modifier="",
                  assumptions_off=["ncci_pairs"], defect_area_cm2=40)
    assert p.stage == "revision" and p.prior_code == "19303" and p.global_modifier is None
    assert p.assumptions_off == frozenset({"ncci_pairs"}) and p.defect_area_cm2 == 40.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.stage = "initial"  # type: ignore[misc]


def test_repair_level_follows_the_cpt_2020_definitions() -> None:
    base = dict(rearrangement=False, repair_length_cm=10.0, layered_closure=True)
    assert Procedure(**base).repair_level == "intermediate"  # type: ignore[arg-type]
    assert Procedure(**base, edge_debridement=True).repair_level == "complex"  # type: ignore[arg-type]
    assert Procedure(rearrangement=True, defect_area_cm2=5).repair_level == "none"
