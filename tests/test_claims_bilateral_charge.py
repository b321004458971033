"""Lower of charge and allowed for an RT/LT pair paid as one bilateral procedure (defect 6 of
issue 9): both sides' charges are compared with the bilateral amount (RVU file, bilateral
indicator definitions: 'the lower of the total actual charge for both sides and 100% of the fee
schedule amount for a single code')."""

from __future__ import annotations

from flatclosure.claims import ClaimLine, PricingContext, price_claim

CTX = PricingContext("2025-06-01")  # RVU25A, CF 32.3465


def _pair(right: float | None, left: float | None) -> list[float]:
    r = price_claim([ClaimLine("14301", ("RT",), charge=right),
                     ClaimLine("14301", ("LT",), charge=left)], CTX)
    return [pl.allowed for pl in r.lines]


def test_both_sides_charges_are_summed() -> None:
    # 14301: 26.25 x 32.3465 = 849.095625 for both sides (indicator 0, 100% of one side);
    # charges 500 + 500 = 1000 are above it: 849.10 is paid (the old rule compared 500 alone)
    assert _pair(500.0, 500.0) == [849.10, 0.0]
    # charges 400 + 400 = 800 are below it: 800.00 is paid
    assert _pair(400.0, 400.0) == [800.0, 0.0]


def test_a_charge_on_one_side_only_is_not_compared() -> None:
    r = price_claim([ClaimLine("14301", ("RT",), charge=300.0), ClaimLine("14301", ("LT",))], CTX)
    assert [pl.allowed for pl in r.lines] == [849.10, 0.0]
    assert any("one side only" in w for w in r.warnings)
