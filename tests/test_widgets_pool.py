"""Notebook 04's view built in plain Python (no kernel): set the controls, read the outputs and
compare them with ``flatclosure.pool`` called directly."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go
import pytest

from flatclosure.pool import family_neutrality, statutory, sweep
from flatclosure.volumes import illustrative_volumes, load_volumes
from flatclosure.widgets import PoolInputs, figure_updates, pool_view
from tests.event_loop import run_in_own_loop

FIXTURE = Path(__file__).parent / "fixtures" / "cms_geo_service_sample.csv"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def bars(fig: go.FigureWidget, trace: int) -> dict:
    return dict(zip(fig.data[trace].y, fig.data[trace].x, strict=True))


def price_row(view, code: str) -> list[str]:
    """The cells of the price table's row for ``code`` (text between tags)."""
    body = view.out["prices"].value.split("<tbody>")[1]
    row = next(r for r in body.split("<tr>") if f">{code}<" in r)
    return [c.split(">", 1)[1] for c in row.split("</td>")[:-1]]


def _descendants(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from _descendants(child)


@pytest.fixture()
def view():
    return pool_view()


@pytest.fixture()
def opened():
    """The view with the charts' section open: folded charts are drawn when it opens."""
    v = pool_view()
    v.details.selected_index = 1
    return v


def test_opens_with_the_three_paths_and_a_computed_verdict(view) -> None:
    # preset 10: 28 RVU x 3,000 a year, 2025; today's flat closure 14301-RT + 14301-LT-59 =
    # 849.10 + 424.55 = $1,273.65; AFC01-50 28 x 32.3465 x 1.5 = $1,358.55: +$84.90 x 3,000 =
    # $254,700.00; 14301 revalued 12.65 -> 14.40 work: the same claim $1,358.55 (+$84.90 x 3,000)
    # plus 23,000 other services x 1.75 x 32.3465 = $1,301,946.63: $1,556,646.63 a year
    paths = view.outcome.paths
    assert [p.key for p in paths.paths] == ["today", "new_code", "revalue"]
    assert paths.path("today").flat_closure_paid == 1273.65
    assert paths.path("new_code").added_spending == 254_700.00
    assert paths.path("revalue").added_spending == 1_556_646.63
    # 19303 29.07 x 32.3465 = 940.3128; (c) x 93e9 / (93e9 + 1,556,646.63) = 940.2971 -> $940.30
    assert paths.path("revalue").mastectomy_paid == 940.30  # from $940.31 (issue 10)
    table = view.out["paths"].value
    for words in ("(a) Today&#x27;s codes", "(b) A new flat-closure code",
                  "(c) Revalue existing codes", "$1,273.65", "$1,556,646.63 (illustrative)",
                  "An office visit (99213, office) is paid", "Who pays"):
        assert words in table, words
    verdict = view.out["verdict"].value
    assert "Revaluing costs 6.1 times what the new code costs: 84%" in verdict
    assert "a mastectomy moves by cents" in verdict
    # the first thing the page shows is the paths section, the details are folded
    assert view.widget.children[0].value.endswith("Three paths for paying flat closure</h3>")
    assert view.details.selected_index is None
    assert "UNCONFIRMED" in view.details.get_title(2)


def test_year_adjustment_and_the_em_check_are_on_screen(view) -> None:
    # 2025: BN 1.0002 (+0.02%) from the CF table; path (b)'s own share: $254,700.00 on 93e9,
    # 32.3465 x 93e9 / (93e9 + 254,700) = 32.346411 (-0.0003%)
    year = view.out["year"].value
    assert ("in 2025 the conversion factor carries a budget-neutrality adjustment of 1.0002 "
            "(+0.02%; derived: our arithmetic") in year
    assert "$32.3465 → $32.3464 per RVU (−0.0003%)" in year
    assert "not a gate for one code" in year and "2018-2026" in year
    em = view.out["em"].value
    assert "$36.0896 to $32.4085 (−10.20%)" in em and "jtaylor.com" in em


def test_the_statutory_lens_at_the_preset(view) -> None:
    stat = view.outcome.statutory
    engine = statutory(view.inputs().scenario())
    assert stat.added_spending == engine.added_spending == 970_977.24
    # factor 93e9 / (93e9 + 970,977.24) = 0.99998956; CF 32.3465 -> 32.34616
    assert "Conversion factor: $32.3465 → $32.3462 per RVU (−0.0010%)" in view.out["cf"].value
    text = view.out["statutory"].value
    assert "Added spending: $970,977.24 a year" in text
    # one cent: 0.01 x 93e9 / 32.3365 = 28,760,069.9 / (10.006 x 32.3465) = 88,859 services
    assert "by one cent after 88,859 services a year" in text
    assert f"Note: {stat.notes[0]}." in text and "illustrative" in text
    codes = engine.codes.set_index("code")
    assert bars(view.prices_figure, 0)["19303 (mastectomy)"] == codes.loc["19303", "price_before"]
    assert bars(view.prices_figure, 1)["19303 (mastectomy)"] == 940.30
    assert list(view.prices_figure.data[0].y)[0] == "19301 (mastectomy)"  # mastectomy first
    assert "14302 (tissue rearr.)" not in bars(view.prices_figure, 0)  # add-ons: table only
    assert price_row(view, "14302")[3] == "$207.99"
    assert not view.errors.showing and not view.family_errors.showing


def test_volume_moves_every_path_and_the_heatmap_follows(opened) -> None:
    view = opened
    prices, heat = view.prices_figure, view.heatmap
    view.c.volume.value = 200_000
    assert view.prices_figure is prices and view.heatmap is heat  # updated in place
    engine = statutory(view.inputs().scenario())
    # added = 10.006 x 200,000 x 32.3465 = 64,731,815.80; factor 0.999304443; CF 32.324001
    assert engine.added_spending == 64_731_815.80
    assert view.outcome.statutory.conversion_factor_after == pytest.approx(32.324001, abs=1e-6)
    assert "$32.3465 → $32.3240 per RVU (−0.0696%)" in view.out["cf"].value
    assert bars(prices, 1)["19303 (mastectomy)"] == 939.66
    assert (heat.data[2].x, heat.data[2].y) == ((28.0,), (200_000.0,))
    # same flat closures for the revaluation: 200,000 x 2 lines / 29,000 is over 1: capped at 1
    assert view.c.fc_share.value == 1.0
    assert view.family_errors.showing and "cannot stay work-neutral" in view.family_errors.message
    assert not view.errors.showing


def test_heatmap_and_one_cent_line_are_the_engine_sweep(opened) -> None:
    view = opened
    view.c.shares["13101"].value = 0.5
    g = view.outcome.sweep
    engine = sweep(view.inputs().scenario(), g.rvus, g.volumes)
    assert engine.displaced_rvu == pytest.approx(17.994 + 0.5 * 7.40)  # 13101 facility 7.40
    z = np.array(view.heatmap.data[0].z, dtype=float)  # rows = volumes, columns = RVUs
    assert np.allclose(z.T, engine.change_pct, atol=1e-5)
    assert z[0, 0] > 0  # 0 RVU displacing 21.694: frees RVUs, the CF rises, even at 100 services
    line = np.array([np.inf if v is None else v for v in view.heatmap.data[1].y], dtype=float)
    assert np.array_equal(line, engine.services_per_cent)
    # 30 RVU, net 8.306: 28,760,069.9 / (8.306 x 32.3465) = 107,046 services before one cent
    assert "107,046" in view.out["services"].value


def test_revaluing_another_code_with_given_volume_and_share(view) -> None:
    view.c.revalue_code.value = "13101"
    assert view.c.revalue_work.value == 3.5  # its work RVU today (2025): no change yet
    view.c.revalue_work.value = 4.5
    view.c.revalue_volume.value = 100_000
    view.c.same_closures.value = False
    view.c.fc_share.value = 0.05
    rev = view.outcome.paths.path("revalue")
    # 1.00 x 100,000 x 32.3465 = $3,234,650 a year; 13101 is not on the flat-closure claim
    # (14301-RT 14301-LT-59), so its 5% keeps the full per-service value: $161,732.50
    assert rev.added_spending == 3_234_650.0
    assert dict(rev.gains)["flat closures"] == 161_732.5
    assert "13101: work RVU 3.50 -> 4.50 on all 100,000 services a year, 5.0%" in rev.inputs[0]


def test_family_lens_nets_displaced_services_and_labels_volumes(opened) -> None:
    view = opened
    fam = family_neutrality(view.inputs().scenario(), "breast", illustrative_volumes())
    shown = view.outcome.family
    assert shown is not None and shown.work_scale_factor == fam.work_scale_factor
    members = fam.members.set_index("code")
    assert members.loc["19303", "change_pct"] == pytest.approx(-1.6587, abs=1e-3)  # not -3.9%
    assert bars(view.prices_figure, 2)["19303 (mastectomy)"] == members.loc["19303", "price_after"]
    assert bars(view.prices_figure, 2)["14301 (tissue rearr.)"] is None  # not in the family
    assert "Displaced services outside the family free 25,920 work RVUs" in view.out["family"].value
    assert "ILLUSTRATIVE volumes" in view.out["family"].value
    assert "8,000 (illustrative)" in view.out["family_table"].value
    assert "How these illustrative volumes were reasoned" in view.out["reasoning"].value
    assert "UNCONFIRMED" in view.out["family_table"].value


def test_user_family_and_a_bad_code_show_a_message(view) -> None:
    view.c.family.value = "custom"
    assert not view.c.family_codes.disabled
    assert view.family_errors.showing and "list at least one" in view.family_errors.message
    view.c.family_codes.value = "19303 1930X"
    assert view.family_errors.showing and "1930X" in view.family_errors.message
    assert not view.errors.showing and view.outcome.statutory.added_spending == 970_977.24
    view.c.family_codes.value = "19303, 19307 14301"
    assert not view.errors.showing and not view.family_errors.showing
    assert view.outcome.family.codes == ("19303", "19307", "14301")


def _upload(view, name: str, content: bytes) -> None:
    view.c.upload.value = ({"name": name, "type": "text/csv", "size": len(content),
                            "content": memoryview(content), "last_modified": NOW},)


def test_cms_volumes_only_by_upload(view) -> None:
    texts = [w for w in _descendants(view.widget) if isinstance(w, widgets.Text)]
    assert all("path" not in (t.description + t.placeholder).lower() for t in texts)
    bad = FIXTURE.read_text().replace("7600,7600", "many,7600", 1).encode()
    _upload(view, "mine.csv", bad)
    assert view.errors.showing and "mine.csv, row 2, field 'Tot_Srvcs'" in view.errors.message
    _upload(view, "/etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n")
    assert view.errors.showing and "root:x" not in view.errors.message  # no line echoed
    assert "/etc" not in view.errors.message
    _upload(view, "good.csv", FIXTURE.read_bytes())
    assert not view.errors.showing and "good.csv" in view.volumes.source
    assert view.volumes.get("19303") == load_volumes(FIXTURE).get("19303") == 7600
    assert view.c.revalue_volume.value == 22000 + 3100.5  # 14301, measured
    assert "7,600" in view.out["family_table"].value
    assert "(illustrative)" not in view.out["family_table"].value
    view.c.reset_volumes.click()
    assert view.volumes.illustrative and view.c.revalue_volume.value == 29000


def test_the_revalued_codes_volume_shows_its_reasoning_and_reference(view) -> None:
    text = view.out["revalue_volume"].value
    assert "14301: 29,000 services a year (illustrative)" in text
    assert "27,000-31,000" in text and "ASC facility claims" in text


def test_the_cy2021_em_example_through_the_view_functions() -> None:
    # added = 11.3584% of $93bn from 1e8 services of r RVUs on the 2020 schedule (CF 36.0896):
    # factor 1 / 1.113584 = 0.898000; 36.0896 x 0.898 = 32.4085 (-10.20%)
    rvu = 0.113584 * 93e9 / (1e8 * 36.0896)
    # (the per-service lens: path (b) would replace 1e8 flat-closure claims and is refused)
    stat = statutory(PoolInputs(rvu=rvu, volume=1e8, shares=(), year=2020).scenario())
    assert stat.conversion_factor_before == 36.0896
    assert stat.conversion_factor_after == pytest.approx(32.4085, abs=1e-4)
    assert round(stat.change_pct, 2) == -10.20


def test_the_family_lens_uses_the_presets_work_rvu(view) -> None:
    # the preset gives 15.00 work of 28.00 total: the lens must not assume another split
    assert view.outcome.family.new_code_work_rvu == 15.0
    view.c.rvu.value = 56.0  # twice the total keeps the preset's work share, 15/28
    assert view.outcome.family.new_code_work_rvu == pytest.approx(30.0)


def test_an_error_greys_the_results_and_names_the_control(view) -> None:
    # $1bn in all, a 0-RVU code replacing a whole 14301 + 13101 + 15839 (+19499, no RVUs):
    # 1,000,000 x -(26.25 + 7.40 + 22.44) x 32.3465 = -$1.81bn, more than the pool: refused
    view.c.total_allowed.value = 1.0
    view.c.rvu.value = 0.0
    for s in view.c.shares.values():
        s.value = 1.0
    view.c.volume.value = 1_000_000
    assert view.errors.showing and "whole PFS pool" in view.errors.message
    assert "'Total PFS allowed, $bn' under More inputs" in view.errors.message
    assert "fc-off" in view.out["verdict"]._dom_classes and "fc-off" in view.heatmap._dom_classes
    view.c.total_allowed.value = 93.0
    assert not view.errors.showing and "fc-off" not in view.out["paths"]._dom_classes


def test_the_family_lens_without_an_answer_does_not_say_cannot_show(view) -> None:
    view.c.volume.value = 200_000  # 1,272,000 net work RVUs > the breast family's 593,534
    shown = view.family_errors.widget.value
    assert "The family lens has no answer for these inputs" in shown
    assert "Cannot show" not in shown and "Change &#x27;Flat closures a year&#x27;" in shown
    assert "a dash under the family lens: the family lens has no answer" in view.out["prices"].value
    assert "What the numbers say." in view.out["verdict"].value


def test_price_bars_keep_short_labels_whole_and_tiny_changes_visible(opened) -> None:
    view = opened
    # 13100 today $195.37: inside its short bar the label was cut to "5.37"; now it goes after
    # the bar. The statutory change is -0.0010% (factor 0.99998956): not rounded to "-0.0%".
    fig = view.prices_figure
    assert all(t.textposition == "outside" and t.cliponaxis is False for t in fig.data)
    assert fig.layout.xaxis.range == (0.0, 1.8 * 1196.82)  # 19306, the dearest bar, + label room
    after = dict(zip(fig.data[1].y, fig.data[1].text, strict=True))
    assert after["13100 (complex repair)"] == "$195.37 (−0.0010%)"
    family = dict(zip(fig.data[2].y, fig.data[2].text, strict=True))
    assert family["19303 (mastectomy)"] == "$924.72 (−1.7%)"


def test_the_revalued_codes_volume_is_marked_illustrative_beside_its_box(view) -> None:
    # 29,000 14301 services a year is an illustrative default (data/pool/volumes_illustrative.csv):
    # its note sits in the (c) card, next to 'All its services a year'
    card = view.c.paths_box.children[1]
    assert view.out["revalue_volume"] in card.children
    assert "14301: 29,000 services a year (illustrative)." in view.out["revalue_volume"].value
    assert "$254,700.00 a year (from illustrative volumes)" in view.out["verdict"].value


def test_the_flat_closure_share_box_opens_greyed_when_it_follows_the_new_code(view) -> None:
    assert view.c.same_closures.value and view.c.fc_share.disabled
    view.c.same_closures.value = False
    assert not view.c.fc_share.disabled


def test_a_link_sets_the_controls_and_names_what_it_ignores() -> None:
    # ?volume=5000&rvu=30: (b) AFC01-50 = 30 x 32.3465 x 1.5 = 1,455.5925 -> $1,455.59 against
    # $1,273.65: +$181.94 x 5,000 = $909,700.00 a year
    view = pool_view(query="volume=5000&rvu=30&colour=red&share_14301=2")
    assert (view.c.volume.value, view.c.rvu.value) == (5000, 30)
    assert view.outcome is not None and view.outcome.paths.path("new_code").added_spending == 909_700.0
    assert view.url is not None
    assert view.url.problems == ["'colour' is not a setting of this page",
                                 "share_14301=2 is outside “Share of a 14301”: 0 to 1"]
    assert "Ignored from the link: &#x27;colour&#x27;" in view.url.notes.value
    assert view.c.shares["14301"].value == 0.6  # the bad value is ignored, not clamped
    again = pool_view(query=view.url.query())  # the link round-trips
    assert again.url is not None and again.url.query() == view.url.query() and not again.url.problems
    assert pool_view(query="same_closures=maybe&volume=1e12").url.problems == [  # type: ignore[union-attr]
        "same_closures='maybe' is not yes or no",
        "volume=1e12 is outside “Flat closures a year”: 100 to 1,000,000"]


def test_the_page_explains_its_words_and_shows_no_repository_paths(view) -> None:
    html = "".join(w.value for w in view.widget.children if isinstance(w, widgets.HTML))
    assert html.count('<abbr class="fc-term"') == 13  # every term of pool_view.TERMS
    assert ">budget neutrality</abbr>" in html and ">CF</abbr>" in html
    more = view.details.children[0]  # the PFS total's source, without our notes' section
    notes = "".join(w.value for w in more.children if isinstance(w, widgets.HTML))
    assert "CY2020 Physician Fee Schedule final rule" in notes and "research notes" not in notes


def test_folded_charts_are_drawn_when_their_section_opens() -> None:
    # issue 15: a change while the charts' section is folded sends no chart; opening it draws
    # the last outcome. 200,000 a year: 19303 after = $939.66 (the unit test above), the cross
    # moves to (28, 200,000)
    view = pool_view()
    heat_x = view.heatmap.data[2].y
    view.c.volume.value = 200_000
    assert view.heatmap.data[2].y == heat_x and view.charts_due is view.outcome
    assert "939.66" in view.out["prices"].value  # the numbers do not wait
    view.details.selected_index = 1
    assert view.charts_due is None
    assert view.heatmap.data[2].y == (200_000.0,)
    assert bars(view.prices_figure, 1)["19303 (mastectomy)"] == 939.66


def test_a_change_on_the_page_writes_the_numbers_before_the_open_charts_are_made(
        monkeypatch, opened) -> None:
    # issue 15: in a kernel, a change made on the page writes the numbers in its handler and
    # brings the charts just after it (after_numbers); 200,000 a year: $939.66 as above
    monkeypatch.setattr(figure_updates, "_page_change", lambda: True)
    heat_x = opened.heatmap.data[2].y

    async def change() -> tuple[str, Any, Any]:
        opened.c.volume.value = 200_000
        prices, during = opened.out["prices"].value, opened.heatmap.data[2].y
        await asyncio.sleep(0.05)
        return prices, during, opened.heatmap.data[2].y

    prices, during, after = run_in_own_loop(change)
    assert "939.66" in prices and during == heat_x and after == (200_000.0,)
    assert bars(opened.prices_figure, 1)["19303 (mastectomy)"] == 939.66


def test_a_setting_shown_again_comes_from_the_cache_with_the_same_values(view) -> None:
    # issue 15: toggled back, the outcome is the one computed before (OutcomeCache)
    first = view.outcome
    view.c.setting.value = "office"
    office = view.outcome
    view.c.setting.value = "facility"
    assert view.outcome is first and office is not first
    assert view.outcome.paths.path("today").flat_closure_paid == 1273.65


def test_a_link_read_after_the_view_is_built_is_what_the_page_shows() -> None:
    asked: list[str] = []

    def query() -> str:  # the app's page_query: waits for the request, after the view is built
        asked.append("asked")
        return "volume=5000&rvu=30"

    view = pool_view(query=query)
    assert asked == ["asked"]
    # the same $909,700.00 as the link test above, computed once for both values
    assert view.outcome is not None and view.outcome.paths.path("new_code").added_spending == 909_700.0
    assert "$909,700.00" in view.out["paths"].value
    view.details.selected_index = 1
    view._repr_mimebundle_()  # what the page reads when it shows the heatmap: the link's cross
    assert view.heatmap._widget_data[2]["x"] == [30.0]


def test_outcomes_made_again_after_leaving_the_cache_render_the_same() -> None:
    # an outcome pushed out of the cache (here of one) and computed again shows what it showed
    view = pool_view()
    assert view.cache is not None
    view.cache.size = 1
    first = view.out["paths"].value
    view.c.volume.value = 5000
    view.c.volume.value = 3000  # the preset's volume again, computed anew
    assert view.outcome is not None and view.out["paths"].value == first
    view.c.volume.value = 5000
    assert "$909,700.00" not in view.out["paths"].value  # 28 RVU, not the link test's 30
