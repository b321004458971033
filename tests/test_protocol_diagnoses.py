"""ICD-10-CM codes per claim line, chosen from the facts by data/protocol/diagnoses.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from flatclosure.claims import PricingContext
from flatclosure.errors import InputError
from flatclosure.protocol import Procedure, recommend

CTX = PricingContext("2025-06-01")


def codes(**kw: Any) -> list[list[str]]:
    r = recommend(Procedure(**kw), CTX)
    return [[d.code for d in ln.diagnoses] for ln in r.lines]


def test_cancer_by_side_and_site_at_the_initial_surgery() -> None:
    got = codes(mastectomy_code="19303", sides="left", cancer_site="4", closure_as="true_transfer",
                defect_area_cm2=20)
    assert got == [["C50.412"], ["C50.412"]]  # upper-outer quadrant, female, left
    got = codes(mastectomy_code="19303", sides="right", cancer_site="1", sex="male",
                defect_area_cm2=20)
    assert got == [["C50.121"]]


@pytest.mark.parametrize(("basis", "second"), [("genetic", "Z15.01"), ("family", "Z80.3")])
def test_risk_reducing_codes(basis: str, second: str) -> None:
    got = codes(mastectomy_code="19303", diagnosis="risk_reducing", risk_basis=basis,
                defect_area_cm2=20)
    assert got == [["Z40.01", second]]


def test_revision_codes_absence_by_side_and_the_z42_switch() -> None:
    base: dict[str, Any] = dict(stage="revision", sides="right", defect_area_cm2=20,
                                diagnosis="history", same_surgeon=False)
    assert codes(**base) == [["N65.0", "Z42.8", "Z90.11", "Z85.3"]]
    r = recommend(Procedure(**base), CTX)
    assert ("revision_encounter", "Z42.8") in r.assumptions
    assert r.lines[0].diagnoses[1].unconfirmed
    # Z42.1 carries an Excludes1 note for N65.-: with a contour deformity it is left off, noted
    r = recommend(Procedure(**base, revision_encounter="Z42.1"), CTX)
    assert [d.code for d in r.lines[0].diagnoses] == ["N65.0", "Z90.11", "Z85.3"]
    assert any("Z42.1 left off" in w and "Excludes1" in w for w in r.warnings)
    assert codes(**base, revision_encounter="Z42.1", revision_problem="scar") == [
        ["L90.5", "Z42.1", "Z90.11", "Z85.3"]]
    assert codes(**base, revision_encounter="none") == [["N65.0", "Z90.11", "Z85.3"]]


def test_the_card_names_the_unconfirmed_choice() -> None:
    from flatclosure.card import render_card

    html = render_card(2025)
    assert "Z42.8" in html and "UNCONFIRMED, chosen under &#x27;Revision encounter code&#x27;" in html


def test_cancer_in_one_breast_the_other_removed_to_reduce_risk() -> None:
    # no bilateral C50 code: the cancer side only; the other breast's removal is Z40.01, whose
    # tabular note asks for the risk factor: the cancer side's C50, listed after it on that line
    base: dict[str, Any] = dict(mastectomy_code="19303", defect_area_cm2=40, same_surgeon=False,
                                cancer_side="right", cancer_site="4")
    assert codes(**base) == [["C50.411"], ["Z40.01", "C50.411"]]  # 14301-RT, 14301-LT
    assert codes(**{**base, "cancer_side": "operated"}) == [["C50.411"], ["C50.412"]]
    with pytest.raises(InputError, match="cancer_side"):
        Procedure(**{**base, "diagnosis": "history"})
    with pytest.raises(InputError, match="left breast is not operated on"):
        Procedure(**{**base, "sides": "right", "cancer_side": "left"})


def test_acquired_absence_is_the_patients_state_not_the_lines_side() -> None:
    base: dict[str, Any] = dict(stage="revision", defect_area_cm2=20, diagnosis="history",
                                same_surgeon=False)
    # both revised: Z90.13 on the RT and on the LT line (not Z90.11 on one, Z90.12 on the other)
    assert [dx[2] for dx in codes(**base, sides="both")] == ["Z90.13", "Z90.13"]
    # one side revised after both were removed: still Z90.13
    assert codes(**base, sides="right", breasts_removed="both")[0][2] == "Z90.13"
    assert codes(**base, sides="right")[0][2] == "Z90.11"
    with pytest.raises(InputError, match="breasts_removed"):
        Procedure(mastectomy_code="19303", defect_area_cm2=20, breasts_removed="both")


def test_n65_for_a_flat_chest_and_z40_without_a_risk_factor_are_flagged() -> None:
    r = recommend(Procedure(stage="revision", sides="right", defect_area_cm2=20,
                            diagnosis="history"), CTX)
    n65 = r.lines[0].diagnoses[0]
    assert n65.code == "N65.0" and n65.unconfirmed  # 'reconstructed breast' for a flat chest?
    r = recommend(Procedure(mastectomy_code="19303", rearrangement=False, repair_length_cm=5,
                            layered_closure=True, same_surgeon=False, diagnosis="risk_reducing",
                            risk_basis="none"), CTX)
    assert [d.code for d in r.lines[0].diagnoses] == ["Z40.01"]
    assert any("additional code identifying the risk factor" in w for w in r.warnings)


def test_a_personal_history_as_the_risk_factor_and_history_alone_warns() -> None:
    base: dict[str, Any] = dict(mastectomy_code="19303", rearrangement=False, repair_length_cm=5,
                                layered_closure=True, same_surgeon=False)
    r = recommend(Procedure(**base, diagnosis="risk_reducing", risk_basis="personal_history"),
                  CTX)
    assert [d.code for d in r.lines[0].diagnoses] == ["Z40.01", "Z85.3"] and not r.warnings
    r = recommend(Procedure(**base, diagnosis="history"), CTX)
    assert [d.code for d in r.lines[0].diagnoses] == ["Z85.3"]
    assert any("Z85.3 alone does not say why" in w for w in r.warnings)
