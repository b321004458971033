"""The rules file (``data/protocol/rules.yaml``) and the NCCI pair table, parsed and checked.

A rule's ``when`` is a list of conditions from a tiny vocabulary (equal, one of, greater/less
than), interpreted here, never evaluated as code; its ``then`` holds typed actions (see the
header of the rules file). A bad file raises DataError naming the rule and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .. import datapkg
from ..catalog import Catalog, load_catalog
from ..errors import DataError
from .procedure import procedure_facts

RULES_RESOURCE = "protocol-rules"
PAIRS_RESOURCE = "protocol-ncci-pairs"
DERIVED_FACTS = ("bilateral", "inside_global", "has_closure", "repair_level", "distinct")
ACTIONS = ("refuse", "add", "layout", "include", "ncci", "modifier", "global_modifier", "risk",
           "document", "warn")
LAYOUTS = ("modifier_50", "rt_lt", "once", "second_side")
MODIFIER_ORDER = {m: i for i, m in enumerate(
    ["50", "RT", "LT", "22", "59", "XS", "XE", "58", "78", "79"])}
_OPS = ("eq", "ne", "in", "gt", "gte", "lt", "lte")
_RULE_KEYS = {"id", "title", "when", "then", "rationale", "effective", "source", "assumption",
              "switch", "choice", "target"}


def fact_names() -> tuple[str, ...]:
    return (*procedure_facts(), *DERIVED_FACTS)


@dataclass(frozen=True)
class Condition:
    """One test of a fact: ``fact op value`` (op one of eq, ne, in, gt, gte, lt, lte)."""

    fact: str
    op: str
    value: Any

    def holds(self, facts: Mapping[str, Any]) -> bool:
        got = facts[self.fact]
        if self.op in ("eq", "ne"):
            return bool(got == self.value) == (self.op == "eq")
        if self.op == "in":
            return got in self.value
        if got is None or isinstance(got, bool) or not isinstance(got, int | float):
            return False
        v = float(self.value)
        return {"gt": got > v, "gte": got >= v, "lt": got < v, "lte": got <= v}[self.op]


@dataclass(frozen=True)
class Risk:
    """A denial risk with its source, or marked UNCONFIRMED where no source was found."""

    level: str
    reason: str
    source: str | None

    @property
    def text(self) -> str:
        return f"{self.reason} ({self.source or 'UNCONFIRMED: no source found'})"


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
    risk: Risk | None = None

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def matches(self, facts: Mapping[str, Any]) -> bool:
        return all(c.holds(facts) for c in self.when)


@dataclass(frozen=True)
class AlternativeSpec:
    """A way of coding the same surgery differently, priced beside the recommendation."""

    id: str
    kind: str
    label: str
    when: tuple[Condition, ...]
    set: Mapping[str, Any]
    needs_rule: str | None = None  # shown only when this rule made a line of the current claim


@dataclass(frozen=True)
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
        return next(r for r in self.rules if r.id == rule_id)

    def switches(self) -> dict[str, Rule]:
        """Assumption switches (UNCONFIRMED rules a user can turn off), by switch name."""
        return {r.switch: r for r in self.rules if r.switch}

    def pair(self, column1: str, column2: str, on: dt.date) -> NcciPair | None:
        return next((p for p in self.ncci_pairs if p.column1 == column1 and p.column2 == column2
                     and p.effective_from <= on
                     and (p.effective_to is None or on <= p.effective_to)), None)


def _date(value: Any, where: str, path: str) -> dt.date | None:
    if value is None or value != value or str(value) in ("", "NaT"):  # NaN/NaT: no end date
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataError(path, f"not a date YYYY-MM-DD: {value!r}", field=where) from exc


def parse_conditions(when: Any, where: str, path: str) -> tuple[Condition, ...]:
    """``FACT: VALUE`` (equal), ``FACT: [A, B]`` (one of) or ``FACT: {op: VALUE}``."""
    if when is None:
        return ()
    if not isinstance(when, Mapping):
        raise DataError(path, "conditions must be a mapping FACT: TEST", field=where)
    out = []
    for fact, test in when.items():
        f = f"{where}.{fact}"
        if fact not in fact_names():
            raise DataError(path, f"unknown fact {fact!r} (known: {', '.join(fact_names())})",
                            field=f)
        op, value = ("in", test) if isinstance(test, list) else ("eq", test)
        if isinstance(test, Mapping):
            if len(test) != 1 or next(iter(test)) not in _OPS:
                raise DataError(path, f"a test is one of {', '.join(_OPS)}", field=f)
            op, value = next(iter(test.items()))
            if op in ("gt", "gte", "lt", "lte") and (isinstance(value, bool)
                                                      or not isinstance(value, int | float)):
                raise DataError(path, f"{op} needs a number", field=f)
            if op == "in" and not isinstance(value, list):
                raise DataError(path, "in needs a list", field=f)
        out.append(Condition(fact, op, tuple(value) if isinstance(value, list) else value))
    return tuple(out)


def _check_add(spec: Any, f: str, path: str, cat: Catalog) -> None:
    if not isinstance(spec, Mapping):
        raise DataError(path, "add is a mapping", field=f)
    if "family" in spec:
        size = spec.get("size")
        fact_ = procedure_facts().get(str(size))
        if fact_ is None or fact_.kind != "number":
            raise DataError(path, f"size {size!r} is not a number fact", field=f)
        cat.size_bands(str(spec["family"]))  # the catalog's bands must be usable
        if spec.get("both_sides", "per_side") not in ("per_side", "summed"):
            raise DataError(path, "both_sides is per_side or summed", field=f)
    elif "code" in spec:
        cat.info(str(spec["code"]))
    elif spec.get("code_from") != "mastectomy_code":
        raise DataError(path, "add needs family+size, code or code_from: mastectomy_code", field=f)


def _check_then(then: Any, where: str, path: str, settings: Mapping[str, Any],
                sources: Mapping[str, str], cat: Catalog) -> Risk | None:
    if not isinstance(then, Mapping) or not then:
        raise DataError(path, "then must be a non-empty mapping of actions", field=where)
    families = set(cat.codes["family"])
    risk = None
    for action, spec in then.items():
        f = f"{where}.{action}"
        if action not in ACTIONS:
            raise DataError(path, f"unknown action {action!r} (known: {', '.join(ACTIONS)})", field=f)
        if action == "add":
            _check_add(spec, f, path, cat)
        elif action == "include" and not (spec.get("reason") and (
                spec.get("lines") == "closure" or spec.get("family") in families) and set(
                    spec.get("except", {})) <= {"families", "codes"}):
            raise DataError(path, "include needs a reason and lines: closure or a family (and "
                            "except: {families, codes})", field=f)
        elif action == "risk":
            risk = _risk(spec, f, path, settings, sources)
        elif action == "document" and not (isinstance(spec, list) and all(
                isinstance(x, str) and x for x in spec)):
            raise DataError(path, "document is a list of checklist items", field=f)
        elif action == "refuse" and (spec.get("field") not in procedure_facts()
                                     or not spec.get("message")):
            raise DataError(path, "refuse needs a procedure field and a message", field=f)
        elif action == "layout" and (spec.get("layout") not in LAYOUTS or not (
                spec.get("indicators") or spec.get("status"))):
            raise DataError(path, f"layout needs indicators or status and a layout "
                            f"({', '.join(LAYOUTS)})", field=f)
        elif action == "modifier" and str(spec.get("add")) not in MODIFIER_ORDER:
            raise DataError(path, f"unknown modifier {spec.get('add')!r}", field=f)
    return risk


def _risk(spec: Any, f: str, path: str, settings: Mapping[str, Any],
          sources: Mapping[str, str]) -> Risk:
    """A risk names its source, or says unconfirmed: true (shown as UNCONFIRMED)."""
    if spec.get("level") not in settings["risk_levels"] or not spec.get("reason"):
        raise DataError(path, f"risk needs a level ({', '.join(settings['risk_levels'])}) and a "
                        "reason", field=f)
    src = spec.get("source")
    if src is None and spec.get("unconfirmed") is not True:
        raise DataError(path, "a risk needs a source, or unconfirmed: true", field=f)
    if src is not None and src not in sources:
        raise DataError(path, f"unknown source {src!r}", field=f)
    return Risk(str(spec["level"]), str(spec["reason"]), None if src is None else str(sources[src]))


def _check_target(target: Any, where: str, path: str) -> None:
    if target is None or target in ("added", "closure", "mastectomy", "all"):
        return
    if isinstance(target, Mapping) and set(target) <= {"family", "codes"} and target:
        return
    raise DataError(path, "target is added, closure, mastectomy, all, {family} or {codes}",
                    field=where)


def _rule(raw: Any, i: int, seen: set[str], path: str, doc: Mapping[str, Any],
          cat: Catalog) -> Rule:
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
    sources = doc["sources"]
    risk = _check_then(raw["then"], f"{where}.then", path, doc["settings"], sources, cat)
    _check_target(raw.get("target"), f"{where}.target", path)
    keys = raw["source"] if isinstance(raw["source"], list) else [raw["source"]]
    for k in keys:
        if k not in sources:
            raise DataError(path, f"unknown source {k!r}", field=f"{where}.source")
    start = _date(raw["effective"].get("from"), f"{where}.effective.from", path)
    if start is None:
        raise DataError(path, "required", field=f"{where}.effective.from")
    assumption = bool(raw.get("assumption", False))
    if assumption and not (raw.get("switch") or raw.get("choice")):
        raise DataError(path, "an assumption needs a switch or a choice", field=where)
    return Rule(id=rid, title=str(raw["title"]),
                when=parse_conditions(raw.get("when"), f"{where}.when", path),
                then=raw["then"], rationale=str(raw["rationale"]), effective_from=start,
                effective_to=_date(raw["effective"].get("to"), f"{where}.effective.to", path),
                sources=tuple(str(sources[k]) for k in keys), assumption=assumption,
                switch=raw.get("switch"), choice=raw.get("choice"), target=raw.get("target"),
                risk=risk)


def _alternative(raw: Any, i: int, path: str) -> AlternativeSpec:
    where = f"alternatives[{i}]"
    for key in ("id", "kind", "label", "set"):
        if not raw.get(key):
            raise DataError(path, "required", field=f"{where}.{key}")
    for name in raw["set"]:
        if name not in procedure_facts():
            raise DataError(path, f"unknown procedure field {name!r}", field=f"{where}.set")
    return AlternativeSpec(str(raw["id"]), str(raw["kind"]), str(raw["label"]),
                           parse_conditions(raw.get("when"), f"{where}.when", path),
                           dict(raw["set"]), raw.get("needs_rule"))


def parse_rules(doc: Any, path: str, pairs: Iterable[Mapping[str, Any]] = (),
                catalog: Catalog | None = None) -> Ruleset:
    """Check the structure of a rules document and build the ruleset; DataError names the place."""
    cat = catalog or load_catalog()
    if not isinstance(doc, Mapping):
        raise DataError(path, "the rules file must be a mapping with settings, sources and rules")
    for key in ("settings", "sources", "rules", "alternatives"):
        if key not in doc:
            raise DataError(path, f"missing section {key!r}", field=key)
    settings = doc["settings"]
    for key in ("unlisted_comparator", "default_prior_code", "default_mastectomy_code",
                "risk_levels", "limits", "distinct_modifiers"):
        if key not in settings:
            raise DataError(path, "missing setting", field=f"settings.{key}")
    for name in settings["limits"]:
        if name not in procedure_facts():
            raise DataError(path, f"limit on an unknown field {name!r}", field="settings.limits")
    seen: set[str] = set()
    rules = tuple(_rule(raw, i, seen, path, doc, cat) for i, raw in enumerate(doc["rules"]))
    alts = tuple(_alternative(raw, i, path) for i, raw in enumerate(doc["alternatives"]))
    ncci = tuple(NcciPair(str(p["column1"]), str(p["column2"]), str(p["modifier_indicator"]),
                          _date(p["effective_from"], "effective_from", path) or dt.date.min,
                          _date(p.get("effective_to"), "effective_to", path), str(p["status"]))
                 for p in pairs)
    return Ruleset(path, str(doc.get("vintage", "")), rules, alts, dict(settings),
                   dict(doc["sources"]), ncci)


def load_rules(root: Path | None = None, catalog: Catalog | None = None) -> Ruleset:
    """The protocol of a data package (``data/protocol/rules.yaml`` and ``ncci_pairs.csv``)."""
    res = datapkg.resource(RULES_RESOURCE, root)
    doc = datapkg.load_yaml(RULES_RESOURCE, root)
    pairs = datapkg.load(PAIRS_RESOURCE, root).to_dict(orient="records")
    return parse_rules(doc, str(res.path.relative_to(res.path.parents[2])), pairs, catalog)


@cache
def default_rules() -> Ruleset:
    """The installed protocol (loaded once per process)."""
    return load_rules()
