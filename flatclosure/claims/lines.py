"""The values of a claim: its lines (``ClaimLine``), where and when it is valued
(``PricingContext``), and the priced result (``PricedLine``, ``ClaimResult``) with every rule
that changed a line (``RuleNote``). The rules themselves are in ``claims/steps.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from .. import limits
from ..catalog import as_date
from ..errors import InputError, LimitError, shown
from ..fees import check_setting, round_cents
from ..parameters import reference

DISTINCT = {"59", "XS", "XU", "XE", "XP"}
KNOWN_MODIFIERS = {"50", "RT", "LT", "51", "22", "58", "78", "79", "62", "80", "82", "AS"} | DISTINCT
_LINE = re.compile(r"^(?P<code>[0-9A-Z]{5})(?P<mods>(-[0-9A-Z]{2})*)(x(?P<units>\d+))?$", re.I)


@dataclass(frozen=True)
class ClaimLine:
    """One claim line: a code, its modifiers, units, and optionally a charge or a user price."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    charge: float | None = None
    user_price: float | None = None  # for carrier-priced codes (status C), e.g. 19499
    comparator: str | None = None  # or price a status-C code like this comparator code

    def __post_init__(self) -> None:
        mods = tuple(m.strip().upper() for m in self.modifiers)
        object.__setattr__(self, "modifiers", mods)
        object.__setattr__(self, "code", str(self.code).strip().upper())
        for m in mods:
            if m not in KNOWN_MODIFIERS:
                raise InputError(f"line {self}", f"unknown modifier {m!r} (known: "
                                 f"{', '.join(sorted(KNOWN_MODIFIERS))})")
        if len(set(mods)) != len(mods):
            raise InputError(f"line {self}", "a modifier is repeated")
        if isinstance(self.units, bool) or not isinstance(self.units, int) or self.units < 1:
            raise InputError(f"line {self}",
                             f"units must be a whole number of at least 1, not {shown(self.units)}")
        _bounded("units", f"line {self}: units", self.units)
        if len(set(mods) & DISTINCT) > 1:
            raise InputError(f"line {self}", f"{' and '.join(sorted(set(mods) & DISTINCT))} on one line: "
                             "59 and an X{EPSU} modifier are not reported together on one line (CMS MLN "
                             "Matters MM8863, 2014): keep the most specific one")
        if "RT" in mods and "LT" in mods:
            raise InputError(f"line {self}", "RT and LT on one line: use modifier 50 or two lines")
        if "50" in mods and ("RT" in mods or "LT" in mods):
            raise InputError(f"line {self}", "modifier 50 already means both sides: drop RT/LT")
        for name in ("charge", "user_price"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or v < 0
                                  or v != v):
                raise InputError(f"line {self}", f"{name} must be a non-negative amount, not {shown(v)}")
            if v is not None:
                _bounded("amount_usd", f"line {self}: {name}", v)
        if self.user_price is not None and self.comparator:
            raise InputError(f"line {self}", "a user price and a comparator: give one or the other "
                             "(the user price would silently win)")

    @classmethod
    def parse(cls, text: str) -> ClaimLine:
        """'CODE[-MOD...][xUNITS]', e.g. '19303-50', '14301-LT-59', '14302x2'."""
        m = _LINE.match(text.strip()) if isinstance(text, str) and len(text) <= 80 else None
        if not m:
            raise InputError("line", f"{shown(text)} is not CODE[-MOD...][xUNITS] (e.g. 14301-LT-59 "
                             "or 14302x2)")
        mods = tuple(x for x in m.group("mods").split("-") if x)
        return cls(m.group("code"), mods, int(m.group("units") or 1))

    def __str__(self) -> str:
        s = "-".join((self.code, *self.modifiers))
        return s + (f"x{self.units}" if self.units != 1 else "")


def _bounded(name: str, field: str, value: float) -> None:
    """``limits.check`` naming the line, without printing the line twice."""
    try:
        limits.check(name, field, value)
    except LimitError as exc:
        raise LimitError(field, exc.problem) from None


@dataclass(frozen=True)
class PricingContext:
    """Where and when a claim is valued, and by which payer's rules."""

    on: dt.date
    setting: str = "facility"
    locality: str | None = None
    payer_multiplier: float = 1.0
    qualifying_apm: bool = False
    modifier_22_percent: float = 0.0  # by report: what the payer grants for substantially more work
    ladder: tuple[float, ...] | None = None  # None: Medicare's, from data/rules
    budget_neutrality_factor: float = 1.0  # a pool scenario's adjustment of the CF (pool.py)

    if TYPE_CHECKING:
        # ``on`` is converted by ``as_date`` (attrs-style converter): the generated __init__ takes
        # a date or an ISO text; this signature says so to the type checker only.
        def __init__(self, on: dt.date | str, setting: str = "facility", locality: str | None = None,
                     payer_multiplier: float = 1.0, qualifying_apm: bool = False,
                     modifier_22_percent: float = 0.0, ladder: tuple[float, ...] | None = None,
                     budget_neutrality_factor: float = 1.0) -> None: ...

    def __post_init__(self) -> None:
        object.__setattr__(self, "on", as_date(self.on))
        object.__setattr__(self, "setting", check_setting(self.setting))
        for name in ("payer_multiplier", "modifier_22_percent", "budget_neutrality_factor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(name, f"{shown(value)} is not a finite number")
        if self.ladder is not None and any(
                isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x)
                for x in self.ladder):
            raise InputError("ladder", "each step must be a finite number")
        if not (0 < self.payer_multiplier <= 10):
            raise InputError("payer_multiplier", f"{self.payer_multiplier} is outside (0, 10]")
        if not (0 <= self.modifier_22_percent <= 100):
            raise InputError("modifier_22_percent", f"{self.modifier_22_percent} is outside 0-100")
        if not (0 < self.budget_neutrality_factor <= 2):
            raise InputError("budget_neutrality_factor", f"{self.budget_neutrality_factor} is outside (0, 2]")
        if self.ladder is not None and (not self.ladder or any(not 0 <= x <= 1 for x in self.ladder)):
            raise InputError("ladder", "each step must be a share between 0 and 1")

    def effective_ladder(self) -> tuple[float, ...]:
        """The user's ladder, or Medicare's in force on the claim's date (``claim_parameters(on)``)."""
        return self.ladder if self.ladder is not None else claim_parameters(self.on).medicare_ladder()


@dataclass(frozen=True)
class RuleNote:
    """Which rule changed a line's amount, and how."""

    rule: str
    text: str
    factor: float = 1.0


@dataclass(frozen=True)
class PricedLine:
    line: ClaimLine
    release_id: str
    fee_schedule_amount: float  # one unit, unrounded, before any rule
    allowed: float  # rounded to cents
    rules: tuple[RuleNote, ...]
    warnings: tuple[str, ...]
    rank: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "line": str(self.line), "code": self.line.code, "modifiers": list(self.line.modifiers),
            "units": self.line.units, "release_id": self.release_id,
            "fee_schedule_amount": float(round_cents(self.fee_schedule_amount)),
            "allowed": self.allowed, "rank": self.rank,
            "rules": [{"rule": r.rule, "text": r.text, "factor": r.factor} for r in self.rules],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ClaimResult:
    lines: tuple[PricedLine, ...]
    total: float
    context: PricingContext
    conversion_factor: float
    locality_name: str
    warnings: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([
            {"line": str(p.line), "code": p.line.code, "modifiers": " ".join(p.line.modifiers),
             "units": p.line.units, "fee_schedule": float(round_cents(p.fee_schedule_amount)),
             "rank": p.rank, "allowed": p.allowed,
             "rules": "; ".join(r.text for r in p.rules)} for p in self.lines
        ])

    def to_dict(self) -> dict[str, object]:
        c = self.context
        return {
            "date": c.on.isoformat(), "setting": c.setting, "locality": c.locality or "national",
            "locality_name": self.locality_name, "payer_multiplier": c.payer_multiplier,
            "conversion_factor": self.conversion_factor,
            "lines": [p.to_dict() for p in self.lines], "total": self.total,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ClaimParameters:
    """The claim rules' parameters in force on a date (data/rules/payment_parameters.csv, each
    field a row's name): the subset of ``parameters(on)`` a claim needs."""

    bilateral_payment_indicator_1: float
    bilateral_payment_indicator_3: float
    multiple_procedure_rank_1: float
    multiple_procedure_rank_2_to_5: float
    multiple_procedure_ranked_max: float
    co_surgeon_share: float
    assistant_physician_share: float
    assistant_nonphysician_share: float

    def medicare_ladder(self) -> tuple[float, ...]:
        """Multiple-procedure shares by rank: the first, then the 2nd up to the last ranked."""
        rest = (self.multiple_procedure_rank_2_to_5,) * (int(self.multiple_procedure_ranked_max) - 1)
        return (self.multiple_procedure_rank_1, *rest)


@cache
def claim_parameters(on: dt.date) -> ClaimParameters:
    """The claim rules' parameters in force on ``on`` (``flatclosure.parameters.reference``)."""
    return ClaimParameters(**{f.name: reference(f.name, on).value
                              for f in dataclasses.fields(ClaimParameters)})
