"""Plain-language labels: messages and the card name controls and switches as a person sees them."""

from __future__ import annotations

from flatclosure.errors import InputError
from flatclosure.labels import describe_when, plain_text, user_message
from flatclosure.protocol import ProcedureAttributes, default_rules, recommend


def _refusal(**kw: object) -> InputError:
    try:
        recommend(ProcedureAttributes(**kw))  # type: ignore[arg-type]
    except InputError as exc:
        return exc
    raise AssertionError("not refused")


def test_an_input_error_reads_with_the_controls_label() -> None:
    exc = _refusal(stage="initial", sides="both", mastectomy_code="19303", defect_area_cm2=45,
                   fat_grafting=True, fat_cc=100, date="2025-06-01")
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
        "switch 'NCCI pair edits between the mastectomy and the closure codes (same provider, "
        "same date)' off, keep 'other'")


def test_rule_conditions_in_plain_words() -> None:
    rules = {r.id: r for r in default_rules().rules}
    assert describe_when(rules["mastectomy-modifier-22"]) == \
        "Code the closure as: modifier 22 on the mastectomy, no closure code"
    assert describe_when(rules["complex-repair-by-length"]) == (
        "Tissue rearranged: no; Code the closure as: the protocol's codes (1430X with "
        "rearrangement, 1310X without); Repair length per side (cm): > 0")
    assert describe_when(rules["global-period-other-surgeon"]) == \
        "inside the prior surgery's global period; Who closes: a different surgeon"
