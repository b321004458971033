"""What the patient pays for a priced claim: Original Medicare Part B first, then other plans.

Medicare (each figure from a dated row of data/coverage/):
- the approved amount is the fee schedule amount; a non-participating physician's is 95% of it
  (Noridian, 'NonParticipation');
- the patient pays what is left of the year's Part B deductible, then 20% coinsurance of the rest
  (Medicare.gov, 'Costs at a glance');
- Medicare pays the rest, less payment sequestration in force on the date of service; the cut
  never changes the patient's deductible or coinsurance (First Coast, 'Federal sequestration
  payment reductions');
- a non-participating physician who does not accept assignment may charge up to the limiting
  charge, 115% of the non-participating amount (42 CFR 414.48(b)); Medicare then pays its share
  to the patient, sequestration included, and the patient pays the physician.
Other plans: the user's remaining deductible, coinsurance and out-of-pocket maximum, bounded by
data/coverage/cost_share_bounds.csv. Money is rounded to cents once per figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..catalog import as_date
from ..errors import InputError
from ..fees import round_cents
from .tables import DatedFigure, bound, medicare_rule, part_b_deductible, sequestration

PROVIDERS = {  # "accepts assignment" = takes Medicare's approved amount as full payment
    "participating": "participating: takes Medicare's amount as full payment",
    "non_participating": "non-participating, takes Medicare's amount on this claim",
    "limiting_charge": "non-participating, bills up to the limiting charge",
}


def _cents(x: float) -> float:
    return float(round_cents(x))


@dataclass(frozen=True)
class MedicareCost:
    """The patient's and Medicare's shares of one claim, with the rows behind each figure."""

    on: dt.date
    provider: str
    allowed: float  # the participating fee schedule amount of the claim
    approved: float  # Medicare-approved amount for this provider
    deductible_year: float
    deductible_applied: float
    coinsurance: float
    medicare_share: float  # before sequestration
    coinsurance_rate: float
    sequestration_rate: float
    sequestration: float
    medicare_pays: float
    charge_cap: float | None  # the limiting charge, when the physician does not take assignment
    patient_pays: float
    figures: tuple[DatedFigure, ...]

    def rows(self) -> list[tuple[str, float]]:
        """(who pays what, amount) in the order a bill reads, in plain words."""
        capped = self.charge_cap is not None
        out = [("Medicare's fee for a participating surgeon (the allowed amount)", self.allowed),
               ("What Medicare approves for this surgeon", self.approved)]
        if capped:
            out.append(("The most this surgeon may bill the patient (the limiting charge)",
                        self.charge_cap or 0.0))
        out += [("Deductible: the patient pays first", self.deductible_applied),
                (f"Coinsurance: the patient pays {self.coinsurance_rate:.0%} of the rest",
                 self.coinsurance),
                ("Medicare's share before sequestration", self.medicare_share),
                (f"Sequestration: {self.sequestration_rate:.0%} withheld from Medicare's share "
                 "(the patient's share does not change)", self.sequestration),
                ("Medicare pays the patient, who pays the surgeon" if capped else
                 "Medicare pays the surgeon", self.medicare_pays),
                ("The patient pays (the limiting charge less Medicare's payment)" if capped else
                 "The patient pays (deductible plus coinsurance)", self.patient_pays)]
        return out


def medicare_patient_cost(allowed: float, on: dt.date | str, provider: str = "participating",
                          deductible_met: float = 0.0) -> MedicareCost:
    """The patient's cost under Original Medicare Part B for a claim of ``allowed`` dollars.

    ``deductible_met`` is how much of the year's Part B deductible the patient already paid.
    """
    day = as_date(on)
    if provider not in PROVIDERS:
        raise InputError("provider", f"unknown provider kind {provider!r} (known: "
                         f"{', '.join(PROVIDERS)})")
    if not (allowed >= 0):
        raise InputError("allowed", f"{allowed} is below zero")
    deductible = part_b_deductible(day.year)
    met = min(bound("medicare_deductible_met_usd").check(deductible_met, "deductible_met"),
              deductible.value)
    coins, nonpar, cap_share = (medicare_rule(n) for n in (
        "part_b_coinsurance", "nonparticipating_fee_share", "limiting_charge_share"))
    seq = sequestration(day)
    approved = _cents(allowed) if provider == "participating" else _cents(allowed * nonpar.value)
    applied = _cents(min(deductible.value - met, approved))
    coinsurance = _cents(coins.value * (approved - applied))
    share = _cents(approved - applied - coinsurance)
    cut = _cents(seq.value * share)
    pays = _cents(share - cut)
    cap = _cents(approved * cap_share.value) if provider == "limiting_charge" else None
    patient = _cents(cap - pays) if cap is not None else _cents(applied + coinsurance)
    used = [deductible, coins, seq] + ([] if provider == "participating" else [nonpar]) + (
        [cap_share] if cap is not None else [])
    return MedicareCost(day, provider, _cents(allowed), approved, deductible.value, applied,
                        coinsurance, share, coins.value, seq.value, cut, pays, cap, patient,
                        tuple(used))


@dataclass(frozen=True)
class PlanCost:
    """The patient's cost under a plan's deductible, coinsurance and out-of-pocket maximum."""

    allowed: float
    deductible_applied: float
    coinsurance: float
    patient_pays: float
    plan_pays: float
    capped: bool  # the out-of-pocket maximum limited what the patient pays

    def rows(self) -> list[tuple[str, float]]:
        return [("Allowed amount (the plan's own may differ)", self.allowed),
                ("Deductible: the patient pays first", self.deductible_applied),
                ("Coinsurance: the patient's share of the rest", self.coinsurance),
                ("The plan pays the surgeon", self.plan_pays),
                ("The patient pays" + (" (out-of-pocket maximum reached)" if self.capped else
                                       " (deductible plus coinsurance)"), self.patient_pays)]


def plan_patient_cost(allowed: float, deductible_remaining: float, coinsurance_share: float,
                      out_of_pocket_remaining: float) -> PlanCost:
    """The patient's cost of a claim under another plan's cost sharing (user inputs)."""
    if not (allowed >= 0):
        raise InputError("allowed", f"{allowed} is below zero")
    ded = bound("deductible_remaining_usd").check(deductible_remaining, "deductible_remaining")
    share = bound("coinsurance_share").check(coinsurance_share, "coinsurance_share")
    oop = bound("out_of_pocket_remaining_usd").check(out_of_pocket_remaining,
                                                     "out_of_pocket_remaining")
    total = _cents(allowed)
    applied = _cents(min(ded, total))
    coinsurance = _cents(share * (total - applied))
    patient = min(_cents(applied + coinsurance), _cents(oop))
    capped = patient < _cents(applied + coinsurance)
    return PlanCost(total, applied, coinsurance, patient, _cents(total - patient), capped)
