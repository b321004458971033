"""``from_dict``: plain data (a parsed scenario file) validated into a ``Scenario``, one part at a
time; the first problem raises ``ScenarioError`` naming the file and the field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .. import limits
from ..catalog import Catalog, load_catalog, normalise_locality
from ..claims import ClaimLine
from ..errors import FlatclosureError, InputError, clip, shown
from .checks import boolean, code_key, mapping, number, text_field
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
from .procedure import check_procedure


def from_dict(data: Any, name: str, where: str = "<scenario>", catalog: Catalog | None = None) -> Scenario:
    """Validate plain data into a Scenario; the first problem raises ScenarioError naming the field.

    The parts are checked in file order: the texts, the valuation, the new code's name (claim
    lines may use it), the claim lines or the procedure, the prices, the new code, the notes,
    the paths.
    """
    cat = catalog or load_catalog()
    d = mapping(where, "scenario", data, SCENARIO_FIELDS)
    if not d:
        raise ScenarioError(where, "title", "the file is empty")
    for req in ("title", "description", "reference", "valuation"):
        if req not in d:
            raise ScenarioError(where, req, "missing")
    title = text_field(where, "title", d["title"])
    description = text_field(where, "description", d["description"])
    reference = text_field(where, "reference", d["reference"])
    valuation = _valuation(where, d["valuation"], cat)
    if d.get("new_code") is not None and not isinstance(d["new_code"], Mapping):
        raise ScenarioError(where, "new_code", "must be a mapping of names to values, not "
                            f"{type(d['new_code']).__name__}")
    new_name = (d.get("new_code") or {}).get("code", "AFC01") if d.get("new_code") else None
    lines = _lines(where, d.get("lines") or [], new_name, cat)
    procedure = mapping(where, "procedure", d.get("procedure"))
    for key, value in procedure.items():
        if not isinstance(value, str | int | float | bool) or value is None:
            raise ScenarioError(where, f"procedure.{key}", "must be a text, number or true/false")
    if procedure:
        check_procedure(where, procedure)
    if not lines and not procedure:
        raise ScenarioError(where, "lines", "give claim lines or a procedure to code")
    if lines and procedure:
        raise ScenarioError(where, "procedure", "give claim lines or a procedure, not both")
    user_prices, comparators = _prices(where, d, lines, cat)
    new_code = None if d.get("new_code") is None else _new_code(where, d["new_code"], cat)
    illustrative = d.get("illustrative") or []
    if not isinstance(illustrative, list) or not all(isinstance(x, str) for x in illustrative):
        raise ScenarioError(where, "illustrative", "must be a list of notes")
    illustrative = [text_field(where, f"illustrative[{i}]", x) for i, x in enumerate(illustrative)]
    paths = None if d.get("paths") is None else _paths(where, d["paths"], cat)
    return Scenario(
        name=name, title=title, description=description, reference=reference, lines=tuple(lines),
        procedure=tuple(procedure.items()), user_prices=tuple(user_prices.items()),
        comparators=tuple(comparators.items()), valuation=valuation, new_code=new_code,
        illustrative=tuple(illustrative), paths=paths,
    )


def _valuation(where: str, raw: Any, cat: Catalog) -> Valuation:
    """The ``valuation`` field: a year or a date held, the setting, the locality, the payer."""
    v = mapping(where, "valuation", raw, VALUATION_FIELDS)
    year, date = v.get("year"), v.get("date")
    if year is not None and date is not None:
        raise ScenarioError(where, "valuation.date", "give a year or a date, not both")
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, int):
            raise ScenarioError(where, "valuation.year", f"must be a whole year, not {shown(year)}")
        if year not in cat.years():
            raise ScenarioError(where, "valuation.year", f"{year} is not a year we hold "
                                f"({cat.years()[0]}-{cat.years()[-1]})")
    date = None if date is None else _date(where, date, cat)
    setting = v.get("setting", "facility")
    if setting not in ("facility", "office"):
        raise ScenarioError(where, "valuation.setting", f"{shown(setting)} is not facility or office")
    locality = _locality(where, v.get("locality"), cat)
    return Valuation(
        year=year, date=date, setting=setting, locality=locality,
        payer_multiplier=number(where, "valuation.payer_multiplier", v.get("payer_multiplier", 1.0),
                                0, 10, strict_low=True),
        qualifying_apm=bool(boolean(where, "valuation.qualifying_apm", v.get("qualifying_apm", False))),
        modifier_22_percent=number(where, "valuation.modifier_22_percent",
                                   v.get("modifier_22_percent", 0.0), 0, 100),
    )


def _date(where: str, date: Any, cat: Catalog) -> str:
    """``valuation.date``: YYYY-MM-DD, in a release we hold."""
    if isinstance(date, dt.date):
        date = date.isoformat()
    if not isinstance(date, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ScenarioError(where, "valuation.date", f"{shown(date)} is not a date YYYY-MM-DD")
    try:
        cat.release_on(str(date))
    except FlatclosureError as exc:
        raise ScenarioError(where, "valuation.date", str(exc)) from exc
    return str(date)


def _locality(where: str, locality: Any, cat: Catalog) -> str | None:
    """``valuation.locality``: 'national' (None) or a MAC:LOCALITY held in some year."""
    if locality is None:
        return None
    if not isinstance(locality, str):
        raise ScenarioError(where, "valuation.locality", "must be text MAC:LOCALITY or 'national'")
    if locality.strip().lower() == "national":
        return None
    try:
        locality = normalise_locality(locality)
        known = set(cat.gpci_table["locality_id"])
    except FlatclosureError as exc:
        raise ScenarioError(where, "valuation.locality", str(exc)) from exc
    if locality not in known:
        raise ScenarioError(where, "valuation.locality", f"{locality} is not a Medicare locality "
                            "in any year held (list them with flatclosure localities)")
    return locality


def _lines(where: str, lines_raw: Any, new_name: str | None, cat: Catalog) -> list[str]:
    """The ``lines`` field: claim lines of codes we hold (or of the scenario's new code)."""
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
    for i, line_text in enumerate(lines_raw):
        try:
            ln = ClaimLine.parse(line_text)
        except FlatclosureError as exc:
            raise ScenarioError(where, f"lines[{i}]", str(exc)) from exc
        if ln.code != new_name and ln.code not in cat.codes.index:
            raise ScenarioError(where, f"lines[{i}]", f"unknown code {shown(ln.code)}")
        lines.append(str(ln))
    return lines


def _new_code(where: str, raw: Any, cat: Catalog) -> NewCodeSpec:
    """The ``new_code`` field: a code that does not exist, its RVUs, volume and indicators."""
    n = mapping(where, "new_code", raw, NEW_CODE_FIELDS)
    code = str(n.get("code", "AFC01"))
    if not re.fullmatch(r"[0-9A-Z]{5}", code) or code in cat.codes.index:
        raise ScenarioError(where, "new_code.code", f"{code!r} must be five letters/digits and "
                            "not an existing code")
    displaces = {}
    for c, share in mapping(where, "new_code.displaces", n.get("displaces")).items():
        if c not in cat.codes.index:
            raise ScenarioError(where, f"new_code.displaces.{c}", f"unknown code {c!r}")
        displaces[c] = number(where, f"new_code.displaces.{c}", share, 0, 1)
    total_allowed = n.get("total_allowed")
    like = _indicators_like(where, n.get("indicators_like"), cat)
    bilat, mult = _indicators(where, n)
    units = _units(where, n.get("units", 1))
    new_code = NewCodeSpec(
        code=code, indicators_like=like,
        work_rvu=number(where, "new_code.work_rvu", n.get("work_rvu", 0.0), 0, 200),
        pe_rvu=number(where, "new_code.pe_rvu", n.get("pe_rvu", 0.0), 0, 200),
        mp_rvu=number(where, "new_code.mp_rvu", n.get("mp_rvu", 0.0), 0, 200),
        volume=number(where, "new_code.volume", n.get("volume", 0.0), 0, 1e9),
        displaces=tuple(displaces.items()),
        total_allowed=None if total_allowed is None else number(
            where, "new_code.total_allowed", total_allowed, 0, 1e13, strict_low=True),
        bilat_surg=bilat, mult_proc=mult, units=units,
    )
    if new_code.total_rvu <= 0:
        raise ScenarioError(where, "new_code.work_rvu", "the new code needs RVUs above zero")
    return new_code


def _indicators_like(where: str, like: Any, cat: Catalog) -> str:
    if like is None:
        raise ScenarioError(where, "new_code.indicators_like", "missing: name the existing code "
                            "whose payment indicators (global period, shares, assistant) it follows")
    like = str(like).zfill(5) if isinstance(like, int) else str(like)
    if like not in cat.codes.index:
        raise ScenarioError(where, "new_code.indicators_like", f"unknown code {like!r}")
    return like


def _indicators(where: str, n: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The new code's own bilateral and multiple-procedure indicators (None: as indicators_like)."""
    bilat = None if n.get("bilat_surg") is None else str(n["bilat_surg"])
    mult = None if n.get("mult_proc") is None else str(n["mult_proc"])
    if bilat not in (None, "0", "1", "2", "3", "9"):
        raise ScenarioError(where, "new_code.bilat_surg", f"{bilat!r} is not 0, 1, 2, 3 or 9")
    if mult not in (None, "0", "2"):
        raise ScenarioError(where, "new_code.mult_proc", f"{mult!r} is not 0 or 2")
    return bilat, mult


def _units(where: str, units: Any) -> int:
    if isinstance(units, bool) or not isinstance(units, int) or units < 1:
        raise ScenarioError(where, "new_code.units",
                            f"must be a whole number of at least 1, not {shown(units)}")
    try:  # the pool and the claim count one unit of a new code: other units are refused
        limits.check("new_code_units", "new_code.units", units)
    except InputError as exc:
        raise ScenarioError(where, "new_code.units", exc.problem) from exc
    return int(units)


def _paths(where: str, raw: Any, cat: Catalog) -> PathsSpec:
    """The ``paths`` field: today's flat-closure claim lines and the codes to revalue."""
    d = mapping(where, "paths", raw, PATHS_FIELDS)
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
    for code, spec in mapping(where, "paths.revalue", d.get("revalue")).items():
        f = f"paths.revalue.{code}"
        if code not in cat.codes.index:
            raise ScenarioError(where, f, f"unknown code {code!r}")
        r = mapping(where, f, spec, REVALUE_FIELDS)
        vol, share = r.get("volume"), r.get("flat_closure_share")
        rev.append((code, number(where, f"{f}.work_rvu", r.get("work_rvu"), 0, 200),
                    None if vol is None else number(where, f"{f}.volume", vol, 0, 1e9),
                    None if share is None else number(where, f"{f}.flat_closure_share", share, 0, 1)))
    return PathsSpec(tuple(lines), tuple(rev))




def _prices(where: str, d: Mapping[str, Any], lines: Sequence[str],
            cat: Catalog) -> tuple[dict[str, float], dict[str, str]]:
    """User prices and comparators: each for a code on the claim, never both for one code
    (a user price would silently override the comparator), amounts finite and bounded."""
    prices_raw = mapping(where, "user_prices", d.get("user_prices"))
    comps_raw = mapping(where, "comparators", d.get("comparators"))
    on_claim = {ClaimLine.parse(x).code for x in lines}
    if (prices_raw or comps_raw) and not lines:
        raise ScenarioError(where, "user_prices" if prices_raw else "comparators",
                            "prices a code by hand only on explicit claim lines: give 'lines'")
    amount = limits.limit("amount_usd")
    user_prices: dict[str, float] = {}
    for key, value in prices_raw.items():
        code, label = code_key(key), f"user_prices.{clip(key, 20)}"
        if code not in cat.codes.index:
            raise ScenarioError(where, label, f"unknown code {shown(code)}")
        if code not in on_claim:
            raise ScenarioError(where, label, f"{code} is not on the claim lines: the price would "
                                "be ignored")
        user_prices[code] = number(where, label, value, amount.minimum, amount.maximum)
    comparators: dict[str, str] = {}
    for key, value in comps_raw.items():
        code, comp, label = code_key(key), code_key(value), f"comparators.{clip(key, 20)}"
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
