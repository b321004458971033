"""The figures ``bench_workbook.py`` prints: one ``Row`` per figure, the issue's targets, the
ratios to the floors and the printing. Kept apart from the code that measures."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

VOILA_FLOOR_NAME = "Voila floor"


@dataclass(frozen=True)
class Row:
    """One printed figure: seconds, the floor figure it is compared with, the issue's target (if
    any) and the same figure of the Voila floor (if measured). ``who`` is the notebook ("00") or
    ``VOILA_FLOOR_NAME``; ``measure`` names what is measured and how ("page usable, warm",
    "control -> number, median"), the same for every notebook, so a figure finds its Voila floor
    whatever its sample count."""

    label: str
    seconds: float
    floor: float | None = None
    target: float | None = None
    voila: float | None = None
    who: str = ""
    measure: str = ""


# issue 15's targets (seconds), by what a row measures and whether it is a median or a p95
TARGETS = {("control -> number", "median"): 0.030, ("control -> number", "p95"): 0.060,
           ("control -> first chart drawn", "median"): 0.060,
           ("control -> first chart drawn", "p95"): 0.120,
           ("control -> all charts drawn", "median"): 0.120}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0


def against_voila_floor(rows: list[Row]) -> list[Row]:
    """Each notebook's figure with the Voila floor's figure of the same ``measure`` (none where
    either was never seen); the floor's own rows carry no target: it is a yardstick."""
    voila = {r.measure: r.seconds for r in rows
             if r.who == VOILA_FLOOR_NAME and r.measure and _finite(r.seconds)}
    out = []
    for r in rows:
        if r.who == VOILA_FLOOR_NAME:
            out.append(replace(r, target=None, voila=None))
        elif r.voila is None and r.measure in voila and _finite(r.seconds):
            out.append(replace(r, voila=voila[r.measure]))
        else:
            out.append(r)
    return out


def _seconds(value: float) -> str:
    return f"{value * 1000:9.1f} ms" if value < 1 else f"{value:9.2f} s "


def show(rows: list[Row]) -> None:
    """Every figure with its ratios to the floor and to the Voila floor, then each figure that has
    a target against it."""
    for r in rows:
        ratio = f"{r.seconds / r.floor:8.1f} x floor" if r.floor and _finite(r.floor) else " " * 16
        voila = (f"{r.seconds / r.voila:5.2f} x Voila floor" if r.voila and _finite(r.voila)
                 else " " * 19)
        print(f"{_seconds(r.seconds)} {ratio} {voila}  {r.label}")
    judged = [r for r in rows if r.target is not None]
    if not judged:
        return
    met = [r for r in judged if r.target is not None and r.seconds <= r.target]  # NaN: never met
    print(f"== targets of issue 15: {len(met)} of {len(judged)} met")
    for r in judged:
        verdict = "met   " if r in met else "MISSED"
        goal = _seconds(r.target or 0.0).strip()
        print(f"{verdict} {_seconds(r.seconds)} (target {goal})  {r.label}")
