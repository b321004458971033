"""The coding protocol engine: what was done in surgery -> claim lines, priced, with reasons.

The protocol itself is data (``data/protocol/rules.yaml``; the NCCI pair table
``data/protocol/ncci_pairs.csv``), read by a small engine: each rule's ``when`` is a list of
conditions from a tiny vocabulary (equal, one of, greater/less than), interpreted here, never
evaluated as code. Sized codes are chosen from the size bands of ``data/catalog/codes.csv``.
Lines are priced by the one valuation engine, :func:`flatclosure.claims.price_claim`.

Sources: the advocates' protocol (seed page), ACS bundling guidance, the CPT definition of
adjacent tissue transfer, NCCI, the bilateral and global-surgery rules (shared domain notes
sections 1, 2, 4 and 5; each rule names its own source).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import datapkg
from .catalog import Catalog, CodeInfo, CodeValues, Release, as_date, load_catalog
from .claims import ClaimLine, ClaimResult, PricedLine, PricingContext, price_claim
from .errors import DataError, FlatclosureError, InputError, NoDataForDateError
from .fees import check_setting

STAGES = ("initial", "revision")
SIDES = ("left", "right", "both")
CONVENTIONS = ("modifier_50", "rt_lt", "summed")
GLOBAL_MODIFIERS = ("58", "78", "79")
CLOSURE_AS = ("protocol", "unlisted", "mastectomy_22")
DISTINCT_MODIFIERS = ("59", "XS")
LAYOUTS = ("modifier_50", "rt_lt", "rt_lt_plain", "summed")
SIZE_FIELDS = {"defect_area_cm2": "sq_cm", "repair_length_cm": "cm", "fat_cc": "cc"}
RULES_RESOURCE = "protocol-rules"
PAIRS_RESOURCE = "protocol-ncci-pairs"
# modifiers are written in this order on a line: side, 22, distinct, global
_MODIFIER_ORDER = {m: i for i, m in enumerate(["50", "RT", "LT", "22", "59", "XS", "58", "78", "79"])}
_OPS = ("eq", "ne", "in", "gt", "gte", "lt", "lte")
_ACTIONS = ("refuse", "add", "bundle", "ncci", "modifier", "global_modifier", "bilateral",
            "risk", "document", "warn")
_RULE_KEYS = {"id", "title", "when", "then", "rationale", "effective", "source", "assumption",
              "switch", "choice", "target"}


# --- memoised catalog look-ups (values are immutable, so caching them changes nothing) ------------
class _MemoCatalog(Catalog):
    """The loaded catalog with its per-code and per-date look-ups memoised, for widget speed."""

    def __init__(self, base: Catalog):  # shares the tables already loaded: no second read
        self.__dict__.update(base.__dict__)
        self._memo: dict[tuple[Any, ...], Any] = {}

    def _cached(self, key: tuple[Any, ...], compute: Any) -> Any:
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
            return value

    def values(self, code: str, on: dt.date | str) -> CodeValues:
        day = as_date(on)
        return self._cached(("values", str(code).strip(), day),
                            lambda: Catalog.values(self, code, day))

    def info(self, code: str) -> CodeInfo:
        return self._cached(("info", str(code).strip()),
                            lambda: Catalog.info(self, code))

    def release_on(self, on: dt.date | str) -> Release:
        day = as_date(on)
        return self._cached(("release", day),
                            lambda: Catalog.release_on(self, day))

    def conversion_factor(self, on: dt.date | str, qualifying_apm: bool = False) -> float:
        day = as_date(on)
        return self._cached(("cf", day, qualifying_apm),
                            lambda: Catalog.conversion_factor(self, day, qualifying_apm))

    def gpci(self, locality: str | None, year: int) -> tuple[float, float, float]:
        return self._cached(("gpci", locality, year),
                            lambda: Catalog.gpci(self, locality, year))

    def locality_name(self, locality: str | None, year: int) -> str:
        return self._cached(("locname", locality, year),
                            lambda: Catalog.locality_name(self, locality, year))


@cache
def _catalog() -> _MemoCatalog:
    return _MemoCatalog(load_catalog())


# --- the rules file ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Condition:
    """One test of a fact: ``fact op value`` (op one of eq, ne, in, gt, gte, lt, lte)."""

    fact: str
    op: str
    value: Any

    def holds(self, facts: Mapping[str, Any]) -> bool:
        got = facts[self.fact]
        if self.op == "eq":
            return bool(got == self.value)
        if self.op == "ne":
            return bool(got != self.value)
        if self.op == "in":
            return got in self.value
        if got is None or isinstance(got, bool) or not isinstance(got, int | float):
            return False
        v = float(self.value)
        return {"gt": got > v, "gte": got >= v, "lt": got < v, "lte": got <= v}[self.op]

    def describe(self) -> str:
        name = self.fact.replace("_", " ")
        if self.op in ("eq", "in") and isinstance(self.value, bool):
            return name if self.value else f"not {name}"
        sym = {"eq": "=", "ne": "is not", "in": "is one of", "gt": ">", "gte": ">=", "lt": "<",
               "lte": "<="}[self.op]
        val = ", ".join(map(str, self.value)) if isinstance(self.value, list | tuple) else self.value
        return f"{name} {sym} {val}"


@dataclass(frozen=True)
class Rule:
    """One protocol rule: when its conditions hold on a date in force, its actions apply."""

    id: str
    title: str
    when: tuple[Condition, ...]
    then: Mapping[str, Any]
    rationale: str
    effective_from: dt.date
    effective_to: dt.date | None
    sources: tuple[str, ...]
    assumption: bool = False
    switch: str | None = None
    choice: str | None = None
    target: Any = None

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(c.holds(facts) for c in self.when)

    def describe_when(self) -> str:
        return "; ".join(c.describe() for c in self.when) or "always"


@dataclass(frozen=True)
class AlternativeSpec:
    """A way of coding the same surgery differently, priced beside the recommendation."""

    id: str
    kind: str
    label: str
    when: tuple[Condition, ...]
    set: Mapping[str, Any]


@dataclass(frozen=True, eq=False)
class NcciPair:
    column1: str
    column2: str
    modifier_indicator: str
    effective_from: dt.date
    effective_to: dt.date | None
    status: str


@dataclass(frozen=True, eq=False)
class Ruleset:
    """The protocol rules, alternatives, settings and NCCI pairs of one data package."""

    path: str
    vintage: str
    rules: tuple[Rule, ...]
    alternatives: tuple[AlternativeSpec, ...]
    settings: Mapping[str, Any]
    sources: Mapping[str, str]
    ncci_pairs: tuple[NcciPair, ...]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def switches(self) -> dict[str, Rule]:
        """Assumption switches (UNCONFIRMED rules a user can turn off), by switch name."""
        return {r.switch: r for r in self.rules if r.switch}

    def pair(self, column1: str, column2: str, on: dt.date) -> NcciPair | None:
        for p in self.ncci_pairs:
            if (p.column1 == column1 and p.column2 == column2 and p.effective_from <= on
                    and (p.effective_to is None or on <= p.effective_to)):
                return p
        return None


def _attribute_fields() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(ProcedureAttributes) if f.init)


FACTS = ("stage", "sides", "mastectomy_code", "rearrangement", "defect_area_cm2", "repair_length_cm",
         "fat_grafting", "fat_cc", "skin_excision", "liposuction", "same_surgeon",
         "days_since_surgery", "global_modifier", "closure_as", "bilateral_convention", "setting",
         "bilateral", "inside_global", "has_closure")


def _date(value: Any, where: str, path: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(path, f"not a date YYYY-MM-DD: {value!r}", field=where) from exc


def _date_or_none(value: Any) -> dt.date | None:
    if value is None or value != value or str(value) in ("", "NaT"):  # NaN/NaT: no end date
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _conditions(when: Any, where: str, path: str) -> tuple[Condition, ...]:
    if when is None:
        return ()
    if not isinstance(when, Mapping):
        raise DataError(path, "conditions must be a mapping FACT: TEST", field=where)
    out = []
    for fact, test in when.items():
        if fact not in FACTS:
            raise DataError(path, f"unknown fact {fact!r} (known: {', '.join(FACTS)})",
                            field=f"{where}.{fact}")
        if isinstance(test, Mapping):
            if len(test) != 1 or next(iter(test)) not in _OPS:
                raise DataError(path, f"a test is one of {', '.join(_OPS)}", field=f"{where}.{fact}")
            op, value = next(iter(test.items()))
            if op in ("gt", "gte", "lt", "lte") and (isinstance(value, bool)
                                                      or not isinstance(value, int | float)):
                raise DataError(path, f"{op} needs a number", field=f"{where}.{fact}")
            if op == "in" and not isinstance(value, list):
                raise DataError(path, "in needs a list", field=f"{where}.{fact}")
        elif isinstance(test, list):
            op, value = "in", test
        else:
            op, value = "eq", test
        out.append(Condition(fact, op, tuple(value) if isinstance(value, list) else value))
    return tuple(out)


def _check_then(then: Any, where: str, path: str, settings: Mapping[str, Any]) -> None:
    if not isinstance(then, Mapping) or not then:
        raise DataError(path, "then must be a non-empty mapping of actions", field=where)
    cat = _catalog()
    families = set(cat.codes["family"])
    for action, spec in then.items():
        f = f"{where}.{action}"
        if action not in _ACTIONS:
            raise DataError(path, f"unknown action {action!r} (known: {', '.join(_ACTIONS)})", field=f)
        if action == "add":
            if "family" in spec:
                fam, size = spec["family"], spec.get("size")
                if fam not in families:
                    raise DataError(path, f"unknown family {fam!r}", field=f)
                units = {cat.info(c).size_unit for c in cat.family(fam)}
                if size not in SIZE_FIELDS or units != {SIZE_FIELDS[size]}:
                    raise DataError(path, f"size {size!r} does not measure family {fam} "
                                    f"(unit {', '.join(sorted(units))})", field=f)
                _bands(fam)  # the catalog's bands must be usable
            elif "code" in spec:
                cat.info(str(spec["code"]))
            elif spec.get("code_from") != "mastectomy_code":
                raise DataError(path, "add needs family+size, code or code_from: mastectomy_code",
                                field=f)
        elif action == "bundle" and spec.get("family") not in families:
            raise DataError(path, f"unknown family {spec.get('family')!r}", field=f)
        elif action == "risk":
            if spec.get("level") not in settings["risk_levels"] or not spec.get("reason"):
                raise DataError(path, f"risk needs a level ({', '.join(settings['risk_levels'])}) "
                                "and a reason", field=f)
        elif action == "document":
            if not isinstance(spec, list) or not all(isinstance(x, str) and x for x in spec):
                raise DataError(path, "document is a list of checklist items", field=f)
        elif action == "refuse":
            if spec.get("field") not in _attribute_fields() or not spec.get("message"):
                raise DataError(path, "refuse needs an attribute field and a message", field=f)
        elif action == "bilateral":
            layout = spec.get("layout")
            if layout is None and spec.get("layout_from") != "bilateral_convention":
                raise DataError(path, "bilateral needs layout or layout_from: bilateral_convention",
                                field=f)
            if layout is not None and layout not in LAYOUTS:
                raise DataError(path, f"unknown layout {layout!r} (known: {', '.join(LAYOUTS)})",
                                field=f)
        elif action == "modifier" and str(spec.get("add")) not in _MODIFIER_ORDER:
            raise DataError(path, f"unknown modifier {spec.get('add')!r}", field=f)


def _check_target(target: Any, where: str, path: str) -> None:
    if target is None or target in ("added", "closure", "mastectomy", "all"):
        return
    if isinstance(target, Mapping) and set(target) <= {"family", "codes"} and target:
        return
    raise DataError(path, "target is added, closure, mastectomy, all, {family} or {codes}",
                    field=where)


def parse_rules(doc: Any, path: str, pairs: Iterable[Mapping[str, Any]] = ()) -> Ruleset:
    """Check the structure of a rules document and build the ruleset; DataError names the place."""
    if not isinstance(doc, Mapping):
        raise DataError(path, "the rules file must be a mapping with settings, sources and rules")
    for key in ("settings", "sources", "rules", "alternatives"):
        if key not in doc:
            raise DataError(path, f"missing section {key!r}", field=key)
    settings, sources = doc["settings"], doc["sources"]
    for key in ("unlisted_comparator", "default_prior_code", "risk_levels", "limits"):
        if key not in settings:
            raise DataError(path, "missing setting", field=f"settings.{key}")
    for name in settings["limits"]:
        if name not in _attribute_fields():
            raise DataError(path, f"limit on an unknown attribute {name!r}", field="settings.limits")
    rules, seen = [], set()
    for i, raw in enumerate(doc["rules"]):
        where = f"rules[{i}]"
        if not isinstance(raw, Mapping):
            raise DataError(path, "a rule is a mapping", field=where)
        extra = set(raw) - _RULE_KEYS
        if extra:
            raise DataError(path, f"unknown key {sorted(extra)[0]!r}", field=where)
        for key in ("id", "title", "then", "rationale", "effective", "source"):
            if not raw.get(key):
                raise DataError(path, "required", field=f"{where}.{key}")
        rid = str(raw["id"])
        if not re.fullmatch(r"[a-z0-9-]+", rid) or rid in seen:
            raise DataError(path, f"rule id {rid!r} is not a unique lower-case-with-dashes id",
                            field=f"{where}.id")
        seen.add(rid)
        where = f"rules[{i}] ({rid})"
        _check_then(raw["then"], f"{where}.then", path, settings)
        _check_target(raw.get("target"), f"{where}.target", path)
        keys = raw["source"] if isinstance(raw["source"], list) else [raw["source"]]
        for k in keys:
            if k not in sources:
                raise DataError(path, f"unknown source {k!r}", field=f"{where}.source")
        eff = raw["effective"]
        start = _date(eff.get("from"), f"{where}.effective.from", path)
        if start is None:
            raise DataError(path, "required", field=f"{where}.effective.from")
        assumption = bool(raw.get("assumption", False))
        if assumption and not (raw.get("switch") or raw.get("choice")):
            raise DataError(path, "an assumption needs a switch or a choice", field=where)
        rules.append(Rule(
            id=rid, title=str(raw["title"]), when=_conditions(raw.get("when"), f"{where}.when", path),
            then=raw["then"], rationale=str(raw["rationale"]), effective_from=start,
            effective_to=_date(eff.get("to"), f"{where}.effective.to", path),
            sources=tuple(str(sources[k]) for k in keys), assumption=assumption,
            switch=raw.get("switch"), choice=raw.get("choice"), target=raw.get("target"),
        ))
    alts = []
    for i, raw in enumerate(doc["alternatives"]):
        where = f"alternatives[{i}]"
        for key in ("id", "kind", "label", "set"):
            if not raw.get(key):
                raise DataError(path, "required", field=f"{where}.{key}")
        for name in raw["set"]:
            if name not in _attribute_fields():
                raise DataError(path, f"unknown attribute {name!r}", field=f"{where}.set")
        alts.append(AlternativeSpec(str(raw["id"]), str(raw["kind"]), str(raw["label"]),
                                    _conditions(raw.get("when"), f"{where}.when", path),
                                    dict(raw["set"])))
    ncci = tuple(NcciPair(str(p["column1"]), str(p["column2"]), str(p["modifier_indicator"]),
                          p["effective_from"], _date_or_none(p.get("effective_to")), str(p["status"]))
                 for p in pairs)
    return Ruleset(path, str(doc.get("vintage", "")), tuple(rules), tuple(alts), dict(settings),
                   dict(sources), ncci)


def load_rules(root: Path | None = None) -> Ruleset:
    """The protocol of a data package (``data/protocol/rules.yaml`` and ``ncci_pairs.csv``)."""
    res = datapkg.resource(RULES_RESOURCE, root)
    doc = datapkg.load_yaml(RULES_RESOURCE, root)
    pairs = datapkg.load(PAIRS_RESOURCE, root).to_dict(orient="records")
    return parse_rules(doc, str(res.path.relative_to(res.path.parents[2])), pairs)


@cache
def default_rules() -> Ruleset:
    """The installed protocol (loaded once per process)."""
    return load_rules()


# --- size bands from the catalog --------------------------------------------------------------
@dataclass(frozen=True)
class SizeBands:
    """A sized family's codes: primaries with (min, max] bands, and the add-on past the last."""

    family: str
    unit: str
    primaries: tuple[tuple[str, float, float], ...]
    add_on: str | None
    add_on_from: float | None
    add_on_step: float | None

    @property
    def minimum(self) -> float:
        return self.primaries[0][1]


@cache
def _bands(family: str) -> SizeBands:
    cat = _catalog()
    infos = [cat.info(c) for c in cat.family(family)]
    prim = sorted(((i.code, i.size_min, i.size_max) for i in infos
                   if i.role == "protocol" and i.size_min is not None and i.size_max is not None),
                  key=lambda t: t[1])
    adds = [i for i in infos if i.is_add_on]
    path = "data/catalog/codes.csv"
    if not prim:
        raise DataError(path, f"family {family} has no sized primary codes", field="size_min")
    for (a, _, a_max), (b, b_min, _) in zip(prim, prim[1:], strict=False):
        if a_max != b_min:
            raise DataError(path, f"size bands of {a} and {b} do not meet", field="size_min")
    if len(adds) > 1:
        raise DataError(path, f"family {family} has more than one add-on", field="role")
    add = adds[0] if adds else None
    if add is not None:
        if add.size_min != prim[-1][2] or not add.size_step or prim[-1][0] not in add.primary_codes:
            raise DataError(path, f"add-on {add.code} must start where {prim[-1][0]} ends, with a "
                            "step, and list it as a primary", field="size_step")
    return SizeBands(family, infos[0].size_unit,
                     tuple((c, float(lo), float(hi)) for c, lo, hi in prim),
                     add.code if add else None, add.size_min if add else None,
                     add.size_step if add else None)


def size_codes(family: str, size: float, field_name: str = "size") -> list[tuple[str, int]]:
    """The codes and units for a size: the primary whose band (min, max] holds it, then the
    add-on's units for each further step (or part) past the last band (catalog size bands)."""
    b = _bands(family)
    if not size > b.minimum:
        raise InputError(field_name, f"{size:g} {b.unit} is not above {b.minimum:g} {b.unit}, where "
                         f"the {family.replace('_', ' ')} codes start ({b.primaries[0][0]})")
    for code, _lo, hi in b.primaries:
        if size <= hi:
            return [(code, 1)]
    if b.add_on is None or b.add_on_from is None or b.add_on_step is None:
        raise InputError(field_name, f"{size:g} {b.unit} is above the largest {family} band")
    units = math.ceil((size - b.add_on_from) / b.add_on_step - 1e-9)
    return [(b.primaries[-1][0], 1), (b.add_on, max(units, 1))]


# --- the attributes -----------------------------------------------------------------------------
def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


@dataclass(frozen=True)
class ProcedureAttributes:
    """What was done, by whom and when: the input of :func:`recommend`, validated on creation.

    Sizes are per side (each side the same). ``rearrangement`` means a true adjacent tissue
    transfer is documented (additional incisions, flap moved); without it the closure is a
    complex repair (undermining, layered closure). ``assumptions_off`` names the switches of
    UNCONFIRMED rules to turn off (see :func:`assumption_switches`).
    """

    stage: str = "initial"
    sides: str = "both"
    mastectomy_code: str | None = None
    rearrangement: bool = True
    defect_area_cm2: float = 0.0
    repair_length_cm: float = 0.0
    fat_grafting: bool = False
    fat_cc: float = 0.0
    skin_excision: bool = False
    liposuction: bool = False
    same_surgeon: bool = True
    days_since_surgery: int | None = None
    prior_code: str | None = None
    global_modifier: str | None = None
    closure_as: str = "protocol"
    bilateral_convention: str = "rt_lt"
    distinct_modifier: str = "59"
    date: dt.date | str | None = None
    setting: str = "facility"
    locality: str | None = None
    payer_multiplier: float = 1.0
    qualifying_apm: bool = False
    modifier_22_percent: float = 0.0
    ladder: tuple[float, ...] | None = None
    unlisted_comparator: str | None = None
    assumptions_off: frozenset[str] = frozenset()
    # derived on creation
    prior_global_days: int | None = field(default=None, init=False, compare=False)
    inside_global: bool = field(default=False, init=False, compare=False)

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def on(self) -> dt.date:
        return as_date(self.date)  # type: ignore[arg-type]

    def context(self) -> PricingContext:
        return PricingContext(self.on, self.setting, self.locality, self.payer_multiplier,
                              self.qualifying_apm, self.modifier_22_percent, self.ladder)

    def facts(self) -> dict[str, Any]:
        """What the rules' conditions can test."""
        out = {name: getattr(self, name) for name in FACTS if hasattr(self, name)}
        out["bilateral"] = self.sides == "both"
        out["has_closure"] = self.rearrangement or self.repair_length_cm > 0
        return out

    def replace(self, **changes: Any) -> ProcedureAttributes:
        return dataclasses.replace(self, **changes)


def _set(obj: ProcedureAttributes, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _choice(a: ProcedureAttributes, name: str, allowed: tuple[str, ...]) -> None:
    v = getattr(a, name)
    v = str(v).strip() if v is not None else v
    if v not in allowed:
        raise InputError(name, f"{getattr(a, name)!r} is not one of {', '.join(allowed)}")
    _set(a, name, v)


def _validate(a: ProcedureAttributes) -> None:
    rules = default_rules()
    cat = _catalog()
    limits = rules.settings["limits"]
    _choice(a, "stage", STAGES)
    _choice(a, "sides", SIDES)
    _choice(a, "closure_as", CLOSURE_AS)
    _choice(a, "bilateral_convention", CONVENTIONS)
    _set(a, "distinct_modifier", str(a.distinct_modifier).strip().upper())
    _choice(a, "distinct_modifier", DISTINCT_MODIFIERS)
    for name in ("rearrangement", "fat_grafting", "skin_excision", "liposuction", "same_surgeon",
                 "qualifying_apm"):
        if not isinstance(getattr(a, name), bool):
            raise InputError(name, f"{getattr(a, name)!r} is not true or false")
    for name in SIZE_FIELDS:
        v = getattr(a, name)
        if not _is_number(v) or v < 0:
            raise InputError(name, f"{v!r} must be a number of zero or more")
        if v > limits[name]:
            raise InputError(name, f"{v:g} is above the plausible maximum {limits[name]:g} per side")
        _set(a, name, float(v))
    # the date first: everything else is looked up on it
    try:
        day = as_date(a.date) if a.date is not None else cat.default_date()
        cat.release_on(day)
    except NoDataForDateError as exc:
        raise InputError("date", str(exc)) from exc
    _set(a, "date", day)
    _set(a, "setting", check_setting(a.setting))

    if a.stage == "initial":
        if a.mastectomy_code is None or not str(a.mastectomy_code).strip():
            raise InputError("mastectomy_code", "the initial closure needs the mastectomy code "
                             f"({', '.join(cat.family('mastectomy'))})")
        code = str(a.mastectomy_code).strip()
        if code not in cat.family("mastectomy"):
            raise InputError("mastectomy_code", f"{code!r} is not a mastectomy code "
                             f"({', '.join(cat.family('mastectomy'))})")
        _set(a, "mastectomy_code", code)
        if not _code_values(code, day, "mastectomy_code").payable_in(a.setting):
            raise InputError("setting", f"the initial closure is done with the mastectomy, and "
                             f"{code} is priced in the facility setting only (not {a.setting})")
    elif a.mastectomy_code is not None:
        raise InputError("mastectomy_code", "a mastectomy code belongs to the initial surgery; at "
                         "revision give the prior surgery as prior_code with days_since_surgery")

    if a.rearrangement and a.defect_area_cm2 <= 0:
        raise InputError("defect_area_cm2", "tissue rearrangement needs the defect area per side "
                         "(sq cm, primary plus secondary defect)")
    if a.repair_length_cm > 0:
        size_codes("complex_repair", a.repair_length_cm, "repair_length_cm")
    if a.fat_grafting and a.fat_cc <= 0:
        raise InputError("fat_cc", "fat grafting needs the volume injected per side (cc)")
    if not a.fat_grafting and a.fat_cc > 0:
        raise InputError("fat_cc", f"{a.fat_cc:g} cc given but no fat grafting was done")

    d = a.days_since_surgery
    if d is not None:
        if isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= limits["days_since_surgery"]:
            raise InputError("days_since_surgery", f"{d!r} must be a whole number of days from 1 "
                             f"to {limits['days_since_surgery']}")
    if a.prior_code is not None:
        _set(a, "prior_code", str(a.prior_code).strip())
    if d is not None:
        prior = a.prior_code or str(rules.settings["default_prior_code"])
        days = _code_values(prior, day, "prior_code").global_period_days
        _set(a, "prior_global_days", days)
        _set(a, "inside_global", days is not None and d <= days)
    if a.global_modifier is not None:
        _set(a, "global_modifier", str(a.global_modifier).strip())
        _choice(a, "global_modifier", GLOBAL_MODIFIERS)
    if a.inside_global and a.same_surgeon and a.global_modifier is None:
        prior = a.prior_code or rules.settings["default_prior_code"]
        raise InputError("global_modifier", f"day {d} is inside the {a.prior_global_days}-day global "
                         f"period of {prior}: choose 58 (staged or planned), 78 (unplanned return to "
                         "the operating room) or 79 (unrelated); the record decides which")
    if a.closure_as == "mastectomy_22" and not (a.stage == "initial" and a.same_surgeon):
        raise InputError("closure_as", "modifier 22 on the mastectomy is for a closure by the "
                         "mastectomy surgeon at the initial surgery")

    if a.unlisted_comparator is not None:
        _set(a, "unlisted_comparator", str(a.unlisted_comparator).strip())
        _code_values(a.unlisted_comparator, day, "unlisted_comparator")
    if isinstance(a.assumptions_off, str):
        raise InputError("assumptions_off", "give a set of switch names, not one string")
    off = frozenset(str(s) for s in a.assumptions_off)
    unknown = off - set(rules.switches())
    if unknown:
        raise InputError("assumptions_off", f"unknown switch {sorted(unknown)[0]!r} (known: "
                         f"{', '.join(sorted(rules.switches()))})")
    _set(a, "assumptions_off", off)
    if a.ladder is not None:
        _set(a, "ladder", tuple(a.ladder))
    if a.locality is not None and not str(a.locality).strip():
        _set(a, "locality", None)
    for name in ("payer_multiplier", "modifier_22_percent"):
        if not _is_number(getattr(a, name)):
            raise InputError(name, f"{getattr(a, name)!r} is not a number")
    try:
        a.context()
        cat.gpci(a.locality, day.year)
    except NoDataForDateError as exc:
        raise InputError("locality", str(exc)) from exc


def _code_values(code: str, day: dt.date, name: str) -> CodeValues:
    try:
        return _catalog().values(code, day)
    except FlatclosureError as exc:
        raise InputError(name, str(exc)) from exc


# --- the result ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProtocolLine:
    """A priced claim line with the rules that produced it, why, its denial risk and paperwork."""

    priced: PricedLine
    side: str
    family: str
    rule_ids: tuple[str, ...]
    rationale: tuple[str, ...]
    denial_risk: str
    risk_reasons: tuple[str, ...]
    documentation: tuple[str, ...]

    @property
    def line(self) -> str:
        return str(self.priced.line)

    @property
    def code(self) -> str:
        return self.priced.line.code

    @property
    def allowed(self) -> float:
        return self.priced.allowed

    def to_dict(self) -> dict[str, object]:
        d = self.priced.to_dict()
        d.update(side=self.side, family=self.family, rule_ids=list(self.rule_ids),
                 rationale=list(self.rationale), denial_risk=self.denial_risk,
                 risk_reasons=list(self.risk_reasons), documentation=list(self.documentation))
        return d


@dataclass(frozen=True)
class BundledItem:
    """A code the surgery would call for but the rules leave off the claim, and why."""

    code: str
    side: str
    rule_id: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Alternative:
    """Another way of coding the same surgery, with what its claim would pay."""

    id: str
    kind: str
    label: str
    lines: tuple[str, ...]
    total: float | None
    difference: float | None  # total minus the recommended total
    is_current: bool
    denial_risk: str | None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        d = dataclasses.asdict(self)
        d["lines"] = list(self.lines)
        return d


@dataclass(frozen=True)
class ProtocolResult:
    """The recommended claim, its total, and everything a coder should weigh."""

    attributes: ProcedureAttributes
    lines: tuple[ProtocolLine, ...]
    total: float
    claim: ClaimResult | None
    bundled: tuple[BundledItem, ...]
    alternatives: tuple[Alternative, ...]
    documentation: tuple[str, ...]
    warnings: tuple[str, ...]
    rules_applied: tuple[str, ...]
    assumptions: tuple[tuple[str, str], ...]  # (switch or choice, its state) of UNCONFIRMED rules
    denial_risk: str

    @property
    def conventions(self) -> tuple[Alternative, ...]:
        """The bilateral reporting conventions side by side (both sides only)."""
        return tuple(a for a in self.alternatives if a.kind == "bilateral_convention")

    @property
    def release_id(self) -> str | None:
        return self.lines[0].priced.release_id if self.lines else None

    def to_dict(self) -> dict[str, object]:
        a = self.attributes
        head: dict[str, object] = (self.claim.to_dict() if self.claim is not None else {
            "date": a.on.isoformat(), "setting": a.setting, "locality": a.locality or "national"})
        head.update(
            lines=[ln.to_dict() for ln in self.lines], total=self.total,
            bundled=[b.to_dict() for b in self.bundled],
            alternatives=[x.to_dict() for x in self.alternatives],
            documentation=list(self.documentation), warnings=list(self.warnings),
            rules_applied=list(self.rules_applied),
            assumptions=[{"name": n, "state": s} for n, s in self.assumptions],
            denial_risk=self.denial_risk, inside_global=a.inside_global,
            prior_global_days=a.prior_global_days,
        )
        return head


# --- the engine ---------------------------------------------------------------------------------
@dataclass
class _Draft:
    """A claim line being built (mutable; never leaves this module)."""

    code: str
    units: int
    side: str
    family: str
    group: int
    is_add_on: bool
    modifiers: list[str]
    rule_ids: list[str]
    comparator: str | None = None
    mastectomy: bool = False
    risks: list[tuple[str, str]] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    rationale: list[str] = field(default_factory=list)

    def tag(self, rule: Rule) -> None:
        if rule.id not in self.rule_ids:
            self.rule_ids.append(rule.id)
            self.rationale.append(rule.rationale)

    def add_modifier(self, mod: str) -> None:
        if mod not in self.modifiers:
            self.modifiers.append(mod)
            self.modifiers.sort(key=lambda m: _MODIFIER_ORDER.get(m, 99))

    def claim_line(self) -> ClaimLine:
        return ClaimLine(self.code, tuple(self.modifiers), self.units, comparator=self.comparator)


def active_rules(attrs: ProcedureAttributes, rules: Ruleset | None = None) -> list[Rule]:
    """The rules in force on the date, not switched off, whose conditions hold."""
    rules = rules or default_rules()
    facts = attrs.facts()
    return [r for r in rules.rules if r.in_force(attrs.on)
            and not (r.switch and r.switch in attrs.assumptions_off) and r.matches(facts)]


def _layout(rules: list[Rule], attrs: ProcedureAttributes, indicator: str) -> tuple[str, Rule | None]:
    if attrs.sides != "both":
        return "one_side", None
    for r in rules:
        spec = r.then.get("bilateral")
        if spec and indicator in [str(x) for x in spec.get("indicators", [])]:
            return (spec.get("layout") or getattr(attrs, spec["layout_from"])), r
    raise DataError("data/protocol/rules.yaml", f"no bilateral rule in force on {attrs.on} for "
                    f"bilateral indicator {indicator}")


def _adds(rule: Rule, attrs: ProcedureAttributes, rules: list[Rule], group: int,
          settings: Mapping[str, Any]) -> list[_Draft]:
    """The draft lines one ``add`` action produces, laid out for the sides."""
    cat = _catalog()
    spec = rule.then["add"]
    side_mod = {"left": "LT", "right": "RT"}
    if "family" in spec:
        family, size_field = spec["family"], spec["size"]
        size = getattr(attrs, size_field)
        first = size_codes(family, size, size_field)[0][0]
    else:
        code = attrs.mastectomy_code if "code_from" in spec else str(spec["code"])
        assert code is not None
        family, size_field, size, first = cat.info(code).family, None, 0.0, code
    layout, brule = _layout(rules, attrs, cat.values(first, attrs.on).bilat_surg)

    def build(sz: float, side: str, mods: list[str], grp: int) -> list[_Draft]:
        if size_field is None:
            codes = [(first, 1)]
        else:
            codes = size_codes(family, sz, size_field)
        out = []
        for c, units in codes:
            d = _Draft(c, units, side, family, grp, cat.info(c).is_add_on, list(mods), [],
                       mastectomy="code_from" in spec)
            if c == "19499":
                d.comparator = attrs.unlisted_comparator or str(settings["unlisted_comparator"])
            d.tag(rule)
            if brule is not None:
                d.tag(brule)
            out.append(d)
        return out

    if layout == "one_side":
        return build(size, attrs.sides, [side_mod[attrs.sides]], group)
    if layout == "modifier_50":
        return build(size, "both", ["50"], group)
    if layout == "summed":
        return build(size * 2, "both (summed)", [], group)
    distinct = [attrs.distinct_modifier] if layout == "rt_lt" else []
    return (build(size, "right", ["RT"], group)
            + build(size, "left", ["LT", *distinct], group + 1))


def _targets(rule: Rule, drafts: list[_Draft]) -> list[_Draft]:
    t: Any = rule.target if rule.target is not None else ("added" if "add" in rule.then else "all")
    if t == "added":
        return [d for d in drafts if d.rule_ids and d.rule_ids[0] == rule.id]
    if t == "closure":
        return [d for d in drafts if not d.mastectomy]
    if t == "mastectomy":
        return [d for d in drafts if d.mastectomy]
    if t == "all":
        return list(drafts)
    fam, codes = t.get("family"), [str(c) for c in t.get("codes", [])]
    return [d for d in drafts if d.family == fam or d.code in codes]


def _drop(drafts: list[_Draft], gone: list[_Draft]) -> list[_Draft]:
    """Remove lines, and any add-on whose primary of the same group went with them."""
    groups = {d.group for d in gone if not d.is_add_on}
    gone_ids = {id(d) for d in gone}
    return [d for d in drafts if id(d) not in gone_ids and not (d.is_add_on and d.group in groups)]


def _build(attrs: ProcedureAttributes, ruleset: Ruleset
           ) -> tuple[list[_Draft], list[BundledItem], list[str], list[Rule]]:
    rules = active_rules(attrs, ruleset)
    facts = attrs.facts()
    for r in ruleset.rules:  # what was asked for must not vanish because a rule is not in force
        if ("add" in r.then and not r.in_force(attrs.on) and r.matches(facts)
                and not (r.switch and r.switch in attrs.assumptions_off)):
            raise InputError("date", f"rule {r.id} ({r.title}) is in force from {r.effective_from}"
                             + (f" to {r.effective_to}" if r.effective_to else "")
                             + f", not on {attrs.on}: the codes it adds did not exist then")
    cat = _catalog()
    warnings: list[str] = []
    for r in rules:  # refusals first: nothing is priced for a refused input
        if "refuse" in r.then:
            raise InputError(r.then["refuse"]["field"], r.then["refuse"]["message"])
    drafts: list[_Draft] = []
    for r in rules:
        if "add" in r.then:
            drafts += _adds(r, attrs, rules, len(drafts) * 2 + 2, ruleset.settings)
    drafts.sort(key=lambda d: not d.mastectomy)  # the mastectomy heads the claim
    bundled: list[BundledItem] = []
    for r in rules:
        if "bundle" in r.then:
            gone = [d for d in drafts if d.family == r.then["bundle"]["family"]]
            bundled += [BundledItem(d.code, d.side, r.id, r.rationale) for d in gone]
            drafts = _drop(drafts, gone)
    for r in rules:
        if "ncci" in r.then and attrs.mastectomy_code:
            gone = []
            for d in drafts:
                if d.mastectomy:
                    continue
                pair = ruleset.pair(attrs.mastectomy_code, d.code, attrs.on)
                if pair is None or pair.modifier_indicator == "9":
                    continue
                d.tag(r)
                if pair.modifier_indicator == "1":
                    d.add_modifier(attrs.distinct_modifier)
                else:
                    gone.append(d)
                    bundled.append(BundledItem(
                        d.code, d.side, r.id, f"NCCI pair {pair.column1}/{pair.column2} has modifier "
                        f"indicator 0 ({pair.status}): denied with the mastectomy, no modifier bypasses it"))
            drafts = _drop(drafts, gone)
    for r in rules:
        if "modifier" in r.then:
            for d in _targets(r, drafts):
                d.add_modifier(str(r.then["modifier"]["add"]))
                d.tag(r)
    for r in rules:
        if "global_modifier" in r.then and attrs.global_modifier:
            mod = attrs.global_modifier
            for d in drafts:
                v = cat.values(d.code, attrs.on)
                if d.is_add_on or v.glob_days == "ZZZ":
                    continue  # an add-on follows its primary's global period
                if mod == "78" and v.intra_op <= 0:
                    warnings.append(f"{d.code} has no intra-operative share in the RVU file: "
                                    "modifier 78 is not added to it")
                    continue
                d.add_modifier(mod)
                d.tag(r)
    if not drafts:
        raise InputError("repair_length_cm" if not attrs.rearrangement else "stage",
                         "nothing to bill: give the repaired length, tissue rearrangement with its "
                         "area, fat grafting, skin excision or liposuction")
    for r in rules:
        targets = _targets(r, drafts)
        if "risk" in r.then:
            for d in targets:
                d.risks.append((r.then["risk"]["level"], r.then["risk"]["reason"]))
                d.tag(r)
        if "document" in r.then:
            for d in targets:
                d.docs += [x for x in r.then["document"] if x not in d.docs]
                d.tag(r)
        if "warn" in r.then:
            warnings.append(str(r.then["warn"]))
    if attrs.global_modifier and not (attrs.inside_global and attrs.same_surgeon):
        warnings.append(f"global modifier {attrs.global_modifier} not used: the surgery is not inside "
                        "a global period of the same surgeon")
    if attrs.prior_code and attrs.days_since_surgery is None:
        warnings.append(f"prior code {attrs.prior_code} not used: give days_since_surgery")
    return drafts, bundled, warnings, rules


@lru_cache(maxsize=8192)
def _price(lines: tuple[ClaimLine, ...], ctx: PricingContext) -> ClaimResult:
    return price_claim(list(lines), ctx, catalog=_catalog())


def _max_risk(levels: Iterable[str], order: list[str]) -> str:
    got = [order.index(x) for x in levels]
    return order[max(got)] if got else order[0]


def recommend(attrs: ProcedureAttributes, *, alternatives: bool = True,
              rules: Ruleset | None = None) -> ProtocolResult:
    """The claim for a flat closure or revision under the protocol rules, priced, with the
    rule ids, rationale, denial risk and documentation of each line, and the alternatives."""
    ruleset = rules or default_rules()
    drafts, bundled, warnings, active = _build(attrs, ruleset)
    order = list(ruleset.settings["risk_levels"])
    claim = _price(tuple(d.claim_line() for d in drafts), attrs.context())
    lines = tuple(
        ProtocolLine(
            priced=p, side=d.side, family=d.family, rule_ids=tuple(d.rule_ids),
            rationale=tuple(d.rationale),
            denial_risk=_max_risk((lv for lv, _ in d.risks), order),
            risk_reasons=tuple(dict.fromkeys(reason for _, reason in d.risks)),
            documentation=tuple(d.docs),
        ) for d, p in zip(drafts, claim.lines, strict=True))
    docs = tuple(dict.fromkeys(x for d in drafts for x in d.docs))
    assumptions = tuple(
        (r.switch or r.choice or r.id,
         "on" if r.switch else str(getattr(attrs, r.choice or "", "")))
        for r in active if r.assumption)
    assumptions += tuple((s, "off") for s in sorted(attrs.assumptions_off))
    result = ProtocolResult(
        attributes=attrs, lines=lines, total=claim.total, claim=claim, bundled=tuple(bundled),
        alternatives=(), documentation=docs,
        warnings=tuple(dict.fromkeys([*warnings, *claim.warnings])),
        rules_applied=tuple(r.id for r in active), assumptions=assumptions,
        denial_risk=_max_risk((ln.denial_risk for ln in lines), order),
    )
    if alternatives:
        result = dataclasses.replace(result, alternatives=_alternatives(attrs, result, ruleset))
    return result


def _alternatives(attrs: ProcedureAttributes, current: ProtocolResult,
                  ruleset: Ruleset) -> tuple[Alternative, ...]:
    facts = attrs.facts()
    out = []
    for spec in ruleset.alternatives:
        if not all(c.holds(facts) for c in spec.when):
            continue
        try:
            alt = attrs.replace(**spec.set)
            same = alt == attrs
            res = current if same else recommend(alt, alternatives=False, rules=ruleset)
        except InputError as exc:
            out.append(Alternative(spec.id, spec.kind, spec.label, (), None, None, False, None,
                                   str(exc)))
            continue
        out.append(Alternative(spec.id, spec.kind, spec.label, tuple(ln.line for ln in res.lines),
                               res.total, round(res.total - current.total, 2), same,
                               res.denial_risk))
    return tuple(out)


def assumption_switches(rules: Ruleset | None = None) -> list[dict[str, str]]:
    """The UNCONFIRMED rules a user can switch off or choose among, for a widget or the card."""
    rules = rules or default_rules()
    return [{"name": r.switch or r.choice or r.id, "kind": "switch" if r.switch else "choice",
             "rule": r.id, "title": r.title, "source": "; ".join(r.sources)}
            for r in rules.rules if r.assumption]


_CONTEXT_FIELDS = ("date", "setting", "locality", "payer_multiplier", "qualifying_apm",
                   "modifier_22_percent", "ladder")


def claim_attributes(procedure: Mapping[str, Any], ctx: PricingContext | None = None) -> ProcedureAttributes:
    """ProcedureAttributes from a scenario's procedure fields, valued in ``ctx`` when given.

    An unknown key, or a valuation field (those come from the context), is refused by name.
    """
    fields = set(_attribute_fields()) - set(_CONTEXT_FIELDS)
    kw: dict[str, Any] = {}
    for key, value in procedure.items():
        if key not in fields:
            raise InputError(f"procedure.{key}", f"not a procedure attribute (known: "
                             f"{', '.join(sorted(fields))})")
        kw[key] = frozenset(value if isinstance(value, list | tuple | set | frozenset) else [value]) \
            if key == "assumptions_off" else value
    if ctx is None:
        return ProcedureAttributes(**kw)
    return ProcedureAttributes(**kw, date=ctx.on, setting=ctx.setting, locality=ctx.locality,
                               payer_multiplier=ctx.payer_multiplier,
                               qualifying_apm=ctx.qualifying_apm,
                               modifier_22_percent=ctx.modifier_22_percent, ladder=ctx.ladder)


def claim_for_scenario(procedure: Mapping[str, Any], ctx: PricingContext,
                       catalog: Catalog | None = None) -> ClaimResult:
    """The protocol's claim for a scenario's procedure, priced in the scenario's own context.

    ``procedure`` holds ProcedureAttributes fields (not the valuation ones: date, setting,
    locality, payer multiplier, APM track, modifier 22 percentage and ladder come from ``ctx``,
    which may also carry a budget-neutrality factor). An unknown key is refused by name.
    """
    attrs = claim_attributes(procedure, ctx)
    drafts, _, warnings, _ = _build(attrs, default_rules())
    result = price_claim([d.claim_line() for d in drafts], ctx, catalog=catalog or _catalog())
    return dataclasses.replace(result, warnings=tuple(dict.fromkeys([*warnings, *result.warnings])))
