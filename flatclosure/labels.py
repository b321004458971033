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
from .protocol import Condition, Rule, Ruleset, default_diagnoses, default_rules, procedure_facts

# the pricing context's controls (notebook 02's 'More options'); the surgery's facts are
# labelled once, on their Procedure field (flatclosure/protocol/procedure.py)
CONTEXT_LABELS: dict[str, str] = {
    "date": "Year of surgery or exact date",
    "setting": "Setting",
    "locality": "Locality",
    "payer_multiplier": "Payer pays (x Medicare)",
    "qualifying_apm": "Conversion factor",
    "modifier_22_percent": "Modifier 22 uplift (%)",
}
FIELD_LABELS: dict[str, str] = {
    **{name: f.label for name, f in procedure_facts().items()}, **CONTEXT_LABELS}
# the rules' derived facts, which have no control of their own
FACT_LABELS: dict[str, str] = {
    "bilateral": "both sides",
    "inside_global": "inside the prior surgery's global period",
    "has_closure": "a closure is coded",
    "distinct": "a distinctness is stated",
    "repair_level": "repair level (CPT 2020)",
}
CLOSURE_AS: dict[str, str] = {
    "protocol": "what the rules decide (included in the mastectomy for its surgeon; 1430X, 1310X "
                "or 1203X otherwise)",
    "true_transfer": "a documented true tissue transfer (1430X) beside the mastectomy",
    "unlisted": "unlisted breast procedure 19499 (fallback)",
    "mastectomy_22": "modifier 22 on the mastectomy, no closure code",
}
SECOND_SIDE: dict[str, str] = {
    "rt_lt": "RT and LT lines",
    "modifier_50": "one line with modifier 50",
    "rt_lt_distinct": "LT with 59/XS (a separate site)",
}
DISTINCTNESS: dict[str, str] = {
    "none": "not distinct (same incision, same session)",
    "separate_site": "a separate site or incision",
    "separate_encounter": "a separate encounter",
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
    "second_side": SECOND_SIDE,
    "distinctness": DISTINCTNESS,
    "distinct_modifier": {"X": "the X modifier naming it (XS, XE)", "59": "59"},
    "global_modifier": GLOBAL_MODIFIERS,
    "diagnosis": {"cancer": "breast cancer, still treated", "history": "history of breast cancer",
                  "risk_reducing": "risk-reducing (no cancer)"},
    "revision_problem": {"contour_deformity": "contour deformity", "asymmetry": "asymmetry",
                         "scar": "scar", "hypertrophic_scar": "raised scar",
                         "excess_skin": "excess skin (dog ears)"},
    "revision_encounter": {"Z42.8": "Z42.8 other reconstructive surgery (UNCONFIRMED)",
                           "Z42.1": "Z42.1 breast reconstruction (UNCONFIRMED)",
                           "none": "no encounter code"},
    "setting": {"facility": "hospital or ASC", "office": "office"},
    # the C50 site characters, named in data/protocol/diagnoses.yaml
    "cancer_site": {k: f"{v} (C50.{k}-)"
                    for k, v in default_diagnoses().characters["site"].items()},
}


def value_label(name: str, value: Any) -> str:
    """A field value in plain words (the value itself when it has no label)."""
    return VALUE_LABELS.get(name, {}).get(value, str(value))


_SYMBOLS = {"eq": "", "ne": "not ", "in": "one of ", "gt": "> ", "gte": ">= ", "lt": "< ",
            "lte": "<= "}


def field_label(name: str) -> str:
    """The on-screen label of a field (the name itself if it has no control)."""
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
    label = FACT_LABELS.get(cond.fact, field_label(cond.fact)).rstrip("?")
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
