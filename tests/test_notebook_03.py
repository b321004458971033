"""Notebook 03's self-check, kept here so the notebook holds no asserts: what the view shows is
what the engine computes (``scenarios.compare``)."""

from __future__ import annotations

from dataclasses import replace

from flatclosure import scenarios
from flatclosure.widgets import scenario_view


def test_the_notebook_view_shows_the_engines_comparison() -> None:
    view = scenario_view()  # the notebook's one call
    presets = {s.name: s for s in scenarios.presets()}
    chosen = [presets[n] for n in view.chosen.value]
    engine = scenarios.compare(chosen, years=range(2019, 2027), localities=[None],
                               baseline="01_mastectomy_reference")
    shown = engine[engine["year"] == view.year.value]
    assert view.bars_figure.data[0].y == tuple(shown["total"])
    assert view.table.equals(engine)
    assert "$1,410.47" in view.table_html.value  # 19303-50 in 2025: 940.31 x 150%


def test_one_payer_multiplier_revalues_every_scenario() -> None:
    presets = {s.name: s for s in scenarios.presets()}
    check = scenario_view(chosen=["01_mastectomy_reference", "02_advocates_initial_same_surgeon"])
    check.payer_multiplier.value = 1.22  # the HCCI national average
    check.years.value = (2024, 2025)
    paid = [replace(presets[n], valuation=replace(presets[n].valuation, payer_multiplier=1.22))
            for n in check.chosen.value]
    expected = scenarios.compare(paid, years=[2024, 2025], localities=[None],
                                 baseline="01_mastectomy_reference")
    assert check.table.equals(expected)
    assert check.bars_figure.data[0].y == tuple(expected[expected["year"] == 2025]["total"])
    assert len(check.trend_figure.data[0].x) == 2 and not check.errors.showing
