"""The family work-neutrality lens (UNCONFIRMED): work held, displaced services netted out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flatclosure.errors import InputError, UnknownCodeError
from flatclosure.pool import FAMILY_LABEL, NewCode, family_neutrality, resolve_family
from flatclosure.volumes import Volumes

PROPS = settings(max_examples=40, deadline=None)

VOLS = Volumes({"19303": 8000, "19307": 2000}, "test volumes", illustrative=False)


def test_family_work_total_is_held_and_taken_from_the_members():
    # mastectomy family, 2025-06-01: W = 15.00 x 8,000 + 17.99 x 2,000 = 155,980 (other members
    # have no volume here). New code: 10 work RVU x 1,000 = 10,000. s = (155,980 - 10,000) /
    # 155,980 = 0.9358892. 19303 work 15 -> 14.0383; price 940.312755 - 15 x (1 - s) x 32.3465
    # = 909.206363 -> $909.21.
    sc = NewCode(volume=1000, on="2025-06-01", total_rvu=20, work_rvu=10)
    f = family_neutrality(sc, "mastectomy", volumes=VOLS)
    assert f.work_pool_before == pytest.approx(155_980)
    assert f.work_scale_factor == pytest.approx(145_980 / 155_980, rel=1e-12)
    assert f.work_pool_after == pytest.approx(f.work_pool_before, rel=1e-12)
    m = f.members.set_index("code")
    assert m.loc["19303", "work_rvu_after"] == pytest.approx(14.038338, abs=1e-6)
    assert (m.loc["19303", "price_before"], m.loc["19303", "price_after"]) == (940.31, 909.21)
    assert f.new_code_work_rvu_after == 10 and f.work_rvu_basis == "given"
    assert f.label == FAMILY_LABEL and not f.volumes_illustrative


def test_family_scaling_the_new_code_too():
    # s = 155,980 / (155,980 + 10,000) = 0.9397518; the new code's work 10 -> 9.3975
    sc = NewCode(volume=1000, on="2025-06-01", total_rvu=20, work_rvu=10)
    f = family_neutrality(sc, "mastectomy", volumes=VOLS, scale_new_code=True)
    assert f.work_scale_factor == pytest.approx(155_980 / 165_980, rel=1e-12)
    assert f.new_code_work_rvu_after == pytest.approx(9.397518, abs=1e-6)
    assert f.work_pool_after == pytest.approx(155_980, rel=1e-12)


@PROPS
@given(work=st.floats(0, 40), volume=st.floats(0, 2000), share=st.floats(0, 1),
       scale_new=st.booleans())
def test_family_work_total_held_property(work, volume, share, scale_new):
    sc = NewCode(volume=volume, on="2025-06-01", total_rvu=work + 20, work_rvu=work,
                 displaces={"19307": share})
    f = family_neutrality(sc, "mastectomy", volumes=VOLS, scale_new_code=scale_new)
    assert f.work_pool_after == pytest.approx(f.work_pool_before, rel=1e-9)
    assert f.members.set_index("code").loc["19307", "volume_after"] == pytest.approx(
        2000 - share * volume)


def test_family_displaced_member_services_leave_and_overdraw_is_an_error():
    # displacing 19303 one for one with a code of equal work holds the family as it is
    sc = NewCode(volume=1000, on="2025-06-01", total_rvu=29.07, work_rvu=15,
                 displaces={"19303": 1})
    f = family_neutrality(sc, "mastectomy", volumes=VOLS)
    assert f.work_scale_factor == pytest.approx(1.0, abs=1e-12)
    too_many = NewCode(volume=9000, on="2025-06-01", total_rvu=29.07, displaces={"19303": 1})
    with pytest.raises(InputError, match="take over 9,000 services of 19303"):
        family_neutrality(too_many, "mastectomy", volumes=VOLS)
    huge = NewCode(volume=1e6, on="2025-06-01", total_rvu=30, work_rvu=15)
    with pytest.raises(InputError, match="cannot stay work-neutral"):
        family_neutrality(huge, "mastectomy", volumes=VOLS)


def test_family_assumes_work_from_what_is_displaced_and_labels_it():
    # 14301 facility: work 12.65 of 26.25 total = 48.19%; new total 30 -> work 14.457
    sc = NewCode(volume=5000, on="2025-06-01", total_rvu=30, displaces={"14301": 0.6})
    f = family_neutrality(sc)  # breast family, illustrative volumes
    assert f.new_code_work_rvu == pytest.approx(30 * 12.65 / 26.25)
    assert f.work_rvu_basis.startswith("assumed: 48.2%")
    assert f.volumes_illustrative and "ILLUSTRATIVE" in f.volumes_source
    assert f.family == "breast" and f.work_scale_factor < 1


def test_resolve_family():
    name, codes = resolve_family("breast")
    assert name == "breast"
    assert codes[:6] == ("19301", "19302", "19303", "19305", "19306", "19307")
    assert set(codes[6:]) == {"19357", "19361", "19364", "19367", "19342", "19350", "11970",
                              "19380"}
    assert resolve_family("19303, 19307") == ("user-defined: 19303 19307", ("19303", "19307"))
    assert resolve_family(["19303"])[1] == ("19303",)
    with pytest.raises(InputError, match="not a family"):
        resolve_family("knee joint")
    with pytest.raises(UnknownCodeError):
        resolve_family("99999")




def test_displaced_services_outside_the_family_net_out():
    # preset (2025-10-01, RVU25D): work 15 x 3,000 = 45,000 work RVUs join the breast family;
    # displaced outside it: 3,000 x (0.6 x 12.65 (14301) + 0.1 x 10.50 (15839)) = 22,770 + 3,150
    # = 25,920 work RVUs (19499 is carrier priced: none), so the family absorbs
    # 45,000 - 25,920 = 19,080 instead of 45,000.
    # 19303 loses about 1.66% (it lost 3.9% before the fix, issue 10).
    sc = NewCode(volume=3000, on="2025-10-01", work_rvu=15, pe_rvu=10, mp_rvu=3,
                 displaces={"14301": 0.6, "19499": 0.2, "15839": 0.1})
    f = family_neutrality(sc, "breast")
    assert f.displaced_outside_work == pytest.approx(25_920.0)
    assert f.work_pool_unscaled - f.work_pool_before == pytest.approx(45_000 - 25_920, abs=1e-6)
    assert f.work_pool_after == pytest.approx(f.work_pool_before, rel=1e-12)
    pct = f.members.set_index("code").loc["19303", "change_pct"]
    assert pct == pytest.approx(-1.6587, abs=1e-3)
    assert "UNCONFIRMED" in f.label
