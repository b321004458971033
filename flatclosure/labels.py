"""Plain-language labels for the protocol's attribute names, values and assumption switches.

What a person reads (notebook 02's messages, the printable card) names a control as it is labelled
on screen and a switch by its title in ``data/protocol/rules.yaml``, never by an internal name such
as ``global_modifier`` or ``fat_grafting_revision_only``. The engine's errors keep their fields
(``InputError.field``) for tests and the CLI; ``user_message`` rewrites them for the screen.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .errors import FlatclosureError, InputError
from .protocol import Condition, Rule, Ruleset, default_rules

# ProcedureAttributes field -> the label of its control in notebook 02
FIELD_LABELS: dict[str, str] = {
    "stage": "Stage",
    "sides": "Sides",
    "mastectomy_code": "Mastectomy code",
    "rearrangement": "Tissue rearranged?",
    "closure_as": "Code the closure as",
    "defect_area_cm2": "Defect area per side (sq cm)",
    "repair_length_cm": "Repair length per side (cm)",
    "fat_grafting": "Fat grafting?",
    "fat_cc": "Fat injected per side (cc)",
    "skin_excision": "Excess skin excised?",
    "liposuction": "Liposuction contouring?",
    "same_surgeon": "Who closes",
    "days_since_surgery": "Days since that surgery",
    "prior_code": "Prior surgery's code",
    "global_modifier": "Inside its global period",
    "bilateral_convention": "Both sides billed as",
    "distinct_modifier": "Distinct-procedure modifier",
    "date": "Year of surgery or exact date",
    "setting": "Setting",
    "locality": "Locality",
    "payer_multiplier": "Payer pays (x Medicare)",
    "qualifying_apm": "Conversion factor",
    "modifier_22_percent": "Modifier 22 uplift (%)",
    "unlisted_comparator": "19499 valued like",
    "assumptions_off": "Assumptions you can switch",
}
# the rules' derived facts, which have no control of their own
FACT_LABELS: dict[str, str] = {
    "bilateral": "both sides",
    "inside_global": "inside the prior surgery's global period",
    "has_closure": "a closure is coded",
}
CLOSURE_AS: dict[str, str] = {
    "protocol": "the protocol's codes (1430X with rearrangement, 1310X without)",
    "unlisted": "unlisted breast procedure 19499 (fallback)",
    "mastectomy_22": "modifier 22 on the mastectomy, no closure code",
}
BILATERAL_CONVENTIONS: dict[str, str] = {
    "rt_lt": "RT and LT lines, 59 on the second side",
    "modifier_50": "one line per code, modifier 50",
    "summed": "both sides' sizes added on one line",
}
GLOBAL_MODIFIERS: dict[str, str] = {
    "": "not chosen",
    "58": "58: staged or planned",
    "78": "78: unplanned return to the operating room",
    "79": "79: unrelated to the prior surgery",
}
VALUE_LABELS: dict[str, Mapping[Any, str]] = {
    "stage": {"initial": "initial, at the mastectomy", "revision": "revision, later"},
    "same_surgeon": {True: "the same surgeon", False: "a different surgeon"},
    "closure_as": CLOSURE_AS,
    "bilateral_convention": BILATERAL_CONVENTIONS,
    "global_modifier": GLOBAL_MODIFIERS,
    "setting": {"facility": "hospital or ASC", "office": "office"},
}
_SYMBOLS = {"eq": "", "ne": "not ", "in": "one of ", "gt": "> ", "gte": ">= ", "lt": "< ",
            "lte": "<= "}


def field_label(name: str) -> str:
    """The on-screen label of an attribute (the name itself if it has no control)."""
    return FIELD_LABELS.get(name, name)


def _value(fact: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_value(fact, v) for v in value)
    return VALUE_LABELS.get(fact, {}).get(value, "yes" if value is True else "no"
                                          if value is False else str(value))


def describe_condition(cond: Condition) -> str:
    """One condition in plain words: 'Code the closure as: modifier 22 on the mastectomy, ...'."""
    if cond.fact in FACT_LABELS and isinstance(cond.value, bool) and cond.op == "eq":
        return FACT_LABELS[cond.fact] if cond.value else "not " + FACT_LABELS[cond.fact]
    label = field_label(cond.fact).rstrip("?")
    return f"{label}: {_SYMBOLS[cond.op]}{_value(cond.fact, cond.value)}"


def describe_when(rule: Rule) -> str:
    """A rule's conditions in plain words, '; ' between them ('always' without conditions)."""
    return "; ".join(describe_condition(c) for c in rule.when) or "always"


def switch_titles(rules: Ruleset | None = None) -> dict[str, str]:
    """Switch or choice name -> the title of its rule (``rules.yaml``)."""
    rules = rules or default_rules()
    return {r.switch or r.choice or r.id: r.title for r in rules.rules if r.assumption}


def plain_text(text: str, rules: Ruleset | None = None) -> str:
    """``text`` with every quoted switch name ('ncci_pairs') replaced by its quoted title."""
    titles = switch_titles(rules)
    return re.sub(r"'([a-z0-9_]+)'", lambda m: f"'{titles[m[1]]}'" if m[1] in titles else m[0],
                  text)


def user_message(exc: FlatclosureError | str) -> str:
    """What a person reads: an InputError's field as its control's label, switch names as titles."""
    if isinstance(exc, InputError):
        return f"{field_label(exc.field).rstrip('?')}: {plain_text(exc.problem)}"
    return plain_text(str(exc))
