"""The one set of formatters: money, signed change, percent, RVU, count, text.

Every view, the CLI, the card and the report format numbers through these, so a reader sees the
same amount written the same way everywhere. A missing value (None or NaN) is a dash ("–") for
numbers and nothing for text.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Formatter = Callable[[Any], str]
DASH = "–"
MINUS = "−"  # U+2212: a minus sign that lines up with the plus in tables


def missing(value: Any) -> bool:
    """No value to show: None or NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_money(value: Any) -> str:
    """US dollars with cents: $1,234.56."""
    return DASH if missing(value) else f"${float(value):,.2f}"


def fmt_change(value: Any) -> str:
    """A signed amount of money: +$1.50, −$22.26."""
    if missing(value):
        return DASH
    v = float(value)
    return f"{MINUS if v < 0 else '+'}${abs(v):,.2f}"


def fmt_rvu(value: Any) -> str:
    """Relative value units with two decimals."""
    return DASH if missing(value) else f"{float(value):.2f}"


def fmt_pct(value: Any, decimals: int = 2) -> str:
    """A signed percentage (a change): +1.25%, −0.03%."""
    if missing(value):
        return DASH
    v = float(value)
    return f"{MINUS if v < 0 else '+'}{abs(v):.{decimals}f}%"


def fmt_count(value: Any) -> str:
    """A whole count with thousands separators (services a year)."""
    return DASH if missing(value) else f"{float(value):,.0f}"


def fmt_text(value: Any) -> str:
    """Text as it is; nothing for a missing value."""
    return "" if missing(value) else str(value)


def fmt_prose(value: Any) -> str:
    """Text shown in a wide column (descriptions, rules)."""
    return fmt_text(value)


NUMERIC_FORMATS: tuple[Formatter, ...] = (fmt_money, fmt_rvu, fmt_pct, fmt_count, fmt_change)
