"""Plain-language labels: messages and the card name controls and switches as a person sees them."""

from __future__ import annotations

from flatclosure.claims import PricingContext
from flatclosure.errors import InputError
from flatclosure.labels import describe_when, plain_text, user_message
from flatclosure.protocol import Procedure, default_rules, procedure_facts, recommend


def _refusal(**kw: object) -> InputError:
    try:
        recommend(Procedure(**kw), PricingContext("2025-06-01"))  # type: ignore[arg-type]
    except InputError as exc:
        return exc
    raise AssertionError("not refused")


def test_an_input_error_reads_with_the_controls_label() -> None:
    exc = _refusal(stage="initial", sides="both", mastectomy_code="19303", defect_area_cm2=45,
                   fat_grafting=True, fat_cc=100)
    assert exc.field == "fat_grafting"  # the engine's field is kept for tests and the CLI
    assert user_message(exc) == (
        "Fat grafting: the advocates' protocol codes fat grafting (1577X) at revision, not at the "
        "initial surgery; switch off the assumption 'Fat grafting is coded at revision, not at the "
        "initial closure' to price it anyway")
    assert user_message(InputError("global_modifier", "day 30 is inside")) == \
        "Inside its global period: day 30 is inside"
    assert user_message(InputError("card file name", "bad")) == "card file name: bad"


def test_only_known_switch_names_are_replaced() -> None:
    assert plain_text("switch 'ncci_pairs' off, keep 'other'") == (
        "switch 'A distinct procedure stated (separate site or encounter) - NCCI pair edits "
        "decide the modifier' off, keep 'other'")


def test_rule_conditions_in_plain_words() -> None:
    rules = {r.id: r for r in default_rules().rules}
    assert describe_when(rules["mastectomy-modifier-22"]) == \
        "Code the closure as: modifier 22 on the mastectomy, no closure code"
    assert describe_when(rules["intermediate-repair-summed"]) == (
        "True tissue transfer documented: no; Code the closure as: what the rules decide "
        "(included in the mastectomy for its surgeon; 1430X, 1310X or 1203X otherwise); "
        "repair level (CPT 2020): intermediate")
    assert describe_when(rules["global-period-other-surgeon"]) == (
        "inside the prior surgery's global period; The mastectomy surgeon closes: a different "
        "surgeon")
    assert describe_when(rules["same-surgeon-closure-included"]).endswith(
        "not a distinctness is stated")


def test_every_field_label_is_the_procedures_own() -> None:
    from flatclosure.labels import FIELD_LABELS

    for name, fact in procedure_facts().items():
        assert FIELD_LABELS[name] == fact.label
