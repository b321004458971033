"""Valuing scenarios: ``evaluate`` one at a year and locality, ``compare`` many as one table."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import cast

import pandas as pd

from ..catalog import Catalog, CodeValues, load_catalog
from ..claims import ClaimLine, ClaimResult, PricingContext, price_claim
from ..errors import FlatclosureError, InputError
from ..pool import NewCode, StatutoryResult, statutory
from .model import NewCodeSpec, Scenario
from .procedure import claim_for_scenario


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    date: dt.date
    locality: str | None
    claim: ClaimResult | None
    total: float | None
    pool: StatutoryResult | None = None  # when the scenario has a new code
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


def hypothetical_values(nc: NewCodeSpec, on: dt.date, cat: Catalog) -> CodeValues:
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
    loc = v.locality if locality is ... else cast(str | None, locality)
    notes: list[str] = [f"illustrative: {x}" for x in s.illustrative]
    try:
        pool_result: StatutoryResult | None = None
        factor = 1.0
        extra: dict[str, CodeValues] = {}
        if s.new_code is not None:
            nc = s.new_code
            pool_result = _pool_effect(nc, on, v.setting, v.qualifying_apm, cat)
            factor = pool_result.budget_neutrality_factor
            extra[nc.code] = hypothetical_values(nc, on, cat)
            change = (f"its net spending is absorbed in the year's budget-neutrality adjustment "
                      f"at its marginal share: every code's payment changes by "
                      f"{factor - 1:+.4%}")
            notes.append(f"hypothetical code {nc.code}: {nc.total_rvu:.2f} RVUs, payment indicators "
                         f"as {nc.indicators_like}; {change}")
        ctx = _context(s, on, loc, factor)
        if s.procedure:
            claim = _protocol_claim(s, ctx, cat)
        else:
            claim = price_claim(_claim_lines(s), ctx, cat, extra)
    except FlatclosureError as exc:
        return ScenarioResult(s, on, loc, None, None, None, str(exc), tuple(notes))
    notes.extend(claim.warnings)
    return ScenarioResult(s, on, loc, claim, claim.total, pool_result, "", tuple(notes))


@functools.lru_cache(maxsize=256)
def _pool_effect(nc: NewCodeSpec, on: dt.date, setting: str, qualifying_apm: bool,
                 cat: Catalog) -> StatutoryResult:
    """The statutory pool result of a new code (national, so one per date, not per locality)."""
    return statutory(
        NewCode(volume=nc.volume, on=on, work_rvu=nc.work_rvu, pe_rvu=nc.pe_rvu, mp_rvu=nc.mp_rvu,
                displaces=nc.displaces, setting=setting, label=nc.code),
        total_allowed=nc.total_allowed, qualifying_apm=qualifying_apm, catalog=cat)


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
