"""The finite RVU pool: what a new code, or new values for existing codes, does to everyone else.

Two lenses (shared domain notes section 6): statutory budget neutrality, PFS-wide, where a
change's net spending is offset on the conversion factor at its marginal share
CF x total / (total + added) beside the year's actual adjustment (``statutory``, ``revalue``);
and family work neutrality, an UNCONFIRMED convention (``family_neutrality``). ``paths``
compares today's codes, a new code and a revaluation with one engine.
"""

from .family import FamilyResult, family_names, family_neutrality, resolve_family
from .inputs import NewCode, Revaluation
from .params import (
    FAMILY_LABEL,
    FIRST_FAMILY,
    MASTECTOMY_CODE,
    NAMED_FAMILIES,
    OFFICE_VISIT_CODE,
    STATUTORY_LABEL,
    EmCheck,
    PoolParameters,
    YearAdjustment,
    em_check,
    pool_limit,
    pool_parameters,
    year_adjustment,
    years_with_adjustment,
)
from .revalue import RevaluationResult, revalue
from .statutory import (
    StatutoryResult,
    budget_neutrality_factor,
    services_to_move_cf,
    statutory,
)
from .sweep import PoolSweep, sweep

__all__ = [
    "FAMILY_LABEL", "FIRST_FAMILY", "MASTECTOMY_CODE", "NAMED_FAMILIES", "OFFICE_VISIT_CODE",
    "STATUTORY_LABEL", "EmCheck", "FamilyResult", "NewCode", "PoolParameters", "PoolSweep",
    "Revaluation", "RevaluationResult", "StatutoryResult", "YearAdjustment",
    "budget_neutrality_factor", "em_check", "family_names", "family_neutrality",
    "pool_limit", "pool_parameters", "resolve_family", "revalue", "services_to_move_cf", "statutory", "sweep",
    "year_adjustment", "years_with_adjustment",
]
