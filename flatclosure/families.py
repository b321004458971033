"""The family taxonomy, written once: each catalog family's plain label, the chart group it is
drawn in and each group's colour (data resource ``catalog-families``).

Row order is the order families are listed and charted. ``value_gap`` marks the groups notebook
01's value gap compares, in the order they first appear. Every family of one group carries the
group's colour; a family without a group (the office visit) is listed but not charted as a group.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from . import datapkg
from .errors import DataError

RESOURCE = "catalog-families"
PATH = "data/catalog/families.csv"


@dataclass(frozen=True)
class Family:
    """One catalog family: its id (as in ``catalog/codes.csv``), label and chart group."""

    name: str
    label: str
    chart_group: str
    chart_group_short: str
    value_gap: bool
    colour: str


def _check_group(rows: list[Family], row_of: dict[str, int]) -> None:
    """A chart group has one short name and one colour and is on the value gap or not, whichever
    family says it."""
    first: dict[str, Family] = {}
    for fam in rows:
        if not fam.chart_group:
            if fam.value_gap or fam.colour or fam.chart_group_short:
                raise DataError(PATH, "a family without a chart group has no short name or colour "
                                      "and is not on the value gap", row=row_of[fam.name],
                                field="chart_group")
            continue
        if not fam.colour:
            raise DataError(PATH, f"group {fam.chart_group!r} needs a colour",
                            row=row_of[fam.name], field="colour")
        seen = first.setdefault(fam.chart_group, fam)
        for field in ("chart_group_short", "colour", "value_gap"):
            if getattr(fam, field) != getattr(seen, field):
                raise DataError(PATH, f"group {fam.chart_group!r} has {field} "
                                      f"{getattr(seen, field)!r} on its family {seen.name!r}",
                                row=row_of[fam.name], field=field)


@cache
def families() -> tuple[Family, ...]:
    """Every family, in the table's order (loaded strictly, groups checked)."""
    table = datapkg.load(RESOURCE)
    rows = [Family(name=str(r["family"]), label=str(r["label"]), chart_group=str(r["chart_group"]),
                   chart_group_short=str(r["chart_group_short"]), value_gap=bool(r["value_gap"]),
                   colour=str(r["colour"]))
            for _, r in table.iterrows()]
    _check_group(rows, {fam.name: i + 2 for i, fam in enumerate(rows)})
    return tuple(rows)


def family_labels() -> dict[str, str]:
    """Family id -> plain label, in the table's order."""
    return {fam.name: fam.label for fam in families()}


def gap_groups() -> dict[str, tuple[str, ...]]:
    """The sides of the value gap: group -> its families, groups in order of first appearance."""
    out: dict[str, tuple[str, ...]] = {}
    for fam in families():
        if fam.value_gap:
            out[fam.chart_group] = (*out.get(fam.chart_group, ()), fam.name)
    return out


def group_short_names() -> dict[str, str]:
    """Chart group -> the short name chart axes use ("Breast-mound reconstruction" ->
    "reconstruction")."""
    return {fam.chart_group: fam.chart_group_short for fam in families() if fam.chart_group}


def group_colours() -> dict[str, str]:
    """Chart group -> its colour, every group in the table, in order of first appearance."""
    return {fam.chart_group: fam.colour for fam in families() if fam.chart_group}
