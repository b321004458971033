"""Small validators of scenario fields: each names the file and the field of what is wrong."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .. import limits
from ..errors import clip, shown
from .model import ScenarioError


def number(where: str, name: str, value: Any, low: float = 0.0, high: float = math.inf,
            strict_low: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ScenarioError(where, name, f"must be a finite number, not {shown(value)}")
    if value < low or (strict_low and value == low) or value > high:
        bound = f"more than {low:g}" if strict_low else f"at least {low:g}"
        raise ScenarioError(where, name, f"{shown(value)} must be {bound}"
                            + (f" and at most {high:g}" if high != math.inf else ""))
    return float(value)


def text_field(where: str, name: str, value: Any, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ScenarioError(where, name, "must be a non-empty text" if required else "must be text")
    most = limits.maximum("scenario_text_chars")
    if len(value) > most:
        raise ScenarioError(where, name, f"{len(value)} characters: the limit is "
                            f"{limits.limit('scenario_text_chars').describe()}")
    return value.strip()


def mapping(where: str, name: str, value: Any, allowed: Sequence[str] | None = None) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ScenarioError(where, name, f"must be a mapping of names to values, not {type(value).__name__}")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise ScenarioError(where, f"{name}.{clip(key, 30)}",
                                    f"unknown field (known: {', '.join(allowed)})")
    return {str(k): v for k, v in value.items()}




def boolean(where: str, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(where, name, f"must be true or false, not {value!r}")
    return value




def code_key(value: Any) -> str:
    """A code as YAML may read it: an unquoted 19499 is a number; take it back as 5 digits."""
    return str(value).zfill(5) if isinstance(value, int) and not isinstance(value, bool) else str(value)
