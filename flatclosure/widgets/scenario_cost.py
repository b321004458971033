"""Notebook 03, speed and the patient's cost: the comparison cached by its inputs (issue 15),
and what the patient pays of each allowed total (issue 13 item 2, ``flatclosure.coverage``).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import ipywidgets as widgets
import pandas as pd

from ..catalog import Catalog
from ..coverage import medicare_patient_cost, plan_patient_cost
from ..coverage.tables import bound
from ..scenarios import Scenario
from .common import CONTROL_STYLE
from .scenario_compare import ScenarioInputs, comparison, comparison_checked

ORIGINAL_MEDICARE = "Original Medicare"
YOUR_PLAN = "your plan (the boxes above)"


class ComparisonCache:
    """``comparison`` remembered by its inputs (issue 15): a view refresh that changes only the
    year shown, the plan or nothing the engine reads costs a look-up, not a re-valuation.

    Keyed by the inputs the engine reads (scenario names, years, locality, overrides, baseline);
    the view clears it whenever a scenario leaves the list, so a name always means one scenario.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._tables: OrderedDict[ScenarioInputs, pd.DataFrame] = OrderedDict()
        self._derived: OrderedDict[tuple[int, Hashable], tuple[pd.DataFrame, Any]] = OrderedDict()

    def __call__(self, known: Mapping[str, Scenario], inputs: ScenarioInputs,
                 catalog: Catalog) -> pd.DataFrame:
        comparison_checked(known, inputs, catalog)
        key = replace(inputs, year=inputs.first_year)  # the year shown is not the engine's
        if key in self._tables:
            self._tables.move_to_end(key)
            return self._tables[key]
        table = comparison(known, inputs, catalog)
        self._tables[key] = table
        while len(self._tables) > self.size:
            self._tables.popitem(last=False)
        return table

    def derived(self, table: pd.DataFrame, key: Hashable, make: Callable[[], Any]) -> Any:
        """What is made from a cached comparison (a chart spec, a table's HTML), made once:
        a refresh that changes only the year shown does not redraw the trend from pandas."""
        k = (id(table), key)
        hit = self._derived.get(k)
        if hit is not None and hit[0] is table:
            self._derived.move_to_end(k)
            return hit[1]
        made = make()
        self._derived[k] = (table, made)
        while len(self._derived) > 4 * self.size:
            self._derived.popitem(last=False)
        return made

    def clear(self) -> None:
        self._tables.clear()
        self._derived.clear()


@dataclass(frozen=True)
class Plan:
    """The user's own plan (deductible still to pay, coinsurance share, out-of-pocket room),
    used for the patient's cost when a payer multiplier other than 1 is set (issue 13)."""

    deductible_remaining: float
    coinsurance_share: float
    out_of_pocket_remaining: float


def patient_cost(total: float, multiplier: float, on: Any, plan: Plan) -> tuple[float, str]:
    """What the patient pays of a claim's allowed total, and under which plan: Original Medicare
    (participating surgeon, deductible not yet met) when paid at Medicare's own rates, else the
    user's plan (``flatclosure.coverage``)."""
    if not math.isfinite(total):
        return float("nan"), ""
    if multiplier == 1.0:
        return medicare_patient_cost(total, on).patient_pays, ORIGINAL_MEDICARE
    return plan_patient_cost(total, plan.deductible_remaining, plan.coinsurance_share,
                             plan.out_of_pocket_remaining).patient_pays, YOUR_PLAN


def with_patient_cost(frame: pd.DataFrame, on: Any, plan: Plan) -> pd.DataFrame:
    """The year's rows with the patient's cost beside each allowed total."""
    out = frame.copy()
    costs = [patient_cost(float(t), float(m), on, plan)
             for t, m in zip(out["total"], out["payer_multiplier"], strict=True)]
    out["patient"] = [c for c, _ in costs]
    out["patient_plan"] = [w for _, w in costs]
    return out


def plan_controls() -> dict[str, widgets.BoundedFloatText]:
    """The user's plan: three number boxes bounded by data/coverage/cost_share_bounds.csv."""
    def box(name: str, text: str, step: float) -> widgets.BoundedFloatText:
        b = bound(name)
        return widgets.BoundedFloatText(value=b.default, min=b.minimum, max=b.maximum, step=step,
                                        description=text, style=CONTROL_STYLE,
                                        layout=widgets.Layout(width="320px"))

    return dict(deductible=box("deductible_remaining_usd", "Deductible left (US$)", 50),
                coinsurance=box("coinsurance_share", "Coinsurance (share)", 0.05),
                out_of_pocket=box("out_of_pocket_remaining_usd", "Out-of-pocket room (US$)", 100))
