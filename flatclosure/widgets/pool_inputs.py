"""Notebook 04's inputs and outcome as plain values: ``PoolInputs`` -> ``pool_outcome``.

The starting values come from the preset ``data/scenarios/10_new_afc_code.yaml`` (its numbers are
marked illustrative), including the paths' flat-closure claim and the code to revalue.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TypeVar

import numpy as np
import pandas as pd

from .. import scenarios
from ..catalog import Catalog, load_catalog
from ..errors import FlatclosureError, InputError
from ..pool import (
    FamilyResult,
    NewCode,
    PoolSweep,
    Revaluation,
    StatutoryResult,
    family_neutrality,
    statutory,
    sweep,
)
from ..pool.paths import PathsResult
from ..tables import FAMILY_LABELS, GAP_GROUPS
from ..volumes import Volumes, illustrative_volumes

PRESET = scenarios.POOL_PRESET  # the hypothetical new code and paths the view starts from
DISPLACED_CODES = ("14301", "13101", "19499", "15839")  # codes a user can set a share for
REVALUE_CODES = ("14301", "13101", "15771")  # codes the paths section can revalue
# Families whose prices the table and chart show: mastectomy first, then the flat-closure codes.
SHOWN_FAMILIES = ("mastectomy", *GAP_GROUPS["Flat closure"], "fallback")
RVU_GRID = np.linspace(0.0, 80.0, 81)  # the heatmap's x axis and the RVU slider's range
VOLUME_GRID = np.geomspace(100.0, 1_000_000.0, 81)  # y axis, log; the volume slider's range
NO_FAMILY_CODES = "list at least one catalog code, e.g. 19303 19307 14301"
T = TypeVar("T")


@dataclass(frozen=True)
class PoolInputs:
    """What the view asks: the new code (total RVU, yearly volume, displaced shares), the year and
    setting, total PFS allowed charges (None: the data package's default), the family, and the
    code to revalue (its new work RVU, all its services a year and the flat-closure share; None:
    the illustrative volume and the share implied by the new code's volume)."""

    rvu: float
    volume: float
    shares: tuple[tuple[str, float], ...]
    year: int
    setting: str = "facility"
    total_allowed: float | None = None
    family: str | tuple[str, ...] = "breast"
    work_share: float | None = None  # the new code's work RVU as a share of its total (preset's)
    revalue_code: str = "14301"
    revalue_work_rvu: float | None = None  # None: the code's work RVU today (no change)
    revalue_volume: float | None = None
    flat_closure_share: float | None = None

    def scenario(self, catalog: Catalog | None = None) -> NewCode:
        cat = catalog or load_catalog()
        work = None if self.work_share is None else self.rvu * self.work_share
        return NewCode(volume=self.volume, on=cat.date_for_year(self.year), total_rvu=self.rvu,
                       work_rvu=work, displaces={c: s for c, s in self.shares if s > 0},
                       setting=self.setting)

    def revaluation(self, catalog: Catalog | None = None) -> Revaluation:
        cat = catalog or load_catalog()
        on = cat.date_for_year(self.year)
        work = (cat.values(self.revalue_code, on).work_rvu if self.revalue_work_rvu is None
                else self.revalue_work_rvu)
        c = self.revalue_code
        return Revaluation(
            on=on, work_rvus={c: work}, setting=self.setting,
            volumes={} if self.revalue_volume is None else {c: self.revalue_volume},
            flat_closure_share={} if self.flat_closure_share is None else
            {c: self.flat_closure_share})


@cache
def preset() -> scenarios.Scenario:
    """The preset 'Flat closure alone under a hypothetical new code' (illustrative values)."""
    return scenarios.load(scenarios.presets_dir() / PRESET)


def default_inputs() -> PoolInputs:
    """The preset's new code and first revalued code: RVUs, volume, shares, year and setting."""
    s = preset()
    nc = s.new_code
    if nc is None or s.paths is None or not s.paths.revalue:  # a broken preset is a data error
        raise InputError("preset", f"{PRESET} needs new_code and paths.revalue")
    shares = dict(nc.displaces)
    code, work, vol, fc_share = s.paths.revalue[0]
    return PoolInputs(
        rvu=round(nc.total_rvu, 2), volume=nc.volume,
        shares=tuple((c, float(shares.get(c, 0.0))) for c in DISPLACED_CODES),
        year=int(s.valuation.year or load_catalog().default_year()), setting=s.valuation.setting,
        total_allowed=nc.total_allowed, work_share=nc.work_rvu / nc.total_rvu,
        revalue_code=code, revalue_work_rvu=work, revalue_volume=vol, flat_closure_share=fc_share)


@dataclass(frozen=True)
class PoolOutcome:
    """The three paths, both lenses for the new code, and the sweep behind the heatmap.

    The family lens and the price table are computed when first read: they are shown only in
    folded sections, so a change writes the paths before it computes them (issue 15)."""

    inputs: PoolInputs
    paths: PathsResult
    statutory: StatutoryResult
    sweep: PoolSweep
    volumes: Volumes = field(repr=False, compare=False)
    catalog: Catalog = field(repr=False, compare=False)

    @cached_property
    def _lens(self) -> tuple[FamilyResult | None, str]:
        """The family lens, or why it cannot be shown (a new code bigger than the family)."""
        if not self.inputs.family:
            return None, f"family codes: {NO_FAMILY_CODES}"
        try:
            return family_neutrality(self.inputs.scenario(self.catalog), self.inputs.family,
                                     self.volumes, catalog=self.catalog), ""
        except FlatclosureError as exc:
            return None, str(exc)

    @property
    def family(self) -> FamilyResult | None:
        return self._lens[0]

    @property
    def family_error(self) -> str:
        """Why the family lens cannot be shown ('' when it can)."""
        return self._lens[1]

    @cached_property
    def prices(self) -> pd.DataFrame:
        """Mastectomy and the flat-closure codes, both lenses (``price_frame``)."""
        return price_frame(self.statutory, self.family, self.catalog)


def pool_sweep(inputs: PoolInputs, catalog: Catalog | None = None) -> PoolSweep:
    """The statutory adjustment over ``RVU_GRID`` x ``VOLUME_GRID`` for the inputs' date,
    setting, shares and total (the RVU and volume of the inputs play no part)."""
    return sweep(inputs.scenario(catalog), RVU_GRID, VOLUME_GRID, inputs.total_allowed,
                 catalog=catalog)


def pool_outcome(inputs: PoolInputs, volumes: Volumes | None = None,
                 catalog: Catalog | None = None, grid: PoolSweep | None = None) -> PoolOutcome:
    """Compute the paths and the statutory lens (the family lens when read). A statutory error
    raises; a family-lens error (e.g. a new code bigger than the family) is kept in
    ``family_error`` so the rest still shows."""
    cat = catalog or load_catalog()
    vols = volumes or illustrative_volumes()
    sc = inputs.scenario(cat)
    paths = scenarios.evaluate_paths(preset(), new_code=sc, revaluation=inputs.revaluation(cat),
                                     volumes=vols, total_allowed=inputs.total_allowed, catalog=cat)
    stat = paths.new_code if paths.new_code is not None else statutory(sc, inputs.total_allowed,
                                                                       catalog=cat)
    return PoolOutcome(inputs, paths, stat, grid if grid is not None else pool_sweep(inputs, cat),
                       vols, cat)


def price_frame(stat: StatutoryResult, fam: FamilyResult | None,
                catalog: Catalog | None = None) -> pd.DataFrame:
    """Mastectomy, then the flat-closure codes paid by RVUs: price today and after each lens
    (``family_after`` NaN for codes outside the family or when the family lens failed)."""
    cat = catalog or load_catalog()
    codes = stat.codes
    keep = codes["family"].isin(SHOWN_FAMILIES) & codes["price_before"].notna()
    out = codes.loc[keep, ["code", "family", "role", "description", "price_before",
                           "price_after", "change", "change_pct"]].reset_index(drop=True)
    out["group"] = [FAMILY_LABELS[f] for f in out["family"]]
    out["label"] = [f"{c} ({_short(f)})" for c, f in zip(out["code"], out["family"], strict=True)]
    out["description"] = [cat.info(c).description for c in out["code"]]
    fam_cols = ["price_after", "change", "change_pct"]
    if fam is not None:
        m = fam.members.set_index("code")[fam_cols]
        m.columns = ["family_after", "family_change", "family_change_pct"]
        out = out.join(m, on="code")
    else:
        for c in ("family_after", "family_change", "family_change_pct"):
            out[c] = np.nan
    return out


def _short(family: str) -> str:
    return {"tissue_rearrangement": "tissue rearr.", "complex_repair": "complex repair",
            "fat_grafting": "fat grafting", "fallback": "fallback"}.get(family, family)


def family_options() -> list[tuple[str, str]]:
    return ([("Breast surgery (mastectomy + reconstruction)", "breast")]
            + [(label, fam) for fam, label in FAMILY_LABELS.items()]
            + [("Codes I list below", "custom")])


class OutcomeCache:
    """``pool_outcome`` remembered by its inputs (issue 15): a control set back to a value seen
    before (a setting toggled back, a slider returned) costs a look-up. The heatmap's sweep is
    kept by what it reads (year, setting, shares, total), so moving only the new code's RVU or
    volume reuses it. Keyed by plain values for one set of volumes: ``clear`` when they change.
    """

    def __init__(self, catalog: Catalog, size: int = 16) -> None:
        self.catalog, self.size = catalog, size
        self._outcomes: OrderedDict[PoolInputs, PoolOutcome] = OrderedDict()
        self._sweeps: OrderedDict[tuple[object, ...], PoolSweep] = OrderedDict()
        self._made: dict[tuple[int, str], tuple[PoolOutcome, object]] = {}

    def __call__(self, inputs: PoolInputs, volumes: Volumes) -> PoolOutcome:
        if inputs in self._outcomes:
            self._outcomes.move_to_end(inputs)
            return self._outcomes[inputs]
        out = pool_outcome(inputs, volumes, self.catalog, self.sweep(inputs))
        self._outcomes[inputs] = out
        while len(self._outcomes) > self.size:
            self._outcomes.popitem(last=False)
        return out

    def sweep(self, inputs: PoolInputs) -> PoolSweep:
        key = (inputs.year, inputs.setting, inputs.shares, inputs.total_allowed)
        if key not in self._sweeps:
            self._sweeps[key] = pool_sweep(inputs, self.catalog)
            while len(self._sweeps) > 4:
                self._sweeps.popitem(last=False)
        return self._sweeps[key]

    def derived(self, out: PoolOutcome, what: str, make: Callable[[], T]) -> T:
        """What is made from an outcome (its panels' HTML, a chart's spec), made once while the
        outcome is remembered."""
        hit = self._made.get((id(out), what))
        if hit is not None and hit[0] is out:
            return hit[1]  # type: ignore[return-value]
        made = make()
        kept = {id(o) for o in self._outcomes.values()}  # by identity: outcomes hold frames
        self._made = {k: v for k, v in self._made.items() if id(v[0]) in kept}
        self._made[(id(out), what)] = (out, made)
        return made

    def keep(self, out: PoolOutcome) -> None:
        """Remember an outcome computed elsewhere (the view's first)."""
        self._outcomes[out.inputs] = out
        key = (out.inputs.year, out.inputs.setting, out.inputs.shares, out.inputs.total_allowed)
        self._sweeps[key] = out.sweep

    def clear(self) -> None:
        self._outcomes.clear()
        self._sweeps.clear()
        self._made.clear()
