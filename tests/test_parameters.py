"""Dated payment parameters: each value looked up by date, with its reference."""

from __future__ import annotations

import datetime as dt

import pytest

from flatclosure.errors import NoDataForDateError
from flatclosure.parameters import parameters


def test_values_in_force_on_a_date_with_their_references() -> None:
    p = parameters("2025-06-01")
    # data/rules/payment_parameters.csv: co-surgeons 62.5% each (First Coast), assistants 16%,
    # non-physician assistants 85% of 16% = 13.6% (Novitas)
    assert (p.co_surgeon_share, p.assistant_physician_share, p.assistant_nonphysician_share) == (
        0.625, 0.16, 0.136)
    assert p.budget_neutrality_threshold_usd == 20_000_000
    assert p.medicare_ladder() == (1.0, 0.5, 0.5, 0.5, 0.5)
    ref = p.references["budget_neutrality_threshold_usd"]
    assert ref.effective_from == dt.date(2009, 1, 1) and "1848(c)(2)(B)(ii)" in ref.source


def test_a_value_does_not_apply_before_its_date() -> None:
    # the PFS total ($93 billion) is the CY2020 figure: nothing is known for 2019
    with pytest.raises(NoDataForDateError, match="pfs_total_allowed_usd"):
        parameters("2019-06-01")
    assert parameters("2020-01-01").pfs_total_allowed_usd == 93e9
