"""Scenarios: named, documented ways of coding and valuing a flat closure, compared side by side.

A scenario is data (a YAML or JSON file): a title, a plain-language description, a reference, the
procedure (attributes for the coding protocol) or explicit claim lines, and the valuation context;
optionally a hypothetical new code with its pool settings. Files are validated on load with
messages that name the field; ``load(save(s)) == s`` for every valid scenario. Only
``yaml.safe_load``/``json`` are used: no eval, no pickle.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import limits
from .catalog import Catalog, CodeValues, as_date, load_catalog, normalise_locality
from .claims import ClaimLine, ClaimResult, PricingContext, price_claim
from .errors import FlatclosureError, InputError, clip, shown
from .fileio import read_text, write_atomically

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


# -- validation -----------------------------------------------------------------------------
def _where(source: str | Path) -> str:
    return str(source)


def _number(where: str, name: str, value: Any, low: float = 0.0, high: float = math.inf,
            strict_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(where, name, f"must be a finite number, not {shown(value)}")
    if value < low or (strict_low and value == low) or value > high:
        bound = f"more than {low:g}" if strict_low else f"at least {low:g}"
        raise ScenarioError(where, name, f"{shown(value)} must be {bound}"
                            + (f" and at most {high:g}" if high != math.inf else ""))
    return float(value)


def _text(where: str, name: str, value: Any, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ScenarioError(where, name, "must be a non-empty text" if required else "must be text")
    most = limits.maximum("scenario_text_chars")
    if len(value) > most:
        raise ScenarioError(where, name, f"{len(value)} characters: the limit is "
                            f"{limits.limit('scenario_text_chars').describe()}")
    return value.strip()


def _mapping(where: str, name: str, value: Any, allowed: Sequence[str] | None = None) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ScenarioError(where, name, f"must be a mapping of names to values, not {type(value).__name__}")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise ScenarioError(where, f"{name}.{clip(key, 30)}",
                                    f"unknown field (known: {', '.join(allowed)})")
    return {str(k): v for k, v in value.items()}


def from_dict(data: Any, name: str, where: str = "<scenario>", catalog: Catalog | None = None) -> Scenario:
    """Validate plain data into a Scenario; the first problem raises ScenarioError naming the field."""
    cat = catalog or load_catalog()
    d = _mapping(where, "scenario", data, SCENARIO_FIELDS)
    if not d:
        raise ScenarioError(where, "title", "the file is empty")
    for req in ("title", "description", "reference", "valuation"):
        if req not in d:
            raise ScenarioError(where, req, "missing")
    title = _text(where, "title", d["title"])
    description = _text(where, "description", d["description"])
    reference = _text(where, "reference", d["reference"])

    v = _mapping(where, "valuation", d["valuation"], VALUATION_FIELDS)
    year = v.get("year")
    date = v.get("date")
    if year is not None and date is not None:
        raise ScenarioError(where, "valuation.date", "give a year or a date, not both")
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ScenarioError(where, "valuation.year", f"must be a whole year, not {shown(year)}")
        if year not in cat.years():
            raise ScenarioError(where, "valuation.year", f"{year} is not a year we hold "
                                f"({cat.years()[0]}-{cat.years()[-1]})")
    if date is not None:
        if isinstance(date, dt.date):
            date = date.isoformat()
        if not isinstance(date, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise ScenarioError(where, "valuation.date", f"{shown(date)} is not a date YYYY-MM-DD")
        try:
            cat.release_on(str(date))
        except FlatclosureError as exc:
            raise ScenarioError(where, "valuation.date", str(exc)) from exc
        date = str(date)
    setting = v.get("setting", "facility")
    if setting not in ("facility", "office"):
        raise ScenarioError(where, "valuation.setting", f"{shown(setting)} is not facility or office")
    locality = v.get("locality")
    if locality is not None:
        if not isinstance(locality, str):
            raise ScenarioError(where, "valuation.locality", "must be text MAC:LOCALITY or 'national'")
        if locality.strip().lower() == "national":
            locality = None
        else:
            try:
                locality = normalise_locality(locality)
                known = set(cat.gpci_table["locality_id"])
            except FlatclosureError as exc:
                raise ScenarioError(where, "valuation.locality", str(exc)) from exc
            if locality not in known:
                raise ScenarioError(where, "valuation.locality", f"{locality} is not a Medicare locality "
                                    "in any year held (list them with flatclosure localities)")
    valuation = Valuation(
        year=year, date=date, setting=setting, locality=locality,
        payer_multiplier=_number(where, "valuation.payer_multiplier", v.get("payer_multiplier", 1.0),
                                 0, 10, strict_low=True),
        qualifying_apm=bool(_bool(where, "valuation.qualifying_apm", v.get("qualifying_apm", False))),
        modifier_22_percent=_number(where, "valuation.modifier_22_percent",
                                    v.get("modifier_22_percent", 0.0), 0, 100),
    )

    if d.get("new_code") is not None and not isinstance(d["new_code"], Mapping):
        raise ScenarioError(where, "new_code", "must be a mapping of names to values, not "
                            f"{type(d['new_code']).__name__}")
    lines_raw = d.get("lines") or []
    if isinstance(lines_raw, list):
        # YAML reads an unquoted 19499 as a number: take it back as the 5-digit code it was
        lines_raw = [str(x).zfill(5) if isinstance(x, int) and not isinstance(x, bool) else x
                     for x in lines_raw]
    if not isinstance(lines_raw, list) or not all(isinstance(x, str) for x in lines_raw):
        raise ScenarioError(where, "lines", "must be a list of claim lines like '14301-LT-59'")
    if lines_raw:
        try:
            limits.check_count("claim_lines", "lines", len(lines_raw))
        except InputError as exc:
            raise ScenarioError(where, "lines", exc.problem) from exc
    lines = []
    for i, text in enumerate(lines_raw):
        try:
            ln = ClaimLine.parse(text)
        except FlatclosureError as exc:
            raise ScenarioError(where, f"lines[{i}]", str(exc)) from exc
        new_name = (d.get("new_code") or {}).get("code", "AFC01") if d.get("new_code") else None
        if ln.code != new_name and ln.code not in cat.codes.index:
            raise ScenarioError(where, f"lines[{i}]", f"unknown code {shown(ln.code)}")
        lines.append(str(ln))
    procedure = _mapping(where, "procedure", d.get("procedure"))
    for key, value in procedure.items():
        if not isinstance(value, str | int | float | bool) or value is None:
            raise ScenarioError(where, f"procedure.{key}", "must be a text, number or true/false")
    if procedure:
        _check_procedure(where, procedure)
    if not lines and not procedure:
        raise ScenarioError(where, "lines", "give claim lines or a procedure to code")
    if lines and procedure:
        raise ScenarioError(where, "procedure", "give claim lines or a procedure, not both")
    user_prices, comparators = _prices(where, d, lines, cat)

    new_code = None
    if d.get("new_code") is not None:
        n = _mapping(where, "new_code", d["new_code"], NEW_CODE_FIELDS)
        code = str(n.get("code", "AFC01"))
        if not re.fullmatch(r"[0-9A-Z]{5}", code) or code in cat.codes.index:
            raise ScenarioError(where, "new_code.code", f"{code!r} must be five letters/digits and "
                                "not an existing code")
        displaces = {}
        for c, share in _mapping(where, "new_code.displaces", n.get("displaces")).items():
            if c not in cat.codes.index:
                raise ScenarioError(where, f"new_code.displaces.{c}", f"unknown code {c!r}")
            displaces[c] = _number(where, f"new_code.displaces.{c}", share, 0, 1)
        total_allowed = n.get("total_allowed")
        like = n.get("indicators_like")
        if like is None:
            raise ScenarioError(where, "new_code.indicators_like", "missing: name the existing code "
                                "whose payment indicators (global period, shares, assistant) it follows")
        like = str(like).zfill(5) if isinstance(like, int) else str(like)
        if like not in cat.codes.index:
            raise ScenarioError(where, "new_code.indicators_like", f"unknown code {like!r}")
        bilat = None if n.get("bilat_surg") is None else str(n["bilat_surg"])
        mult = None if n.get("mult_proc") is None else str(n["mult_proc"])
        if bilat not in (None, "0", "1", "2", "3", "9"):
            raise ScenarioError(where, "new_code.bilat_surg", f"{bilat!r} is not 0, 1, 2, 3 or 9")
        if mult not in (None, "0", "2"):
            raise ScenarioError(where, "new_code.mult_proc", f"{mult!r} is not 0 or 2")
        units = n.get("units", 1)
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ScenarioError(where, "new_code.units",
                                f"must be a whole number of at least 1, not {shown(units)}")
        try:  # the pool and the claim count one unit of a new code: other units are refused
            limits.check("new_code_units", "new_code.units", units)
        except InputError as exc:
            raise ScenarioError(where, "new_code.units", exc.problem) from exc
        new_code = NewCodeSpec(
            code=code, indicators_like=like,
            work_rvu=_number(where, "new_code.work_rvu", n.get("work_rvu", 0.0), 0, 200),
            pe_rvu=_number(where, "new_code.pe_rvu", n.get("pe_rvu", 0.0), 0, 200),
            mp_rvu=_number(where, "new_code.mp_rvu", n.get("mp_rvu", 0.0), 0, 200),
            volume=_number(where, "new_code.volume", n.get("volume", 0.0), 0, 1e9),
            displaces=tuple(displaces.items()),
            total_allowed=None if total_allowed is None else _number(
                where, "new_code.total_allowed", total_allowed, 0, 1e13, strict_low=True),
            bilat_surg=bilat, mult_proc=mult, units=int(units),
        )
        if new_code.total_rvu <= 0:
            raise ScenarioError(where, "new_code.work_rvu", "the new code needs RVUs above zero")
    illustrative = d.get("illustrative") or []
    if not isinstance(illustrative, list) or not all(isinstance(x, str) for x in illustrative):
        raise ScenarioError(where, "illustrative", "must be a list of notes")
    illustrative = [_text(where, f"illustrative[{i}]", x) for i, x in enumerate(illustrative)]
    paths = None if d.get("paths") is None else _paths(where, d["paths"], cat)
    return Scenario(
        name=name, title=title, description=description, reference=reference, lines=tuple(lines),
        procedure=tuple(procedure.items()), user_prices=tuple(user_prices.items()),
        comparators=tuple(comparators.items()), valuation=valuation, new_code=new_code,
        illustrative=tuple(illustrative), paths=paths,
    )


def _paths(where: str, raw: Any, cat: Catalog) -> PathsSpec:
    """The ``paths`` field: today's flat-closure claim lines and the codes to revalue."""
    d = _mapping(where, "paths", raw, PATHS_FIELDS)
    lines = d.get("flat_closure_lines") or []
    if not isinstance(lines, list) or not lines or not all(isinstance(x, str) for x in lines):
        raise ScenarioError(where, "paths.flat_closure_lines", "give today's claim lines of a "
                            "flat closure, like ['14301-RT', '14301-LT-59']")
    for i, text in enumerate(lines):
        try:
            code = ClaimLine.parse(text).code
        except FlatclosureError as exc:
            raise ScenarioError(where, f"paths.flat_closure_lines[{i}]", str(exc)) from exc
        if code not in cat.codes.index:
            raise ScenarioError(where, f"paths.flat_closure_lines[{i}]", f"unknown code {code!r}")
    rev = []
    for code, spec in _mapping(where, "paths.revalue", d.get("revalue")).items():
        f = f"paths.revalue.{code}"
        if code not in cat.codes.index:
            raise ScenarioError(where, f, f"unknown code {code!r}")
        r = _mapping(where, f, spec, REVALUE_FIELDS)
        vol, share = r.get("volume"), r.get("flat_closure_share")
        rev.append((code, _number(where, f"{f}.work_rvu", r.get("work_rvu"), 0, 200),
                    None if vol is None else _number(where, f"{f}.volume", vol, 0, 1e9),
                    None if share is None else _number(where, f"{f}.flat_closure_share", share, 0, 1)))
    return PathsSpec(tuple(lines), tuple(rev))


def _code_key(value: Any) -> str:
    """A code as YAML may read it: an unquoted 19499 is a number; take it back as 5 digits."""
    return str(value).zfill(5) if isinstance(value, int) and not isinstance(value, bool) else str(value)


def _prices(where: str, d: Mapping[str, Any], lines: Sequence[str],
            cat: Catalog) -> tuple[dict[str, float], dict[str, str]]:
    """User prices and comparators: each for a code on the claim, never both for one code
    (a user price would silently override the comparator), amounts finite and bounded."""
    prices_raw = _mapping(where, "user_prices", d.get("user_prices"))
    comps_raw = _mapping(where, "comparators", d.get("comparators"))
    on_claim = {ClaimLine.parse(x).code for x in lines}
    if (prices_raw or comps_raw) and not lines:
        raise ScenarioError(where, "user_prices" if prices_raw else "comparators",
                            "prices a code by hand only on explicit claim lines: give 'lines'")
    amount = limits.limit("amount_usd")
    user_prices: dict[str, float] = {}
    for key, value in prices_raw.items():
        code, label = _code_key(key), f"user_prices.{clip(key, 20)}"
        if code not in cat.codes.index:
            raise ScenarioError(where, label, f"unknown code {shown(code)}")
        if code not in on_claim:
            raise ScenarioError(where, label, f"{code} is not on the claim lines: the price would "
                                "be ignored")
        user_prices[code] = _number(where, label, value, amount.minimum, amount.maximum)
    comparators: dict[str, str] = {}
    for key, value in comps_raw.items():
        code, comp, label = _code_key(key), _code_key(value), f"comparators.{clip(key, 20)}"
        for c in (code, comp):
            if c not in cat.codes.index:
                raise ScenarioError(where, label, f"unknown code {shown(c)}")
        if code not in on_claim:
            raise ScenarioError(where, label, f"{code} is not on the claim lines: the comparator "
                                "would be ignored")
        if code in user_prices:
            raise ScenarioError(where, label, f"{code} has a user price too: give one or the other")
        comparators[code] = comp
    return user_prices, comparators


def claim_attributes(procedure: Mapping[str, Any]) -> Any:
    """The protocol's Procedure from a scenario's procedure fields; an unknown key (the valuation
    fields among them: they come from the scenario's valuation) is refused by name."""
    from .protocol import Procedure, procedure_facts

    known = procedure_facts()
    kw: dict[str, Any] = {}
    for key, value in procedure.items():
        if key not in known:
            raise InputError(f"procedure.{key}", f"not a procedure fact (known: "
                             f"{', '.join(sorted(known))})")
        kw[key] = (value if isinstance(value, list | tuple | set | frozenset) else [value]) \
            if known[key].kind == "switches" else value
    return Procedure(**kw)


def claim_for_scenario(procedure: Mapping[str, Any], ctx: PricingContext,
                       catalog: Catalog | None = None) -> ClaimResult:
    """The protocol's claim for a scenario's procedure, priced in the scenario's own context
    (which may carry a budget-neutrality factor): the same engine as notebook 02 and the CLI."""
    from .protocol import recommend

    result = recommend(claim_attributes(procedure), ctx, catalog=catalog or load_catalog(),
                       alternatives=False)
    return replace(result.claim, warnings=result.warnings)


def _check_procedure(where: str, procedure: Mapping[str, Any]) -> None:
    """Validate the procedure by the protocol's own field rules and checks (on the default date;
    each valuation year is checked again when the scenario is evaluated)."""
    from .protocol import default_rules
    from .protocol.engine import check

    try:
        cat = load_catalog()
        check(claim_attributes(procedure), PricingContext(cat.default_date()), cat,
              default_rules())
    except InputError as exc:
        name = exc.field if exc.field.startswith("procedure.") else f"procedure.{exc.field}"
        raise ScenarioError(where, name, exc.problem) from exc


def _bool(where: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(where, name, f"must be true or false, not {value!r}")
    return value


class _ScenarioLoader(yaml.SafeLoader):
    """yaml.SafeLoader with the scenario bounds: nesting, aliases and nodes counted as the
    document is composed (before anything is expanded), duplicate keys refused, dates kept as
    text (an impossible date is then refused by the validation, with its field)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = self.aliases = self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            _bounded("scenario_aliases", self.aliases)
        self.nodes += 1
        _bounded("scenario_nodes", self.nodes)
        self.depth += 1
        try:
            _bounded("scenario_nesting", self.depth)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                raise _Refused(f"duplicate key {shown(key, 30)} (line {key_node.start_mark.line + 1}):"
                               " each field once")
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep)


def _date_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_text)


class _Refused(Exception):
    """A bound or rule broken while parsing; becomes a ScenarioError on field 'file'."""


def _bounded(name: str, count: int) -> None:
    lim = limits.limit(name)
    if count > lim.maximum:
        raise _Refused(f"more than {lim.maximum:g} {lim.unit}: the limit is {lim.describe()}")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"duplicate key {shown(key, 30)}: each field once")
        out[key] = value
    return out


def _refuse_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number a scenario can hold")


def _depth_and_size(data: Any) -> None:
    """JSON is nested without aliases; count its levels and values as the YAML composer does."""
    stack, nodes = [(data, 1)], 0
    while stack:
        item, depth = stack.pop()
        nodes += 1
        _bounded("scenario_nodes", nodes)
        _bounded("scenario_nesting", depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def parse(text: str, where: str = "<scenario>", fmt: str = "yaml") -> Any:
    """Plain data of a scenario file, within the size, nesting, alias and node bounds."""
    size = len(text.encode("utf-8", "surrogatepass"))
    lim = limits.limit("scenario_file_bytes")
    if size > lim.maximum:
        raise ScenarioError(where, "file", f"{size} bytes: the limit is {lim.describe()}")
    try:
        if fmt == "json":
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
            _depth_and_size(data)
            return data
        return yaml.load(text, Loader=_ScenarioLoader)  # noqa: S506 (a SafeLoader subclass)
    except _Refused as exc:
        raise ScenarioError(where, "file", str(exc)) from None
    except RecursionError:
        raise ScenarioError(where, "file", f"nested too deeply: the limit is "
                            f"{limits.limit('scenario_nesting').describe()}") from None
    except (yaml.YAMLError, json.JSONDecodeError, ValueError, TypeError, OverflowError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ScenarioError(where, "file", f"not readable {fmt.upper()}: {shown(first, 200)}") from None


def loads(text: str, name: str, where: str = "<scenario>", fmt: str = "yaml") -> Scenario:
    """Parse and validate a scenario file's text; every problem is one ScenarioError."""
    data = parse(text, where, fmt)
    try:
        return from_dict(data, name, where)
    except ScenarioError:
        raise
    except FlatclosureError as exc:
        raise ScenarioError(where, getattr(exc, "field", "file"), str(exc)) from exc


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file (.yaml, .yml or .json), within its size bound."""
    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    if p.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise ScenarioError(shown(str(p)), "file", "a scenario file ends in .yaml, .yml or .json")
    text = read_text(p, limits.maximum("scenario_file_bytes"), "scenario file")
    return loads(text, p.stem, str(p), fmt)


def dumps(scenario: Scenario, fmt: str = "yaml") -> str:
    data = scenario.to_dict()
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario file (YAML unless the name ends in .json), whole or not at all."""
    p = Path(path)
    fmt = "json" if p.suffix.lower() == ".json" else "yaml"
    return write_atomically(p, dumps(scenario, fmt), "scenario file")


def presets_dir() -> Path:
    from .datapkg import data_dir

    return data_dir() / "scenarios"


def presets() -> list[Scenario]:
    """The scenarios shipped in data/scenarios, in file-name order."""
    return [load(p) for p in sorted(presets_dir().glob("*.yaml"))]


# -- evaluation -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    date: dt.date
    locality: str | None
    claim: ClaimResult | None
    total: float | None
    pool: Any = None  # pool.StatutoryResult when the scenario has a new code
    unavailable: str = ""  # why there is no figure (e.g. no GPCI file for that year)
    notes: tuple[str, ...] = ()


def _context(s: Scenario, on: dt.date, locality: str | None, bn_factor: float = 1.0) -> PricingContext:
    v = s.valuation
    return PricingContext(on, v.setting, locality, v.payer_multiplier, v.qualifying_apm,
                          v.modifier_22_percent, None, bn_factor)


def _claim_lines(s: Scenario) -> list[ClaimLine]:
    prices, comps = dict(s.user_prices), dict(s.comparators)
    out = []
    for text in s.lines:
        ln = ClaimLine.parse(text)
        if ln.code in prices or ln.code in comps:
            ln = replace(ln, user_price=prices.get(ln.code), comparator=comps.get(ln.code))
        out.append(ln)
    return out


def _hypothetical(nc: NewCodeSpec, on: dt.date, cat: Catalog) -> CodeValues:
    """The new code's values: its own RVUs, the payment indicators of ``indicators_like``."""
    like = cat.values(nc.indicators_like, on)
    return replace(
        like, code=nc.code, status="A", work_rvu=nc.work_rvu, nonfac_pe_rvu=nc.pe_rvu,
        fac_pe_rvu=nc.pe_rvu, mp_rvu=nc.mp_rvu, office_payable=True, facility_payable=True,
        bilat_surg=nc.bilat_surg or like.bilat_surg, mult_proc=nc.mult_proc or like.mult_proc,
    )


def evaluate(s: Scenario, year: int | None = None, locality: str | None | object = ...,
             catalog: Catalog | None = None) -> ScenarioResult:
    """Value a scenario, optionally at another year or locality than its own.

    A figure that cannot be had (a code that did not exist that year, no GPCI file for the year,
    a code not payable in the setting) gives ``total=None`` and says why in ``unavailable``.
    """
    cat = catalog or load_catalog()
    v = s.valuation
    if year is not None:
        on = cat.date_for_year(year)
    elif v.date:
        on = dt.date.fromisoformat(v.date)
    else:
        on = cat.date_for_year(v.year if v.year is not None else cat.default_year())
    loc = v.locality if locality is ... else locality
    notes: list[str] = [f"illustrative: {x}" for x in s.illustrative]
    try:
        pool_result = None
        factor = 1.0
        extra: dict[str, CodeValues] = {}
        if s.new_code is not None:
            nc = s.new_code
            pool_result = _pool_effect(nc, on, v.setting, v.qualifying_apm, cat)
            factor = pool_result.budget_neutrality_factor
            extra[nc.code] = _hypothetical(nc, on, cat)
            change = (f"its net spending is absorbed in the year's budget-neutrality adjustment "
                      f"at its marginal share: every code's payment changes by "
                      f"{factor - 1:+.4%}")
            notes.append(f"hypothetical code {nc.code}: {nc.total_rvu:.2f} RVUs, payment indicators "
                         f"as {nc.indicators_like}; {change}")
        ctx = _context(s, on, loc, factor)  # type: ignore[arg-type]
        if s.procedure:
            claim = _protocol_claim(s, ctx, cat)
        else:
            claim = price_claim(_claim_lines(s), ctx, cat, extra)
    except FlatclosureError as exc:
        return ScenarioResult(s, on, loc, None, None, None, str(exc), tuple(notes))  # type: ignore[arg-type]
    notes.extend(claim.warnings)
    return ScenarioResult(s, on, loc, claim, claim.total, pool_result, "", tuple(notes))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=256)
def _pool_effect(nc: NewCodeSpec, on: dt.date, setting: str, qualifying_apm: bool, cat: Catalog) -> Any:
    """The statutory pool result of a new code (national, so one per date, not per locality)."""
    from .pool import NewCode, statutory

    return statutory(
        NewCode(volume=nc.volume, on=on, work_rvu=nc.work_rvu, pe_rvu=nc.pe_rvu, mp_rvu=nc.mp_rvu,
                displaces=nc.displaces, setting=setting, label=nc.code),
        total_allowed=nc.total_allowed, qualifying_apm=qualifying_apm, catalog=cat)


POOL_PRESET = "10_new_afc_code.yaml"  # the new code and paths notebook 04 and the CLI start from


def evaluate_paths(s: Scenario, year: int | None = None, new_code: Any = None,
                   revaluation: Any = None, volumes: Any = None, total_allowed: float | None = None,
                   catalog: Catalog | None = None) -> Any:
    """Notebook 04's three paths for a scenario with ``new_code`` and ``paths`` (pool.paths).

    ``new_code`` (a pool.NewCode) and ``revaluation`` (a pool.Revaluation) replace the file's;
    the new code keeps the file's payment indicators and claim lines.
    """
    from .pool import NewCode, Revaluation
    from .pool.paths import compare_paths

    cat = catalog or load_catalog()
    nc, spec = s.new_code, s.paths
    if nc is None or spec is None:
        raise ScenarioError(s.name, "paths", "the scenario needs new_code and paths")
    on = cat.date_for_year(year if year is not None else s.valuation.year or cat.default_year())
    code = new_code or NewCode(volume=nc.volume, on=on, work_rvu=nc.work_rvu, pe_rvu=nc.pe_rvu,
                               mp_rvu=nc.mp_rvu, displaces=nc.displaces,
                               setting=s.valuation.setting, label=nc.code)
    values = replace(_hypothetical(nc, as_date(code.on), cat), work_rvu=code.work_rvu or 0.0,
                     fac_pe_rvu=code.rvu - (code.work_rvu or 0.0) - nc.mp_rvu,
                     nonfac_pe_rvu=code.rvu - (code.work_rvu or 0.0) - nc.mp_rvu)
    reval = revaluation or Revaluation(
        on=code.on, work_rvus=tuple((c, w) for c, w, _, _ in spec.revalue),
        volumes=tuple((c, v) for c, _, v, _ in spec.revalue if v is not None),
        flat_closure_share=tuple((c, x) for c, _, _, x in spec.revalue if x is not None))
    total = nc.total_allowed if total_allowed is None else total_allowed
    return compare_paths(spec.flat_closure_lines, code.on, code, values, s.lines, reval,
                         volumes, total, cat)


def _protocol_claim(s: Scenario, ctx: PricingContext, cat: Catalog) -> ClaimResult:
    return claim_for_scenario(dict(s.procedure), ctx, cat)


SCENARIO_GROUPS = ("Mastectomy", "Flat closure", "Fallback", "New code", "Breast-mound reconstruction")


def scenario_group(s: Scenario, catalog: Catalog | None = None) -> str:
    """What a scenario stands for, from the families of its codes (for colours and the gap chart)."""
    if s.new_code is not None:
        return "New code"
    if s.procedure:
        return "Flat closure"
    cat = catalog or load_catalog()
    families = {cat.info(ClaimLine.parse(x).code).family for x in s.lines}
    if "reconstruction" in families:
        return "Breast-mound reconstruction"
    if "fallback" in families:
        return "Fallback"
    if families <= {"mastectomy"}:
        return "Mastectomy"
    return "Flat closure"


def compare(scenarios: Sequence[Scenario], years: Sequence[int] | None = None,
            localities: Sequence[str | None] | None = None, baseline: str | None = None,
            catalog: Catalog | None = None) -> pd.DataFrame:
    """Every scenario at every year and locality, as one tidy table.

    Columns: scenario, title, year, date, locality, locality_name, setting, payer_multiplier,
    total, baseline, difference, difference_pct, conversion_factor, release_id, unavailable,
    notes. ``baseline`` names a scenario; differences are against it at the same year and
    locality. ``localities`` None means each scenario's own.
    """
    cat = catalog or load_catalog()
    names = [s.name for s in scenarios]
    if len(set(names)) != len(names):
        raise InputError("scenarios", "two scenarios share a name")
    if baseline is not None and baseline not in names:
        raise InputError("baseline", f"{baseline!r} is not one of {', '.join(names)}")
    rows = []
    for s in scenarios:
        group = scenario_group(s, cat)
        for year in (list(years) if years else [None]):
            for loc in (localities if localities is not None else [...]):
                r = evaluate(s, year, loc, cat)
                rows.append({
                    "scenario": s.name, "title": s.title, "group": group, "year": r.date.year,
                    "date": r.date,
                    "locality": r.locality or "national",
                    "locality_name": _locality_name(cat, r.locality, r.date.year),
                    "setting": s.valuation.setting, "payer_multiplier": s.valuation.payer_multiplier,
                    "total": r.total, "conversion_factor": r.claim.conversion_factor if r.claim else None,
                    "release_id": cat.release_on(r.date).release_id, "unavailable": r.unavailable,
                    "illustrative": bool(s.illustrative), "notes": "; ".join(r.notes),
                })
    table = pd.DataFrame(rows)
    table["total"] = table["total"].astype(float)
    if baseline is not None:
        base = table[table["scenario"] == baseline].set_index(["year", "locality"])["total"]
        key = pd.MultiIndex.from_frame(table[["year", "locality"]])
        table["baseline"] = base.reindex(key).to_numpy()
        table["difference"] = (table["total"] - table["baseline"]).round(2)
        table["difference_pct"] = (table["difference"] / table["baseline"] * 100).round(2)
    return table


def _locality_name(cat: Catalog, locality: str | None, year: int) -> str:
    try:
        return cat.locality_name(locality, year)
    except FlatclosureError:
        return f"{locality} (no GPCI file for {year})"
