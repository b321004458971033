"""Notebook 02's view in plain Python: every control feeds the protocol, and the tables and the
alternatives chart show what ``flatclosure.protocol.recommend`` computes (golden figures from the
CMS extracts); impossible combinations grey the old answer and name the control to change; the
controls round-trip through a link; the patient's cost sits beside the allowed amount; the card
is a browser download."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import pandas as pd
import pytest

from flatclosure import figures
from flatclosure.claims import PricingContext, price_claim
from flatclosure.protocol import Procedure, ProtocolResult, recommend
from flatclosure.widgets import ViewInputs, protocol_view
from flatclosure.widgets.protocol_view import alternatives_frame_empty

STALE = "fc-stale"


@pytest.fixture()
def view():  # type: ignore[no-untyped-def]
    return protocol_view(year=2025)


def stale(v: Any) -> bool:
    """The answer is greyed: codes, total, patient cost, claim table, details, chart."""
    return all(STALE in w._dom_classes for w in v.out.stale_marked())


def lines(v: Any) -> list[str]:
    return [ln.line for ln in v.result.lines]


def engine(v: Any, **changes: Any) -> ProtocolResult:
    """The engine's own answer for what the view's controls hold, with ``changes``."""
    inputs = v.inputs()
    return recommend(inputs.procedure().replace(**changes), inputs.context(v.catalog),
                     catalog=v.catalog)


def test_default_is_a_closure_included_in_the_mastectomy(view) -> None:  # type: ignore[no-untyped-def]
    # 2025 (RVU25D, CF 32.3465): 19303 29.07 RVU = 940.3128, modifier 50 at 150% = 1410.47;
    # the same surgeon's closure in the mastectomy incision is included (no 59/XS)
    assert lines(view) == ["19303-50"] and view.result.total == 1410.47
    want = recommend(Procedure(mastectomy_code="19303", defect_area_cm2=45, repair_length_cm=7,
                               layered_closure=True),
                     PricingContext(view.catalog.date_for_year(2025)))
    assert view.result.lines == want.lines and view.result.alternatives == want.alternatives
    assert "Codes: 19303-50" in view.out.codes.value and "$1,410.47" in view.out.total.value
    claim = view.frames["claim"]
    assert list(claim["diagnoses"]) == [
        "C50.911 Breast cancer, site not specified, right breast (female); C50.912 Breast "
        "cancer, site not specified, left breast (female)"]
    assert "C50.912 Breast cancer" in view.out.claim_table.value
    assert list(view.frames["bundled"]["code"]) == ["14301", "14301"]
    assert "A53399" in view.out.bundled.value and "CPT Assistant 2017" in view.out.bundled.value
    for item in want.documentation:
        assert item.split(" (")[0] in view.out.checklist.value


def test_alternatives_table_and_figure_are_the_engines(view) -> None:  # type: ignore[no-untyped-def]
    alts = view.frames["alternatives"]
    want = view.result.alternatives
    assert list(alts["total"]) == [view.result.total, *[a.total for a in want]]
    fig = view.out.figure
    assert len(fig.data) == 2 and fig.data[0].name == "the recommended claim"
    assert fig.data[0].x == (1410.47,) + (None,) * len(want)
    by_id = {a.id: a.total for a in want}
    # documented true transfer: 19303-50 1410.47 + 14301 RT/LT one side at 50% 424.55 = 1835.02
    assert by_id["alt-true-transfer"] == 1835.02 and by_id["alt-mastectomy-22"] == 1410.47
    shown = view.out.alternatives_table.value
    assert "$1,835.02" in shown and "+$424.55" in shown


def test_modifier_22_row_says_the_uplift_it_is_priced_with(view) -> None:  # type: ignore[no-untyped-def]
    view.controls["modifier_22_percent"].value = 25
    alts = view.frames["alternatives"].set_index("option")["total"]
    # 19303-50-22, 2025: 940.3128 x 150% x 125% = 1763.09
    assert alts["Mastectomy with modifier 22, no separate closure code (15839 included) (+25% "
                "uplift, set under More options)"] == 1763.09


def test_true_transfer_distinctness_and_second_side(view) -> None:  # type: ignore[no-untyped-def]
    assert view.controls["defect_area_cm2"].continuous_update is False
    assert view.controls["defect_area_cm2"].max == 1500  # the rules' limit
    view.controls["closure_as"].value = "true_transfer"
    assert lines(view) == ["19303-50", "14301-RT", "14301-LT"] and view.result.total == 1835.02
    assert view.result.lines[1].denial_risk == "high"
    view.controls["closure_as"].value = "protocol"
    view.controls["distinctness"].value = "separate_site"
    assert lines(view) == ["19303-50", "14301-RT-XS", "14301-LT-XS"]
    assert view.result.total == 2259.57  # 1410.47 + 424.55 x 2 (each XS side ranked)
    view.controls["defect_area_cm2"].value = 100  # 60 in 14301, 40 more: two add-on units of 30 sq cm
    assert lines(view) == ["19303-50", "14301-RT-XS", "14302-RT-XSx2", "14301-LT-XS",
                           "14302-LT-XSx2"]
    assert view.result == engine(view)
    on = view.catalog.date_for_year(2025)
    assert view.result.total == price_claim(lines(view), PricingContext(on)).total


def test_layered_closure_criteria_decide_the_repair(view) -> None:  # type: ignore[no-untyped-def]
    view.controls["same_surgeon"].value = False
    view.controls["rearrangement"].value = False
    view.controls["repair_length_cm"].value = 20.0
    assert not view.controls["layered_closure"].disabled and view.controls["defect_area_cm2"].disabled
    assert lines(view) == ["12037"] and view.result.total == 319.91  # 40 cm summed, layered only
    view.controls["extensive_undermining"].value = True
    assert lines(view) == ["13101", "13102x7"] and view.result.total == 723.91  # the golden figure
    assert view.result.denial_risk == "medium"


def test_revision_inside_the_global_period_needs_58_78_or_79(view) -> None:  # type: ignore[no-untyped-def]
    view.controls["stage"].value = "revision"
    assert view.controls["mastectomy_code"].disabled and view.controls["days_since_surgery"].disabled
    assert "fc-off" in view.controls["mastectomy_code"]._dom_classes
    assert lines(view) == ["14301-RT", "14301-LT"]
    assert [d.code for d in view.result.lines[0].diagnoses] == ["N65.0", "Z42.8", "Z90.13",
                                                                "C50.911"]
    view.controls["prior_surgery"].value = True  # 30 days after 19303, inside its 90-day global period
    assert view.errors.showing and view.result is None and stale(view)
    # the message names the control to change by its on-screen label, then the problem
    assert view.errors.message.startswith("Change “Inside its global period”. day 30 is inside "
                                          "the 90-day global period of 19303")
    assert "greyed" in view.errors.widget.value
    # the old answer stays, greyed, never looking current
    assert "Codes: 14301-RT, 14301-LT" in view.out.codes.value
    view.controls["global_modifier"].value = "78"
    assert not view.errors.showing and not any(STALE in w._dom_classes
                                               for w in view.out.stale_marked())
    assert lines(view) == ["14301-RT-78", "14301-LT-78"]
    assert view.result == engine(view)
    view.controls["days_since_surgery"].value = 120  # outside the global period: the modifier is not used
    assert lines(view) == ["14301-RT", "14301-LT"]
    assert any("not used" in w for w in view.result.warnings)


def test_impossible_combinations_show_a_readable_message(view) -> None:  # type: ignore[no-untyped-def]
    view.controls["defect_area_cm2"].value = 0
    assert view.errors.showing and stale(view)
    assert view.errors.message.startswith("Change “Defect area per side (sq cm)”. ")
    assert "Traceback" not in view.errors.widget.value
    view.controls["defect_area_cm2"].value = 45
    assert not view.errors.showing and view.result is not None
    view.controls["fat_grafting"].value = True  # at the initial surgery: refused by the protocol
    assert view.errors.showing and view.errors.message.startswith("Change “Fat grafting")
    assert ("switch off the assumption 'Fat grafting is coded at revision, not at the initial "
            "closure'") in view.errors.message
    view.controls["fat_grafting_revision_only"].value = False
    assert not view.errors.showing and ("fat_grafting_revision_only", "off") in \
        view.result.assumptions
    view.controls["second_side"].value = "rt_lt_distinct"
    assert view.errors.showing
    assert view.errors.message.startswith("Change “Second side of a per-defect code”. a 59/XS")


def test_facts_that_do_not_apply_are_not_passed() -> None:
    facts = (("stage", "revision"), ("fat_cc", 250.0), ("mastectomy_code", "19303"),
             ("days_since_surgery", 30), ("defect_area_cm2", 20.0))
    p = ViewInputs(facts, 2025).procedure()
    assert p.fat_cc == 0 and p.mastectomy_code is None and p.days_since_surgery is None


def test_sides_setting_locality_and_payer(view) -> None:  # type: ignore[no-untyped-def]
    view.controls["closure_as"].value = "true_transfer"
    view.controls["sides"].value = "left"
    assert view.controls["second_side"].disabled and lines(view) == ["19303-LT", "14301-LT"]
    view.locality.combobox.value = next(k for k in view.locality.combobox.options
                                        if "(01182:18)" in k)
    view.controls["payer_multiplier"].value = 1.2
    assert view.result == engine(view)
    assert view.result.context.locality == "01182:18" and "Los Angeles" in view.out.total.value
    view.controls["year"].value = 2026  # no 2026 GPCI file: national only
    assert view.locality.locality is None and view.result.context.on.year == 2026
    view.controls["setting"].value = "office"  # 19303 is priced in the facility setting only
    assert view.errors.showing and view.errors.message.startswith("Change “Setting”. ")


def test_exact_date_overrides_the_year(view) -> None:  # type: ignore[no-untyped-def]
    view.controls["exact_date"].value = dt.date(2021, 2, 1)
    assert view.controls["year"].disabled and view.result.context.on == dt.date(2021, 2, 1)
    assert view.result == engine(view)
    view.controls["exact_date"].value = dt.date(2015, 1, 1)
    assert view.errors.showing
    assert view.errors.message.startswith("Change “or exact date”. ")


def test_card_is_a_browser_download_never_a_server_path(view) -> None:  # type: ignore[no-untyped-def]
    view.card_button.click()
    shown = view.card_output.value
    link = re.search(r'download="([^"]+)" href="data:text/html;base64,([^"]+)"', shown)
    assert link and link[1] == "protocol_card_2025.html"
    text = base64.b64decode(link[2]).decode("utf-8")
    assert "14301" in text and "coding protocol card, 2025" in text and "C50.911" in text
    visible = re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", shown, flags=re.S))
    assert "/" not in visible and "written to" not in visible  # no server path, no folder
    view.controls["year"].value = 2024  # the card offered is for the year it was made for
    assert view.card_output.value == ""
    view.card_button.click()
    assert 'download="protocol_card_2024.html"' in view.card_output.value


def test_patient_cost_sits_beside_the_allowed_amount(view) -> None:  # type: ignore[no-untyped-def]
    # 2025, allowed 1410.47 (19303-50); Part B deductible 2025 $257 (CMS fact sheet):
    # coinsurance 20% x (1410.47 - 257) = 230.694 -> 230.69; the patient pays 257 + 230.69
    cost = view.out.cost.value
    assert "$257.00" in cost and "$230.69" in cost and "$487.69" in cost
    view.controls["deductible_met"].value = 100  # 157 left: 157 + 20% x 1253.47 (250.694)
    assert "$157.00" in view.out.cost.value and "$407.69" in view.out.cost.value
    view.controls["provider"].value = "non_participating"
    # 95% of 1410.47 = 1339.9465 -> 1339.95; 157 + 20% x 1182.95 (236.59) = 393.59
    assert "$1,339.95" in view.out.cost.value and "$393.59" in view.out.cost.value
    assert view.controls["deductible_met"].max == 1000  # data/coverage/cost_share_bounds.csv
    view.controls["stage"].value = "revision"
    view.controls["prior_surgery"].value = True  # inside the global period: no claim
    assert STALE in view.out.cost._dom_classes


def test_a_link_reproduces_the_view_and_names_what_it_ignores() -> None:
    first = protocol_view(year=2025)
    c = first.controls
    c["closure_as"].value = "true_transfer"
    c["sides"].value = "left"
    first.locality.combobox.value = next(k for k in first.locality.combobox.options
                                         if "(01182:18)" in k)
    c["exact_date"].value = dt.date(2024, 6, 1)
    c["fat_grafting_revision_only"].value = False
    c["provider"].value = "limiting_charge"
    query = first.url.query()
    assert "closure_as=true_transfer" in query and "locality=01182%3A18" in query
    assert "exact_date=2024-06-01" in query and "fat_grafting_revision_only=no" in query
    again = protocol_view(year=2025, query=query + "&colour=red&defect_area_cm2=99999")
    assert again.result is not None and first.result is not None
    assert again.result.total == first.result.total and lines(again) == lines(first)
    assert again.result.context.locality == "01182:18"
    assert again.url.problems == ["'colour' is not a setting of this page",
                                  "defect_area_cm2=99999 is outside “Defect area per side (sq cm)”:"
                                  " 0 to 1500"]
    assert "Ignored from the link" in again.url.notes.value
    assert again.out.cost.value == first.out.cost.value
    bad = protocol_view(year=2025, query="exact_date=2001-01-01&year=1999")
    assert bad.url.problems and bad.result is not None and bad.result.context.on.year == 2025


def test_every_term_has_hover_help_and_no_repository_path_is_shown(view) -> None:  # type: ignore[no-untyped-def]
    from flatclosure.widgets.protocol_controls import TERMS

    page = view.widget
    texts: list[str] = []

    def walk(w: Any) -> None:
        if hasattr(w, "value") and isinstance(w.value, str):
            texts.append(w.value)
        for child in getattr(w, "children", ()):
            walk(child)

    walk(page)
    shown = "\n".join(texts)
    for name in ("NCCI", "modifier", "global days", "bilateral indicator", "status C",
                 "UNCONFIRMED", "ICD-10-CM"):
        assert name in TERMS
        assert re.search(rf'<abbr class="fc-term" title="[^"]+">{re.escape(name)}</abbr>', shown), name
    for internal in (".md", "shared/", "data/", ".yaml", ".csv", "assumptions_off"):
        assert internal not in shown, internal


def test_alternatives_spec_keeps_two_traces_and_leaves_impossible_ones_out() -> None:
    frame = pd.DataFrame([
        {"option": "The recommended claim (above)", "lines": "a", "total": 10.0},
        {"option": "Another way", "lines": "b", "total": 12.5},
        {"option": "Not possible here", "lines": "", "total": None},
    ])
    spec = figures.protocol_alternatives_spec(frame, "t")
    assert [t["x"] for t in spec["data"]] == [[10.0, None, None], [None, 12.5, None]]
    empty = figures.protocol_alternatives_spec(alternatives_frame_empty(), "none")
    assert len(empty["data"]) == 2


def test_a_link_read_after_the_view_is_built_is_what_the_page_shows() -> None:
    asked: list[str] = []

    def query() -> str:  # the app's page_query: waits for the request, after the view is built
        asked.append("asked")
        return "sides=left&locality=01182:18"

    view = protocol_view(year=2025, query=query)
    assert asked == ["asked"]
    assert view.binding is not None and view.binding.computed == 2  # the defaults, the link
    assert view.result is not None and view.result.context.locality == "01182:18"
    # one side, Los Angeles: 19303 alone, priced with its GPCIs (the engine's own answer)
    want = engine(view)
    assert lines(view) == ["19303-LT"] == [ln.line for ln in want.lines]
    assert view.result.total == want.total
    # the chart was built on the defaults; what the page reads when it shows it is the link's
    view._repr_mimebundle_()
    assert view.out.figure._widget_data[0]["x"][0] == want.total


def test_inputs_seen_before_are_shown_again_without_computing(view) -> None:  # type: ignore[no-untyped-def]
    shown = view.shown
    view.controls["sides"].value = "left"
    left = view.out.total.value
    assert view.shown is not shown and "$940.31" in left  # 19303 one side: 940.3128
    view.controls["sides"].value = "both"
    assert view.shown is shown  # the same page as before, not computed again
    assert "$1,410.47" in view.out.total.value
    # a second view of the same inputs shows the same page
    assert protocol_view(year=2025).shown is shown


def test_the_total_is_written_before_the_tables(view) -> None:  # type: ignore[no-untyped-def]
    # each widget is one message the page handles in order: the number first (issue 15)
    written: list[str] = []
    out = view.out
    for name in ("total", "codes", "claim_table", "cost", "alternatives_table"):
        getattr(out, name).observe(lambda _, n=name: written.append(n), names="value")
    view.controls["sides"].value = "right" if view.controls["sides"].value != "right" else "left"
    assert written == ["total", "codes", "claim_table", "cost", "alternatives_table"]
