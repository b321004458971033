"""Timings of the coding protocol engine and the printable card.

``bench()`` returns (label, seconds) pairs, each the median of several runs after a warm-up (the
catalog and rules are loaded once per process). Run as a script to print them.
"""

from __future__ import annotations

import itertools

from timing import median_seconds

from flatclosure.card import render_card
from flatclosure.claims import PricingContext
from flatclosure.protocol import Procedure, recommend


def bench() -> list[tuple[str, float]]:
    ctx = PricingContext("2025-06-01")
    initial = Procedure(mastectomy_code="19303", defect_area_cm2=40.0, closure_as="true_transfer")
    revision = Procedure(stage="revision", defect_area_cm2=75.0, fat_grafting=True,
                         fat_cc=120.0, skin_excision=True, days_since_surgery=45,
                         global_modifier="78")
    areas = itertools.cycle([x / 10 for x in range(1, 3000)])  # a widget slider: new sizes each call

    def slider() -> object:
        return recommend(initial.replace(defect_area_cm2=next(areas)), ctx)

    return [
        ("protocol: recommend() bilateral initial closure, with alternatives (repeat)",
         median_seconds(lambda: recommend(initial, ctx))),
        ("protocol: recommend() revision in a global period, with alternatives",
         median_seconds(lambda: recommend(revision, ctx))),
        ("protocol: recommend() on a new area each call (widget slider)", median_seconds(slider, 50)),
        ("protocol: Procedure validation", median_seconds(
            lambda: initial.replace(defect_area_cm2=41.0))),
        ("card: render the one-page HTML card (2026)", median_seconds(lambda: render_card(2026), 5)),
    ]


if __name__ == "__main__":
    for label, seconds in bench():
        print(f"{seconds * 1000:9.2f} ms  {label}")
