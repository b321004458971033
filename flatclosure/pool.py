"""The finite RVU pool: what a new (or revalued) code for flat closure does to everyone else.

Two lenses, side by side (shared domain notes section 6; research notes A8):

1. **Statutory budget neutrality** (PFS-wide; Social Security Act 1848(c)(2)(B)(ii) as restated by
   the AMA). Added spending = volume x (new code's RVUs - sum of share x RVUs of each displaced
   code) x CF, all in one setting at national GPCIs. If it moves spending by more than the
   threshold ($20 million, ``data/rules/payment_parameters.csv``) the conversion factor is
   multiplied by ``total / (total + added)`` so total PFS spending is unchanged, and every code,
   mastectomy included, loses the same share. Total allowed charges is an input whose default
   ($93 billion, CY2020 final rule as quoted) comes from the same file.
2. **Family work neutrality** (UNCONFIRMED convention: the RUC may hold a family's total work RVUs
   x volume steady when it revises the family). The new code joins a family (``breast`` =
   the catalog families mastectomy and reconstruction, any catalog family, or codes the user
   lists) and the members' work RVUs are scaled by one factor so that the family's work total is
   held; PE and MP RVUs and the conversion factor stay as they are. Volumes are inputs
   (``flatclosure.volumes``), illustrative unless the user loads CMS counts.

A displacement share means each new service replaces that fraction of one service of the named
code, valued in the same setting (``{"14301": 0.6, "19499": 0.2}``); a share may exceed 1 for
add-on units (``14302: 2`` = two units). Everything here is a pure function of its inputs and
is vectorised where a sweep needs it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import datapkg
from .catalog import Catalog, as_date, load_catalog
from .errors import InputError, UnknownCodeError
from .fees import check_setting, fee_amounts, round_cents
from .volumes import Volumes, illustrative_volumes

STATUTORY_LABEL = (
    "Statutory budget neutrality (PFS-wide, Social Security Act 1848(c)(2)(B)(ii); since 2009 "
    "the offset is applied to the conversion factor)"
)
FAMILY_LABEL = (
    "Family work neutrality (UNCONFIRMED convention: the RUC may hold a family's total work "
    "RVUs x volume when it revises the family; an assumption to switch, not a rule)"
)
# "breast": the catalog families whose codes sit in CPT's breast surgery section (1930X-1938X)
# plus 11970, the expander exchange that belongs to breast reconstruction.
NAMED_FAMILIES: dict[str, tuple[str, ...]] = {"breast": ("mastectomy", "reconstruction")}
FIRST_FAMILY = "mastectomy"  # shown first in every table of prices

FloatArray = npt.NDArray[np.float64]
_RVU_DP = 9  # decimals kept in sums of RVUs (binary noise only)


# -- parameters ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class PoolParameters:
    """The budget-neutrality threshold and the default PFS total, with their sources."""

    threshold_usd: float
    threshold_source: str
    total_allowed_usd: float
    total_allowed_source: str
    total_allowed_year: int


@cache
def pool_parameters() -> PoolParameters:
    """Read ``budget_neutrality_threshold_usd`` and ``pfs_total_allowed_usd`` from the data package."""
    t = datapkg.load("payment-parameters").set_index("name")
    thr, tot = t.loc["budget_neutrality_threshold_usd"], t.loc["pfs_total_allowed_usd"]
    return PoolParameters(
        threshold_usd=float(thr["value"]), threshold_source=str(thr["source"]),
        total_allowed_usd=float(tot["value"]), total_allowed_source=str(tot["source"]),
        total_allowed_year=tot["effective_from"].year,
    )


# -- the scenario --------------------------------------------------------------------------------
def _amount(name: str, value: Any, allow_none: bool = True) -> float | None:
    if value is None:
        if allow_none:
            return None
        raise InputError(name, "a value is required")
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(name, f"{value!r} is not a number") from exc
    if not math.isfinite(v) or v < 0:
        raise InputError(name, f"{value!r} must be a finite number of 0 or more")
    return v


@dataclass(frozen=True)
class NewCode:
    """A new or revalued code: its RVUs in one setting, yearly volume, what it displaces, when.

    Give ``total_rvu`` (the code's total RVU in ``setting``) or ``work_rvu``, ``pe_rvu`` and
    ``mp_rvu``; ``work_rvu`` with ``total_rvu`` is used by the family lens. ``displaces`` maps a
    catalog code to the share of one of its services each new service replaces.
    """

    volume: float
    on: dt.date | str
    total_rvu: float | None = None
    work_rvu: float | None = None
    pe_rvu: float | None = None
    mp_rvu: float | None = None
    displaces: Mapping[str, float] | tuple[tuple[str, float], ...] = ()
    setting: str = "facility"
    label: str = "new flat closure code"

    def __post_init__(self) -> None:
        object.__setattr__(self, "on", as_date(self.on))
        object.__setattr__(self, "setting", check_setting(self.setting))
        object.__setattr__(self, "volume", _amount("volume", self.volume, allow_none=False))
        for name in ("total_rvu", "work_rvu", "pe_rvu", "mp_rvu"):
            object.__setattr__(self, name, _amount(name, getattr(self, name)))
        parts = (self.work_rvu, self.pe_rvu, self.mp_rvu)
        if self.pe_rvu is not None or self.mp_rvu is not None:
            if any(p is None for p in parts):
                raise InputError("rvu", "give work, PE and MP RVUs together (or the total RVU)")
            total = sum(p for p in parts if p is not None)
            if self.total_rvu is not None and abs(total - self.total_rvu) > 1e-9:
                raise InputError("total_rvu", f"{self.total_rvu} is not work + PE + MP = {total:g}")
            object.__setattr__(self, "total_rvu", total)
        if self.total_rvu is None:
            raise InputError("rvu", "give the new code's total RVU, or its work, PE and MP RVUs")
        if self.work_rvu is not None and self.work_rvu > self.total_rvu + 1e-9:
            raise InputError("work_rvu", f"{self.work_rvu} exceeds the total RVU {self.total_rvu}")
        pairs = self.displaces.items() if isinstance(self.displaces, Mapping) else self.displaces
        clean: dict[str, float] = {}
        for code, share in pairs:
            c = str(code).strip().upper()
            if c in clean:
                raise InputError("displaces", f"code {c} is listed twice")
            clean[c] = _amount(f"share of {c}", share, allow_none=False)  # type: ignore[assignment]
        object.__setattr__(self, "displaces", tuple(clean.items()))

    @property
    def rvu(self) -> float:
        """Total RVU per service in the scenario's setting."""
        return float(self.total_rvu)  # type: ignore[arg-type]

    @property
    def displacement(self) -> dict[str, float]:
        return dict(self.displaces)

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label, "date": self.on.isoformat(),  # type: ignore[union-attr]
            "setting": self.setting, "total_rvu": self.rvu, "work_rvu": self.work_rvu,
            "pe_rvu": self.pe_rvu, "mp_rvu": self.mp_rvu, "volume": self.volume,
            "displaces": self.displacement,
        }


# -- vectorised primitives -------------------------------------------------------------------
def budget_neutrality_factor(added_spending: float | npt.ArrayLike, total_allowed: float,
                             threshold: float) -> Any:
    """The factor applied to the conversion factor: total / (total + added) if |added| > threshold.

    Below (or at) the threshold nothing is offset: the factor is 1. Works on scalars and arrays.
    """
    if not (math.isfinite(total_allowed) and total_allowed > 0):
        raise InputError("total_allowed", f"{total_allowed!r} must be a positive amount")
    a = np.asarray(added_spending, dtype=float)
    if np.any(total_allowed + a <= 0):
        raise InputError("added_spending", "the change would remove the whole PFS pool")
    out = np.where(np.abs(a) > threshold, total_allowed / (total_allowed + a), 1.0)
    return float(out) if out.ndim == 0 else out


def break_even_volume(net_rvu_per_service: float | npt.ArrayLike, conversion_factor: float,
                      threshold: float) -> Any:
    """Yearly volume above which the added spending crosses the threshold (inf if it never does)."""
    r = np.abs(np.asarray(net_rvu_per_service, dtype=float)) * conversion_factor
    with np.errstate(divide="ignore", over="ignore"):  # a tiny net RVU: inf, never crosses
        out = np.where(r > 0, threshold / np.where(r > 0, r, 1.0), np.inf)
    return float(out) if out.ndim == 0 else out


# -- catalog helpers -------------------------------------------------------------------------
def _priced(cat: Catalog, on: dt.date, setting: str, locality: str | None,
            qualifying_apm: bool) -> tuple[pd.DataFrame, float, str]:
    """Every catalog code of the release in force, with its RVUs and unrounded amount."""
    table = cat.table(on)
    cf = cat.conversion_factor(on, qualifying_apm)
    gpci = cat.gpci(locality, on.year)
    priced = fee_amounts(table, setting, gpci, cf)
    priced.loc[priced["status"] != "A", "amount"] = np.nan
    # RVUs carry 2 decimals; rounding the sum drops binary noise such as 20.009999999999998
    priced["total_rvu"] = (priced["work_rvu"] + priced["pe_rvu"] + priced["mp_rvu"]).round(_RVU_DP)
    order = {c: i for i, c in enumerate(cat.codes.index)}
    priced["_first"] = priced["family"] != FIRST_FAMILY
    priced["_order"] = priced["code"].map(order)
    priced = priced.sort_values(["_first", "_order"]).drop(columns=["_first", "_order"])
    return priced.reset_index(drop=True), cf, str(table["release_id"].iloc[0])


def _displaced(scenario: NewCode, priced: pd.DataFrame, cat: Catalog) -> tuple[float, list[str]]:
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
    return round(total, _RVU_DP), notes


# -- lens 1: statutory budget neutrality -------------------------------------------------------
@dataclass(frozen=True)
class StatutoryResult:
    """Statutory budget neutrality of one scenario: spending, factor, CF and every code's price."""

    scenario: NewCode
    release_id: str
    locality: str | None
    new_code_rvu: float
    displaced_rvu: float  # per new service
    net_rvu_per_service: float
    added_rvus: float  # per year
    added_spending: float  # dollars a year, rounded to cents
    threshold: float
    threshold_exceeded: bool
    total_allowed: float
    total_allowed_source: str
    budget_neutrality_factor: float
    conversion_factor_before: float
    conversion_factor_after: float
    total_spending_after: float  # (total + added) x factor, rounded to cents
    break_even_volume: float | None  # None: this code never crosses the threshold
    codes: pd.DataFrame  # mastectomy first: code, family, ..., price_before, price_after, change
    notes: tuple[str, ...] = ()
    label: str = STATUTORY_LABEL

    @property
    def change_pct(self) -> float:
        return (self.budget_neutrality_factor - 1.0) * 100.0

    def to_dict(self) -> dict[str, object]:
        rows = [
            {k: _json_value(v) for k, v in r.items()}
            for r in self.codes[["code", "family", "status", "total_rvu", "price_before",
                                 "price_after", "change", "change_pct"]].to_dict("records")
        ]
        return {
            "lens": self.label, "scenario": self.scenario.to_dict(), "release_id": self.release_id,
            "locality": self.locality or "national", "new_code_rvu": self.new_code_rvu,
            "displaced_rvu_per_service": self.displaced_rvu,
            "net_rvu_per_service": self.net_rvu_per_service, "added_rvus": self.added_rvus,
            "added_spending": self.added_spending, "threshold": self.threshold,
            "threshold_exceeded": self.threshold_exceeded, "total_allowed": self.total_allowed,
            "total_allowed_source": self.total_allowed_source,
            "budget_neutrality_factor": self.budget_neutrality_factor,
            "change_pct": self.change_pct,
            "conversion_factor_before": self.conversion_factor_before,
            "conversion_factor_after": self.conversion_factor_after,
            "total_spending_after": self.total_spending_after,
            "break_even_volume": self.break_even_volume, "codes": rows, "notes": list(self.notes),
        }


def _json_value(v: Any) -> Any:
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _money(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(round_cents(np.asarray(values, dtype=float)), dtype=float)


def statutory(scenario: NewCode, total_allowed: float | None = None, locality: str | None = None,
              qualifying_apm: bool = False, catalog: Catalog | None = None) -> StatutoryResult:
    """PFS-wide budget neutrality of a scenario (research notes A8, engine formula).

    ``total_allowed`` defaults to ``pfs_total_allowed_usd`` of the data package; prices are shown
    at ``locality`` (national by default), the adjustment itself is computed nationally.
    """
    cat = catalog or load_catalog()
    params = pool_parameters()
    total = params.total_allowed_usd if total_allowed is None else total_allowed
    total = _amount("total_allowed", total, allow_none=False) or 0.0
    source = (params.total_allowed_source if total_allowed is None
              else "user input (default: " + params.total_allowed_source + ")")
    on: dt.date = scenario.on  # type: ignore[assignment]
    priced, cf, release_id = _priced(cat, on, scenario.setting, locality, qualifying_apm)
    displaced, notes = _displaced(scenario, priced, cat)  # raw RVUs: locality plays no part
    net = scenario.rvu - displaced
    added_rvus = net * scenario.volume
    added = added_rvus * cf
    factor = budget_neutrality_factor(added, total, params.threshold_usd)
    exceeded = abs(added) > params.threshold_usd
    before = _money(priced["amount"])
    after = _money(priced["amount"] * factor)
    codes = priced[["code", "family", "role", "description", "status", "payable",
                    "work_rvu", "pe_rvu", "mp_rvu", "total_rvu"]].copy()
    codes["price_before"] = before
    codes["price_after"] = after
    codes["change"] = _money(after - before)
    codes["change_pct"] = np.where(np.isnan(before), np.nan, (factor - 1.0) * 100.0)
    be = break_even_volume(net, cf, params.threshold_usd)
    return StatutoryResult(
        scenario=scenario, release_id=release_id, locality=locality,
        new_code_rvu=scenario.rvu, displaced_rvu=displaced, net_rvu_per_service=net,
        added_rvus=added_rvus, added_spending=float(round_cents(added)),
        threshold=params.threshold_usd, threshold_exceeded=bool(exceeded), total_allowed=total,
        total_allowed_source=source, budget_neutrality_factor=float(factor),
        conversion_factor_before=cf, conversion_factor_after=cf * float(factor),
        total_spending_after=float(round_cents((total + added) * factor)),
        break_even_volume=None if math.isinf(be) else float(be), codes=codes, notes=tuple(notes),
    )


# -- sweeps ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class PoolSweep:
    """The statutory adjustment over a grid: axis 0 = new code total RVU, axis 1 = yearly volume."""

    rvus: FloatArray
    volumes: FloatArray
    displaced_rvu: float
    conversion_factor: float
    total_allowed: float
    threshold: float
    added_spending: FloatArray  # dollars a year, unrounded
    budget_neutrality_factor: FloatArray
    conversion_factor_after: FloatArray
    threshold_exceeded: npt.NDArray[np.bool_]
    break_even_volume: FloatArray  # per RVU value (inf: never crosses)

    @property
    def change_pct(self) -> FloatArray:
        return (self.budget_neutrality_factor - 1.0) * 100.0

    def to_frame(self) -> pd.DataFrame:
        """Long form, one row per grid cell (for plotting)."""
        r, v = np.meshgrid(self.rvus, self.volumes, indexing="ij")
        return pd.DataFrame({
            "rvu": r.ravel(), "volume": v.ravel(), "added_spending": self.added_spending.ravel(),
            "budget_neutrality_factor": self.budget_neutrality_factor.ravel(),
            "change_pct": self.change_pct.ravel(),
            "conversion_factor_after": self.conversion_factor_after.ravel(),
            "threshold_exceeded": self.threshold_exceeded.ravel(),
        })


def _axis(name: str, values: npt.ArrayLike) -> FloatArray:
    a = np.asarray(values, dtype=float)
    if a.ndim != 1 or a.size == 0:
        raise InputError(name, "give a non-empty list of values")
    if not np.all(np.isfinite(a)) or np.any(a < 0):
        raise InputError(name, "every value must be a finite number of 0 or more")
    return a


def sweep(scenario: NewCode, rvus: npt.ArrayLike, volumes: npt.ArrayLike,
          total_allowed: float | None = None, qualifying_apm: bool = False,
          catalog: Catalog | None = None) -> PoolSweep:
    """Statutory adjustment for every (total RVU, volume) pair, keeping the scenario's date,
    setting and displacement shares; one vectorised pass (no loop over the grid)."""
    cat = catalog or load_catalog()
    params = pool_parameters()
    total = params.total_allowed_usd if total_allowed is None else total_allowed
    r, v = _axis("rvus", rvus), _axis("volumes", volumes)
    on: dt.date = scenario.on  # type: ignore[assignment]
    priced, cf, _ = _priced(cat, on, scenario.setting, None, qualifying_apm)
    displaced, _ = _displaced(scenario, priced, cat)
    net = r - displaced
    added = np.multiply.outer(net * cf, v)
    factor = budget_neutrality_factor(added, total, params.threshold_usd)
    return PoolSweep(
        rvus=r, volumes=v, displaced_rvu=displaced, conversion_factor=cf, total_allowed=total,
        threshold=params.threshold_usd, added_spending=added,
        budget_neutrality_factor=np.asarray(factor, dtype=float),
        conversion_factor_after=cf * np.asarray(factor, dtype=float),
        threshold_exceeded=np.abs(added) > params.threshold_usd,
        break_even_volume=np.asarray(break_even_volume(net, cf, params.threshold_usd), dtype=float),
    )


# -- lens 2: family work neutrality ------------------------------------------------------------
def family_names(catalog: Catalog | None = None) -> list[str]:
    """Families a user can name: the named groups (breast) and every catalog family."""
    cat = catalog or load_catalog()
    return list(NAMED_FAMILIES) + sorted(set(cat.codes["family"]))


def resolve_family(family: str | Sequence[str],
                   catalog: Catalog | None = None) -> tuple[str, tuple[str, ...]]:
    """A family's name and member codes: 'breast', a catalog family, or a list of catalog codes."""
    cat = catalog or load_catalog()
    if isinstance(family, str):
        key = family.strip().lower()
        if key in NAMED_FAMILIES:
            return key, tuple(c for f in NAMED_FAMILIES[key] for c in cat.family(f))
        if key in set(cat.codes["family"]):
            return key, tuple(cat.family(key))
        parts = [p for p in family.replace(",", " ").split() if p]
        if not parts or not all(p.strip().isalnum() and len(p.strip()) == 5 for p in parts):
            raise InputError("family", f"{family!r} is not a family ({', '.join(family_names(cat))})"
                             " or a list of codes")
    else:
        parts = [str(c) for c in family]
    codes = tuple(dict.fromkeys(c.strip().upper() for c in parts))
    if not codes:
        raise InputError("family", "name a family or at least one code")
    for c in codes:
        cat.info(c)
    return "user-defined: " + " ".join(codes), codes


@dataclass(frozen=True)
class FamilyResult:
    """Family work neutrality of one scenario: the scale on members' work RVUs and their prices."""

    scenario: NewCode
    family: str
    codes: tuple[str, ...]
    new_code_work_rvu: float  # as proposed
    new_code_work_rvu_after: float  # scaled too if scale_new_code
    work_rvu_basis: str
    scale_new_code: bool
    work_pool_before: float  # sum of work RVU x volume over members
    work_pool_unscaled: float  # after the new code joins and displaced services leave
    work_scale_factor: float
    work_pool_after: float  # equals work_pool_before
    conversion_factor: float
    volumes_source: str
    volumes_illustrative: bool
    members: pd.DataFrame
    notes: tuple[str, ...] = ()
    label: str = FAMILY_LABEL

    def to_dict(self) -> dict[str, object]:
        cols = ["code", "family", "volume", "volume_after", "work_rvu_before", "work_rvu_after",
                "price_before", "price_after", "change", "change_pct"]
        rows = [{k: _json_value(v) for k, v in r.items()}
                for r in self.members[cols].to_dict("records")]
        return {
            "lens": self.label, "family": self.family, "codes": rows,
            "new_code_work_rvu": self.new_code_work_rvu,
            "new_code_work_rvu_after": self.new_code_work_rvu_after,
            "work_rvu_basis": self.work_rvu_basis, "scale_new_code": self.scale_new_code,
            "work_pool_before": self.work_pool_before, "work_pool_unscaled": self.work_pool_unscaled,
            "work_scale_factor": self.work_scale_factor, "work_pool_after": self.work_pool_after,
            "conversion_factor": self.conversion_factor,
            "volumes": {"source": self.volumes_source, "illustrative": self.volumes_illustrative},
            "notes": list(self.notes),
        }


def _new_work_rvu(scenario: NewCode, priced: pd.DataFrame, members: pd.DataFrame,
                  vol: np.ndarray) -> tuple[float, str]:
    if scenario.work_rvu is not None:
        return scenario.work_rvu, "given"
    by_code = priced.set_index("code")
    shares = {c: s for c, s in scenario.displacement.items()
              if c in by_code.index and by_code.loc[c, "status"] == "A" and s > 0
              and by_code.loc[c, "total_rvu"] > 0}
    if shares:
        work = sum(s * float(by_code.loc[c, "work_rvu"]) for c, s in shares.items())
        tot = sum(s * float(by_code.loc[c, "total_rvu"]) for c, s in shares.items())
        whose = "the displaced services (" + ", ".join(f"{c} x{s:g}" for c, s in shares.items()) + ")"
    else:
        work = float((members["work_rvu"].to_numpy(float) * vol).sum())
        tot = float((members["total_rvu"].to_numpy(float) * vol).sum())
        whose = "the family's services (volume-weighted)"
    if tot <= 0:
        raise InputError("work_rvu", "give the new code's work RVU: no comparator to assume it from")
    share = work / tot
    return scenario.rvu * share, (f"assumed: {share:.1%} of the total RVU, the work share of "
                                  f"{whose}; the new code's own work RVU replaces this assumption "
                                  "when it is given")


def family_neutrality(scenario: NewCode, family: str | Sequence[str] = "breast",
                      volumes: Volumes | None = None, scale_new_code: bool = False,
                      locality: str | None = None, qualifying_apm: bool = False,
                      catalog: Catalog | None = None) -> FamilyResult:
    """Hold the family's work RVUs x volume: W = sum(work_i x volume_i) over members.

    Displaced members lose share x volume services. With ``scale_new_code`` False (default) the
    new code keeps its proposed work and the members' work RVUs are scaled by
    s = (W - work_new x volume_new) / sum(work_i x volume_after_i), i.e. its value is taken from
    the others; with True every work RVU, the new code's included, is scaled by
    s = W / (sum(work_i x volume_after_i) + work_new x volume_new). UNCONFIRMED convention.
    """
    cat = catalog or load_catalog()
    vols = volumes or illustrative_volumes()
    name, codes = resolve_family(family, cat)
    on: dt.date = scenario.on  # type: ignore[assignment]
    priced, cf, _ = _priced(cat, on, scenario.setting, locality, qualifying_apm)
    notes = []
    held = set(priced["code"])
    absent = [c for c in codes if c not in held]
    if absent:
        notes.append(f"not in the release in force on {on}, left out: {', '.join(absent)}")
    members = priced[priced["code"].isin(codes)].reset_index(drop=True)
    if members.empty:
        raise InputError("family", f"no member of {name} is in the release in force on {on}")
    vol = np.array([vols.get(c) for c in members["code"]], dtype=float)
    work_new, basis = _new_work_rvu(scenario, priced, members, vol)
    share = np.array([scenario.displacement.get(c, 0.0) for c in members["code"]], dtype=float)
    taken = share * scenario.volume
    short = taken > vol + 1e-9
    if short.any():
        i = int(np.argmax(short))
        raise InputError(
            "displaces", f"the new code would take over {taken[i]:,.0f} services of "
            f"{members['code'][i]} a year, but the volumes give it {vol[i]:,.0f} ({vols.label()})")
    vol_after = vol - taken
    work = members["work_rvu"].to_numpy(float)
    pool_before = float((work * vol).sum())
    members_after = float((work * vol_after).sum())
    new_work = work_new * scenario.volume
    if scale_new_code:
        denom = members_after + new_work
        s = pool_before / denom if denom > 0 else math.nan
    else:
        s = (pool_before - new_work) / members_after if members_after > 0 else math.nan
    if not math.isfinite(s) or s < 0:
        raise InputError("volume", f"the new code's work ({new_work:,.0f} RVUs a year) exceeds "
                         f"what the {name} family holds ({pool_before:,.0f}); the family cannot "
                         "stay work-neutral")
    out = members[["code", "family", "status", "payable"]].copy()
    out["volume"] = vol
    out["volume_after"] = vol_after
    out["work_rvu_before"] = work
    out["work_rvu_after"] = work * s
    out["total_rvu_before"] = members["total_rvu"].to_numpy(float)
    out["total_rvu_after"] = out["total_rvu_before"] - work * (1.0 - s)
    gw = cat.gpci(locality, on.year)[0]
    before = members["amount"].to_numpy(float)
    after = before - work * (1.0 - s) * gw * cf  # NaN stays NaN where not payable
    out["price_before"] = _money(before)
    out["price_after"] = _money(after)
    out["change"] = _money(out["price_after"] - out["price_before"])
    with np.errstate(invalid="ignore", divide="ignore"):
        out["change_pct"] = (after / before - 1.0) * 100.0
    new_after = work_new * s if scale_new_code else work_new
    pool_after = float((work * s * vol_after).sum()) + new_after * scenario.volume
    return FamilyResult(
        scenario=scenario, family=name, codes=tuple(members["code"]), new_code_work_rvu=work_new,
        new_code_work_rvu_after=new_after, work_rvu_basis=basis, scale_new_code=scale_new_code,
        work_pool_before=pool_before, work_pool_unscaled=members_after + new_work,
        work_scale_factor=s, work_pool_after=pool_after, conversion_factor=cf,
        volumes_source=vols.label(), volumes_illustrative=vols.illustrative, members=out,
        notes=tuple(notes),
    )
