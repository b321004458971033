"""The coverage tables of ``data/coverage/`` as small frozen values, checked on load.

Every statute, rule, deadline and dollar figure shown by the coverage views and letters comes
from one of these rows, with its source, the date it applies from and a confidence (High,
Medium, Low, UNCONFIRMED: ``shared/docs/coverage-sources.md``). Ids that point from one table to
another are checked here: a dangling id is a DataError naming the file, row and field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from .. import datapkg
from ..catalog import as_date
from ..errors import DataError, InputError, NoDataForDateError

PLAN_TYPES = ("employer", "individual", "medicare", "medicaid", "church_governmental",
              "nonfederal_governmental")
LETTER_KINDS = ("prior-auth", "appeal")
UNCONFIRMED = "UNCONFIRMED"


@dataclass(frozen=True)
class Authority:
    """A statute, rule, definition, state law or bill, in our words, with where it comes from."""

    id: str
    kind: str
    cite: str
    plain: str
    status: str
    effective_from: dt.date
    source: str
    url: str
    confidence: str

    def source_line(self) -> str:
        url = f" {self.url}" if self.url else ""
        return f"{self.cite}: {self.source}{url} (from {self.effective_from}; {self.confidence})"


@dataclass(frozen=True)
class CoverageBasis:
    """Which law applies to a plan type: what it requires, what it leaves open, its notice."""

    plan: str
    label: str
    who: str
    authorities: tuple[Authority, ...]
    requires: str
    not_settled: str
    notice: str
    answer_set: str  # federal_mandate | medicare | plan_rules: which denial answers fit
    effective_from: dt.date
    source: str
    url: str
    confidence: str

    @property
    def coverage_law(self) -> tuple[Authority, ...]:
        """The authorities that state coverage (not the claims and appeals rules)."""
        return tuple(a for a in self.authorities
                     if a.kind in ("statute", "coverage_rule", "guidance"))


@dataclass(frozen=True)
class AppealStep:
    """One decision or appeal deadline of a plan type, with its source."""

    plan: str
    letter: str
    step: int
    what: str
    limit: int | None
    unit: str
    authority: Authority
    effective_from: dt.date
    source: str
    url: str
    confidence: str

    @property
    def deadline(self) -> str:
        return UNCONFIRMED if self.limit is None else f"{self.limit} {self.unit}"

    @property
    def said(self) -> str:
        """The step in words: a step without a limit already says why (UNCONFIRMED, ask)."""
        return self.what if self.limit is None else f"{self.what}: {self.deadline}"


@dataclass(frozen=True)
class DenialReason:
    """Our answer to a denial reason for one kind of coverage rule (``answer_set``)."""

    reason: str
    answer_set: str
    label: str
    answer: str
    authorities: tuple[Authority, ...]


@dataclass(frozen=True)
class DatedFigure:
    """A number with the row it comes from: what it is, from when, its source and confidence."""

    name: str
    value: float
    effective_from: dt.date
    source: str
    url: str
    confidence: str

    def source_line(self) -> str:
        return f"{self.name}: {self.source} {self.url} (from {self.effective_from}; {self.confidence})"


@dataclass(frozen=True)
class Bound:
    """An input's limits and default (flatclosure's own plausibility limits, kept as data)."""

    name: str
    minimum: float
    maximum: float
    default: float

    def check(self, value: float, field: str | None = None) -> float:
        v = float(value)
        if not (self.minimum <= v <= self.maximum):  # also refuses NaN
            raise InputError(field or self.name,
                             f"{value} is outside {self.minimum:g} to {self.maximum:g}")
        return v


def _split(text: str) -> tuple[str, ...]:
    return tuple(x for x in str(text).split(";") if x)


def _path(resource: str) -> str:
    return f"data/{datapkg.resource(resource).path.relative_to(datapkg.data_dir()).as_posix()}"


def _refs(ids: tuple[str, ...], resource: str, row: int, field: str) -> tuple[Authority, ...]:
    known = authorities()
    for i in ids:
        if i not in known:
            raise DataError(_path(resource), f"unknown authority id {i!r}", row=row, field=field)
    return tuple(known[i] for i in ids)


@cache
def authorities() -> dict[str, Authority]:
    t = datapkg.load("coverage-authorities")
    return {r["id"]: Authority(**r) for r in t.to_dict(orient="records")}


def laws_naming_flat_closure() -> tuple[Authority, ...]:
    """State laws and bills, and federal bills, that name flat closure or the chest wall."""
    return tuple(a for a in authorities().values()
                 if a.kind in ("state_law", "state_bill", "federal_bill"))


@cache
def _bases() -> dict[str, CoverageBasis]:
    out = {}
    for i, r in enumerate(datapkg.load("coverage-basis").to_dict(orient="records")):
        r["authorities"] = _refs(_split(r["authorities"]), "coverage-basis", i + 2, "authorities")
        out[r["plan"]] = CoverageBasis(**r)
    return out


def check_plan(plan: str) -> str:
    p = str(plan).strip().lower().replace("-", "_")
    if p not in PLAN_TYPES:
        raise InputError("plan", f"unknown plan type {plan!r} (known: {', '.join(PLAN_TYPES)})")
    return p


def coverage_basis(plan: str) -> CoverageBasis:
    """The coverage law of a plan type (data/coverage/coverage_basis.csv)."""
    p = check_plan(plan)
    try:
        return _bases()[p]
    except KeyError as exc:
        raise DataError(_path("coverage-basis"), f"no row for plan type {p!r}",
                        field="plan") from exc


@cache
def _steps() -> tuple[AppealStep, ...]:
    rows = datapkg.load("coverage-appeal-steps").to_dict(orient="records")
    out = []
    for i, r in enumerate(rows):
        (r["authority"],) = _refs((r["authority"],), "coverage-appeal-steps", i + 2, "authority")
        r["limit"] = None if r["limit"] is None or r["limit"] != r["limit"] else int(r["limit"])
        out.append(AppealStep(**r))
    return tuple(out)


def appeal_steps(plan: str, letter: str) -> tuple[AppealStep, ...]:
    """The decision (prior-auth) or appeal deadlines of a plan type, in order."""
    p = check_plan(plan)
    if letter not in LETTER_KINDS:
        raise InputError("kind", f"unknown letter {letter!r} (known: {', '.join(LETTER_KINDS)})")
    return tuple(sorted((s for s in _steps() if s.plan == p and s.letter == letter),
                        key=lambda s: s.step))


@cache
def _answers() -> dict[tuple[str, str], DenialReason]:
    rows = datapkg.load("coverage-denial-reasons").to_dict(orient="records")
    return {(r["reason"], r["answer_set"]): DenialReason(
        r["reason"], r["answer_set"], r["label"], r["answer"],
        _refs(_split(r["authorities"]), "coverage-denial-reasons", i + 2, "authorities"))
        for i, r in enumerate(rows)}


def denial_reasons() -> dict[str, str]:
    """The denial reasons an appeal answers, each with its label, in file order."""
    return {reason: a.label for (reason, _), a in _answers().items()}


def denial_reason(reason: str, plan: str) -> DenialReason:
    """Our answer to ``reason`` for the kind of coverage rule of a plan type."""
    known = denial_reasons()
    key = str(reason).strip().lower().replace("-", "_")
    if key not in known:
        raise InputError("reason", f"unknown denial reason {reason!r} (known: {', '.join(known)})")
    answer_set = coverage_basis(plan).answer_set
    try:
        return _answers()[key, answer_set]
    except KeyError as exc:
        raise DataError(_path("coverage-denial-reasons"), f"no answer to {key!r} for "
                        f"{answer_set!r}", field="answer_set") from exc


@cache
def _deductibles() -> dict[int, DatedFigure]:
    t = datapkg.load("coverage-part-b-deductible")
    return {int(r["year"]): DatedFigure(f"Part B deductible {int(r['year'])}",
                                        float(r["deductible_usd"]), r["effective_from"],
                                        r["source"], r["url"], r["confidence"])
            for r in t.to_dict(orient="records")}


def part_b_deductible(year: int) -> DatedFigure:
    """The Medicare Part B deductible of a calendar year (2019-2026 held)."""
    held = _deductibles()
    if int(year) not in held:
        raise NoDataForDateError(f"no Part B deductible held for {year} (held: "
                                 f"{min(held)}-{max(held)})")
    return held[int(year)]


@cache
def medicare_rule(name: str) -> DatedFigure:
    """part_b_coinsurance, nonparticipating_fee_share or limiting_charge_share."""
    for r in datapkg.load("coverage-medicare-cost-rules").to_dict(orient="records"):
        if r["name"] == name:
            return DatedFigure(name.replace("_", " "), float(r["value"]), r["effective_from"],
                               r["source"], r["url"], r["confidence"])
    raise DataError(_path("coverage-medicare-cost-rules"), f"no row named {name!r}", field="name")


@cache
def _sequestration_rows() -> tuple[dict[str, Any], ...]:
    """The periods, read once: notebook 03 read and checked the file again for each new date
    (~25 ms of a first look at another year, issue 15)."""
    return tuple(datapkg.load("coverage-sequestration").to_dict(orient="records"))


@cache  # like the other figures: read once per date (notebook 03 asks per row and refresh)
def sequestration(on: dt.date | str) -> DatedFigure:
    """The Medicare payment sequestration rate in force on a date of service."""
    day = as_date(on)
    for r in _sequestration_rows():
        if r["effective_from"] <= day <= r["effective_to"]:
            return DatedFigure(f"sequestration ({r['law']})", float(r["rate"]),
                               r["effective_from"], r["source"], r["url"], r["confidence"])
    raise NoDataForDateError(f"no sequestration rate held for {day}")


@cache
def bound(name: str) -> Bound:
    """The limits of a patient-cost input (data/coverage/cost_share_bounds.csv)."""
    for r in datapkg.load("coverage-cost-share-bounds").to_dict(orient="records"):
        if r["name"] == name:
            return Bound(name, float(r["minimum"]), float(r["maximum"]), float(r["default"]))
    raise DataError(_path("coverage-cost-share-bounds"), f"no row named {name!r}", field="name")
