"""The payment rules' parameters, each a dated value with its reference, looked up by date.

``data/rules/payment_parameters.csv`` holds one row per parameter and period (``name``,
``value``, ``unit``, ``effective_from``, ``source``): a value applies from its date until the
next row of the same name. ``parameters(on)`` returns the values in force on a date as one typed,
frozen object, like the conversion factors (``Catalog.conversion_factor(on)``), in the manner of
OpenFisca/PolicyEngine parameters. Adding a parameter is one row in the table plus one field here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

from . import datapkg
from .catalog import as_date
from .errors import DataError, NoDataForDateError

RESOURCE = "payment-parameters"
PATH = "data/rules/payment_parameters.csv"


@dataclass(frozen=True)
class Reference:
    """Where a value comes from, and from when it applies."""

    value: float
    unit: str
    effective_from: dt.date
    source: str
    note: str = ""


@dataclass(frozen=True)
class PaymentParameters:
    """The parameters in force on ``on``; ``references[name]`` says where each one comes from."""

    on: dt.date
    bilateral_payment_indicator_1: float
    bilateral_payment_indicator_3: float
    multiple_procedure_rank_1: float
    multiple_procedure_rank_2_to_5: float
    multiple_procedure_ranked_max: int
    co_surgeon_share: float
    assistant_physician_share: float
    assistant_nonphysician_share: float
    budget_neutrality_threshold_usd: float
    pfs_total_allowed_usd: float
    commercial_multiplier_average: float
    commercial_multiplier_low: float
    commercial_multiplier_high: float
    references: dict[str, Reference] = dataclasses.field(default_factory=dict, compare=False,
                                                          repr=False)

    def medicare_ladder(self) -> tuple[float, ...]:
        """Multiple-procedure shares by rank: 100% for the first, 50% for the 2nd-5th."""
        rest = (self.multiple_procedure_rank_2_to_5,) * (self.multiple_procedure_ranked_max - 1)
        return (self.multiple_procedure_rank_1, *rest)


_VALUE_FIELDS = tuple(f.name for f in dataclasses.fields(PaymentParameters)
                      if f.name not in ("on", "references"))
_INTEGER_FIELDS = {f.name for f in dataclasses.fields(PaymentParameters) if f.type == "int"}


@cache
def _table() -> pd.DataFrame:
    table = datapkg.load(RESOURCE)
    unknown = sorted(set(table["name"]) - set(_VALUE_FIELDS))
    if unknown:
        row = int(table.index[table["name"] == unknown[0]][0]) + 2
        raise DataError(PATH, f"{unknown[0]!r} is not a parameter the engine knows "
                              f"(add a field to flatclosure.parameters.PaymentParameters)",
                        row=row, field="name")
    for name in _INTEGER_FIELDS:
        values = table.loc[table["name"] == name, "value"]
        bad = values[values != values.round()]
        if not bad.empty:
            raise DataError(PATH, f"{name} must be a whole number", row=int(bad.index[0]) + 2,
                            field="value")
    return table.sort_values(["name", "effective_from"], kind="stable")


@cache
def _parameters_on(day: dt.date) -> PaymentParameters:
    table = _table()
    in_force = table[table["effective_from"].map(lambda d: d <= day)]
    latest = in_force.groupby("name", sort=False).tail(1).set_index("name")
    missing = [n for n in _VALUE_FIELDS if n not in latest.index]
    if missing:
        first = table[table["name"] == missing[0]]["effective_from"]
        since = f"its first value applies from {min(first)}" if len(first) else "it has no row"
        raise NoDataForDateError(f"no value of {missing[0]} on {day}: {since} ({PATH})")
    references = {
        name: Reference(value=float(r["value"]), unit=str(r["unit"]),
                        effective_from=r["effective_from"], source=str(r["source"]),
                        note="" if pd.isna(r["note"]) else str(r["note"]))
        for name, r in latest.iterrows()
    }
    values: dict[str, Any] = {
        n: int(references[n].value) if n in _INTEGER_FIELDS else references[n].value
        for n in _VALUE_FIELDS}
    return PaymentParameters(on=day, references=references, **values)


def parameters(on: dt.date | str) -> PaymentParameters:
    """The payment parameters in force on ``on`` (each the latest row dated on or before it)."""
    return _parameters_on(as_date(on))


@cache
def _reference_on(name: str, day: dt.date) -> Reference:
    table = _table()
    rows = table[(table["name"] == name) & table["effective_from"].map(lambda d: d <= day)]
    if rows.empty:
        first = table[table["name"] == name]["effective_from"]
        since = f"its first value applies from {min(first)}" if len(first) else "it has no row"
        raise NoDataForDateError(f"no value of {name} on {day}: {since} ({PATH})")
    r = rows.iloc[-1]
    return Reference(value=float(r["value"]), unit=str(r["unit"]), effective_from=r["effective_from"],
                     source=str(r["source"]), note="" if pd.isna(r["note"]) else str(r["note"]))


def reference(name: str, on: dt.date | str) -> Reference:
    """One parameter in force on ``on``, for a caller that needs only some of them (a claim of
    2019 needs the claim rules' shares, not the PFS total first known for 2020)."""
    if name not in _VALUE_FIELDS:
        raise KeyError(f"{name!r} is not a payment parameter (flatclosure.parameters.PaymentParameters)")
    return _reference_on(name, as_date(on))
