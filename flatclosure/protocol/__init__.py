"""The coding protocol: what was done in surgery -> claim lines, priced, with reasons.

The protocol itself is data (``data/protocol/rules.yaml``, the NCCI pair table
``data/protocol/ncci_pairs.csv`` and the diagnoses ``data/protocol/diagnoses.yaml``), read by a
small engine. ``procedure`` holds the surgery's facts (:class:`Procedure`), ``rules`` the rules
file, ``actions`` one function per rule action, ``engine`` the checks and the declared order,
``result`` what comes back.
"""

from .diagnoses import Diagnosis, default_diagnoses, line_diagnoses
from .engine import ACTION_ORDER, assumption_switches, facts, recommend
from .procedure import (
    CLOSURE_AS,
    COMPLEX_CRITERIA,
    DISTINCT_MODIFIERS,
    DISTINCTNESS,
    GLOBAL_MODIFIERS,
    SECOND_SIDE,
    SIDES,
    STAGES,
    Fact,
    Procedure,
    procedure_facts,
)
from .result import Alternative, BundledItem, ProtocolLine, ProtocolResult
from .rules import Condition, Risk, Rule, Ruleset, default_rules, load_rules, parse_rules

__all__ = [
    "ACTION_ORDER", "CLOSURE_AS", "COMPLEX_CRITERIA", "DISTINCTNESS", "DISTINCT_MODIFIERS",
    "GLOBAL_MODIFIERS", "SECOND_SIDE", "SIDES", "STAGES", "Alternative", "BundledItem",
    "Condition", "Diagnosis", "Fact", "Procedure", "ProtocolLine", "ProtocolResult", "Risk",
    "Rule", "Ruleset", "assumption_switches", "default_diagnoses", "default_rules", "facts",
    "line_diagnoses", "load_rules", "parse_rules", "procedure_facts", "recommend",
]
