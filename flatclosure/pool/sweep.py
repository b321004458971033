"""The statutory adjustment over a grid of new-code RVUs x yearly volumes (the heatmap)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..catalog import Catalog, load_catalog
from ..errors import InputError
from .inputs import NewCode
from .statutory import (
    CF_STEP_USD,
    budget_neutrality_factor,
    displaced_rvu,
    priced_codes,
    resolve_total,
    services_to_move_cf,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PoolSweep:
    """The statutory adjustment over a grid: axis 0 = new code total RVU, axis 1 = yearly volume."""

    rvus: FloatArray
    volumes: FloatArray
    displaced_rvu: float
    conversion_factor: float
    total_allowed: float
    added_spending: FloatArray  # dollars a year, unrounded
    budget_neutrality_factor: FloatArray
    conversion_factor_after: FloatArray
    services_per_cent: FloatArray  # per RVU value: services before the CF moves one cent

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
    on: dt.date = scenario.on  # type: ignore[assignment]
    total, _ = resolve_total(total_allowed, on)
    r, v = _axis("rvus", rvus), _axis("volumes", volumes)
    priced, cf, _ = priced_codes(cat, on, scenario.setting, None, qualifying_apm)
    displaced, _ = displaced_rvu(scenario, priced, cat)
    net = r - displaced
    added = np.multiply.outer(net * cf, v)
    factor = np.asarray(budget_neutrality_factor(added, total), dtype=float)
    return PoolSweep(
        rvus=r, volumes=v, displaced_rvu=displaced, conversion_factor=cf, total_allowed=total,
        added_spending=added, budget_neutrality_factor=factor,
        conversion_factor_after=cf * factor,
        services_per_cent=np.asarray(services_to_move_cf(net, cf, total, by_usd=CF_STEP_USD),
                                     dtype=float),
    )
