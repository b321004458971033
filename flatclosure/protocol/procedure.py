"""The surgery's facts, listed once: the :class:`Procedure` value and its vocabularies.

Each field carries its plain label, its kind and, for numbers, the name of its limit in the rules
file (``settings.limits`` of ``data/protocol/rules.yaml``): notebook 02's controls, the CLI flags
and the labels are generated from these fields, so adding a fact is one field plus its label.
Checks that need the catalog or the date (the mastectomy code, global periods) are the engine's.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError

STAGES = ("initial", "revision")
SIDES = ("left", "right", "both")
CLOSURE_AS = ("protocol", "true_transfer", "unlisted", "mastectomy_22")
SECOND_SIDE = ("rt_lt", "modifier_50", "rt_lt_distinct")
DISTINCTNESS = ("none", "separate_site", "separate_encounter")
DISTINCT_MODIFIERS = ("X", "59")
GLOBAL_MODIFIERS = ("58", "78", "79")
DIAGNOSES = ("cancer", "history", "risk_reducing")
CANCER_SITES = ("0", "1", "2", "3", "4", "5", "6", "8", "9")
SEXES = ("female", "male")
CANCER_SIDES = ("operated", "right", "left")
BREASTS_REMOVED = ("operated", "both")
RISK_BASES = ("genetic", "family", "personal_history", "none")
REVISION_PROBLEMS = ("contour_deformity", "asymmetry", "scar", "hypertrophic_scar", "excess_skin")
ENCOUNTER_CODES = ("Z42.8", "Z42.1", "none")
COMPLEX_CRITERIA = ("extensive_undermining", "edge_debridement", "exposed_structures",
                    "free_margins", "retention_sutures")
KINDS = ("choice", "optional_choice", "bool", "number", "days", "code", "switches")


@dataclass(frozen=True)
class Fact:
    """How one Procedure field is read, checked and shown (its control, flag and label)."""

    label: str
    kind: str
    choices: tuple[str, ...] = ()
    limit: str | None = None  # key of settings.limits in the rules file
    help: str = ""
    group: str = "surgery"  # surgery, closure, repair, revision, coding, diagnosis


def fact(default: Any, label: str, kind: str, choices: tuple[str, ...] = (), *,
         limit: str | None = None, help: str = "", group: str = "surgery") -> Any:
    """A Procedure field with its Fact (label, kind, choices, limit) as metadata."""
    return field(default=default,
                 metadata={"fact": Fact(label, kind, choices, limit, help, group)})


@dataclass(frozen=True)
class Procedure:
    """What was done, by whom, and how it is to be coded: the input of ``recommend``.

    Sizes are per side (each side the same). Complex repair needs a layered closure plus one of
    the CPT 2020 criteria (each its own fact); a layered closure alone is intermediate repair.
    """

    stage: str = fact("initial", "Stage", "choice", STAGES)
    sides: str = fact("both", "Sides", "choice", SIDES)
    mastectomy_code: str | None = fact(None, "Mastectomy code", "code",
                                       help="the mastectomy at the initial surgery")
    same_surgeon: bool = fact(True, "The mastectomy surgeon closes", "bool")
    rearrangement: bool = fact(True, "True tissue transfer documented", "bool", group="closure",
                               help="additional incisions and a flap moved, not undermining alone")
    defect_area_cm2: float = fact(0.0, "Defect area per side (sq cm)", "number",
                                  limit="defect_area_cm2", group="closure")
    repair_length_cm: float = fact(0.0, "Repair length per side (cm)", "number",
                                   limit="repair_length_cm", group="repair")
    layered_closure: bool = fact(False, "Layered closure", "bool", group="repair")
    extensive_undermining: bool = fact(False, "Undermining at least the defect's width", "bool",
                                       group="repair")
    edge_debridement: bool = fact(False, "Wound edges debrided", "bool", group="repair")
    exposed_structures: bool = fact(False, "Bone, tendon or named nerve or vessel exposed",
                                    "bool", group="repair")
    free_margins: bool = fact(False, "Free margin involved (rim, vermilion)", "bool",
                              group="repair", help="ear rim, lip or nostril rim only: never on "
                              "the chest, so refused")
    retention_sutures: bool = fact(False, "Retention sutures placed", "bool", group="repair")
    fat_grafting: bool = fact(False, "Fat grafting", "bool", group="closure")
    fat_cc: float = fact(0.0, "Fat injected per side (cc)", "number", limit="fat_cc",
                         group="closure")
    skin_excision: bool = fact(False, "Excess skin excised", "bool", group="closure")
    liposuction: bool = fact(False, "Liposuction contouring", "bool", group="closure")
    days_since_surgery: int | None = fact(None, "Days since the prior surgery", "days",
                                          limit="days_since_surgery", group="revision")
    prior_code: str | None = fact(None, "Prior surgery's code", "code", group="revision")
    global_modifier: str | None = fact(None, "Inside its global period", "optional_choice",
                                       GLOBAL_MODIFIERS, group="revision")
    closure_as: str = fact("protocol", "Code the closure as", "choice", CLOSURE_AS,
                           group="coding")
    second_side: str = fact("rt_lt", "Second side of a per-defect code", "choice", SECOND_SIDE,
                            group="coding")
    distinctness: str = fact("none", "Distinct from the mastectomy because", "choice",
                             DISTINCTNESS, group="coding")
    distinct_modifier: str = fact("X", "Distinct-procedure modifier", "choice",
                                  DISTINCT_MODIFIERS, group="coding")
    unlisted_comparator: str | None = fact(None, "19499 valued like", "code", group="coding")
    diagnosis: str = fact("cancer", "Reason for the mastectomy", "choice", DIAGNOSES,
                          group="diagnosis")
    cancer_site: str = fact("9", "Cancer site in the breast", "choice", CANCER_SITES,
                            group="diagnosis")
    sex: str = fact("female", "Sex (ICD-10-CM breast codes)", "choice", SEXES, group="diagnosis")
    cancer_side: str = fact("operated", "Breast with the cancer", "choice", CANCER_SIDES,
                            group="diagnosis", help="'operated': every side operated on; one "
                            "side: the other breast's removal is risk-reducing (Z40.01)")
    risk_basis: str = fact("genetic", "Risk shown by", "choice", RISK_BASES, group="diagnosis")
    revision_problem: str = fact("contour_deformity", "Problem the revision treats", "choice",
                                 REVISION_PROBLEMS, group="diagnosis")
    revision_encounter: str = fact("Z42.8", "Revision encounter code", "choice", ENCOUNTER_CODES,
                                   group="diagnosis")
    breasts_removed: str = fact("operated", "Breasts removed before the revision", "choice",
                                BREASTS_REMOVED, group="diagnosis", help="Z90.1x is the "
                                "patient's state: both removed is Z90.13 even if one side is revised")
    assumptions_off: frozenset[str] = fact(frozenset(), "Assumptions switched off", "switches",
                                           group="coding")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            _set(self, f.name, _convert(f.name, f.metadata["fact"], getattr(self, f.name)))
        _check_pairs(self)

    @property
    def bilateral(self) -> bool:
        return self.sides == "both"

    @property
    def repair_level(self) -> str:
        """CPT 2020: complex = layered closure + a criterion; layered alone = intermediate."""
        if self.repair_length_cm <= 0:
            return "none"
        if not self.layered_closure:
            return "simple"
        return "complex" if any(getattr(self, c) for c in COMPLEX_CRITERIA) else "intermediate"

    def replace(self, **changes: Any) -> Procedure:
        return dataclasses.replace(self, **changes)


def procedure_facts() -> dict[str, Fact]:
    """Every Procedure field with its Fact, in declaration order."""
    return {f.name: f.metadata["fact"] for f in dataclasses.fields(Procedure)}


def limits() -> dict[str, float]:
    from .rules import default_rules  # the limits are data in the rules file

    return {str(k): float(v) for k, v in default_rules().settings["limits"].items()}


def _set(obj: Procedure, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _convert(name: str, f: Fact, v: Any) -> Any:
    """One field's value, converted and checked by its kind."""
    if f.kind == "bool":
        if not isinstance(v, bool):
            raise InputError(name, f"{v!r} is not true or false")
        return v
    if f.kind in ("choice", "optional_choice"):
        if f.kind == "optional_choice" and (v is None or str(v).strip() == ""):
            return None
        text = str(v).strip()
        if text not in f.choices:
            raise InputError(name, f"{v!r} is not one of {', '.join(f.choices)}")
        return text
    if f.kind == "code":
        return None if v is None or str(v).strip() == "" else str(v).strip()
    if f.kind == "switches":
        if isinstance(v, str):
            raise InputError(name, "give a set of switch names, not one string")
        return frozenset(str(s) for s in v)
    return _number(name, f, v)


def _number(name: str, f: Fact, v: Any) -> Any:
    cap = limits()[f.limit] if f.limit else math.inf
    if f.kind == "days":
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= cap:
            raise InputError(name, f"{v!r} must be a whole number of days from 1 to {cap:g}")
        return v
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
        raise InputError(name, f"{v!r} must be a number of zero or more")
    if v > cap:
        raise InputError(name, f"{v:g} is above the plausible maximum {cap:g} per side")
    return float(v)


def _check_pairs(p: Procedure) -> None:
    """Facts that only make sense together (no catalog needed)."""
    if p.rearrangement and p.closure_as in ("protocol", "true_transfer") and p.defect_area_cm2 <= 0:
        raise InputError("defect_area_cm2", "tissue rearrangement needs the defect area per side "
                         "(sq cm, primary plus secondary defect)")
    if p.closure_as == "true_transfer" and not p.rearrangement:
        raise InputError("closure_as", "coding a true tissue transfer needs one documented")
    if p.fat_grafting and p.fat_cc <= 0:
        raise InputError("fat_cc", "fat grafting needs the volume injected per side (cc)")
    if not p.fat_grafting and p.fat_cc > 0:
        raise InputError("fat_cc", f"{p.fat_cc:g} cc given but no fat grafting was done")
    if p.stage == "revision" and p.mastectomy_code is not None:
        raise InputError("mastectomy_code", "a mastectomy code belongs to the initial surgery; at "
                         "revision give the prior surgery as prior_code with days_since_surgery")
    if p.cancer_side != "operated" and p.diagnosis != "cancer":
        raise InputError("cancer_side", "the breast with the cancer is given only when the reason "
                         "is breast cancer, still treated")
    if p.cancer_side != "operated" and p.sides not in ("both", p.cancer_side):
        raise InputError("cancer_side", f"the {p.cancer_side} breast is not operated on: choose "
                         "'operated' or the side operated on")
    if p.breasts_removed == "both" and p.stage != "revision":
        raise InputError("breasts_removed", "the breasts removed before a revision name the "
                         "acquired absence (Z90.1x) at revision, not at the mastectomy")
    if not p.rearrangement and p.repair_level == "simple":
        raise InputError("layered_closure", "a closure without a layered closure is a simple "
                         "repair (12001-12007), which the workbook does not price; tick 'Layered "
                         "closure' if deeper layers were closed")
