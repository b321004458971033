"""Bounds of every user input, kept as data in ``data/rules/input_limits.csv``.

Each row names an input (claim units, amounts, years, file size, nesting...), its minimum and
maximum, its unit and the reason for the bound. ``check`` refuses a value outside them with a
``LimitError`` naming the field and the limit; the value is shown cut short (``errors.shown``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from . import datapkg
from .errors import DataError, LimitError, shown

SOURCE = "data/rules/input_limits.csv"


@dataclass(frozen=True)
class Limit:
    """The bounds of one input, with the unit they are in."""

    name: str
    minimum: float
    maximum: float
    unit: str

    def describe(self) -> str:
        return f"{self.minimum:g} to {self.maximum:g} {self.unit} ({SOURCE}: {self.name})"


@cache
def limits() -> dict[str, Limit]:
    """Every bound by name; a row whose minimum is above its maximum is refused."""
    table = datapkg.load("input-limits")
    out = {}
    for i, r in enumerate(table.itertuples(), start=2):
        if r.minimum > r.maximum:
            raise DataError(SOURCE, f"minimum {r.minimum:g} is above maximum {r.maximum:g}",
                            row=i, field="minimum")
        out[r.name] = Limit(r.name, float(r.minimum), float(r.maximum), r.unit)
    return out


def limit(name: str) -> Limit:
    try:
        return limits()[name]
    except KeyError:
        raise DataError(SOURCE, f"no bound named {name!r}", field="name") from None


def maximum(name: str) -> int:
    """The upper bound as a whole number (sizes, counts)."""
    return int(limit(name).maximum)


def check(name: str, field: str, value: float) -> float:
    """``value`` if it is a finite number within the bound ``name``; else LimitError on ``field``."""
    lim = limit(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LimitError(field, f"{shown(value)} is not a number")
    if not math.isfinite(value):
        raise LimitError(field, f"{shown(value)} is not a finite number")
    if not lim.minimum <= value <= lim.maximum:
        raise LimitError(field, f"{shown(value)} is outside the limit: {lim.describe()}")
    return value


def check_count(name: str, field: str, count: int) -> int:
    """A count of things (lines, scenarios, years) within bound ``name``."""
    lim = limit(name)
    if not lim.minimum <= count <= lim.maximum:
        raise LimitError(field, f"{count} {lim.unit}: the limit is {lim.describe()}")
    return count
