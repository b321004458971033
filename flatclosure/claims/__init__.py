"""The allowed amount of a whole claim: several lines with modifiers and units.

Rules, applied in this order (shared domain notes section 4; CMS Claims Processing Manual ch. 12
as restated by the MACs cited in data/rules/payment_parameters.csv):

1. Fee schedule amount of each line (fees.py); status C needs a user price or a comparator code.
2. Bilateral (BILAT SURG), before any ranking: modifier 50, or an RT and an LT line of one code,
   or 2 units of an indicator-1 code, form one bilateral procedure: indicator 1 pays 150% of one
   side, 0 and 2 pay 100% of one side, 3 pays each side in full, 9 means the concept does not apply.
3. Modifier 22 adds the user's percentage (priced by report); 78 pays the intra-operative share.
4. Multiple procedures (MULT PROC 2 or 3): rank by amount; the payer's ladder (Medicare: 100% then
   50% for the 2nd-5th, by report beyond); add-on codes (MULT PROC 0) are never reduced.
5. Modifier 62 (co-surgeons) and 80/82/AS (assistants), where the code's indicator allows.
6. The payer multiplier (commercial as a multiple of Medicare), then the lower of charge and
   allowed, then rounding to cents, once per line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .. import limits
from ..catalog import Catalog, CodeValues, as_date, load_catalog
from ..errors import InputError
from ..fees import round_cents
from ..parameters import parameters
from . import steps
from .lines import (
    DISTINCT,
    KNOWN_MODIFIERS,
    ClaimLine,
    ClaimParameters,
    ClaimResult,
    PricedLine,
    PricingContext,
    RuleNote,
    claim_parameters,
)

__all__ = ["DISTINCT", "KNOWN_MODIFIERS", "ClaimLine", "ClaimParameters", "ClaimResult", "PricedLine",
           "PricingContext", "RuleNote", "claim_parameters", "medicare_ladder", "payment_parameters",
           "price_claim"]


def payment_parameters(on: dt.date | str | None = None) -> dict[str, float]:
    """The rule parameters in force on ``on`` (today when not given), by name
    (``flatclosure.parameters.parameters(on)``, data/rules/payment_parameters.csv)."""
    p = parameters(as_date(on) if on is not None else dt.date.today())
    return {name: ref.value for name, ref in p.references.items()}


def medicare_ladder(on: dt.date | str | None = None) -> tuple[float, ...]:
    """Medicare's multiple-procedure shares by rank in force on ``on`` (today when not given)."""
    return claim_parameters(as_date(on) if on is not None else dt.date.today()).medicare_ladder()


def price_claim(lines: list[ClaimLine] | list[str], context: PricingContext,
                catalog: Catalog | None = None,
                hypothetical: Mapping[str, CodeValues] | None = None) -> ClaimResult:
    """Allowed amount of each line and of the claim, with every rule that changed a line.

    The rules run in the order above (``steps.STEPS``) with the parameters in force on the
    claim's date (``claim_parameters(context.on)``). ``hypothetical`` values codes that do not exist
    (e.g. a proposed flat-closure code) with the RVUs and indicators given, under the same rules
    as every real code.
    """
    cat = catalog or load_catalog()
    ctx = context
    parsed = [ln if isinstance(ln, ClaimLine) else ClaimLine.parse(ln) for ln in lines]
    if not parsed:
        raise InputError("lines", "a claim needs at least one line")
    limits.check_count("claim_lines", "lines", len(parsed))
    gpci = cat.gpci(ctx.locality, ctx.on.year)
    cf = cat.conversion_factor(ctx.on, ctx.qualifying_apm) * ctx.budget_neutrality_factor
    claim = steps.start(parsed, ctx, claim_parameters(ctx.on), cat, dict(hypothetical or {}), gpci, cf)
    for step in steps.STEPS:
        step(claim)
    priced = steps.priced_lines(claim)
    total = float(round_cents(sum(pl.allowed for pl in priced)))
    gpci_note = cat.gpci_warning(ctx.on.year) if gpci != (1.0, 1.0, 1.0) else ""
    warnings = tuple(dict.fromkeys([*(x for pl in priced for x in pl.warnings),
                                    *([gpci_note] if gpci_note else [])]))
    return ClaimResult(priced, total, ctx, cf, cat.locality_name(ctx.locality, ctx.on.year), warnings)
