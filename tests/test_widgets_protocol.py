"""Notebook 02's view in plain Python: every control feeds the protocol, and the tables and the
alternatives chart show what ``flatclosure.protocol.recommend`` computes (golden figures from the
CMS extracts); impossible combinations show a message, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from flatclosure import figures
from flatclosure.claims import PricingContext, price_claim
from flatclosure.protocol import Procedure, ProtocolResult, recommend
from flatclosure.widgets import ViewInputs, protocol_view
from flatclosure.widgets.protocol_view import alternatives_frame_empty, card_path


@pytest.fixture()
def view(tmp_path: Path):  # type: ignore[no-untyped-def]
    return protocol_view(year=2025, card_dir=tmp_path)


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
    assert "Codes: 19303-50" in view.codes.value and "$1,410.47" in view.total.value
    claim = view.frames["claim"]
    assert list(claim["diagnoses"]) == [
        "C50.911 Breast cancer, site not specified, right breast (female); C50.912 Breast "
        "cancer, site not specified, left breast (female)"]
    assert "C50.912 Breast cancer" in view.claim_table.value
    assert list(view.frames["bundled"]["code"]) == ["14301", "14301"]
    assert "A53399" in view.bundled.value and "CPT Assistant 2017" in view.bundled.value
    for item in want.documentation:
        assert item.split(" (")[0] in view.checklist.value


def test_alternatives_table_and_figure_are_the_engines(view) -> None:  # type: ignore[no-untyped-def]
    alts = view.frames["alternatives"]
    want = view.result.alternatives
    assert list(alts["total"]) == [view.result.total, *[a.total for a in want]]
    fig = view.figure
    assert len(fig.data) == 2 and fig.data[0].name == "the recommended claim"
    assert fig.data[0].x == (1410.47,) + (None,) * len(want)
    by_id = {a.id: a.total for a in want}
    # documented true transfer: 19303-50 1410.47 + 14301 RT/LT one side at 50% 424.55 = 1835.02
    assert by_id["alt-true-transfer"] == 1835.02 and by_id["alt-mastectomy-22"] == 1410.47
    assert "$1,835.02" in view.alternatives_table.value and "+$424.55" in view.alternatives_table.value


def test_modifier_22_row_says_the_uplift_it_is_priced_with(view) -> None:  # type: ignore[no-untyped-def]
    view.modifier_22_percent.value = 25
    alts = view.frames["alternatives"].set_index("option")["total"]
    # 19303-50-22, 2025: 940.3128 x 150% x 125% = 1763.09
    assert alts["Mastectomy with modifier 22, no separate closure code (15839 included) (+25% "
                "uplift, set under More options)"] == 1763.09


def test_true_transfer_distinctness_and_second_side(view) -> None:  # type: ignore[no-untyped-def]
    assert view.defect_area_cm2.continuous_update is False
    assert view.defect_area_cm2.max == 1500  # the rules' limit
    view.closure_as.value = "true_transfer"
    assert lines(view) == ["19303-50", "14301-RT", "14301-LT"] and view.result.total == 1835.02
    assert view.result.lines[1].denial_risk == "high"
    view.closure_as.value = "protocol"
    view.distinctness.value = "separate_site"
    assert lines(view) == ["19303-50", "14301-RT-XS", "14301-LT-XS"]
    assert view.result.total == 2259.57  # 1410.47 + 424.55 x 2 (each XS side ranked)
    view.defect_area_cm2.value = 100  # 60 in 14301, 40 more: two add-on units of 30 sq cm
    assert lines(view) == ["19303-50", "14301-RT-XS", "14302-RT-XSx2", "14301-LT-XS",
                           "14302-LT-XSx2"]
    assert view.result == engine(view)
    on = view.catalog.date_for_year(2025)
    assert view.result.total == price_claim(lines(view), PricingContext(on)).total


def test_layered_closure_criteria_decide_the_repair(view) -> None:  # type: ignore[no-untyped-def]
    view.same_surgeon.value = False
    view.rearrangement.value = False
    view.repair_length_cm.value = 20.0
    assert not view.layered_closure.disabled and view.defect_area_cm2.disabled
    assert lines(view) == ["12037"] and view.result.total == 319.91  # 40 cm summed, layered only
    view.extensive_undermining.value = True
    assert lines(view) == ["13101", "13102x7"] and view.result.total == 723.91  # the golden figure
    assert view.result.denial_risk == "medium"


def test_revision_inside_the_global_period_needs_58_78_or_79(view) -> None:  # type: ignore[no-untyped-def]
    view.stage.value = "revision"
    assert view.mastectomy_code.disabled and view.days_since_surgery.disabled
    assert "fc-off" in view.mastectomy_code._dom_classes
    assert lines(view) == ["14301-RT", "14301-LT"]
    assert [d.code for d in view.result.lines[0].diagnoses] == ["N65.0", "Z42.8", "Z90.13",
                                                                "C50.911"]
    view.prior_surgery.value = True  # 30 days after 19303, inside its 90-day global period
    assert view.errors.showing and view.result is None
    assert view.errors.message.startswith("Inside its global period: day 30 is inside the 90-day")
    assert "Codes: none" in view.codes.value and view.claim_table.value == ""
    assert view.figure.data[0].x == () and not view.figure.layout.xaxis.visible
    view.global_modifier.value = "78"
    assert not view.errors.showing
    assert lines(view) == ["14301-RT-78", "14301-LT-78"]
    assert view.result == engine(view)
    view.days_since_surgery.value = 120  # outside the global period: the modifier is not used
    assert lines(view) == ["14301-RT", "14301-LT"]
    assert any("not used" in w for w in view.result.warnings)


def test_impossible_combinations_show_a_readable_message(view) -> None:  # type: ignore[no-untyped-def]
    view.defect_area_cm2.value = 0
    assert view.errors.showing
    assert view.errors.message.startswith("Defect area per side (sq cm): ")
    assert "Traceback" not in view.errors.widget.value
    view.defect_area_cm2.value = 45
    assert not view.errors.showing and view.result is not None
    view.fat_grafting.value = True  # at the initial surgery: refused by the protocol
    assert view.errors.showing and view.errors.message.startswith("Fat grafting: ")
    assert ("switch off the assumption 'Fat grafting is coded at revision, not at the initial "
            "closure'") in view.errors.message
    view.switches["fat_grafting_revision_only"].value = False
    assert not view.errors.showing and ("fat_grafting_revision_only", "off") in \
        view.result.assumptions
    view.second_side.value = "rt_lt_distinct"
    assert view.errors.showing
    assert view.errors.message.startswith("Second side of a per-defect code: a 59/XS")


def test_facts_that_do_not_apply_are_not_passed() -> None:
    facts = (("stage", "revision"), ("fat_cc", 250.0), ("mastectomy_code", "19303"),
             ("days_since_surgery", 30), ("defect_area_cm2", 20.0))
    p = ViewInputs(facts, 2025).procedure()
    assert p.fat_cc == 0 and p.mastectomy_code is None and p.days_since_surgery is None


def test_sides_setting_locality_and_payer(view) -> None:  # type: ignore[no-untyped-def]
    view.closure_as.value = "true_transfer"
    view.sides.value = "left"
    assert view.second_side.disabled and lines(view) == ["19303-LT", "14301-LT"]
    view.locality.combobox.value = next(k for k in view.locality.combobox.options
                                        if "(01182:18)" in k)
    view.payer_multiplier.value = 1.2
    assert view.result == engine(view)
    assert view.result.context.locality == "01182:18" and "Los Angeles" in view.total.value
    view.year.value = 2026  # no 2026 GPCI file: national only
    assert view.locality.locality is None and view.result.context.on.year == 2026
    assert view.card_name.value == "protocol_card_2026.html"
    view.setting.value = "office"  # 19303 is priced in the facility setting only
    assert view.errors.showing and view.errors.message.startswith("Setting: ")


def test_exact_date_overrides_the_year(view) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    view.exact_date.value = dt.date(2021, 2, 1)
    assert view.year.disabled and view.result.context.on == dt.date(2021, 2, 1)
    assert view.result == engine(view)
    view.exact_date.value = dt.date(2015, 1, 1)
    assert view.errors.showing
    assert view.errors.message.startswith("Year of surgery or exact date: ")


def test_card_button_writes_the_card(view, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view.card_button.click()
    path = tmp_path / "protocol_card_2025.html"
    assert view.card_file == path and path.exists()
    text = path.read_text()
    assert "14301" in text and "2025" in text and "C50.911" in text
    assert "download=" in view.card_output.value
    view.card_name.value = "../elsewhere.html"
    assert view.write_card() is None and view.card_errors.showing
    assert "plain file name" in view.card_errors.message and not view.errors.showing
    view.card_name.value = "  "  # empty: the default name, said on screen and put in the box
    assert view.write_card() == path and view.card_name.value == "protocol_card_2025.html"
    with pytest.raises(Exception, match="not a folder"):
        card_path(2025, tmp_path / "missing")


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
