"""The steps of ``price_claim``, each a small function of the claim being priced (``Pricing``),
run in the order ``STEPS`` declares (the module docstring of ``flatclosure.claims`` cites each
rule). The percentages come from ``claim_parameters(on)``, the values in force on the claim's date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..catalog import Catalog, CodeValues
from ..errors import InputError
from ..fees import round_cents
from .lines import DISTINCT, ClaimLine, ClaimParameters, PricedLine, PricingContext, RuleNote


@dataclass
class _Work:
    """Mutable working state of one line while the rules run (never leaves this package)."""

    index: int
    line: ClaimLine
    values: CodeValues
    unit_amount: float
    amount: float = 0.0
    rules: list[RuleNote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rank: int | None = None
    partner: _Work | None = None  # the other side of an RT/LT pair paid on this line

    def apply(self, rule: str, factor: float, text: str) -> None:
        self.amount *= factor
        self.rules.append(RuleNote(rule, text, factor))


@dataclass
class Pricing:
    """One claim while its rules run: the lines, the procedures they form (a procedure is a list
    of lines ranked together), the context and the parameters in force on its date."""

    ctx: PricingContext
    params: ClaimParameters
    cat: Catalog
    hypothetical: Mapping[str, CodeValues]
    work: list[_Work]
    procedures: list[list[_Work]] = field(default_factory=list)


def start(lines: list[ClaimLine], ctx: PricingContext, params: ClaimParameters, cat: Catalog,
          hypothetical: Mapping[str, CodeValues], gpci: tuple[float, float, float],
          cf: float) -> Pricing:
    """Step 1: the fee schedule amount of each line (status C: a user price or a comparator)."""
    work: list[_Work] = []
    for i, ln in enumerate(lines):
        v = hypothetical[ln.code] if ln.code in hypothetical else cat.values(ln.code, ctx.on)
        unit, notes, warns = _unit_amount(ln, v, ctx, cat, gpci, cf)
        w = _Work(i, ln, v, unit, unit * ln.units, list(notes), list(warns))
        if ln.units > 1:
            w.rules.append(RuleNote("units", f"{ln.units} units", float(ln.units)))
        work.append(w)
    return Pricing(ctx, params, cat, hypothetical, work)


def _unit_amount(line: ClaimLine, v: CodeValues, ctx: PricingContext, cat: Catalog,
                 gpci: tuple[float, float, float], cf: float) -> tuple[float, list[RuleNote], list[str]]:
    notes: list[RuleNote] = []
    warns: list[str] = []
    if v.indicators_from != v.release_id:
        warns.append(f"{v.release_id} has no payment indicators; those of {v.indicators_from} are used")
    if v.status == "C":
        return _carrier_priced(line, ctx, cat, gpci, cf, notes, warns)
    if line.user_price is not None:
        raise InputError(f"line {line}", "a user price is only for carrier-priced (status C) codes")
    if v.status in ("R", "N", "I", "B", "T", "X", "E", "P"):
        label = {"R": "restricted coverage: paid only in special circumstances",
                 "N": "non-covered by Medicare", "I": "not valid for Medicare",
                 }.get(v.status, "not separately paid")
        warns.append(f"{line.code} has status {v.status} ({label})")
        notes.append(RuleNote(f"status-{v.status}", f"status {v.status}: {label}; no PFS amount", 0.0))
        return 0.0, notes, warns
    if not v.payable_in(ctx.setting):
        raise InputError(f"line {line}", f"{line.code} is not payable in the {ctx.setting} setting "
                         f"(NA in {v.release_id}); it is priced in the "
                         f"{'office' if ctx.setting == 'facility' else 'facility'} setting only")
    return _rvu_amount(v, ctx.setting, gpci, cf), notes, warns


def _carrier_priced(line: ClaimLine, ctx: PricingContext, cat: Catalog, gpci: tuple[float, float, float],
                    cf: float, notes: list[RuleNote],
                    warns: list[str]) -> tuple[float, list[RuleNote], list[str]]:
    """Status C: the user's price, or the amount of a comparator code."""
    if line.user_price is not None:
        notes.append(RuleNote("status-C-user-price", f"carrier priced: user price {line.user_price:.2f}"))
        return float(line.user_price), notes, warns
    if line.comparator:
        cv = cat.values(line.comparator, ctx.on)
        if not cv.payable_in(ctx.setting) or cv.status != "A":
            raise InputError(f"line {line}", f"comparator {line.comparator} has no {ctx.setting} price")
        amt = _rvu_amount(cv, ctx.setting, gpci, cf)
        notes.append(RuleNote("status-C-comparator",
                              f"carrier priced: valued like comparator {line.comparator}"))
        warns.append(f"{line.code} is unlisted (status C): the payer sets the price from the "
                     "records; the comparator is an assumption")
        return amt, notes, warns
    raise InputError(f"line {line}", f"{line.code} is carrier priced (status C, no RVUs): "
                     "give a user price or a comparator code")


def _rvu_amount(v: CodeValues, setting: str, gpci: tuple[float, float, float], cf: float) -> float:
    return (v.work_rvu * gpci[0] + v.pe_rvu(setting) * gpci[1] + v.mp_rvu * gpci[2]) * cf


def check_add_ons(c: Pricing) -> None:
    """Add-on codes need their primary on the claim."""
    codes_on_claim = {w.line.code for w in c.work}
    for w in c.work:
        if w.line.code in c.hypothetical:
            continue
        info = c.cat.info(w.line.code)
        if info.is_add_on and not set(info.primary_codes) & codes_on_claim:
            raise InputError(f"line {w.line}", f"add-on code {w.line.code} needs its primary code "
                             f"({' or '.join(info.primary_codes)}) on the same claim")


def _partner(w: _Work, work: list[_Work], paired: set[int]) -> _Work | None:
    """The other side of an RT line (or LT), on a line of its own, of the same code."""
    mods = set(w.line.modifiers)
    if not mods & {"RT", "LT"} or mods & DISTINCT:
        return None
    other = "LT" if "RT" in mods else "RT"
    return next((o for o in work if o.index not in paired and o is not w
                 and o.line.code == w.line.code and other in o.line.modifiers
                 and not set(o.line.modifiers) & DISTINCT), None)


def _bilateral_factor(w: _Work, how: str, p: ClaimParameters) -> tuple[float, str]:
    """The share of one side the code's BILAT SURG indicator pays for both."""
    ind = w.values.bilat_surg
    if ind == "1":
        factor = p.bilateral_payment_indicator_1
        return factor, f"bilateral ({how}), indicator 1: {factor:.0%} of one side"
    if ind in ("0", "2"):
        why = "no bilateral uplift" if ind == "0" else "values already cover both sides"
        return 1.0, f"bilateral ({how}), indicator {ind}: {why}; both sides paid as one, 100%"
    if ind == "3":
        return p.bilateral_payment_indicator_3, f"bilateral ({how}), indicator 3: each side paid in full"
    w.warnings.append(f"{w.line.code}: bilateral reporting does not apply (indicator 9)")
    return 1.0, f"bilateral ({how}): indicator 9, the concept does not apply"


def bilateral(c: Pricing) -> None:
    """Step 2, before any ranking: modifier 50, an RT and an LT line, or 2 units of an
    indicator-1 code form one bilateral procedure."""
    paired: set[int] = set()
    for w in c.work:
        if w.index in paired:
            continue
        mods = set(w.line.modifiers)
        partner = _partner(w, c.work, paired)
        two_units = w.values.bilat_surg == "1" and w.line.units == 2 and not mods & {"50", "RT", "LT"}
        paired.add(w.index)
        if not ("50" in mods or partner is not None or two_units):
            if mods & {"RT", "LT"} and mods & DISTINCT:
                w.rules.append(RuleNote("distinct-side", "distinct procedure (59/X modifier): each "
                                        "side valued on its own and ranked"))
            c.procedures.append([w])
            continue
        how = "modifier 50" if "50" in mods else ("RT and LT lines" if partner else "2 units")
        factor, text = _bilateral_factor(w, how, c.params)
        if two_units:
            w.amount = w.unit_amount
            w.rules = [r for r in w.rules if r.rule != "units"]
        if partner is not None:
            paired.add(partner.index)
            w.partner = partner
            # the pair is paid as one procedure: the first line carries it, the other shows 0
            partner.amount = 0.0
            partner.rules.append(RuleNote("bilateral", f"paid on line {w.line} as one bilateral "
                                          "procedure", 0.0))
            c.procedures.append([w, partner])
        else:
            c.procedures.append([w])
        w.apply("bilateral", factor, text)


# modifiers that change nothing but are noted on the line
_NOTED = {"58": "58 staged procedure: paid in full, new global period",
          "79": "79 unrelated procedure: paid in full, new global period",
          "51": "51 noted: the payer ranks procedures itself"}


def modifiers(c: Pricing) -> None:
    """Step 3: 22 adds the user's percentage (by report); 78 pays the intra-operative share."""
    for w in c.work:
        line_mods = set(w.line.modifiers)
        if "22" in line_mods:
            pct = c.ctx.modifier_22_percent
            w.apply("modifier-22", 1 + pct / 100, f"22 increased service: +{pct:g}% (by report)")
            if pct == 0:
                w.warnings.append("modifier 22 is priced by report: set the percentage your payer grants")
        if "78" in line_mods:
            share = w.values.intra_op
            if share <= 0:
                raise InputError(f"line {w.line}", f"{w.line.code} has no intra-operative share; "
                                 "modifier 78 does not apply")
            w.apply("modifier-78", share, f"78 return to the OR: intra-operative share {share:.0%} only, "
                    "no new global period")
        for mod, text in _NOTED.items():
            if mod in line_mods:
                w.rules.append(RuleNote(f"modifier-{mod}", text))
        if line_mods & DISTINCT and not line_mods & {"RT", "LT"}:
            w.rules.append(RuleNote("distinct", "59/X modifier: a distinct procedure; still ranked"))


def multiple_procedures(c: Pricing) -> None:
    """Step 4: rank what is reducible by amount and pay each rank its share of the ladder; units
    of a reducible code rank one by one; add-on codes are never reduced."""
    ladder = c.ctx.effective_ladder()
    slots: list[tuple[float, int, int, list[_Work]]] = []
    for order, proc in enumerate(c.procedures):
        head = proc[0]
        if head.values.mult_proc in ("2", "3") and head.amount > 0:
            n_units = 1 if len(proc) > 1 or "bilateral" in [r.rule for r in head.rules] else head.line.units
            per_unit = head.amount / n_units
            for u in range(n_units):
                slots.append((per_unit, order, u, proc))
        elif head.values.mult_proc == "0":
            head.rules.append(RuleNote("add-on", "add-on code: exempt from the multiple-procedure reduction"))
    slots.sort(key=lambda s: (-s[0], s[1], s[2]))
    if len(slots) <= 1:
        return
    unit_shares: dict[int, list[tuple[int, float]]] = {}
    for rank, (_, order, _, proc) in enumerate(slots, start=1):
        share = ladder[rank - 1] if rank <= len(ladder) else ladder[-1]
        unit_shares.setdefault(order, []).append((rank, share))
        if rank > len(ladder) and c.ctx.ladder is None:
            proc[0].warnings.append(f"procedure ranked {rank}: beyond the {_ordinal(len(ladder))}, "
                                    "Medicare prices by report")
    for order, shares in unit_shares.items():
        head = c.procedures[order][0]
        head.rank = shares[0][0]
        factor = sum(s for _, s in shares) / len(shares)
        ranks = ", ".join(f"#{r} at {s:.0%}" for r, s in shares)
        head.apply("multiple-procedure", factor, f"multiple procedures: ranked {ranks}")


def _ordinal(n: int) -> str:
    """5 -> '5th' (the last rank Medicare's ladder prices, from the parameters)."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def co_surgeons(c: Pricing) -> None:
    """Step 5a: modifier 62, where the code's CO SURG indicator allows it."""
    for w in c.work:
        if "62" not in w.line.modifiers:
            continue
        ind = w.values.co_surg
        if ind in ("1", "2"):
            share = c.params.co_surgeon_share
            w.apply("modifier-62", share, f"62 co-surgeon: {share:.1%} each")
            if ind == "1":
                w.warnings.append(f"{w.line.code}: co-surgery needs documentation of medical necessity")
        else:
            w.apply("modifier-62", 0.0, f"62 co-surgery not allowed for {w.line.code} (indicator {ind})")
            w.warnings.append(f"{w.line.code}-62 will be denied: co-surgery indicator {ind}")


def assistants(c: Pricing) -> None:
    """Step 5b: modifiers 80, 82 and AS, where the code's ASST SURG indicator allows them."""
    for w in c.work:
        assist = set(w.line.modifiers) & {"80", "82", "AS"}
        if not assist:
            continue
        ind = w.values.asst_surg
        if ind in ("0", "2"):
            share = (c.params.assistant_nonphysician_share if "AS" in assist
                     else c.params.assistant_physician_share)
            w.apply("assistant", share, f"{'/'.join(sorted(assist))} assistant at surgery: {share:.1%}")
            if ind == "0":
                w.warnings.append(f"{w.line.code}: an assistant is paid only with documentation")
        else:
            w.apply("assistant", 0.0, f"assistant at surgery not payable for {w.line.code} (indicator {ind})")
            w.warnings.append(f"{w.line.code}: assistant at surgery will be denied (indicator {ind})")


def payer_and_charge(c: Pricing) -> None:
    """Step 6: the payer multiplier, then the lower of charge and allowed."""
    for w in c.work:
        if c.ctx.payer_multiplier != 1.0:
            w.apply("payer-multiplier", c.ctx.payer_multiplier,
                    f"payer pays {c.ctx.payer_multiplier:.0%} of Medicare")
        charge = _charge(w)
        if charge is not None and charge < w.amount:
            w.rules.append(RuleNote("charge", f"charge {charge:.2f} is below the allowed "
                                    "amount: the lower is paid", charge / w.amount))
            w.amount = float(charge)


def _charge(w: _Work) -> float | None:
    """The charge the allowed amount is compared with: for an RT/LT pair paid as one bilateral
    procedure, both sides' charges (RVU file, bilateral indicator definitions: 'the lower of
    the total actual charge for both sides and 100% [or 150%] of the fee schedule amount')."""
    if w.partner is None:
        return w.line.charge
    if w.line.charge is None or w.partner.line.charge is None:
        if (w.line.charge is None) != (w.partner.line.charge is None):
            w.warnings.append(f"{w.line.code}: a charge is given for one side only; the lower-of-"
                              "charge rule needs both sides' charges and is not applied")
        return None
    return w.line.charge + w.partner.line.charge


def priced_lines(c: Pricing) -> tuple[PricedLine, ...]:
    """Rounding to cents, once per line."""
    return tuple(PricedLine(w.line, w.values.release_id, w.unit_amount, float(round_cents(w.amount)),
                            tuple(w.rules), tuple(w.warnings), w.rank) for w in c.work)


# The rules after step 1, in the order they apply (flatclosure.claims docstring).
STEPS: tuple[Callable[[Pricing], None], ...] = (
    check_add_ons, bilateral, modifiers, multiple_procedures, co_surgeons, assistants, payer_and_charge)
