"""Lens 2, family work neutrality: an UNCONFIRMED convention (shared domain notes section 6).

The RUC may hold a family's total work RVUs x volume steady when it revises the family. The new
code joins a family (``breast`` = the catalog families mastectomy and reconstruction, any catalog
family, or codes the user lists) and the members' work RVUs are scaled by one factor so that the
family's work total is held; PE and MP RVUs and the conversion factor stay as they are. The work
of displaced services nets out whichever family they belong to, as in the statutory lens.
Volumes are inputs (``flatclosure.volumes``), illustrative unless the user loads CMS counts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalog import Catalog, load_catalog
from ..errors import InputError
from ..volumes import Volumes, illustrative_volumes
from .inputs import NewCode
from .params import FAMILY_LABEL, NAMED_FAMILIES
from .statutory import json_value, money, priced_codes


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
    displaced_outside_work: float  # work RVUs a year freed outside the family, netted out
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
        rows = [{k: json_value(v) for k, v in r.items()}
                for r in self.members[cols].to_dict("records")]
        return {
            "lens": self.label, "family": self.family, "codes": rows,
            "new_code_work_rvu": self.new_code_work_rvu,
            "new_code_work_rvu_after": self.new_code_work_rvu_after,
            "work_rvu_basis": self.work_rvu_basis, "scale_new_code": self.scale_new_code,
            "work_pool_before": self.work_pool_before, "work_pool_unscaled": self.work_pool_unscaled,
            "displaced_outside_work": self.displaced_outside_work,
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


def _outside_freed(scenario: NewCode, priced: pd.DataFrame, members: tuple[str, ...]) -> float:
    """Work RVUs a year freed by displaced services of codes outside the family (netted out)."""
    by_code = priced.set_index("code")
    return float(sum(share * scenario.volume * float(by_code.loc[c, "work_rvu"])
                     for c, share in scenario.displacement.items()
                     if c not in members and c in by_code.index and by_code.loc[c, "status"] == "A"))


def _scale(pool_before: float, members_after: float, new_work: float, freed: float,
           scale_new_code: bool, name: str) -> float:
    if scale_new_code:
        denom = members_after + new_work
        s = (pool_before + freed) / denom if denom > 0 else math.nan
    else:
        s = (pool_before - new_work + freed) / members_after if members_after > 0 else math.nan
    if not math.isfinite(s) or s < 0:
        raise InputError("volume", f"the new code's net work ({new_work - freed:,.0f} RVUs a year) "
                         f"exceeds what the {name} family holds ({pool_before:,.0f}); the family "
                         "cannot stay work-neutral")
    return s


def _volumes_after(scenario: NewCode, members: pd.DataFrame, vols: Volumes) -> tuple[np.ndarray, np.ndarray]:
    vol = np.array([vols.get(c) for c in members["code"]], dtype=float)
    share = np.array([scenario.displacement.get(c, 0.0) for c in members["code"]], dtype=float)
    taken = share * scenario.volume
    short = taken > vol + 1e-9
    if short.any():
        i = int(np.argmax(short))
        raise InputError(
            "displaces", f"the new code would take over {taken[i]:,.0f} services of "
            f"{members['code'][i]} a year, but the volumes give it {vol[i]:,.0f} ({vols.label()})")
    return vol, vol - taken


def _member_prices(members: pd.DataFrame, vol: np.ndarray, vol_after: np.ndarray, s: float,
                   gpci_work: float, cf: float) -> pd.DataFrame:
    work = members["work_rvu"].to_numpy(float)
    out = members[["code", "family", "status", "payable"]].copy()
    out["volume"] = vol
    out["volume_after"] = vol_after
    out["work_rvu_before"] = work
    out["work_rvu_after"] = work * s
    out["total_rvu_before"] = members["total_rvu"].to_numpy(float)
    out["total_rvu_after"] = out["total_rvu_before"] - work * (1.0 - s)
    before = members["amount"].to_numpy(float)
    after = before - work * (1.0 - s) * gpci_work * cf  # NaN stays NaN where not payable
    out["price_before"] = money(before)
    out["price_after"] = money(after)
    out["change"] = money(out["price_after"] - out["price_before"])
    with np.errstate(invalid="ignore", divide="ignore"):
        out["change_pct"] = (after / before - 1.0) * 100.0
    return out


def family_neutrality(scenario: NewCode, family: str | Sequence[str] = "breast",
                      volumes: Volumes | None = None, scale_new_code: bool = False,
                      locality: str | None = None, qualifying_apm: bool = False,
                      catalog: Catalog | None = None) -> FamilyResult:
    """Hold the family's work RVUs x volume: W = sum(work_i x volume_i) over members.

    Displaced members lose share x volume services; displaced codes outside the family free
    F = sum(share x volume_new x work) that nets out. With ``scale_new_code`` False (default)
    s = (W - work_new x volume_new + F) / sum(work_i x volume_after_i); with True every work RVU,
    the new code's included, is scaled by s = (W + F) / (sum(work_i x volume_after_i) +
    work_new x volume_new). UNCONFIRMED convention.
    """
    cat = catalog or load_catalog()
    vols = volumes or illustrative_volumes()
    name, codes = resolve_family(family, cat)
    on: dt.date = scenario.on  # type: ignore[assignment]
    priced, cf, _ = priced_codes(cat, on, scenario.setting, locality, qualifying_apm)
    absent = [c for c in codes if c not in set(priced["code"])]
    notes = [f"not in the release in force on {on}, left out: {', '.join(absent)}"] if absent else []
    members = priced[priced["code"].isin(codes)].reset_index(drop=True)
    if members.empty:
        raise InputError("family", f"no member of {name} is in the release in force on {on}")
    vol, vol_after = _volumes_after(scenario, members, vols)
    work_new, basis = _new_work_rvu(scenario, priced, members, vol)
    work = members["work_rvu"].to_numpy(float)
    pool_before, members_after = float((work * vol).sum()), float((work * vol_after).sum())
    new_work = work_new * scenario.volume
    freed = _outside_freed(scenario, priced, tuple(members["code"]))
    s = _scale(pool_before, members_after, new_work, freed, scale_new_code, name)
    out = _member_prices(members, vol, vol_after, s, cat.gpci(locality, on.year)[0], cf)
    new_after = work_new * s if scale_new_code else work_new
    pool_after = float((work * s * vol_after).sum()) + new_after * scenario.volume - freed
    return FamilyResult(
        scenario=scenario, family=name, codes=tuple(members["code"]), new_code_work_rvu=work_new,
        new_code_work_rvu_after=new_after, work_rvu_basis=basis, scale_new_code=scale_new_code,
        work_pool_before=pool_before, work_pool_unscaled=members_after + new_work - freed,
        displaced_outside_work=freed, work_scale_factor=s, work_pool_after=pool_after,
        conversion_factor=cf, volumes_source=vols.label(),
        volumes_illustrative=vols.illustrative, members=out, notes=tuple(notes),
    )
