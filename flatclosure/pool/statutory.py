"""Lens 1, statutory budget neutrality (PFS-wide; shared domain notes section 6).

Added spending = sum over new or changed codes of RVU change x volume x CF, less the RVUs of the
services a new code displaces (national GPCIs, one setting). The conversion factor becomes
CF x total / (total + added), so total PFS spending is unchanged and every code, mastectomy
included, loses the same share. The $20 million figure is the statute's test on ALL of a year's
RVU changes taken together (every year 2018-2026 has an adjustment in the CF table), so a code's
net spending is absorbed at this marginal share whatever its own size: it is never a per-code gate.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..catalog import Catalog, load_catalog
from ..errors import InputError, UnknownCodeError
from ..fees import fee_amounts, round_cents
from .inputs import NewCode, amount
from .params import (
    FIRST_FAMILY,
    STATUTORY_LABEL,
    YearAdjustment,
    pool_limit,
    pool_parameters,
    year_adjustment,
)

RVU_DP = 9  # decimals kept in sums of RVUs (binary noise only)
CF_STEP_USD = 0.01  # "the CF moves by one cent": one cent per RVU
CF_STEP_SHARE = 0.001  # "the CF moves by 0.1%"
CODE_COLUMNS = ["code", "family", "role", "description", "status", "payable", "work_rvu",
                "pe_rvu", "mp_rvu", "total_rvu"]


# -- vectorised primitives -------------------------------------------------------------------
def budget_neutrality_factor(added_spending: float | npt.ArrayLike, total_allowed: float) -> Any:
    """The factor on the conversion factor: total / (total + added), at any size (no gate).

    Works on scalars and arrays; the year-wide $20M test is always met in practice, so a code's
    spending is offset at this marginal share (shared domain notes section 6).
    """
    if not (math.isfinite(total_allowed) and total_allowed > 0):
        raise InputError("total_allowed", f"{total_allowed!r} must be a positive amount")
    a = np.asarray(added_spending, dtype=float)
    if np.any(total_allowed + a <= 0):
        raise InputError("added_spending", "the change would remove the whole PFS pool")
    out = total_allowed / (total_allowed + a)
    return float(out) if np.ndim(out) == 0 else out


def services_to_move_cf(net_rvu_per_service: float | npt.ArrayLike, conversion_factor: float,
                        total_allowed: float, by_usd: float | None = None,
                        by_share: float | None = None) -> Any:
    """Yearly services before the CF moves by ``by_usd`` per RVU or by ``by_share`` (inf: never).

    CF - CF x T/(T+A) = d gives A = d T / (CF - d); a share p gives A = p T / (1 - p); the
    services are A / (|net RVU| x CF).
    """
    if (by_usd is None) == (by_share is None):
        raise InputError("by", "give either a move in dollars or a share")
    if by_usd is not None:
        added = by_usd * total_allowed / (conversion_factor - by_usd)
    else:
        added = by_share * total_allowed / (1.0 - by_share)  # type: ignore[operator]
    r = np.abs(np.asarray(net_rvu_per_service, dtype=float)) * conversion_factor
    with np.errstate(divide="ignore", over="ignore"):
        out = np.where(r > 0, added / np.where(r > 0, r, 1.0), np.inf)
    return float(out) if out.ndim == 0 else out


# -- catalog helpers -------------------------------------------------------------------------
def priced_codes(cat: Catalog, on: dt.date, setting: str, locality: str | None,
                 qualifying_apm: bool) -> tuple[pd.DataFrame, float, str]:
    """Every catalog code of the release in force, with its RVUs and unrounded amount.

    It depends only on its plain arguments and the catalog, which never changes after loading:
    computed once per (date, setting, locality, APM track) and kept in ``catalog.memo`` (issue
    15: notebook 04's refresh priced the whole release four times). The frame is shared: a
    caller that changes it works on a copy (``revalue`` does)."""
    key = ("pool.priced_codes", on, setting, locality, qualifying_apm)
    if key not in cat.memo:
        cat.memo[key] = _priced_codes(cat, on, setting, locality, qualifying_apm)
    found = cat.memo[key]
    assert isinstance(found, tuple)
    return found


def _priced_codes(cat: Catalog, on: dt.date, setting: str, locality: str | None,
                  qualifying_apm: bool) -> tuple[pd.DataFrame, float, str]:
    table = cat.table(on)
    cf = cat.conversion_factor(on, qualifying_apm)
    gpci = cat.gpci(locality, on.year)
    priced = fee_amounts(table, setting, gpci, cf)
    priced.loc[priced["status"] != "A", "amount"] = np.nan
    # RVUs carry 2 decimals; rounding the sum drops binary noise such as 20.009999999999998
    priced["total_rvu"] = (priced["work_rvu"] + priced["pe_rvu"] + priced["mp_rvu"]).round(RVU_DP)
    order = {c: i for i, c in enumerate(cat.codes.index)}
    priced["_first"] = priced["family"] != FIRST_FAMILY
    priced["_order"] = priced["code"].map(order)
    priced = priced.sort_values(["_first", "_order"]).drop(columns=["_first", "_order"])
    return priced.reset_index(drop=True), cf, str(table["release_id"].iloc[0])


def displaced_rvu(scenario: NewCode, priced: pd.DataFrame,
                  cat: Catalog) -> tuple[float, list[str]]:
    """RVUs one new service frees: sum of share x total RVU (same setting) of each displaced code."""
    by_code = priced.set_index("code")
    total, notes = 0.0, []
    for code, share in scenario.displacement.items():
        cat.info(code)  # unknown code -> UnknownCodeError naming the catalog
        if code not in by_code.index:
            raise UnknownCodeError(f"code {code} is not in the release in force on {scenario.on}")
        r = by_code.loc[code]
        if r["status"] != "A":
            notes.append(f"{code} has status {r['status']} (not priced by RVUs): displacing it "
                         "frees no RVUs in this model")
            continue
        if not r["payable"]:
            raise InputError("displaces", f"{code} is not paid in the {scenario.setting} setting "
                             "(PE NA), so the new code cannot take over its services there")
        total += share * float(r["total_rvu"])
    return round(total, RVU_DP), notes


def money(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(round_cents(np.asarray(values, dtype=float)), dtype=float)


def json_value(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def price_table(priced: pd.DataFrame, factor: float) -> pd.DataFrame:
    """Every code's price before and after the factor, rounded to cents once."""
    codes = priced[CODE_COLUMNS].copy()
    before = money(priced["amount"])
    after = money(priced["amount"] * factor)
    codes["price_before"] = before
    codes["price_after"] = after
    codes["change"] = money(after - before)
    codes["change_pct"] = np.where(np.isnan(before), np.nan, (factor - 1.0) * 100.0)
    return codes


def resolve_total(total_allowed: float | None, on: dt.date) -> tuple[float, str]:
    """The PFS total and where it comes from (the dated parameter in force unless given)."""
    params = pool_parameters(on)
    if total_allowed is None:
        return params.total_allowed_usd, params.total_allowed_source
    total = amount("total_allowed", total_allowed, allow_none=False,
                   upper=pool_limit("pfs_total_allowed_max_usd")) or 0.0
    return total, "user input (default: " + params.total_allowed_source + ")"


# -- the result ------------------------------------------------------------------------------
@dataclass(frozen=True)
class StatutoryResult:
    """Statutory budget neutrality of one new code: spending, its marginal share, CF, prices."""

    scenario: NewCode
    release_id: str
    locality: str | None
    new_code_rvu: float
    displaced_rvu: float  # per new service
    net_rvu_per_service: float
    added_rvus: float  # per year
    added_spending: float  # dollars a year, rounded to cents
    threshold: float  # the year-wide test, for words only
    total_allowed: float
    total_allowed_source: str
    budget_neutrality_factor: float  # this code's marginal share: total / (total + added)
    conversion_factor_before: float
    conversion_factor_after: float
    total_spending_after: float  # (total + added) x factor, rounded to cents
    services_per_cent: float | None  # services a year before the CF moves one cent (None: never)
    services_per_tenth_pct: float | None  # ... before it moves by 0.1%
    year: YearAdjustment | None  # the year's actual adjustment (None: no CF row for the year)
    codes: pd.DataFrame  # mastectomy first: code, family, ..., price_before, price_after, change
    notes: tuple[str, ...] = ()
    label: str = STATUTORY_LABEL

    @property
    def change_pct(self) -> float:
        return (self.budget_neutrality_factor - 1.0) * 100.0

    def to_dict(self) -> dict[str, object]:
        rows = [{k: json_value(v) for k, v in r.items()}
                for r in self.codes[["code", "family", "status", "total_rvu", "price_before",
                                     "price_after", "change", "change_pct"]].to_dict("records")]
        return {
            "lens": self.label, "scenario": self.scenario.to_dict(), "release_id": self.release_id,
            "locality": self.locality or "national", "new_code_rvu": self.new_code_rvu,
            "displaced_rvu_per_service": self.displaced_rvu,
            "net_rvu_per_service": self.net_rvu_per_service, "added_rvus": self.added_rvus,
            "added_spending": self.added_spending, "year_wide_threshold": self.threshold,
            "total_allowed": self.total_allowed, "total_allowed_source": self.total_allowed_source,
            "budget_neutrality_factor": self.budget_neutrality_factor,
            "change_pct": self.change_pct,
            "conversion_factor_before": self.conversion_factor_before,
            "conversion_factor_after": self.conversion_factor_after,
            "total_spending_after": self.total_spending_after,
            "services_before_cf_moves_one_cent": self.services_per_cent,
            "services_before_cf_moves_0_1_pct": self.services_per_tenth_pct,
            "year_context": year_dict(self.year), "codes": rows, "notes": list(self.notes),
        }


def year_dict(y: YearAdjustment | None) -> dict[str, object] | None:
    if y is None:
        return None
    return {"year": y.year, "bn_adjustment": y.bn_adjustment, "bn_pct": y.bn_pct,
            "bn_stated": y.bn_stated, "bn_basis": y.bn_basis, "source": y.source}


def _finite(v: float) -> float | None:
    return None if math.isinf(v) else float(v)


def year_context(cat: Catalog, on: dt.date, qualifying_apm: bool) -> YearAdjustment | None:
    try:
        return year_adjustment(on.year, qualifying_apm, cat)
    except Exception:  # noqa: BLE001 - a year without a CF row simply has no context line
        return None


def statutory(scenario: NewCode, total_allowed: float | None = None, locality: str | None = None,
              qualifying_apm: bool = False, catalog: Catalog | None = None) -> StatutoryResult:
    """PFS-wide budget neutrality of a new code: its marginal share CF x total / (total + added).

    ``total_allowed`` defaults to ``pfs_total_allowed_usd`` of the data package; prices are shown
    at ``locality`` (national by default), the adjustment itself is computed nationally.
    """
    cat = catalog or load_catalog()
    on: dt.date = scenario.on  # type: ignore[assignment]
    total, source = resolve_total(total_allowed, on)
    priced, cf, release_id = priced_codes(cat, on, scenario.setting, locality, qualifying_apm)
    displaced, notes = displaced_rvu(scenario, priced, cat)  # raw RVUs: locality plays no part
    net = scenario.rvu - displaced
    added_rvus = net * scenario.volume
    added = added_rvus * cf
    factor = float(budget_neutrality_factor(added, total))
    return StatutoryResult(
        scenario=scenario, release_id=release_id, locality=locality,
        new_code_rvu=scenario.rvu, displaced_rvu=displaced, net_rvu_per_service=net,
        added_rvus=added_rvus, added_spending=float(round_cents(added)),
        threshold=pool_parameters(on).threshold_usd, total_allowed=total,
        total_allowed_source=source, budget_neutrality_factor=factor,
        conversion_factor_before=cf, conversion_factor_after=cf * factor,
        total_spending_after=float(round_cents((total + added) * factor)),
        services_per_cent=_finite(services_to_move_cf(net, cf, total, by_usd=CF_STEP_USD)),
        services_per_tenth_pct=_finite(services_to_move_cf(net, cf, total,
                                                           by_share=CF_STEP_SHARE)),
        year=year_context(cat, on, qualifying_apm), codes=price_table(priced, factor),
        notes=tuple(notes),
    )
