"""Size bands of the sized code families (``data/catalog/codes.csv``): which primary code a size
falls in, and how many add-on units count the rest. ``Catalog.size_bands`` and ``size_codes``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import datapkg
from ..errors import InputError

if TYPE_CHECKING:
    from . import CodeInfo


@dataclass(frozen=True)
class SizeBands:
    """A sized family's primaries with (min, max] bands (the last open-ended if no add-on follows),
    and the add-on counting each further step past the last band."""

    family: str
    unit: str
    primaries: tuple[tuple[str, float, float | None], ...]
    add_on: str | None
    add_on_from: float | None
    add_on_step: float | None

    minimum = property(lambda self: self.primaries[0][1])

    def codes(self, size: float, field_name: str = "size") -> list[tuple[str, int]]:
        """The primary whose band (min, max] holds the size, then add-on units per step or part."""
        b, family = self, self.family
        if not size > b.minimum:
            raise InputError(field_name, f"{size:g} {b.unit} is not above {b.minimum:g} {b.unit}, "
                             f"where the {family.replace('_', ' ')} codes start ({b.primaries[0][0]})")
        for code, _lo, hi in b.primaries:
            if hi is None or size <= hi:
                return [(code, 1)]
        if b.add_on is None or b.add_on_from is None or b.add_on_step is None:
            raise InputError(field_name, f"{size:g} {b.unit} is above the largest {family} band")
        return [(b.primaries[-1][0], 1),
                (b.add_on, max(math.ceil((size - b.add_on_from) / b.add_on_step - 1e-9), 1))]


def size_bands(family: str, infos: Sequence[CodeInfo]) -> SizeBands:
    """The bands of a sized family from its codes' rows, checked to meet end to end."""
    prim = sorted(((i.code, i.size_min or 0.0, i.size_max) for i in infos
                   if i.role == "protocol" and i.size_min is not None), key=lambda t: t[1])
    adds = [i for i in infos if i.is_add_on]
    add = adds[0] if len(adds) == 1 else None
    bad = ("no sized primary codes" if not prim else "more than one add-on" if len(adds) > 1
           else next((f"bands of {a} and {b} that do not meet" for (a, _, a_max), (b, b_min, _)
                      in zip(prim, prim[1:], strict=False) if a_max != b_min), None))
    if add is not None and (add.size_min != prim[-1][2] or not add.size_step
                            or prim[-1][0] not in add.primary_codes):
        bad = f"an add-on {add.code} not starting where {prim[-1][0]} ends, with a step"
    if bad:
        raise datapkg.DataError("data/catalog/codes.csv", f"family {family} has {bad}",
                                field="size_min")
    return SizeBands(family, infos[0].size_unit, tuple(prim), add.code if add else None,
                     add.size_min if add else None, add.size_step if add else None)
