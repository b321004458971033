"""Notebook 03's view built in plain Python (no kernel): set the controls, read the outputs, and
check them against ``flatclosure.scenarios.compare``; save, load and export through the view."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from flatclosure import scenarios
from flatclosure.errors import InputError
from flatclosure.scenarios import Scenario
from flatclosure.widgets import figure_updates, scenario_view
from flatclosure.widgets.scenario_builder import build_scenario
from flatclosure.widgets.scenario_compare import (
    DEFAULT_BASELINE,
    DEFAULT_PRESETS,
    reference_multipliers,
    with_overrides,
)
from flatclosure.widgets.scenario_page import PREFETCH_AFTER_S, make_ahead
from tests.event_loop import run_in_own_loop

LA = "01182:18"
ALL_YEARS = list(range(2019, 2027))


@pytest.fixture(scope="module")
def presets() -> dict[str, Scenario]:
    return {s.name: s for s in scenarios.presets()}


def paid(s: Scenario, multiplier: float | None = None, setting: str | None = None) -> Scenario:
    """The scenario revalued, written out here independently of the view's with_overrides."""
    v = s.valuation
    return replace(s, valuation=replace(
        v, payer_multiplier=v.payer_multiplier if multiplier is None else multiplier,
        setting=v.setting if setting is None else setting))


def bars(view, trace: int = 0) -> dict[str, float | None]:
    fig = view.bars_figure
    return dict(zip(fig.data[trace].x, fig.data[trace].y, strict=True))


def test_opens_on_the_engines_comparison(presets) -> None:
    view = scenario_view()
    chosen = [presets[n] for n in DEFAULT_PRESETS]
    engine = scenarios.compare(chosen, ALL_YEARS, [None], DEFAULT_BASELINE)
    pd.testing.assert_frame_equal(view.table, engine)
    assert view.year.value == 2025 and view.years.value == (2019, 2026)
    in_2025 = engine[engine["year"] == 2025]
    assert view.bars_figure.data[0].y == tuple(in_2025["total"])
    # 19303-50, RVU25D: 29.07 RVU x CF 32.3465 = 940.31 for one side, x 150% bilateral = 1410.47
    assert bars(view)["Mastectomy alone, both sides (reference)"] == 1410.47
    assert "$1,410.47" in view.table_html.value
    # the '*' convention: illustrative titles marked in the chart, the table and the footnote
    assert "Flat closure alone under a hypothetical new code *" in bars(view)
    assert "Flat closure alone under a hypothetical new code *" in view.table_html.value
    assert "* Illustrative values" in view.notes.value
    assert "the yearly volume of 3,000" in view.notes.value
    trend = [t for t in view.trend_figure.data if t.visible]
    assert len(trend) == 6 and trend[0].x == tuple(ALL_YEARS)
    assert trend[0].y == tuple(engine[engine["scenario"] == DEFAULT_BASELINE]["total"])
    assert view.baseline.value == DEFAULT_BASELINE and not view.errors.showing


def test_payer_multiplier_and_setting_override_every_scenario(presets) -> None:
    view = scenario_view(chosen=["01_mastectomy_reference", "02_advocates_initial_same_surgeon"],
                         years=(2024, 2025))
    figure = view.bars_figure
    view.payer_multiplier.value = 1.22  # moving the slider turns the override on
    assert view.one_multiplier.value
    chosen = [paid(presets[n], 1.22) for n in view.chosen.value]
    pd.testing.assert_frame_equal(view.table, scenarios.compare(chosen, [2024, 2025], [None],
                                                                DEFAULT_BASELINE))
    # 940.312755 x 1.5 = 1410.469 x 1.22 = 1720.772 -> 1720.77 (rounded once per line)
    assert view.bars_figure is figure and bars(view)["Mastectomy alone, both sides (reference)"] \
        == 1720.77
    assert set(view.table["payer_multiplier"]) == {1.22}

    view.setting.value = "office"
    office = scenarios.compare([paid(presets[n], 1.22, "office") for n in view.chosen.value],
                               [2024, 2025], [None], DEFAULT_BASELINE)
    pd.testing.assert_frame_equal(view.table, office)
    # a mastectomy is not paid in an office: n/a with the reason on screen, not an error
    assert bars(view)["Mastectomy alone, both sides (reference)"] is None
    assert "19303 is not payable in the office setting" in view.table_html.value
    assert not view.errors.showing

    view.one_multiplier.value = False  # back to each scenario's own (1.00 in the presets)
    view.setting.value = ""
    assert set(view.table["payer_multiplier"]) == {1.0}
    assert bars(view)["Mastectomy alone, both sides (reference)"] == 1410.47


def test_reference_multipliers_come_from_the_data_and_set_the_slider() -> None:
    refs = reference_multipliers()
    # data/rules/payment_parameters.csv, HCCI 2017: average 1.22, Alabama 0.98, Wisconsin 1.88
    assert refs == {"Medicare": 1.0, "HCCI lowest state": 0.98, "HCCI national average": 1.22,
                    "HCCI highest state": 1.88}
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    view.reference_buttons[3].click()
    assert view.one_multiplier.value and view.payer_multiplier.value == 1.88
    # 1410.469 x 1.88 = 2651.68
    assert bars(view)["Mastectomy alone, both sides (reference)"] == 2651.68


def test_with_overrides_changes_only_the_valuation(presets) -> None:
    s = presets["05_bundled_mastectomy_22"]
    out = with_overrides(s, "office", 1.5)
    assert out.valuation == replace(s.valuation, setting="office", payer_multiplier=1.5)
    assert replace(out, valuation=s.valuation) == s and s.valuation.setting == "facility"
    assert with_overrides(s) is s
    with pytest.raises(InputError, match="payer multiplier"):
        with_overrides(s, payer_multiplier=0)
    with pytest.raises(InputError, match="setting"):
        with_overrides(s, setting="home")


def test_years_locality_and_baseline(presets) -> None:
    view = scenario_view(chosen=["01_mastectomy_reference", "07_excess_skin_15839"])
    view.years.value = (2024, 2026)
    assert list(view.year.options) == [2024, 2025, 2026] and view.year.value == 2025
    label = next(o for o in view.locality.combobox.options if o.endswith(f"({LA})"))
    view.locality.combobox.value = label
    chosen = [presets[n] for n in view.chosen.value]
    engine = scenarios.compare(chosen, [2024, 2025, 2026], [None, LA], DEFAULT_BASELINE)
    pd.testing.assert_frame_equal(view.table, engine)
    at_la = engine[(engine["year"] == 2025) & (engine["locality"] == LA)]
    assert view.bars_figure.data[1].visible and view.bars_figure.data[1].y == tuple(at_la["total"])
    gap = dict(zip(view.gap_figure.data[0].y, view.gap_figure.data[0].x, strict=True))
    assert gap["Mastectomy alone, both sides (reference)"] == at_la["total"].iloc[0]

    view.year.value = 2026  # no GPCI file: the locality is n/a, with the reason, and the value
    assert view.bars_figure.data[1].y == (None, None)  # gap falls back to national prices
    assert "no GPCI file held for 2026" in view.table_html.value
    assert "prices are national only" in view.gap_note.value
    national_2026 = engine[(engine["year"] == 2026) & (engine["locality"] == "national")]
    gap = dict(zip(view.gap_figure.data[0].y, view.gap_figure.data[0].x, strict=True))
    assert gap["Mastectomy alone, both sides (reference)"] == national_2026["total"].iloc[0]

    view.baseline.value = "07_excess_skin_15839"
    rebased = scenarios.compare(chosen, [2024, 2025, 2026], [None, LA], "07_excess_skin_15839")
    pd.testing.assert_frame_equal(view.table, rebased)
    view.baseline.value = ""  # no baseline: no differences
    assert "difference" not in view.table.columns and "vs baseline (US$)" in view.table_html.value
    view.chosen.value = ("07_excess_skin_15839",)
    assert view.baseline.value == "" and not view.errors.showing


def test_no_scenario_greys_every_result_and_names_the_control() -> None:
    """Issue 14 (3): with no scenario chosen, no old number may look current."""
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    view.chosen.value = ()
    assert view.errors.showing and "pick at least one scenario" in view.errors.message
    assert view.errors.message.startswith("Change “Scenarios”.")
    assert view.table.empty and view.binding.result is None
    for out in (view.summary, view.table_html, view.bars_figure, view.gap_figure,
                view.trend_figure, view.trend_table, view.notes):
        assert "fc-stale" in out._dom_classes
    with pytest.raises(InputError, match="no comparison to export"):
        view.exported()
    view.chosen.value = ("01_mastectomy_reference",)
    assert not view.errors.showing and "fc-stale" not in view.table_html._dom_classes


def test_an_unmatched_locality_is_a_note_not_an_error() -> None:
    """Issue 14 (6): as in notebooks 00 and 02, prices stay national and the picker says so."""
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    view.locality.combobox.value = "Atlantis"
    assert not view.errors.showing
    assert "matches no Medicare locality" in view.locality.note.value
    assert set(view.table["locality"]) == {"national"}
    assert bars(view)["Mastectomy alone, both sides (reference)"] == 1410.47


def test_builder_copies_a_preset_and_adds_a_scenario(presets) -> None:
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    view.builder.start_from.value = "02_advocates_initial_same_surgeon"  # a protocol scenario: its lines
    assert view.builder.lines.value.split() == ["19303-50", "14301-RT", "14301-LT"]
    view.builder.start_from.value = ""
    view.builder.title.value = "My closure"
    view.builder.lines.value = "14301-RT\n14301-LT-59"
    built = view.builder.add_built()
    assert built is not None and built.name == "my_closure" and view.known["my_closure"] == built
    assert view.chosen.value == ("01_mastectomy_reference", "my_closure")
    # 14301 (RVU25D) 849.10, the second side ranked second at 50%: 849.10 + 424.55 = 1273.65
    assert bars(view)["My closure"] == 1273.65
    assert "Added &#x27;My closure&#x27;" in view.builder.status.value

    view.builder.add_built()  # the same title again is refused, nothing replaced
    assert "already in the list" in view.builder.errors.message
    view.builder.title.value = "Another"
    view.builder.lines.value = "14301-RT, 99999"
    assert view.builder.add_built() is None
    assert "field 'lines[1]': unknown code '99999'" in view.builder.errors.message
    view.builder.title.value = " "
    view.builder.add_built()
    assert "give the scenario a title" in view.builder.errors.message
    assert list(view.known).count("my_closure") == 1 and "another" not in view.known


def test_builder_keeps_the_valuation_of_the_preset_it_starts_from(presets) -> None:
    base = presets["06_unlisted_19499"]
    s = build_scenario("Unlisted, both sides", "19499\n19499-LT", base, ())
    assert s.comparators == base.comparators and s.illustrative == base.illustrative
    new = presets["10_new_afc_code"]
    kept = build_scenario("New code, one side", "AFC01-RT", new, ())
    assert kept.new_code == new.new_code
    dropped = build_scenario("Without the new code", "14301-RT", new, ())
    assert dropped.new_code is None and dropped.illustrative == ()


def upload(view, name: str, content: bytes) -> None:
    """What the browser sends when a file is chosen in the upload control (ipywidgets 8)."""
    view.files.upload.value = ({"name": name, "type": "", "size": len(content),
                                "last_modified": dt.datetime(2026, 1, 1),
                                "content": memoryview(content)},)


def downloaded(view) -> tuple[str, bytes]:
    """The file the download link hands over: its name and its bytes (a data: URL)."""
    m = re.search(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', view.files.downloads.value)
    assert m is not None
    return m.group(1), base64.b64decode(m.group(2))


def test_save_and_load_round_trip_through_the_view(presets) -> None:
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    view.builder.title.value = "Layered repair"
    view.builder.lines.value = "13101-RT 13101-LT-59"
    built = view.builder.add_built()
    assert view.files.to_save.value == "layered_repair"
    assert view.files.save() == "layered_repair.yaml"
    name, data = downloaded(view)
    assert name == "layered_repair.yaml" and "layered_repair.yaml" in view.files.status.value
    assert scenarios.loads(data.decode(), "layered_repair") == built

    other = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    upload(other, "layered.yaml", data)
    assert other.known["layered"] == replace(built, name="layered")  # the name is the file's stem
    assert other.chosen.value == ("01_mastectomy_reference", "layered")
    assert bars(other)["Layered repair"] == bars(view)["Layered repair"]
    upload(other, "layered.yaml", data + b"\n")
    assert "already in the list" in other.files.status.value
    view.files.save_format.value = "json"
    view.files.save()
    assert downloaded(view)[0] == "layered_repair.json"


def test_a_bad_file_is_refused_with_a_message_naming_the_field() -> None:
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    bad = (b"title: A claim\ndescription: d\nreference: r\nlines: ['14301-RT', '99999']\n"
           b"valuation: {year: 2025}\n")
    upload(view, "bad.yaml", bad)
    assert "bad.yaml: field 'lines[1]': unknown code '99999'" in view.files.errors.message
    assert "Nothing was loaded or made." in view.files.errors.widget.value
    assert "bad" not in view.known and view.chosen.value == ("01_mastectomy_reference",)
    upload(view, "upload.yaml", b"title: t\ndescription: d\nreference: r\nlines: ['14301-RT']\n")
    assert "upload.yaml: field 'valuation': missing" in view.files.errors.message
    upload(view, "notes.txt", b"title: t")
    assert "does not end in .yaml, .yml, .json" in view.files.errors.message
    upload(view, "fine.yaml", bad.replace(b", '99999'", b""))
    assert not view.files.errors.showing and "fine" in view.chosen.value


def test_exports_are_downloads_of_the_shown_comparison() -> None:
    view = scenario_view(chosen=["01_mastectomy_reference", "06_unlisted_19499"],
                         years=(2024, 2025))
    got = {}
    for kind in ("csv", "xlsx", "html"):
        assert view.files.export(kind) is not None
        name, data = downloaded(view)
        got[kind] = data
        assert name == {"csv": "flatclosure_scenarios.csv", "xlsx": "flatclosure_scenarios.xlsx",
                        "html": "flatclosure_scenarios_report.html"}[kind]
    csv = pd.read_csv(io.BytesIO(got["csv"]))
    assert list(csv["total"]) == list(view.table["total"])
    assert "Flat closure alone as unlisted 19499 (fallback) *" in got["html"].decode()
    assert pd.read_excel(io.BytesIO(got["xlsx"]), sheet_name="comparison")["total"].tolist() == list(
        view.table["total"])
    assert str(Path.cwd()) not in view.files.status.value + view.files.downloads.value[:400]


def test_start_from_copies_an_illustrative_mark_only_where_it_applies(presets) -> None:
    """Issue 14 (6): the '*' follows the assumption, not the scenario started from."""
    m22 = presets["05_bundled_mastectomy_22"]  # assumes the share paid for modifier 22
    assert build_scenario("Without 22", "19303-50", m22, ()).illustrative == ()
    assert build_scenario("With 22", "19303-50-22", m22, ()).illustrative == m22.illustrative
    unlisted = presets["06_unlisted_19499"]  # assumes the comparator of 19499 (status C)
    assert build_scenario("Tissue transfer", "14301-RT 14301-LT", unlisted, ()).illustrative == ()
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    view.builder.start_from.value = "05_bundled_mastectomy_22"
    view.builder.title.value = "Mastectomy, no 22"
    view.builder.lines.value = "19303-50"
    view.builder.add_built()
    assert "Mastectomy, no 22" in bars(view) and "Mastectomy, no 22 *" not in bars(view)


def test_loading_a_file_just_saved_adds_no_duplicate_and_built_ones_can_be_removed() -> None:
    """Issue 14 (6): a saved file loaded back (even renamed by the browser) is the same one;
    a built or loaded scenario can be taken off the list, a preset cannot."""
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    view.builder.title.value = "Layered repair"
    view.builder.lines.value = "13101-RT 13101-LT-59"
    view.builder.add_built()
    view.files.save()
    _, data = downloaded(view)
    before = list(view.known)
    for name in ("layered_repair.yaml", "layered_repair (1).yaml"):
        upload(view, name, data)
        assert list(view.known) == before and "already in the list" in view.files.status.value
    assert view.chosen.value == ("01_mastectomy_reference", "layered_repair")

    view.files.to_save.value = "layered_repair"
    view.files.remove_button.click()
    assert "layered_repair" not in view.known and view.chosen.value == ("01_mastectomy_reference",)
    assert "layered_repair" not in [v for _, v in view.chosen.options]
    assert "Removed &#x27;Layered repair&#x27;" in view.files.status.value and not view.errors.showing
    view.files.to_save.value = "01_mastectomy_reference"
    view.files.remove_button.click()
    assert "the presets stay" in view.files.errors.message and "01_mastectomy_reference" in view.known


def test_the_report_shows_the_year_the_page_shows() -> None:
    """Issue 14 (6): not the latest year (2026) while the page shows 2025."""
    view = scenario_view(chosen=["01_mastectomy_reference", "06_unlisted_19499"])
    assert view.year.value == 2025 and view.years.value == (2019, 2026)
    view.files.export("html")
    page = downloaded(view)[1].decode()
    assert "What each scenario pays, 2025" in page and "The value gap, 2025" in page
    assert "What each scenario pays, 2026" not in page
    view.year.value = 2023
    view.files.export("html")
    assert "The value gap, 2023" in downloaded(view)[1].decode()


def test_patient_cost_beside_each_allowed_total() -> None:
    """Issue 13 (2): Original Medicare at 1 × Medicare, else the user's own plan."""
    view = scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))
    _, _, frame = view.binding.result
    # 2025: allowed 1410.47; Part B deductible $257 first; 20% of the rest:
    # 0.2 x (1410.47 - 257) = 230.694 -> 230.69; the patient pays 257 + 230.69 = 487.69
    assert frame["patient"].tolist() == [487.69]
    assert frame["patient_plan"].tolist() == ["Original Medicare"]
    assert "$487.69" in view.table_html.value and "Original Medicare" in view.table_html.value
    assert view.deductible.disabled  # the plan's boxes apply only under a payer multiplier
    view.payer_multiplier.value = 1.22
    assert not view.deductible.disabled
    with view.binding.hold():
        view.deductible.value, view.coinsurance.value, view.out_of_pocket.value = 500, 0.2, 3000
    _, _, frame = view.binding.result
    # 1720.77 allowed; deductible 500, then 0.2 x 1220.77 = 244.154 -> 244.15: 744.15 (< 3000)
    assert frame["patient"].tolist() == [744.15] and "your plan" in frame["patient_plan"].iloc[0]
    view.out_of_pocket.value = 600  # the out-of-pocket room caps it
    assert view.binding.result[2]["patient"].tolist() == [600.0]
    assert view.deductible.max == 20000 and view.coinsurance.max == 1  # cost_share_bounds.csv


def compare_runs(monkeypatch: pytest.MonkeyPatch) -> list[set[str]]:
    """Each run of the scenario engine (``scenarios.compare``) from now on: the settings of the
    scenarios it compared."""
    calls: list[set[str]] = []
    real = scenarios.compare

    def counted(chosen: list[Scenario], *args: Any, **kwargs: Any) -> pd.DataFrame:
        calls.append({s.valuation.setting for s in chosen})
        return real(chosen, *args, **kwargs)

    monkeypatch.setattr(scenarios, "compare", counted)
    return calls


def test_a_refresh_with_the_same_comparison_reuses_it(monkeypatch) -> None:
    """Issue 15: the engine runs once per comparison inputs; the year shown and the patient's
    plan do not re-run it."""
    calls = compare_runs(monkeypatch)
    view = scenario_view()
    assert len(calls) == 1
    table = view.table
    view.year.value = 2022
    view.refresh()
    view.setting.value = "office"
    view.setting.value = ""
    assert len(calls) == 2 and view.table is table
    assert view.bars_figure.data[0].y == tuple(table[table["year"] == 2022]["total"])


def test_a_setting_made_ahead_is_a_look_up_showing_the_same(monkeypatch) -> None:
    """Issue 15: after a change on the page the other settings are made ahead (``make_ahead``);
    changing to one then runs no comparison and shows what computing it at the change shows."""
    fresh = scenario_view()
    fresh.setting.value = "office"
    calls = compare_runs(monkeypatch)
    view = scenario_view()
    make_ahead(view, "office")
    assert len(calls) == 2
    view.setting.value = "office"
    assert len(calls) == 2  # a look-up
    assert view.table_html.value == fresh.table_html.value
    assert view.trend_table.value == fresh.trend_table.value
    assert bars(view) == bars(fresh)
    assert bars(view)["Mastectomy alone, both sides (reference)"] is None  # 19303: facility only


def test_a_change_on_the_page_writes_the_table_before_the_charts_are_made(monkeypatch) -> None:
    """Issue 15: in a kernel, a change made on the page writes the numbers in its handler and
    brings the charts just after it (``after_numbers``): the numbers leave the kernel first."""
    fresh = scenario_view()
    fresh.setting.value = "office"
    view = scenario_view()
    before = bars(view)
    monkeypatch.setattr(figure_updates, "_page_change", lambda: True)
    calls = compare_runs(monkeypatch)

    async def change() -> tuple[str, dict[str, float | None], dict[str, float | None]]:
        view.setting.value = "office"
        table, charts = view.table_html.value, bars(view)
        await asyncio.sleep(0.05)
        drawn = bars(view)
        await asyncio.sleep(4 * PREFETCH_AFTER_S)  # the other settings, made ahead meanwhile
        return table, charts, drawn

    table, during, after = run_in_own_loop(change)
    assert table == fresh.table_html.value and during == before
    assert after == bars(fresh) != before and view.charts_due is None
    assert calls == [{"office"}, {"facility"}]  # the one asked for, then the one not yet made
    view.setting.value = "facility"
    assert len(calls) == 2  # a look-up


def test_links_round_trip_and_bad_parameters_are_named_and_ignored() -> None:
    view = scenario_view()
    view.chosen.value = ("01_mastectomy_reference", "07_excess_skin_15839")
    view.years.value = (2022, 2025)
    view.year.value = 2024
    view.locality.combobox.value = next(o for o in view.locality.combobox.options
                                        if o.endswith(f"({LA})"))
    view.payer_multiplier.value = 1.22
    query = view.url.query()
    assert "scenarios=01_mastectomy_reference%2C07_excess_skin_15839" in query
    assert "years=2022-2025" in query and f"locality={LA.replace(':', '%3A')}" in query
    other = scenario_view(query=query)
    assert other.url.query() == query and other.url.problems == []
    pd.testing.assert_frame_equal(other.table, view.table)
    bad = scenario_view(query="years=2030-2031&scenarios=nope&multiplier=9&year=2024&color=red")
    assert bad.year.value == 2024 and not bad.errors.showing
    assert bad.url.problems == [
        "years='2030-2031' is outside 2019-2026",
        "scenarios='nope' names nope, not a scenario of this page",
        "multiplier=9 is outside “Payer multiplier”: 0.5 to 2.5",
        "'color' is not a setting of this page"]
    assert "Ignored from the link: years=" in bad.url.notes.value


def test_a_link_read_after_the_view_is_built_is_what_the_page_shows() -> None:
    asked: list[str] = []
    link = "scenarios=01_mastectomy_reference%2C07_excess_skin_15839&year=2024&setting=office"

    def query() -> str:  # the app's page_query: waits for the request, after the view is built
        asked.append("asked")
        return link

    view = scenario_view(query=query)
    assert asked == ["asked"]
    assert view.chosen.value == ("01_mastectomy_reference", "07_excess_skin_15839")
    assert (view.year.value, view.setting.value) == (2024, "office")
    pd.testing.assert_frame_equal(view.table, scenario_view(query=link).table)
    # the bars were built on the defaults; what the page reads when it shows them
    # (_widget_data) is the link's: the office totals of 2024
    view._repr_mimebundle_()
    year = view.table[(view.table["year"] == 2024) & (view.table["locality"] == "national")]
    shown = list(view.bars_figure._widget_data[0]["y"])
    assert shown == [None if pd.isna(t) else t for t in year["total"]]
    assert shown[0] is None  # mastectomy is not paid in the office setting (PE NA): no bar
    assert set(year["setting"]) == {"office"}
