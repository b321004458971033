"""What a user proposes: a new code (``NewCode``) or new work RVUs for existing codes
(``Revaluation``). Frozen values, checked on creation; every bound is named in the message."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..catalog import as_date
from ..errors import InputError
from ..fees import check_setting
from .params import MAX_SHARE, pool_limit

Pairs = Mapping[str, float] | tuple[tuple[str, float], ...]


def amount(name: str, value: Any, allow_none: bool = True, upper: float | None = None) -> float | None:
    """A finite number of 0 or more (and at most ``upper``), or None where allowed."""
    if value is None:
        if allow_none:
            return None
        raise InputError(name, "a value is required")
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(name, f"{value!r} is not a number") from exc
    if not math.isfinite(v) or v < 0:
        raise InputError(name, f"{value!r} must be a finite number of 0 or more")
    if upper is not None and v > upper:
        raise InputError(name, f"{v:g} is over {upper:g}")
    return v


def clean_pairs(name: str, pairs: Pairs, upper: float | None = None) -> tuple[tuple[str, float], ...]:
    """code -> number pairs with codes upper-cased, each number checked, no code twice."""
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    clean: dict[str, float] = {}
    for code, value in items:
        c = str(code).strip().upper()
        if c in clean:
            raise InputError(name, f"code {c} is listed twice")
        clean[c] = amount(f"{name} of {c}", value, allow_none=False, upper=upper)  # type: ignore[assignment]
    return tuple(clean.items())


def _as_dict(pairs: Pairs) -> dict[str, float]:
    return dict(pairs.items()) if isinstance(pairs, Mapping) else dict(pairs)


@dataclass(frozen=True)
class NewCode:
    """A new code: its RVUs in one setting, yearly volume, what it displaces, when.

    Give ``total_rvu`` (the code's total RVU in ``setting``) or ``work_rvu``, ``pe_rvu`` and
    ``mp_rvu``; ``work_rvu`` with ``total_rvu`` is used by the family lens. ``displaces`` maps a
    catalog code to the share (0 to 1) of one of its services each new service replaces.
    """

    volume: float
    on: dt.date | str
    total_rvu: float | None = None
    work_rvu: float | None = None
    pe_rvu: float | None = None
    mp_rvu: float | None = None
    displaces: Pairs = ()
    setting: str = "facility"
    label: str = "new flat closure code"

    def __post_init__(self) -> None:
        object.__setattr__(self, "on", as_date(self.on))
        object.__setattr__(self, "setting", check_setting(self.setting))
        object.__setattr__(self, "volume", amount("volume", self.volume, allow_none=False,
                                                  upper=pool_limit("yearly_services_max")))
        for name in ("total_rvu", "work_rvu", "pe_rvu", "mp_rvu"):
            object.__setattr__(self, name, amount(name, getattr(self, name),
                                                  upper=pool_limit("rvu_max")))
        parts = (self.work_rvu, self.pe_rvu, self.mp_rvu)
        if self.pe_rvu is not None or self.mp_rvu is not None:
            if any(p is None for p in parts):
                raise InputError("rvu", "give work, PE and MP RVUs together (or the total RVU)")
            total = sum(p for p in parts if p is not None)
            amount("total_rvu", total, upper=pool_limit("rvu_max"))
            if self.total_rvu is not None and abs(total - self.total_rvu) > 1e-9:
                raise InputError("total_rvu", f"{self.total_rvu} is not work + PE + MP = {total:g}")
            object.__setattr__(self, "total_rvu", total)
        if self.total_rvu is None:
            raise InputError("rvu", "give the new code's total RVU, or its work, PE and MP RVUs")
        if self.work_rvu is not None and self.work_rvu > self.total_rvu + 1e-9:
            raise InputError("work_rvu", f"{self.work_rvu} exceeds the total RVU {self.total_rvu}")
        object.__setattr__(self, "displaces", clean_pairs("share", self.displaces, MAX_SHARE))

    @property
    def rvu(self) -> float:
        """Total RVU per service in the scenario's setting."""
        return float(self.total_rvu)  # type: ignore[arg-type]

    @property
    def displacement(self) -> dict[str, float]:
        return _as_dict(self.displaces)

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label, "date": self.on.isoformat(),  # type: ignore[union-attr]
            "setting": self.setting, "total_rvu": self.rvu, "work_rvu": self.work_rvu,
            "pe_rvu": self.pe_rvu, "mp_rvu": self.mp_rvu, "volume": self.volume,
            "displaces": self.displacement,
        }


@dataclass(frozen=True)
class Revaluation:
    """Existing codes given new work RVUs (the advocates' "better RATES for the code(s) used").

    Every service billed with a revalued code is paid the new value, so its volume is ALL of
    that code's services (``volumes``; codes not given take the engine's ``Volumes``), and the
    share of them that are flat closures is a separate input (``flat_closure_share``, 0 to 1).
    PE and MP RVUs stay as they are (shared domain notes section 6).
    """

    on: dt.date | str
    work_rvus: Pairs
    volumes: Pairs = ()
    flat_closure_share: Pairs = ()
    setting: str = "facility"
    label: str = "revalue existing codes"

    def __post_init__(self) -> None:
        object.__setattr__(self, "on", as_date(self.on))
        object.__setattr__(self, "setting", check_setting(self.setting))
        work = clean_pairs("new work RVU", self.work_rvus, pool_limit("work_rvu_max"))
        if not work:
            raise InputError("revalue", "name at least one code and its new work RVU")
        object.__setattr__(self, "work_rvus", work)
        object.__setattr__(self, "volumes", clean_pairs("volume", self.volumes,
                                                        pool_limit("yearly_services_max")))
        share = clean_pairs("flat-closure share", self.flat_closure_share, MAX_SHARE)
        object.__setattr__(self, "flat_closure_share", share)
        extra = (set(_as_dict(self.volumes)) | set(dict(share))) - set(dict(work))
        if extra:
            raise InputError("revalue", f"{', '.join(sorted(extra))}: a volume or share is given "
                             "for a code that is not revalued")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(_as_dict(self.work_rvus))

    @property
    def work_rvu_map(self) -> dict[str, float]:
        return _as_dict(self.work_rvus)

    @property
    def volume_map(self) -> dict[str, float]:
        return _as_dict(self.volumes)

    @property
    def share_map(self) -> dict[str, float]:
        return _as_dict(self.flat_closure_share)

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "date": self.on.isoformat(),  # type: ignore[union-attr]
                "setting": self.setting, "work_rvus": self.work_rvu_map,
                "volumes": self.volume_map, "flat_closure_share": self.share_map}
