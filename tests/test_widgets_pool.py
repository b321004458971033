"""Notebook 04's view built in plain Python (no kernel): set the controls, read the outputs and
compare them with ``flatclosure.pool`` called directly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import pytest

from flatclosure.pool import family_neutrality, statutory, sweep
from flatclosure.volumes import illustrative_volumes, load_volumes
from flatclosure.widgets import PoolInputs, pool_outcome, pool_view

FIXTURE = Path(__file__).parent / "fixtures" / "cms_geo_service_sample.csv"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def bars(fig: go.FigureWidget, trace: int) -> dict:
    return dict(zip(fig.data[trace].y, fig.data[trace].x, strict=True))


def price_row(view, code: str) -> list[str]:
    """The cells of the price table's row for ``code`` (text between tags)."""
    body = view.prices_table.value.split("<tbody>")[1]
    row = next(r for r in body.split("<tr>") if f">{code}<" in r)
    return [c.split(">", 1)[1] for c in row.split("</td>")[:-1]]


@pytest.fixture()
def view():
    return pool_view()


def test_opens_on_the_preset_new_code_with_engine_values(view) -> None:
    # data/scenarios/10_new_afc_code.yaml: 15 + 10 + 3 = 28 RVU, 3,000 a year, 2025, facility,
    # displacing 14301 x 0.6, 19499 x 0.2, 15839 x 0.1
    assert (view.rvu.value, view.volume.value, view.year.value) == (28.0, 3000.0, 2025)
    assert {c: w.value for c, w in view.shares.items()} == {
        "14301": 0.6, "13101": 0.0, "19499": 0.2, "15839": 0.1}
    stat = view.outcome.statutory
    engine = statutory(view.inputs().scenario())
    # displaced 0.6 x 26.25 + 0.2 x 0 (carrier priced) + 0.1 x 22.44 = 17.994 RVU; net 10.006;
    # added = 10.006 x 3,000 x 32.3465 (CF 2025) = 970,977.237 -> $970,977.24, under $20M
    assert stat.added_spending == engine.added_spending == 970_977.24
    assert not stat.threshold_exceeded and stat.budget_neutrality_factor == 1.0
    assert "Conversion factor: $32.3465 → $32.3465 per RVU" in view.cf.value
    assert "Added spending: $970,977 a year" in view.statutory_text.value
    # break-even: 20,000,000 / (10.006 x 32.3465) = 61,793.4 services a year
    assert "crossed above 61,793 services a year" in view.statutory_text.value
    # the engine's note, on screen: 19499 is carrier priced, so displacing it frees nothing
    assert stat.notes == ("19499 has status C (not priced by RVUs): displacing it frees no RVUs "
                          "in this model",)
    assert f"Note: {stat.notes[0]}." in view.statutory_text.value
    assert "illustrative" in view.statutory_text.value  # the preset's volume, labelled
    codes = engine.codes.set_index("code")
    assert bars(view.prices_figure, 0)["19303 (mastectomy)"] == codes.loc["19303", "price_before"]
    assert list(view.prices_figure.data[0].y)[0] == "19301 (mastectomy)"  # mastectomy first
    assert "14302 (tissue rearr.)" not in bars(view.prices_figure, 0)  # add-ons: table only
    assert price_row(view, "14302")[3] == "$207.99"
    assert not view.errors.showing and not view.family_errors.showing


def test_volume_past_break_even_cuts_the_conversion_factor(view) -> None:
    prices, heat = view.prices_figure, view.heatmap
    view.volume.value = 200_000
    assert view.prices_figure is prices and view.heatmap is heat  # updated in place
    engine = statutory(view.inputs().scenario())
    # added = 10.006 x 200,000 x 32.3465 = 64,731,815.80 > $20M;
    # factor = 93e9 / (93e9 + 64,731,815.80) = 0.999304443; CF 32.3465 x factor = 32.324001
    assert engine.added_spending == 64_731_815.80
    assert engine.conversion_factor_after == pytest.approx(32.324001, abs=1e-6)
    assert view.outcome.statutory.conversion_factor_after == engine.conversion_factor_after
    assert "$32.3465 → $32.3240 per RVU (−0.07%)" in view.cf.value
    assert "multiplied by 0.999304" in view.statutory_text.value
    # 19303: 29.07 x 32.3465 = 940.312755 x 0.999304443 = 939.6587 -> $939.66
    assert bars(prices, 1)["19303 (mastectomy)"] == 939.66
    assert engine.codes.set_index("code").loc["19303", "price_after"] == 939.66
    assert price_row(view, "19303")[4:6] == ["$939.66", "−0.07%"]
    assert (heat.data[2].x, heat.data[2].y) == ((28.0,), (200_000.0,))
    # the family lens cannot absorb 200,000 services; it says so, the statutory lens still shows
    assert view.family_errors.showing and "cannot stay work-neutral" in view.family_errors.message
    assert not view.errors.showing


def test_heatmap_and_break_even_line_are_the_engine_sweep(view) -> None:
    view.shares["13101"].value = 0.5
    g = view.outcome.sweep
    engine = sweep(view.inputs().scenario(), g.rvus, g.volumes)
    assert engine.displaced_rvu == pytest.approx(17.994 + 0.5 * 7.40)  # 13101 facility 7.40
    z = np.array(view.heatmap.data[0].z, dtype=float)  # rows = volumes, columns = RVUs
    assert np.allclose(z.T, engine.change_pct, atol=1e-5)
    assert z[0, 0] == 0.0  # 0 RVU x 100 services: within the threshold
    line = np.array([np.inf if v is None else v for v in view.heatmap.data[1].y], dtype=float)
    assert np.array_equal(line, engine.break_even_volume)
    # the table beside it: 30 RVU, net 30 - 21.694 = 8.306, 20e6 / (8.306 x 32.3465) = 74,441
    assert "above 74,441" in view.break_even_table.value


def test_total_allowed_year_and_setting_are_inputs(view) -> None:
    assert view.total_allowed.value == 93.0  # $ billions, the data package's default
    view.volume.value = 200_000
    view.total_allowed.value = 50.0
    # factor = 50e9 / (50e9 + 64,731,815.80) = 0.998707038; CF 32.3465 -> 32.304677
    assert view.outcome.statutory.total_allowed == 50e9
    assert view.outcome.statutory.conversion_factor_after == pytest.approx(32.304677, abs=1e-6)
    assert "$32.3465 → $32.3047" in view.cf.value
    view.year.value = 2021
    assert view.outcome.statutory.conversion_factor_before == 34.8931  # CY2021 after the +3.75%
    view.setting.value = "office"
    engine = statutory(view.inputs().scenario(), 50e9)
    assert view.outcome.statutory.added_spending == engine.added_spending
    assert bars(view.prices_figure, 0).get("19303 (mastectomy)") is None  # not paid in an office


def test_family_lens_beside_with_illustrative_volumes_labelled(view) -> None:
    fam = family_neutrality(view.inputs().scenario(), "breast", illustrative_volumes())
    shown = view.outcome.family
    assert shown is not None and shown.work_scale_factor == fam.work_scale_factor
    members = fam.members.set_index("code")
    assert bars(view.prices_figure, 2)["19303 (mastectomy)"] == members.loc["19303", "price_after"]
    assert bars(view.prices_figure, 2)["14301 (tissue rearr.)"] is None  # not in the family
    assert f"multiplied by {fam.work_scale_factor:.4f}" in view.family_text.value
    assert "ILLUSTRATIVE volumes" in view.family_text.value
    assert "8,000 (illustrative)" in view.family_table.value  # 19303, beside the number
    assert "How these illustrative volumes were reasoned" in view.reasoning.value
    assert "UNCONFIRMED" in view.family_table.value


def test_user_family_and_a_bad_code_show_a_message(view) -> None:
    view.family.value = "custom"
    assert not view.family_codes.disabled
    assert view.family_errors.showing and "list at least one" in view.family_errors.message
    view.family_codes.value = "19303 1930X"
    assert view.family_errors.showing and "1930X" in view.family_errors.message
    assert not view.errors.showing and view.outcome.statutory.added_spending == 970_977.24
    view.family_codes.value = "19303, 19307 14301"
    assert not view.errors.showing and not view.family_errors.showing
    assert view.outcome.family is not None
    assert view.outcome.family.codes == ("19303", "19307", "14301")
    view.family.value = "breast"
    assert view.family_codes.disabled and len(view.outcome.family.codes) == 14


def test_cms_volumes_from_a_path_and_an_upload(view, tmp_path) -> None:
    view.volumes_path.value = str(FIXTURE)
    assert not view.errors.showing and not view.volumes.illustrative
    assert view.volumes.get("19303") == load_volumes(FIXTURE).get("19303") == 7600
    assert "7,600" in view.family_table.value and "(illustrative)" not in view.family_table.value
    assert view.reasoning.value == ""
    view.volumes_path.value = str(tmp_path / "missing.csv")
    assert view.errors.showing and "missing.csv: file not found" in view.errors.message
    bad = FIXTURE.read_text().replace("7600,7600", "many,7600", 1).encode()
    view.upload.value = ({"name": "mine.csv", "type": "text/csv", "size": len(bad),
                          "content": memoryview(bad), "last_modified": NOW},)
    assert view.errors.showing and "mine.csv, row 2, field 'Tot_Srvcs'" in view.errors.message
    good = FIXTURE.read_bytes()
    view.upload.value = ({"name": "good.csv", "type": "text/csv", "size": len(good),
                          "content": memoryview(good), "last_modified": NOW},)
    assert not view.errors.showing and "good.csv" in view.volumes.source
    view.reset_volumes.click()
    assert view.volumes.illustrative and "8,000 (illustrative)" in view.family_table.value


def test_the_cy2021_em_example_through_the_view_functions() -> None:
    # added = 11.3584% of $93bn from 1e8 services of r RVUs on the 2020 schedule (CF 36.0896):
    # factor 1 / 1.113584 = 0.898000; 36.0896 x 0.898 = 32.4085 (-10.20%)
    rvu = 0.113584 * 93e9 / (1e8 * 36.0896)
    out = pool_outcome(PoolInputs(rvu=rvu, volume=1e8, shares=(), year=2020))
    assert out.statutory.conversion_factor_before == 36.0896
    assert out.statutory.conversion_factor_after == pytest.approx(32.4085, abs=1e-4)
    assert round(out.statutory.change_pct, 2) == -10.20
    assert out.family is None and "cannot stay work-neutral" in out.family_error


def test_the_family_lens_uses_the_presets_work_rvu(view) -> None:  # type: ignore[no-untyped-def]
    # the preset gives 15.00 work of 28.00 total: the lens must not assume another split
    assert view.outcome.family.new_code_work_rvu == 15.0
    view.rvu.value = 56.0  # twice the total keeps the preset's work share, 15/28
    assert view.outcome.family.new_code_work_rvu == pytest.approx(30.0)


def test_the_path_box_says_it_reads_the_workbooks_machine(view) -> None:
    from flatclosure.widgets.pool_view import PATH_NOTE

    assert view.volumes_path.placeholder == "a path on the machine running the workbook"
    notes = [w.value for w in _descendants(view.widget) if isinstance(w, widgets.HTML)]
    assert any(PATH_NOTE in v for v in notes) and "use Upload" in PATH_NOTE


def _descendants(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from _descendants(child)
