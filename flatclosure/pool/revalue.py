"""Revaluing existing codes through the statutory lens (shared domain notes section 6).

Added spending = sum over revalued codes of (new work RVU - work RVU today) x ALL services of
that code x CF: 14301 and 13101 are billed mostly for other wounds, so the cost can far exceed
a new code used only for flat closure. The flat-closure share splits who gains.

On a path (``ClaimGain``), the flat closures' part is what their claim gains against today's
claim (a second procedure at its reduced rate, both sides), and only the other services of each
code count at the full per-service value; so each revalued line counts at the rate its claim
pays it (issue 10 review).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..catalog import Catalog, load_catalog
from ..errors import InputError, UnknownCodeError
from ..fees import round_cents
from ..volumes import Volumes, illustrative_volumes
from .inputs import Revaluation
from .params import STATUTORY_LABEL, YearAdjustment, pool_parameters
from .statutory import (
    budget_neutrality_factor,
    json_value,
    money,
    price_table,
    priced_codes,
    resolve_total,
    year_context,
    year_dict,
)

KEEP = 32  # revaluations remembered per catalog (a slider's recent positions)


@dataclass(frozen=True)
class ClaimGain:
    """The flat closures on one path's claim: how many a year, what each claim gains against
    today's claim at today's CF (cents), and how many lines of each code one claim bills."""

    closures: float
    each: float
    lines: tuple[tuple[str, int], ...]

    def lines_of(self, code: str) -> int:
        return dict(self.lines).get(code, 0)


@dataclass(frozen=True)
class RevaluationResult:
    """Statutory budget neutrality of a revaluation: per code, who gains, CF, every price."""

    revaluation: Revaluation
    release_id: str
    rows: pd.DataFrame  # code, work_rvu_before/after, volume, volume_source, flat_closure_share...
    added_spending: float  # dollars a year, rounded to cents
    to_flat_closures: float  # the part of it paid for flat closures
    to_other_services: float  # the part paid for every other service of those codes
    threshold: float
    total_allowed: float
    total_allowed_source: str
    budget_neutrality_factor: float
    conversion_factor_before: float
    conversion_factor_after: float
    volumes_illustrative: bool
    year: YearAdjustment | None
    codes: pd.DataFrame  # every catalog code, revalued ones at their new RVUs
    claim: ClaimGain | None = None  # the flat closures' claim, when priced on a path
    label: str = STATUTORY_LABEL

    @property
    def change_pct(self) -> float:
        return (self.budget_neutrality_factor - 1.0) * 100.0

    def to_dict(self) -> dict[str, object]:
        rows = [{k: json_value(v) for k, v in r.items()} for r in self.rows.to_dict("records")]
        return {
            "lens": self.label, "revaluation": self.revaluation.to_dict(),
            "release_id": self.release_id, "revalued": rows,
            "added_spending": self.added_spending, "to_flat_closures": self.to_flat_closures,
            "to_other_services": self.to_other_services, "total_allowed": self.total_allowed,
            "budget_neutrality_factor": self.budget_neutrality_factor,
            "change_pct": self.change_pct,
            "conversion_factor_before": self.conversion_factor_before,
            "conversion_factor_after": self.conversion_factor_after,
            "volumes_illustrative": self.volumes_illustrative,
            "year_context": year_dict(self.year),
            "codes": [{k: json_value(v) for k, v in r.items()} for r in self.codes[
                ["code", "family", "status", "total_rvu", "price_before", "price_after", "change",
                 "change_pct"]].to_dict("records")],
        }


def _rows(reval: Revaluation, priced: pd.DataFrame, vols: Volumes, cat: Catalog,
          default_share: float) -> pd.DataFrame:
    by_code = priced.set_index("code")
    given_vol, given_share = reval.volume_map, reval.share_map
    rows = []
    for code, work_after in reval.work_rvu_map.items():
        cat.info(code)
        if code not in by_code.index:
            raise UnknownCodeError(f"code {code} is not in the release in force on {reval.on}")
        r = by_code.loc[code]
        if r["status"] != "A":
            raise InputError("revalue", f"{code} has status {r['status']}: it is not paid by "
                             "RVUs, so a new work RVU changes nothing")
        vol = given_vol.get(code, vols.get(code))
        rows.append({
            "code": code, "work_rvu_before": float(r["work_rvu"]), "work_rvu_after": work_after,
            "volume": vol, "volume_source": "given" if code in given_vol else vols.label(),
            "flat_closure_share": given_share.get(code, default_share),
        })
    out = pd.DataFrame(rows)
    out["work_change"] = out["work_rvu_after"] - out["work_rvu_before"]
    return out


def revalue(reval: Revaluation, volumes: Volumes | None = None, total_allowed: float | None = None,
            qualifying_apm: bool = False, catalog: Catalog | None = None,
            default_share: float = 0.0, claim: ClaimGain | None = None) -> RevaluationResult:
    """Statutory budget neutrality of new work RVUs for existing codes (national GPCIs).

    ``default_share`` is the flat-closure share of a code whose share is not given; ``claim``
    prices the flat closures on their claim instead (the shares then follow from it).

    The last ``KEEP`` results are kept in ``catalog.memo`` by plain values: the inputs and what
    it reads of the volumes (the revalued codes' counts, their label): notebook 04 revalued the
    same code again whenever only the new code's RVU moved (issue 15). The result's frames are
    shared: read them, never change them.
    """
    cat = catalog or load_catalog()
    vols = volumes or illustrative_volumes()
    read = (tuple((c, vols.get(c)) for c in reval.codes), vols.label(), bool(vols.illustrative))
    key = (reval, total_allowed, qualifying_apm, default_share, claim, read)
    kept = cat.memo.setdefault(("pool.revalue",), OrderedDict())
    assert isinstance(kept, OrderedDict)
    if key in kept:
        kept.move_to_end(key)
    else:
        kept[key] = _revalue(reval, vols, total_allowed, qualifying_apm, cat, default_share, claim)
        while len(kept) > KEEP:
            kept.popitem(last=False)
    found = kept[key]
    assert isinstance(found, RevaluationResult)
    return found


def _revalue(reval: Revaluation, vols: Volumes, total_allowed: float | None,
             qualifying_apm: bool, cat: Catalog, default_share: float,
             claim: ClaimGain | None) -> RevaluationResult:
    on: dt.date = reval.on  # type: ignore[assignment]
    total, source = resolve_total(total_allowed, on)
    priced, cf, release_id = priced_codes(cat, on, reval.setting, None, qualifying_apm)
    rows = _rows(reval, priced, vols, cat, default_share)
    added, to_fc = _spending(rows, cf, claim)
    factor = float(budget_neutrality_factor(added, total))
    changed = priced.copy()
    delta = changed["code"].map(dict(zip(rows["code"], rows["work_change"], strict=True)))
    delta = delta.fillna(0.0).to_numpy(float)
    changed["work_rvu"] = changed["work_rvu"] + delta
    changed["total_rvu"] = changed["total_rvu"] + delta
    gw = cat.gpci(None, on.year)[0]
    changed["amount"] = changed["amount"] + np.where(changed["amount"].notna(), delta * gw * cf,
                                                     np.nan)
    codes = price_table(changed, factor)
    codes["price_before"] = price_table(priced, 1.0)["price_before"]
    codes["change"] = money(codes["price_after"] - codes["price_before"])
    codes["change_pct"] = (codes["price_after"] / codes["price_before"] - 1.0) * 100.0
    return RevaluationResult(
        revaluation=reval, release_id=release_id, rows=rows,
        added_spending=float(round_cents(added)), to_flat_closures=to_fc,
        to_other_services=float(round_cents(float(round_cents(added)) - to_fc)),
        threshold=pool_parameters(on).threshold_usd, total_allowed=total,
        total_allowed_source=source, budget_neutrality_factor=factor,
        conversion_factor_before=cf, conversion_factor_after=cf * factor,
        volumes_illustrative=bool(vols.illustrative) and any(rows["volume_source"] != "given"),
        year=year_context(cat, on, qualifying_apm), codes=codes, claim=claim,
    )


def _spending(rows: pd.DataFrame, cf: float, claim: ClaimGain | None) -> tuple[float, float]:
    """Added spending and its flat-closure part, dollars a year (the flat-closure part in cents).

    Without a claim every service counts at its full value, the share saying which are flat
    closures; with one, the flat closures count as their claim gains and the code's other
    services (all services less the lines the flat closures bill, at least 0) at full value.
    """
    per_service = rows["work_change"] * cf
    if claim is None:
        rows["to_other_services"] = per_service * rows["volume"] * (1.0 - rows["flat_closure_share"])
        to_fc = float(round_cents((per_service * rows["volume"] * rows["flat_closure_share"]).sum()))
    else:  # codes the claim does not bill keep their share, counted at full value
        on_claim = rows["code"].map(claim.lines_of).astype(float)
        fc_lines = np.where(on_claim > 0, on_claim * claim.closures,
                            rows["flat_closure_share"] * rows["volume"])
        vol = rows["volume"].where(rows["volume"] > 0, np.inf)
        rows["flat_closure_share"] = np.minimum(1.0, fc_lines / vol)
        rows["other_services"] = np.maximum(0.0, rows["volume"] - fc_lines)
        rows["to_other_services"] = round_cents(per_service * rows["other_services"])
        off_claim = float((per_service * fc_lines)[on_claim == 0].sum())
        to_fc = float(round_cents(claim.closures * claim.each + off_claim))
    return to_fc + float(rows["to_other_services"].sum()), to_fc
