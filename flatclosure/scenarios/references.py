"""Payer multipliers a scenario is compared with: Medicare itself and HCCI's commercial prices
relative to Medicare, from the payment parameters in force on a date (``parameters(on)``)."""

from __future__ import annotations

import datetime as dt

from ..catalog import as_date
from ..parameters import parameters


def reference_multipliers(on: dt.date | str | None = None) -> dict[str, float]:
    """Payer multipliers by label, in force on ``on`` (today when not given)
    (data/rules/payment_parameters.csv: commercial_multiplier_low, _average, _high)."""
    p = parameters(as_date(on) if on is not None else dt.date.today())
    return {"Medicare": 1.0,
            "HCCI lowest state": p.commercial_multiplier_low,
            "HCCI national average": p.commercial_multiplier_average,
            "HCCI highest state": p.commercial_multiplier_high}
