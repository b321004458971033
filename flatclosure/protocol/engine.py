"""The engine: the checks that need the catalog or the date, then the rules' actions in a
declared order, then pricing through :func:`flatclosure.claims.price_claim`, with diagnoses."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from ..catalog import Catalog, CodeValues, load_catalog
from ..claims import PricingContext, price_claim
from ..errors import FlatclosureError, InputError, NoDataForDateError
from .actions import ACTION_FUNCTIONS, Build, Draft
from .diagnoses import diagnosis_choices, line_diagnoses
from .procedure import Procedure
from .result import Alternative, ProtocolLine, ProtocolResult
from .rules import Rule, Ruleset, default_rules

ACTION_ORDER = ("refuse", "add", "include", "ncci", "modifier", "global_modifier", "risk",
                "document", "warn")


def _values(cat: Catalog, code: str, ctx: PricingContext, name: str) -> CodeValues:
    try:
        return cat.values(code, ctx.on)
    except FlatclosureError as exc:
        raise InputError(name, str(exc)) from exc


def check(p: Procedure, ctx: PricingContext, cat: Catalog, rules: Ruleset) -> int | None:
    """Cross-field checks needing the catalog or the date; the prior code's global days."""
    for name, look_up in (("date", lambda: cat.release_on(ctx.on)),
                          ("locality", lambda: cat.gpci(ctx.locality, ctx.on.year))):
        try:
            look_up()
        except NoDataForDateError as exc:
            raise InputError(name, str(exc)) from exc
    masts = cat.family("mastectomy")
    if p.stage == "initial":
        if p.mastectomy_code not in masts:
            raise InputError("mastectomy_code", f"{p.mastectomy_code!r} is not a mastectomy code: "
                             f"the initial closure needs one ({', '.join(masts)})")
        if not _values(cat, p.mastectomy_code, ctx, "mastectomy_code").payable_in(ctx.setting):
            raise InputError("setting", f"the initial closure is done with the mastectomy, and "
                             f"{p.mastectomy_code} is priced in the facility setting only")
    if p.unlisted_comparator is not None:
        _values(cat, p.unlisted_comparator, ctx, "unlisted_comparator")
    unknown = p.assumptions_off - set(rules.switches())
    if unknown:
        raise InputError("assumptions_off", f"unknown switch {sorted(unknown)[0]!r} (known: "
                         f"{', '.join(sorted(rules.switches()))})")
    if p.closure_as == "mastectomy_22" and not (p.stage == "initial" and p.same_surgeon):
        raise InputError("closure_as", "modifier 22 on the mastectomy is for a closure by the "
                         "mastectomy surgeon at the initial surgery")
    if p.days_since_surgery is None:
        return None
    prior = p.prior_code or str(rules.settings["default_prior_code"])
    days = _values(cat, prior, ctx, "prior_code").global_period_days
    if days is not None and p.days_since_surgery <= days and p.same_surgeon \
            and p.global_modifier is None:
        raise InputError("global_modifier", f"day {p.days_since_surgery} is inside the {days}-day "
                         f"global period of {prior}: choose 58 (staged or planned), 78 (unplanned "
                         "return to the operating room) or 79 (unrelated); the record decides which")
    return days


def facts(p: Procedure, prior_days: int | None) -> dict[str, Any]:
    """What the rules' conditions test: the Procedure's fields and the derived facts."""
    out = {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}
    inside = prior_days is not None and p.days_since_surgery is not None \
        and p.days_since_surgery <= prior_days
    out.update(bilateral=p.bilateral, inside_global=inside, repair_level=p.repair_level,
               has_closure=p.rearrangement or p.repair_length_cm > 0,
               distinct=p.distinctness != "none")
    return out


def active_rules(p: Procedure, ctx: PricingContext, fx: dict[str, Any], rules: Ruleset
                 ) -> list[Rule]:
    """The rules in force on the date, not switched off, whose conditions hold; a rule that
    would add codes but is not in force on the date refuses the input (nothing vanishes)."""
    on = [r for r in rules.rules if not (r.switch and r.switch in p.assumptions_off)
          and r.matches(fx)]
    for r in on:
        if "add" in r.then and not r.in_force(ctx.on):
            until = f" to {r.effective_to}" if r.effective_to else ""
            raise InputError("date", f"rule {r.id} ({r.title}) is in force from "
                             f"{r.effective_from}{until}, not on {ctx.on}")
    return [r for r in on if r.in_force(ctx.on)]


def build(p: Procedure, ctx: PricingContext, cat: Catalog, rules: Ruleset) -> Build:
    """The claim's draft lines: every action of the active rules, in ACTION_ORDER."""
    prior_days = check(p, ctx, cat, rules)
    fx = facts(p, prior_days)
    fx["prior_global_days"] = prior_days
    b = Build(p, ctx, fx, active_rules(p, ctx, fx, rules), rules, cat)
    for action in ACTION_ORDER:
        for r in b.active:
            if action in r.then:
                ACTION_FUNCTIONS[action](r, b)
        if action == "add":
            b.drafts.sort(key=lambda d: not d.mastectomy)  # the mastectomy heads the claim
    if not b.drafts:
        raise InputError("repair_length_cm" if not p.rearrangement else "stage",
                         "nothing to bill: give the repaired length, tissue transfer with its "
                         "area, fat grafting, skin excision or liposuction")
    if p.global_modifier and not (fx["inside_global"] and p.same_surgeon):
        b.warnings.append(f"global modifier {p.global_modifier} not used: the surgery is not "
                          "inside a global period of the same surgeon")
    return b


def _max_risk(levels: Iterable[str], order: list[str]) -> str:
    got = [order.index(x) for x in levels]
    return order[max(got)] if got else order[0]


def _line(b: Build, d: Draft, priced: Any, order: list[str]) -> tuple[ProtocolLine, list[str]]:
    dx, notes = line_diagnoses(b.facts, d.code, d.family, d.side, d.mastectomy)
    return ProtocolLine(
        priced=priced, side=d.side, family=d.family, rule_ids=tuple(d.rule_ids),
        rationale=tuple(d.rationale), denial_risk=_max_risk((r.level for r in d.risks), order),
        risks=tuple(d.risks), documentation=tuple(d.docs), diagnoses=dx), list(notes)


def _assumptions(b: Build) -> tuple[tuple[str, str], ...]:
    out = tuple((r.switch or r.choice or r.id,
                 "on" if r.switch else str(getattr(b.procedure, r.choice or "", "")))
                for r in b.active if r.assumption and ("layout" not in r.then or any(
                    r.id in d.rule_ids for d in b.drafts)))
    return (out + diagnosis_choices(b.facts)
            + tuple((s, "off") for s in sorted(b.procedure.assumptions_off)))


@lru_cache(maxsize=4096)
def _recommend(p: Procedure, ctx: PricingContext, cat: Catalog, rules: Ruleset,
               alternatives: bool) -> ProtocolResult:
    b = build(p, ctx, cat, rules)
    claim = price_claim([d.claim_line() for d in b.drafts], ctx, catalog=cat)
    order = list(rules.settings["risk_levels"])
    made = [_line(b, d, pl, order) for d, pl in zip(b.drafts, claim.lines, strict=True)]
    lines = tuple(ln for ln, _ in made)
    notes = [n for _, ns in made for n in ns]
    result = ProtocolResult(
        procedure=p, context=ctx, lines=lines, total=claim.total, claim=claim,
        bundled=tuple(b.bundled), alternatives=(),
        documentation=tuple(dict.fromkeys(x for d in b.drafts for x in d.docs)),
        warnings=tuple(dict.fromkeys([*b.warnings, *notes, *claim.warnings])),
        rules_applied=tuple(r.id for r in b.active), assumptions=_assumptions(b),
        denial_risk=_max_risk((ln.denial_risk for ln in lines), order),
        inside_global=bool(b.facts["inside_global"]), prior_global_days=b.facts["prior_global_days"])
    if alternatives:
        result = dataclasses.replace(result, alternatives=_alternatives(b, result))
    return result


def _alternatives(b: Build, current: ProtocolResult) -> tuple[Alternative, ...]:
    out = []
    for spec in b.ruleset.alternatives:
        if not all(c.holds(b.facts) for c in spec.when) or (spec.needs_rule and not any(
                spec.needs_rule in ln.rule_ids for ln in current.lines)):
            continue
        try:
            alt = b.procedure.replace(**spec.set)
            same = alt == b.procedure
            res = current if same else _recommend(alt, b.context, b.catalog, b.ruleset, False)
        except InputError as exc:
            out.append(Alternative(spec.id, spec.kind, spec.label, (), None, None, False, None,
                                   str(exc)))
            continue
        out.append(Alternative(spec.id, spec.kind, spec.label, tuple(ln.line for ln in res.lines),
                               res.total, round(res.total - current.total, 2), same,
                               res.denial_risk))
    return tuple(out)


def recommend(procedure: Procedure, context: PricingContext | None = None, *,
              catalog: Catalog | None = None, rules: Ruleset | None = None,
              alternatives: bool = True) -> ProtocolResult:
    """The claim for a flat closure or revision under the protocol rules, priced in ``context``
    with ``catalog``, with each line's rules, rationale, diagnoses, denial risk and paperwork,
    the codes left off and why, and the alternatives priced beside it."""
    cat = catalog or load_catalog()
    ctx = context or PricingContext(cat.default_date())
    return _recommend(procedure, ctx, cat, rules or default_rules(), alternatives)


def assumption_switches(rules: Ruleset | None = None) -> list[dict[str, str]]:
    """The UNCONFIRMED rules a user can switch off or choose among, for a widget or the card."""
    rules = rules or default_rules()
    return [{"name": r.switch or r.choice or r.id, "kind": "switch" if r.switch else "choice",
             "rule": r.id, "title": r.title, "source": "; ".join(r.sources)}
            for r in rules.rules if r.assumption]
