"""Notebook 01 as a reader runs it: its code cells executed in order (plain Python, no kernel),
then the view it shows checked against the engine (the notebook's former self-check cell)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flatclosure.catalog import load_catalog
from flatclosure.fees import price
from flatclosure.widgets import catalog_view

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_code_catalog.ipynb"


def run_notebook(path: Path) -> dict[str, Any]:
    """Execute the notebook's code cells in one namespace, as Run All would; return it."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{path.name} cell", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.fixture(scope="module")
def shown() -> dict[str, Any]:
    return run_notebook(NOTEBOOK)


def test_notebook_has_no_test_code() -> None:
    sources = ["".join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"]
               if c["cell_type"] == "code"]
    assert not any("assert" in s for s in sources) and len(sources) == 3


def test_gap_chart_and_table_show_the_engine_figures(shown: dict[str, Any]) -> None:
    view, cat = shown["view"], load_catalog()
    on = cat.date_for_year(view.year.value)
    assert view.year.value == cat.default_year()
    flat, mastectomy = (dict(zip(view.gap_figure.data[i].y, view.gap_figure.data[i].x,
                                 strict=True)) for i in (0, 2))
    assert mastectomy["19303 (mastectomy)"] == price("19303", on).price
    assert flat["14301 (flat closure)"] == price("14301", on).price
    assert max(flat.values()) < min(v for k, v in mastectomy.items()
                                    if k.startswith(("19303", "19307")))
    codes = view.frames["codes"].set_index("code")
    assert codes.loc["14000", "work_rvu"] == cat.values("14000", on).work_rvu
    assert codes.loc["19499", "facility_price"] != codes.loc["19499", "facility_price"]  # NaN


def test_family_and_seed_follow_the_controls() -> None:
    cat = load_catalog()
    check = catalog_view(year=2020, family="mastectomy")
    assert [t.name for t in check.trend_figure.data if t.visible] == cat.family("mastectomy")
    published = dict(zip(check.seed_figure.data[0].x, check.seed_figure.data[0].y, strict=True))
    in_2020 = dict(zip(check.seed_figure.data[1].x, check.seed_figure.data[1].y, strict=True))
    assert published["1430X (14000)"] == in_2020["1430X (14000)"] == 6.37  # the seed's vintage
    check.year.value = 2021
    in_2021 = dict(zip(check.seed_figure.data[1].x, check.seed_figure.data[1].y, strict=True))
    assert in_2021["1930X high (19307)"] == 17.99 < published["1930X high (19307)"]
