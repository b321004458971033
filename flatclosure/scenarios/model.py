"""The scenario values: ``Scenario`` and its parts (``Valuation``, ``NewCodeSpec``, ``PathsSpec``),
the field names a file may hold, and ``ScenarioError``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import FlatclosureError

SCENARIO_FIELDS = ("title", "description", "reference", "lines", "procedure", "user_prices",
                   "comparators", "valuation", "new_code", "illustrative", "paths")
VALUATION_FIELDS = ("year", "date", "setting", "locality", "payer_multiplier", "qualifying_apm",
                    "modifier_22_percent")
PATHS_FIELDS = ("flat_closure_lines", "revalue")  # the three paths of notebook 04 (pool.paths)
REVALUE_FIELDS = ("work_rvu", "volume", "flat_closure_share")
NEW_CODE_FIELDS = ("code", "indicators_like", "work_rvu", "pe_rvu", "mp_rvu", "volume", "displaces",
                   "total_allowed", "bilat_surg", "mult_proc", "units")


class ScenarioError(FlatclosureError):
    """A scenario file or value that is malformed: names the file and the field."""

    def __init__(self, where: str, field_name: str, problem: str):
        self.where, self.field, self.problem = where, field_name, problem
        super().__init__(f"{where}: field '{field_name}': {problem}")


@dataclass(frozen=True)
class Valuation:
    """When, where and by whom a scenario is paid. ``year`` or ``date``; national by default."""

    year: int | None = None
    date: str | None = None
    setting: str = "facility"
    locality: str | None = None
    payer_multiplier: float = 1.0
    qualifying_apm: bool = False
    modifier_22_percent: float = 0.0


@dataclass(frozen=True)
class NewCodeSpec:
    """A hypothetical code for flat closure: its RVUs, yearly volume and what it displaces.

    Its payment indicators (global period, pre/intra/post shares, assistant, co-surgery, and
    unless given, bilateral and multiple-procedure) are those of ``indicators_like``, an existing
    code, in the release in force: a new code has none of its own until CMS publishes them. Its PE
    RVU is for the scenario's own setting.
    """

    code: str = "AFC01"
    indicators_like: str = ""
    work_rvu: float = 0.0
    pe_rvu: float = 0.0
    mp_rvu: float = 0.0
    volume: float = 0.0
    displaces: tuple[tuple[str, float], ...] = ()
    total_allowed: float | None = None
    bilat_surg: str | None = None  # None: as indicators_like
    mult_proc: str | None = None
    units: int = 1

    @property
    def total_rvu(self) -> float:
        return self.work_rvu + self.pe_rvu + self.mp_rvu


@dataclass(frozen=True)
class PathsSpec:
    """Today's flat-closure claim and the existing codes to revalue, for ``pool.paths``.

    ``revalue`` holds (code, new work RVU, all services a year or None, flat-closure share or
    None); None takes the illustrative volumes and the share implied by the new code's volume.
    """

    flat_closure_lines: tuple[str, ...] = ()
    revalue: tuple[tuple[str, float, float | None, float | None], ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    reference: str
    lines: tuple[str, ...] = ()
    procedure: tuple[tuple[str, Any], ...] = ()
    user_prices: tuple[tuple[str, float], ...] = ()
    comparators: tuple[tuple[str, str], ...] = ()
    valuation: Valuation = field(default_factory=Valuation)
    new_code: NewCodeSpec | None = None
    illustrative: tuple[str, ...] = ()
    paths: PathsSpec | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data, in file order; optional parts left out when empty."""
        out: dict[str, Any] = {"title": self.title, "description": self.description,
                               "reference": self.reference}
        if self.lines:
            out["lines"] = list(self.lines)
        if self.procedure:
            out["procedure"] = dict(self.procedure)
        if self.user_prices:
            out["user_prices"] = dict(self.user_prices)
        if self.comparators:
            out["comparators"] = dict(self.comparators)
        v = self.valuation
        val: dict[str, Any] = {}
        for name in VALUATION_FIELDS:
            value = getattr(v, name)
            if value != getattr(Valuation(), name):
                val[name] = value
        out["valuation"] = val
        if self.new_code is not None:
            nc = self.new_code
            d: dict[str, Any] = {k: getattr(nc, k) for k in NEW_CODE_FIELDS if k != "displaces"}
            d["displaces"] = dict(nc.displaces)
            out["new_code"] = {k: val_ for k, val_ in d.items() if val_ is not None}
        if self.illustrative:
            out["illustrative"] = list(self.illustrative)
        if self.paths is not None:
            out["paths"] = _paths_dict(self.paths)
        return out


def _paths_dict(p: PathsSpec) -> dict[str, Any]:
    rev = {c: {k: v for k, v in zip(REVALUE_FIELDS, (w, vol, share), strict=True) if v is not None}
           for c, w, vol, share in p.revalue}
    return {"flat_closure_lines": list(p.flat_closure_lines), "revalue": rev}
