"""Scenarios: named, documented ways of coding and valuing a flat closure, compared side by side.

A scenario is data (a YAML or JSON file): a title, a plain-language description, a reference, the
procedure (attributes for the coding protocol) or explicit claim lines, and the valuation context;
optionally a hypothetical new code with its pool settings. Files are validated on load with
messages that name the field; ``load(save(s)) == s`` for every valid scenario. Only
``yaml.safe_load``/``json`` are used: no eval, no pickle.

The package: ``model`` (the values), ``checks`` and ``validate`` (``from_dict``), ``procedure``
(a procedure coded by the protocol), ``files`` (parse, load, save, presets), ``evaluate``
(``evaluate``, ``compare``) and ``paths`` (notebook 04's three paths). Every public name is
importable from ``flatclosure.scenarios``.
"""

from __future__ import annotations

from .evaluate import (
    SCENARIO_GROUPS,
    ScenarioResult,
    compare,
    evaluate,
    hypothetical_values,
    scenario_group,
)
from .files import dumps, load, loads, parse, presets, presets_dir, save
from .model import (
    NEW_CODE_FIELDS,
    PATHS_FIELDS,
    REVALUE_FIELDS,
    SCENARIO_FIELDS,
    VALUATION_FIELDS,
    NewCodeSpec,
    PathsSpec,
    Scenario,
    ScenarioError,
    Valuation,
)
from .paths import POOL_PRESET, evaluate_paths
from .procedure import claim_attributes, claim_for_scenario
from .references import reference_multipliers
from .validate import from_dict

__all__ = [
    "NEW_CODE_FIELDS", "PATHS_FIELDS", "POOL_PRESET", "REVALUE_FIELDS", "SCENARIO_FIELDS",
    "SCENARIO_GROUPS", "VALUATION_FIELDS", "NewCodeSpec", "PathsSpec", "Scenario", "ScenarioError",
    "ScenarioResult", "Valuation", "claim_attributes", "claim_for_scenario", "compare", "dumps",
    "evaluate", "evaluate_paths", "from_dict", "hypothetical_values", "load", "loads", "parse",
    "presets", "presets_dir", "reference_multipliers", "save", "scenario_group",
]
