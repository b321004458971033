"""Notebook 02's view in plain Python: every control feeds the protocol, and the tables and the
alternatives chart show what ``flatclosure.protocol.recommend`` computes (golden figures from the
CMS extracts); impossible combinations show a message, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from flatclosure import figures
from flatclosure.claims import PricingContext, price_claim
from flatclosure.protocol import ProcedureAttributes, recommend
from flatclosure.widgets import ProtocolInputs, protocol_view
from flatclosure.widgets.protocol_view import alternatives_frame_empty, card_path


@pytest.fixture()
def view(tmp_path: Path):
    return protocol_view(year=2025, card_dir=tmp_path)


def lines(v) -> list[str]:
    return [ln.line for ln in v.result.lines]


def engine(v, **changes) -> object:
    """The engine's own answer for what the view's controls hold, with ``changes``."""
    return recommend(v.inputs().attributes(v.catalog).replace(**changes))


def test_default_is_a_bilateral_initial_closure_by_the_mastectomy_surgeon(view) -> None:
    assert lines(view) == ["19303-50", "14301-RT-59", "14301-LT-59"]
    # 2025 (RVU25D, CF 32.3465): 19303 29.07 RVU = 940.3128, modifier 50 at 150% = 1410.47;
    # 14301 26.25 RVU = 849.0956, each side ranked #2/#3 at 50% = 424.55; total 2259.57
    assert view.result.total == 2259.57
    assert list(view.frames["claim"]["allowed"]) == [1410.47, 424.55, 424.55]
    want = recommend(ProcedureAttributes(mastectomy_code="19303", defect_area_cm2=45,
                                         repair_length_cm=7, date=view.catalog.date_for_year(2025)))
    assert view.result.lines == want.lines and view.result.alternatives == want.alternatives
    assert "Codes: 19303-50, 14301-RT-59, 14301-LT-59" in view.codes.value
    assert "$2,259.57" in view.total.value and "Denial risk of the claim: high" in view.total.value
    reasons = view.frames["reasons"].set_index("line")  # the two sides share their reasons
    assert list(reasons.index) == ["19303-50", "14301-RT-59\n14301-LT-59"]
    both = reasons.loc["14301-RT-59\n14301-LT-59"]
    assert both["rule_ids"] == ", ".join(want.lines[1].rule_ids)
    assert "acs-att-needs-documentation" in both["rule_ids"]
    assert both["risk_reasons"] == "high: " + "; ".join(want.lines[1].risk_reasons)
    for item in want.documentation:
        assert item.split(" (")[0] in view.checklist.value
    assert "UNCONFIRMED" in view.warnings.value
    assert "Both sides billed as: RT and LT lines" in view.assumptions.value
    assert "NCCI pair edits between the mastectomy and the closure codes (same provider, same date): on" \
        in view.assumptions.value


def test_alternatives_table_and_figure_are_the_engines(view) -> None:
    alts = view.frames["alternatives"]
    want = view.result.alternatives
    assert list(alts["option"])[1:] == [
        a.label + (" (+0%: set the uplift your payer grants under More options)"
                   if a.id == "alt-mastectomy-22" else "") for a in want]
    assert list(alts["total"]) == [view.result.total, *[a.total for a in want]]
    fig = view.figure
    assert len(fig.data) == 2 and fig.data[0].name == "the recommended claim"
    assert fig.data[0].x == (2259.57,) + (None,) * len(want)
    assert fig.data[1].x == (None, *[a.total for a in want])
    by_label = dict(zip(alts["option"], alts["total"], strict=True))
    # mastectomy -22 alone (22 is paid by report: 0% uplift unless set) = 1410.47
    m22 = "Mastectomy with modifier 22, no separate closure code"
    assert by_label[m22 + " (+0%: set the uplift your payer grants under More options)"] == 1410.47
    # one 14301-50-59 line: indicator 0 pays one side, ranked #2 at 50% -> 1410.47 + 424.55
    assert by_label["Both sides: one line with modifier 50"] == 1835.02
    assert "1835.02" not in view.alternatives_table.value  # money is shown formatted
    assert "$1,835.02" in view.alternatives_table.value and "−$424.55" in view.alternatives_table.value


def test_modifier_22_row_says_the_uplift_it_is_priced_with(view) -> None:
    assert not view.modifier_22_percent.disabled  # it prices the alternative, whatever is coded
    view.modifier_22_percent.value = 25
    alts = view.frames["alternatives"].set_index("option")["total"]
    # 19303-50-22, 2025: (15 + 10.33 + 3.74) x 32.3465 = 940.3128 x 150% x 125% = 1763.09
    assert alts["Mastectomy with modifier 22, no separate closure code (+25% uplift, set under "
                "More options)"] == 1763.09
    assert "(+25% uplift, set under More options)" in view.alternatives_table.value


def test_tissue_rearrangement_and_defect_area(view) -> None:
    assert view.area.continuous_update is False and view.length.continuous_update is False
    view.rearrangement.value = False  # 7 cm layered repair: included in the same surgeon's 19303
    assert lines(view) == ["19303-50"] and view.result.total == 1410.47
    assert list(view.frames["bundled"]["code"]) == ["13101", "13101"]
    assert "acs-complex-repair-included" in view.bundled.value
    view.rearrangement.value = True
    view.area.value = 100  # 60 in 14301, 40 more: two add-on units of 30 sq cm (or part)
    assert lines(view) == ["19303-50", "14301-RT-59", "14302-RT-59x2", "14301-LT-59",
                           "14302-LT-59x2"]
    assert view.result == engine(view)
    on = view.catalog.date_for_year(2025)
    assert view.result.total == price_claim(lines(view), PricingContext(on)).total
    assert view.figure.data[0].x[0] == view.result.total


def test_revision_inside_the_global_period_needs_58_78_or_79(view) -> None:
    view.stage.value = "revision"
    assert view.mastectomy_code.disabled and view.days.disabled
    assert "fc-off" in view.mastectomy_code._dom_classes and "fc-off" in view.days._dom_classes
    assert lines(view) == ["14301-RT", "14301-LT-59"]
    view.prior_surgery.value = True  # 30 days after 19303, inside its 90-day global period
    assert view.errors.showing and view.result is None
    # the control's label, not the attribute name global_modifier
    assert view.errors.message.startswith("Inside its global period: day 30 is inside the 90-day")
    assert "Codes: none" in view.codes.value and view.claim_table.value == ""
    assert view.figure.data[0].x == () and view.figure.data[1].x == ()
    assert not view.figure.layout.xaxis.visible and not view.figure.layout.yaxis.visible
    view.global_modifier.value = "78"
    assert not view.errors.showing
    assert view.figure.layout.xaxis.visible and view.figure.layout.yaxis.visible
    assert lines(view) == ["14301-RT-78", "14301-LT-59-78"]
    assert view.result == engine(view)
    view.days.value = 120  # outside the global period: the modifier is not used
    assert lines(view) == ["14301-RT", "14301-LT-59"]
    assert any("not used" in w for w in view.result.warnings)


def test_impossible_combinations_show_a_readable_message(view) -> None:
    view.area.value = 0
    assert view.errors.showing and view.errors.message.startswith("Defect area per side (sq cm): ")
    assert "Traceback" not in view.errors.widget.value
    view.area.value = 45
    assert not view.errors.showing and view.result is not None
    view.fat_grafting.value = True  # at the initial surgery: refused by the protocol
    assert view.errors.showing and view.errors.message.startswith("Fat grafting: ")
    # the switch is named by its title, as beside its checkbox
    assert ("switch off the assumption 'Fat grafting is coded at revision, not at the initial "
            "closure'") in view.errors.message and "fat_grafting_revision_only" not in view.errors.message
    view.switches["fat_grafting_revision_only"].value = False  # the assumption switched off
    assert not view.errors.showing
    assert "15771-RT-59" in lines(view)  # 100 cc: 15771 alone (up to 50 cc) ... plus 15772
    assert "15772-RT-59" in lines(view)
    assert ("fat_grafting_revision_only", "off") in view.result.assumptions
    assert view.result == engine(view)
    view.length.value = 0.5  # below the smallest layered repair (13100 starts above 1 cm)
    assert view.errors.showing and view.errors.message.startswith("Repair length per side (cm): ")


def test_fat_volume_counts_only_with_grafting() -> None:
    base = ProtocolInputs(2025, stage="revision", fat_cc=250)
    assert base.attributes().fat_cc == 0 and base.attributes().mastectomy_code is None
    grafted = ProtocolInputs(2025, stage="revision", fat_grafting=True, fat_cc=120)
    # 120 cc: 15771 (to 50 cc) + 15772 x2 (70 cc more, each further 50 cc or part)
    got = [ln.line for ln in recommend(grafted.attributes()).lines]
    assert [x for x in got if x.startswith("157")] == ["15771-RT", "15772-RTx2", "15771-LT-59",
                                                        "15772-LT-59x2"]


def test_convention_sides_setting_locality_and_payer(view) -> None:
    view.bilateral_convention.value = "summed"  # 90 sq cm on one line: 14301 + 14302
    assert lines(view) == ["19303-50", "14301-59", "14302-59"]
    assert view.result.total == next(a.total for a in engine(view, bilateral_convention="rt_lt")
                                     .alternatives if a.id == "alt-convention-summed")
    view.sides.value = "left"
    assert view.bilateral_convention.disabled and lines(view) == ["19303-LT", "14301-LT-59"]
    view.locality.combobox.value = next(k for k in view.locality.combobox.options
                                        if "(01182:18)" in k)
    view.payer_multiplier.value = 1.2
    assert view.result == engine(view)
    assert view.result.attributes.locality == "01182:18" and "Los Angeles" in view.total.value
    national = engine(view, locality=None, payer_multiplier=1.0)
    assert view.result.total > national.total
    view.year.value = 2026  # no 2026 GPCI file: national only
    assert view.locality.locality is None and view.result.attributes.on.year == 2026
    assert view.card_name.value == "protocol_card_2026.html"
    view.setting.value = "office"  # 19303 is priced in the facility setting only
    assert view.errors.showing and view.errors.message.startswith("Setting: ")


def test_exact_date_overrides_the_year(view) -> None:
    import datetime as dt

    view.exact_date.value = dt.date(2021, 2, 1)
    assert view.year.disabled and view.result.attributes.on == dt.date(2021, 2, 1)
    assert view.result == engine(view)
    view.exact_date.value = dt.date(2015, 1, 1)
    assert view.errors.showing and view.errors.message.startswith("Year of surgery or exact date: ")


def test_card_button_writes_the_card(view, tmp_path: Path) -> None:
    view.card_button.click()
    path = tmp_path / "protocol_card_2025.html"
    assert view.card_file == path and path.exists()
    text = path.read_text()
    assert "14301" in text and "2025" in text
    assert str(path) in view.card_output.value and "download=" in view.card_output.value
    assert "name box was empty" not in view.card_output.value  # a name was given
    view.card_name.value = "../elsewhere.html"
    assert view.write_card() is None and view.card_errors.showing
    assert "plain file name" in view.card_errors.message and not view.errors.showing
    view.card_name.value = "  "  # empty: the default name, said on screen and put in the box
    assert view.write_card() == path and not view.card_errors.showing
    assert view.card_name.value == "protocol_card_2025.html"
    assert ("The file name box was empty, so the default name protocol_card_2025.html is used."
            in view.card_output.value)
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
    assert spec["data"][1]["text"] == ["", "$12.50", ""]
    assert "US$" in spec["layout"]["xaxis"]["title"]["text"]
    empty = figures.protocol_alternatives_spec(alternatives_frame_empty(), "none")
    assert len(empty["data"]) == 2

