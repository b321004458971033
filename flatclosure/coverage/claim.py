"""The claim a coverage letter or patient-cost figure is about: our own small input value.

Letters, patient cost and the coverage view read only :class:`CoverageClaim`. This module is the
one place diagnoses come from: :func:`claim_from_protocol` reads each line's ``diagnoses`` when
the protocol provides them (ICD-10-CM values with ``.code`` and ``.label``) and otherwise applies
the diagnoses the user picked to every line; :func:`diagnosis_choices` and
:func:`suggested_diagnoses` are what the view and CLI offer: the protocol's own ICD-10-CM table
(data/protocol/diagnoses.yaml, read through ``flatclosure.protocol``), so each code and label is
written once. Nothing about the patient is held here: names, member ids and dates are
placeholders filled in by the office.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..catalog import as_date, load_catalog
from ..errors import FlatclosureError, InputError
from ..fees import check_setting, round_cents
from ..protocol import default_diagnoses
from ..protocol.diagnoses import _render  # the protocol's own rendering of a code template

_ICD = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
MAX_LABEL = 200  # characters of a user-written diagnosis label


@dataclass(frozen=True)
class Diagnosis:
    """An ICD-10-CM code and its label (the protocol's, from its diagnoses table, or the user's)."""

    code: str
    label: str

    def __post_init__(self) -> None:
        code = str(self.code).strip().upper()
        if not _ICD.match(code):
            raise InputError("diagnosis", f"{self.code!r} is not an ICD-10-CM code like Z90.13")
        label = str(self.label).strip()
        if not label or len(label) > MAX_LABEL:
            raise InputError("diagnosis", f"{code}: a label of 1 to {MAX_LABEL} characters is needed")
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "label", label)

    @classmethod
    def parse(cls, text: str) -> Diagnosis:
        """``Z90.13`` (label from the protocol's table) or ``CODE=label`` for a code outside it."""
        code, sep, label = str(text).partition("=")
        code = code.strip().upper()
        if sep:
            return cls(code, label)
        known = diagnosis_choices()
        if code not in known:
            raise InputError("diagnosis", f"{code!r} is not in the protocol's ICD-10-CM table "
                             "(e.g. Z90.13, Z85.3, C50.912); write CODE=label for another code")
        return cls(code, known[code])

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


@cache
def diagnosis_choices() -> dict[str, str]:
    """Every ICD-10-CM code the protocol can put on a line, with its label, in table order: each
    template (cancer by site, sex and side; absence by side) rendered for every character."""
    table = default_diagnoses()
    ch = table.characters
    out: dict[str, str] = {}
    for rule in table.rules:
        sides = ("right", "left") if rule.per_side else ("right", "left", "both")
        for site, sex, side in itertools.product(ch["site"], ch["sex"], sides):
            # the breasts removed follow the side: Z90.11, Z90.12 or Z90.13
            facts = {"cancer_site": site, "sex": sex, "sides": side, "breasts_removed": side}
            dx = _render(rule, table, facts, side)
            out.setdefault(dx.code, dx.label)
    return out


def suggested_diagnoses(result: Any) -> tuple[str, ...]:
    """The codes the protocol put on the recommended lines of ``result`` (a ``recommend``
    result), in order: the view's starting pick, which fills only lines without their own."""
    codes = (d.code for ln in getattr(result, "lines", ()) for d in getattr(ln, "diagnoses", ()))
    return tuple(dict.fromkeys(codes))


def as_diagnoses(items: Iterable[Diagnosis | str | tuple[str, str]]) -> tuple[Diagnosis, ...]:
    out: list[Diagnosis] = []
    for x in items:
        d = x if isinstance(x, Diagnosis) else (
            Diagnosis.parse(x) if isinstance(x, str) else Diagnosis(*x))
        if d.code not in {o.code for o in out}:
            out.append(d)
    return tuple(out)


@dataclass(frozen=True)
class CoverageLine:
    """A claim line as a letter shows it: the line, our plain description, allowed, diagnoses."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    description: str
    allowed: float
    diagnoses: tuple[Diagnosis, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.units, int) or self.units < 1:
            raise InputError(f"line {self.code}", f"units must be 1 or more, not {self.units}")
        if not (self.allowed >= 0):
            raise InputError(f"line {self.code}", f"allowed amount {self.allowed} is below zero")
        object.__setattr__(self, "modifiers", tuple(self.modifiers))
        object.__setattr__(self, "diagnoses", as_diagnoses(self.diagnoses))

    @property
    def line(self) -> str:
        mods = "".join(f"-{m}" for m in self.modifiers)
        return f"{self.code}{mods}" + (f"x{self.units}" if self.units > 1 else "")


@dataclass(frozen=True)
class CoverageClaim:
    """What was (or will be) done, on what date and where, and what the record must show."""

    on: dt.date
    setting: str
    lines: tuple[CoverageLine, ...]
    documentation: tuple[str, ...] = ()
    payer_multiplier: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "on", as_date(self.on))
        object.__setattr__(self, "setting", check_setting(self.setting))
        if not self.lines:
            raise InputError("claim", "a claim needs at least one line")
        object.__setattr__(self, "lines", tuple(self.lines))
        object.__setattr__(self, "documentation", tuple(self.documentation))

    @property
    def total(self) -> float:
        """The claim's allowed amount (each line already rounded to cents)."""
        return float(round_cents(sum(ln.allowed for ln in self.lines)))

    @property
    def diagnoses(self) -> tuple[Diagnosis, ...]:
        return as_diagnoses(d for ln in self.lines for d in ln.diagnoses)


def _description(code: str) -> str:
    try:
        return load_catalog().info(code).description
    except (FlatclosureError, KeyError):
        return "[DESCRIPTION OF THIS CODE]"


def claim_from_protocol(result: Any, picked: Sequence[Diagnosis | str | tuple[str, str]] = ()
                        ) -> CoverageClaim:
    """A CoverageClaim from a ``flatclosure.protocol.recommend`` result.

    Each line keeps the protocol's own diagnoses when it has them; a line without any gets the
    diagnoses the user ``picked``. The documentation checklist is the protocol's.
    """
    chosen = as_diagnoses(picked)
    lines = []
    for ln in result.lines:
        claim_line = ln.priced.line
        own = tuple(Diagnosis(d.code, d.label) for d in getattr(ln, "diagnoses", ()) or ())
        lines.append(CoverageLine(
            code=claim_line.code, modifiers=tuple(claim_line.modifiers), units=claim_line.units,
            description=_description(claim_line.code), allowed=float(ln.allowed),
            diagnoses=own or chosen))
    ctx = result.context
    return CoverageClaim(ctx.on, ctx.setting, tuple(lines), tuple(result.documentation),
                         ctx.payer_multiplier)
