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
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import pandas as pd

from . import datapkg, limits
from .catalog import Catalog, CodeValues, as_date, load_catalog
from .errors import InputError, LimitError, shown
from .fees import check_setting, round_cents

DISTINCT = {"59", "XS", "XU", "XE", "XP"}
KNOWN_MODIFIERS = {"50", "RT", "LT", "51", "22", "58", "78", "79", "62", "80", "82", "AS"} | DISTINCT
_LINE = re.compile(r"^(?P<code>[0-9A-Z]{5})(?P<mods>(-[0-9A-Z]{2})*)(x(?P<units>\d+))?$", re.I)


@cache
def payment_parameters() -> dict[str, float]:
    """The rule percentages of data/rules/payment_parameters.csv, by name."""
    t = datapkg.load("payment-parameters")
    return dict(zip(t["name"], t["value"].astype(float), strict=True))


def medicare_ladder() -> tuple[float, ...]:
    p = payment_parameters()
    n = int(p["multiple_procedure_ranked_max"])
    return (p["multiple_procedure_rank_1"],) + (p["multiple_procedure_rank_2_to_5"],) * (n - 1)


@dataclass(frozen=True)
class ClaimLine:
    """One claim line: a code, its modifiers, units, and optionally a charge or a user price."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    charge: float | None = None
    user_price: float | None = None  # for carrier-priced codes (status C), e.g. 19499
    comparator: str | None = None  # or price a status-C code like this comparator code

    def __post_init__(self) -> None:
        mods = tuple(m.strip().upper() for m in self.modifiers)
        object.__setattr__(self, "modifiers", mods)
        object.__setattr__(self, "code", str(self.code).strip().upper())
        for m in mods:
            if m not in KNOWN_MODIFIERS:
                raise InputError(f"line {self}", f"unknown modifier {m!r} (known: "
                                 f"{', '.join(sorted(KNOWN_MODIFIERS))})")
        if len(set(mods)) != len(mods):
            raise InputError(f"line {self}", "a modifier is repeated")
        if isinstance(self.units, bool) or not isinstance(self.units, int) or self.units < 1:
            raise InputError(f"line {self}",
                             f"units must be a whole number of at least 1, not {shown(self.units)}")
        _bounded("units", f"line {self}: units", self.units)
        if len(set(mods) & DISTINCT) > 1:
            raise InputError(f"line {self}", f"{' and '.join(sorted(set(mods) & DISTINCT))} on one line: "
                             "59 and an X{EPSU} modifier are not reported together on one line (CMS MLN "
                             "Matters MM8863, 2014): keep the most specific one")
        if "RT" in mods and "LT" in mods:
            raise InputError(f"line {self}", "RT and LT on one line: use modifier 50 or two lines")
        if "50" in mods and ("RT" in mods or "LT" in mods):
            raise InputError(f"line {self}", "modifier 50 already means both sides: drop RT/LT")
        for name in ("charge", "user_price"):
            v = getattr(self, name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or v < 0
                                  or v != v):
                raise InputError(f"line {self}", f"{name} must be a non-negative amount, not {shown(v)}")
            if v is not None:
                _bounded("amount_usd", f"line {self}: {name}", v)
        if self.user_price is not None and self.comparator:
            raise InputError(f"line {self}", "a user price and a comparator: give one or the other "
                             "(the user price would silently win)")

    @classmethod
    def parse(cls, text: str) -> ClaimLine:
        """'CODE[-MOD...][xUNITS]', e.g. '19303-50', '14301-LT-59', '14302x2'."""
        m = _LINE.match(text.strip()) if isinstance(text, str) and len(text) <= 80 else None
        if not m:
            raise InputError("line", f"{shown(text)} is not CODE[-MOD...][xUNITS] (e.g. 14301-LT-59 "
                             "or 14302x2)")
        mods = tuple(x for x in m.group("mods").split("-") if x)
        return cls(m.group("code"), mods, int(m.group("units") or 1))

    def __str__(self) -> str:
        s = "-".join((self.code, *self.modifiers))
        return s + (f"x{self.units}" if self.units != 1 else "")


def _bounded(name: str, field: str, value: float) -> None:
    """``limits.check`` naming the line, without printing the line twice."""
    try:
        limits.check(name, field, value)
    except LimitError as exc:
        raise LimitError(field, exc.problem) from None


@dataclass(frozen=True)
class PricingContext:
    """Where and when a claim is valued, and by which payer's rules."""

    on: dt.date
    setting: str = "facility"
    locality: str | None = None
    payer_multiplier: float = 1.0
    qualifying_apm: bool = False
    modifier_22_percent: float = 0.0  # by report: what the payer grants for substantially more work
    ladder: tuple[float, ...] | None = None  # None: Medicare's, from data/rules
    budget_neutrality_factor: float = 1.0  # a pool scenario's adjustment of the CF (pool.py)

    def __post_init__(self) -> None:
        object.__setattr__(self, "on", as_date(self.on))
        object.__setattr__(self, "setting", check_setting(self.setting))
        for name in ("payer_multiplier", "modifier_22_percent", "budget_neutrality_factor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(name, f"{shown(value)} is not a finite number")
        if self.ladder is not None and any(
                isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x)
                for x in self.ladder):
            raise InputError("ladder", "each step must be a finite number")
        if not (0 < self.payer_multiplier <= 10):
            raise InputError("payer_multiplier", f"{self.payer_multiplier} is outside (0, 10]")
        if not (0 <= self.modifier_22_percent <= 100):
            raise InputError("modifier_22_percent", f"{self.modifier_22_percent} is outside 0-100")
        if not (0 < self.budget_neutrality_factor <= 2):
            raise InputError("budget_neutrality_factor", f"{self.budget_neutrality_factor} is outside (0, 2]")
        if self.ladder is not None and (not self.ladder or any(not 0 <= x <= 1 for x in self.ladder)):
            raise InputError("ladder", "each step must be a share between 0 and 1")

    def effective_ladder(self) -> tuple[float, ...]:
        return self.ladder if self.ladder is not None else medicare_ladder()


@dataclass(frozen=True)
class RuleNote:
    """Which rule changed a line's amount, and how."""

    rule: str
    text: str
    factor: float = 1.0


@dataclass(frozen=True)
class PricedLine:
    line: ClaimLine
    release_id: str
    fee_schedule_amount: float  # one unit, unrounded, before any rule
    allowed: float  # rounded to cents
    rules: tuple[RuleNote, ...]
    warnings: tuple[str, ...]
    rank: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "line": str(self.line), "code": self.line.code, "modifiers": list(self.line.modifiers),
            "units": self.line.units, "release_id": self.release_id,
            "fee_schedule_amount": float(round_cents(self.fee_schedule_amount)),
            "allowed": self.allowed, "rank": self.rank,
            "rules": [{"rule": r.rule, "text": r.text, "factor": r.factor} for r in self.rules],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ClaimResult:
    lines: tuple[PricedLine, ...]
    total: float
    context: PricingContext
    conversion_factor: float
    locality_name: str
    warnings: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([
            {"line": str(p.line), "code": p.line.code, "modifiers": " ".join(p.line.modifiers),
             "units": p.line.units, "fee_schedule": float(round_cents(p.fee_schedule_amount)),
             "rank": p.rank, "allowed": p.allowed,
             "rules": "; ".join(r.text for r in p.rules)} for p in self.lines
        ])

    def to_dict(self) -> dict[str, object]:
        c = self.context
        return {
            "date": c.on.isoformat(), "setting": c.setting, "locality": c.locality or "national",
            "locality_name": self.locality_name, "payer_multiplier": c.payer_multiplier,
            "conversion_factor": self.conversion_factor,
            "lines": [p.to_dict() for p in self.lines], "total": self.total,
            "warnings": list(self.warnings),
        }


@dataclass
class _Work:
    """Mutable working state of one line while the rules run (never leaves this module)."""

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


def _unit_amount(line: ClaimLine, v: CodeValues, ctx: PricingContext, cat: Catalog,
                 gpci: tuple[float, float, float], cf: float) -> tuple[float, list[RuleNote], list[str]]:
    notes: list[RuleNote] = []
    warns: list[str] = []
    if v.indicators_from != v.release_id:
        warns.append(f"{v.release_id} has no payment indicators; those of {v.indicators_from} are used")
    if v.status == "C":
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


def _rvu_amount(v: CodeValues, setting: str, gpci: tuple[float, float, float], cf: float) -> float:
    return (v.work_rvu * gpci[0] + v.pe_rvu(setting) * gpci[1] + v.mp_rvu * gpci[2]) * cf


def price_claim(lines: list[ClaimLine] | list[str], context: PricingContext,
                catalog: Catalog | None = None,
                hypothetical: Mapping[str, CodeValues] | None = None) -> ClaimResult:
    """Allowed amount of each line and of the claim, with every rule that changed a line.

    ``hypothetical`` values codes that do not exist (e.g. a proposed flat-closure code) with the
    RVUs and indicators given, under the same rules as every real code.
    """
    extra = dict(hypothetical or {})
    cat = catalog or load_catalog()
    ctx = context
    parsed = [ln if isinstance(ln, ClaimLine) else ClaimLine.parse(ln) for ln in lines]
    if not parsed:
        raise InputError("lines", "a claim needs at least one line")
    limits.check_count("claim_lines", "lines", len(parsed))
    gpci = cat.gpci(ctx.locality, ctx.on.year)
    cf = cat.conversion_factor(ctx.on, ctx.qualifying_apm) * ctx.budget_neutrality_factor
    p = payment_parameters()
    work: list[_Work] = []
    for i, ln in enumerate(parsed):
        v = extra[ln.code] if ln.code in extra else cat.values(ln.code, ctx.on)
        unit, notes, warns = _unit_amount(ln, v, ctx, cat, gpci, cf)
        w = _Work(i, ln, v, unit, unit * ln.units, list(notes), list(warns))
        if ln.units > 1:
            w.rules.append(RuleNote("units", f"{ln.units} units", float(ln.units)))
        work.append(w)

    # add-on codes need their primary on the claim
    codes_on_claim = {w.line.code for w in work}
    for w in work:
        if w.line.code in extra:
            continue
        info = cat.info(w.line.code)
        if info.is_add_on and not set(info.primary_codes) & codes_on_claim:
            raise InputError(f"line {w.line}", f"add-on code {w.line.code} needs its primary code "
                             f"({' or '.join(info.primary_codes)}) on the same claim")

    # 1. bilateral, before ranking; a procedure is a list of lines ranked together
    procedures: list[list[_Work]] = []
    paired: set[int] = set()
    for w in work:
        if w.index in paired:
            continue
        ind = w.values.bilat_surg
        mods = set(w.line.modifiers)
        partner = None
        if mods & {"RT", "LT"} and not mods & DISTINCT:
            other = "LT" if "RT" in mods else "RT"
            partner = next((o for o in work if o.index not in paired and o is not w
                            and o.line.code == w.line.code and other in o.line.modifiers
                            and not set(o.line.modifiers) & DISTINCT), None)
        two_units = ind == "1" and w.line.units == 2 and not mods & {"50", "RT", "LT"}
        if "50" in mods or partner is not None or two_units:
            how = "modifier 50" if "50" in mods else ("RT and LT lines" if partner else "2 units")
            if ind == "1":
                factor = p["bilateral_payment_indicator_1"]
                text = f"bilateral ({how}), indicator 1: {factor:.0%} of one side"
            elif ind in ("0", "2"):
                factor = 1.0
                why = "no bilateral uplift" if ind == "0" else "values already cover both sides"
                text = f"bilateral ({how}), indicator {ind}: {why}; both sides paid as one, 100%"
            elif ind == "3":
                factor = p["bilateral_payment_indicator_3"]
                text = f"bilateral ({how}), indicator 3: each side paid in full"
            else:
                factor = 1.0
                text = f"bilateral ({how}): indicator 9, the concept does not apply"
                w.warnings.append(f"{w.line.code}: bilateral reporting does not apply (indicator 9)")
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
                procedures.append([w, partner])
            else:
                procedures.append([w])
            w.apply("bilateral", factor, text)
            paired.add(w.index)
        else:
            if mods & {"RT", "LT"} and mods & DISTINCT:
                w.rules.append(RuleNote("distinct-side", "distinct procedure (59/X modifier): each "
                                        "side valued on its own and ranked"))
            procedures.append([w])
            paired.add(w.index)

    # 2. modifiers 22 and 78
    for w in work:
        line_mods = set(w.line.modifiers)
        if "22" in line_mods:
            pct = ctx.modifier_22_percent
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
        if "58" in line_mods:
            w.rules.append(RuleNote("modifier-58", "58 staged procedure: paid in full, new global period"))
        if "79" in line_mods:
            w.rules.append(RuleNote("modifier-79", "79 unrelated procedure: paid in full, new global period"))
        if "51" in line_mods:
            w.rules.append(RuleNote("modifier-51", "51 noted: the payer ranks procedures itself"))
        if line_mods & DISTINCT and not line_mods & {"RT", "LT"}:
            w.rules.append(RuleNote("distinct", "59/X modifier: a distinct procedure; still ranked"))

    # 3. multiple procedures: rank what is reducible; units of a reducible code rank one by one
    ladder = ctx.effective_ladder()
    slots: list[tuple[float, int, int, list[_Work]]] = []
    for order, proc in enumerate(procedures):
        head = proc[0]
        if head.values.mult_proc in ("2", "3") and head.amount > 0:
            n_units = 1 if len(proc) > 1 or "bilateral" in [r.rule for r in head.rules] else head.line.units
            per_unit = head.amount / n_units
            for u in range(n_units):
                slots.append((per_unit, order, u, proc))
        elif head.values.mult_proc == "0":
            head.rules.append(RuleNote("add-on", "add-on code: exempt from the multiple-procedure reduction"))
    slots.sort(key=lambda s: (-s[0], s[1], s[2]))
    unit_shares: dict[int, list[tuple[int, float]]] = {}
    if len(slots) > 1:
        for rank, (_, order, _, proc) in enumerate(slots, start=1):
            share = ladder[rank - 1] if rank <= len(ladder) else ladder[-1]
            unit_shares.setdefault(order, []).append((rank, share))
            if rank > len(ladder) and ctx.ladder is None:
                proc[0].warnings.append(f"procedure ranked {rank}: beyond the 5th, Medicare prices by report")
        for order, shares in unit_shares.items():
            head = procedures[order][0]
            head.rank = shares[0][0]
            factor = sum(s for _, s in shares) / len(shares)
            ranks = ", ".join(f"#{r} at {s:.0%}" for r, s in shares)
            head.apply("multiple-procedure", factor, f"multiple procedures: ranked {ranks}")

    # 4. co-surgeons and assistants
    for w in work:
        mods = set(w.line.modifiers)
        if "62" in mods:
            ind = w.values.co_surg
            if ind in ("1", "2"):
                share = p["co_surgeon_share"]
                w.apply("modifier-62", share, f"62 co-surgeon: {share:.1%} each")
                if ind == "1":
                    w.warnings.append(f"{w.line.code}: co-surgery needs documentation of medical necessity")
            else:
                w.apply("modifier-62", 0.0, f"62 co-surgery not allowed for {w.line.code} (indicator {ind})")
                w.warnings.append(f"{w.line.code}-62 will be denied: co-surgery indicator {ind}")
        assist = mods & {"80", "82", "AS"}
        if assist:
            ind = w.values.asst_surg
            key = "assistant_nonphysician_share" if "AS" in assist else "assistant_physician_share"
            if ind in ("0", "2"):
                share = p[key]
                w.apply("assistant", share, f"{'/'.join(sorted(assist))} assistant at surgery: {share:.1%}")
                if ind == "0":
                    w.warnings.append(f"{w.line.code}: an assistant is paid only with documentation")
            else:
                w.apply("assistant", 0.0,
                        f"assistant at surgery not payable for {w.line.code} (indicator {ind})")
                w.warnings.append(f"{w.line.code}: assistant at surgery will be denied (indicator {ind})")

    # 5. payer multiplier, lower of charge, rounding once per line
    priced = []
    for w in work:
        if ctx.payer_multiplier != 1.0:
            w.apply("payer-multiplier", ctx.payer_multiplier,
                    f"payer pays {ctx.payer_multiplier:.0%} of Medicare")
        charge = _charge(w)
        if charge is not None and charge < w.amount:
            w.rules.append(RuleNote("charge", f"charge {charge:.2f} is below the allowed "
                                    "amount: the lower is paid", charge / w.amount))
            w.amount = float(charge)
        priced.append(PricedLine(w.line, w.values.release_id, w.unit_amount,
                                 float(round_cents(w.amount)), tuple(w.rules), tuple(w.warnings), w.rank))
    total = float(round_cents(sum(pl.allowed for pl in priced)))
    gpci_note = cat.gpci_warning(ctx.on.year) if gpci != (1.0, 1.0, 1.0) else ""
    warnings = tuple(dict.fromkeys([*(x for pl in priced for x in pl.warnings),
                                    *([gpci_note] if gpci_note else [])]))
    return ClaimResult(tuple(priced), total, ctx, cf, cat.locality_name(ctx.locality, ctx.on.year), warnings)
