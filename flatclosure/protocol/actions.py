"""One small function per rule action, applied by the engine in its declared order.

Each action reads the rule's ``then`` entry and changes the recommendation being built
(:class:`Build`): claim lines drafted, lines included in the mastectomy, modifiers, risks,
documentation and warnings. No code number is written here: codes come from the rules and the
catalog, and reporting follows the codes' indicators and status in the RVU file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..catalog import Catalog
from ..claims import ClaimLine, PricingContext
from ..errors import DataError, InputError
from .procedure import Procedure
from .result import BundledItem
from .rules import MODIFIER_ORDER, Risk, Rule, Ruleset

SIDE_MODIFIER = {"left": "LT", "right": "RT"}


@dataclass
class Draft:
    """A claim line being built (mutable; never leaves the protocol package)."""

    code: str
    units: int
    side: str
    family: str
    group: int
    is_add_on: bool
    modifiers: list[str]
    mastectomy: bool = False
    comparator: str | None = None
    rule_ids: list[str] = field(default_factory=list)
    rationale: list[str] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)

    def tag(self, rule: Rule) -> None:
        if rule.id not in self.rule_ids:
            self.rule_ids.append(rule.id)
            self.rationale.append(rule.rationale)

    def add_modifier(self, mod: str) -> None:
        if mod not in self.modifiers:
            self.modifiers.append(mod)
            self.modifiers.sort(key=lambda m: MODIFIER_ORDER.get(m, 99))

    def claim_line(self) -> ClaimLine:
        return ClaimLine(self.code, tuple(self.modifiers), self.units, comparator=self.comparator)


@dataclass
class Build:
    """The recommendation being built from the active rules."""

    procedure: Procedure
    context: PricingContext
    facts: dict[str, Any]
    active: list[Rule]
    ruleset: Ruleset
    catalog: Catalog
    drafts: list[Draft] = field(default_factory=list)
    bundled: list[BundledItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def setting(self, name: str) -> Any:
        return self.ruleset.settings[name]

    def distinct_modifier(self, distinctness: str) -> str:
        return str(self.setting("distinct_modifiers")[distinctness][self.procedure.distinct_modifier])


def _layout(b: Build, code: str) -> tuple[str, Rule | None]:
    """How a per-side code is reported for the sides: by its status, then its BILAT SURG."""
    if not b.procedure.bilateral:
        return "one_side", None
    v = b.catalog.values(code, b.context.on)
    rules = [r for r in b.active if "layout" in r.then]
    for r in rules:
        if v.status in [str(s) for s in r.then["layout"].get("status", [])]:
            return str(r.then["layout"]["layout"]), r
    for r in rules:
        if v.bilat_surg in [str(x) for x in r.then["layout"].get("indicators", [])]:
            return str(r.then["layout"]["layout"]), r
    raise DataError(b.ruleset.path, f"no layout rule in force on {b.context.on} for {code} "
                    f"(status {v.status}, bilateral indicator {v.bilat_surg})")


def _drafts(b: Build, rule: Rule, family: str, codes: list[tuple[str, int]], side: str,
            mods: list[str], mastectomy: bool, layout_rule: Rule | None) -> list[Draft]:
    group = len(b.drafts) + 1
    out = []
    for code, units in codes:
        d = Draft(code, units, side, family, group, b.catalog.info(code).is_add_on, list(mods),
                  mastectomy=mastectomy)
        if b.catalog.values(code, b.context.on).status == "C":  # carrier priced: no RVUs
            d.comparator = b.procedure.unlisted_comparator or str(b.setting("unlisted_comparator"))
        d.tag(rule)
        if layout_rule is not None:
            d.tag(layout_rule)
        out.append(d)
        b.drafts.append(d)
    return out


def act_add(rule: Rule, b: Build) -> None:
    """Claim lines: sized families by the catalog's bands (both sides summed where CPT says so,
    else per side), single codes by their bilateral indicator or status."""
    spec, p = rule.then["add"], b.procedure
    if "family" in spec:
        family, size_field = str(spec["family"]), str(spec["size"])
        size = float(getattr(p, size_field))
        if spec.get("both_sides") == "summed" and p.bilateral:
            codes = b.catalog.size_codes(family, size * 2, size_field)
            _drafts(b, rule, family, codes, "both (summed)", [], False, None)
            return
        codes = b.catalog.size_codes(family, size, size_field)
    else:
        code = str(p.mastectomy_code if "code_from" in spec else spec["code"])
        family, codes = b.catalog.info(code).family, [(code, 1)]
    mastectomy = "code_from" in spec
    layout, lrule = _layout(b, codes[0][0])
    if layout == "second_side":
        layout = {"rt_lt": "rt_lt", "modifier_50": "modifier_50"}.get(p.second_side, "distinct")
    per_side: dict[str, list[tuple[str, list[str]]]] = {
        "one_side": [(p.sides, [SIDE_MODIFIER.get(p.sides, "")])],
        "modifier_50": [("both", ["50"])], "once": [("both", [])],
        "rt_lt": [("right", ["RT"]), ("left", ["LT"])],
        "distinct": [("right", ["RT"]), ("left", ["LT", _second_side_modifier(b)])],
    }
    for side, mods in per_side[layout]:
        _drafts(b, rule, family, codes, side, mods, mastectomy, lrule)


def _second_side_modifier(b: Build) -> str:
    """A separate site's modifier (59 or XS) for the second side, where the payer asks for it."""
    return b.distinct_modifier("separate_site")


def act_refuse(rule: Rule, b: Build) -> None:
    raise InputError(rule.then["refuse"]["field"], rule.then["refuse"]["message"])


def _drop(b: Build, gone: list[Draft], rule_id: str, reason: str) -> None:
    """Leave lines off the claim, with any add-on whose primary went with them."""
    groups = {d.group for d in gone if not d.is_add_on}
    ids = {id(d) for d in gone}
    gone = [d for d in b.drafts if id(d) in ids or (d.is_add_on and d.group in groups)]
    b.bundled += [BundledItem(f"{d.code}x{d.units}" if d.units > 1 else d.code, d.side, rule_id,
                              reason) for d in gone]
    b.drafts = [d for d in b.drafts if all(d is not g for g in gone)]


def act_include(rule: Rule, b: Build) -> None:
    """Lines included in another code (the mastectomy): off the claim, with the reason."""
    spec = rule.then["include"]
    keep = spec.get("keep_family")
    spared = spec.get("except", {})  # separate procedures that are not the closure (fat grafting)
    if spec.get("lines") == "closure":
        gone = [d for d in b.drafts if not d.mastectomy and d.family != keep
                and d.family not in spared.get("families", ()) and d.code not in spared.get(
                    "codes", ())]
    else:
        gone = [d for d in b.drafts if d.family == spec["family"]]
    _drop(b, gone, rule.id, str(spec["reason"]))


def act_ncci(rule: Rule, b: Build) -> None:
    """NCCI pairs against the mastectomy: with a stated distinctness, indicator 1 takes the
    distinct modifier and 0 is denied; in flag mode the pair is shown as a risk, no modifier."""
    p, mode = b.procedure, rule.then["ncci"].get("mode", "modifier")
    gone = []
    for d in [x for x in b.drafts if not x.mastectomy]:
        pair = b.ruleset.pair(str(p.mastectomy_code), d.code, b.context.on)
        if pair is None or pair.modifier_indicator == "9":
            continue
        d.tag(rule)
        where = f"NCCI pair {pair.column1}/{pair.column2} (modifier indicator " \
                f"{pair.modifier_indicator}, {pair.status})"
        if mode == "flag":
            d.risks.append(Risk("high", f"{where}: denied with the mastectomy unless the services "
                                "are distinct; the same incision is not, so no 59/XS is added",
                                "; ".join(rule.sources)))
        elif pair.modifier_indicator == "1":
            d.add_modifier(b.distinct_modifier(p.distinctness))
        else:
            gone.append(d)
    _drop(b, gone, rule.id, "NCCI pair with modifier indicator 0: denied with the mastectomy, "
          "no modifier bypasses it")


def targets(rule: Rule, drafts: list[Draft]) -> list[Draft]:
    t: Any = rule.target if rule.target is not None else ("added" if "add" in rule.then else "all")
    if t == "added":
        return [d for d in drafts if d.rule_ids and d.rule_ids[0] == rule.id]
    if t in ("closure", "mastectomy"):
        return [d for d in drafts if d.mastectomy == (t == "mastectomy")]
    if t == "all":
        return list(drafts)
    codes = [str(c) for c in t.get("codes", [])]
    return [d for d in drafts if d.family == t.get("family") or d.code in codes]


def act_modifier(rule: Rule, b: Build) -> None:
    for d in targets(rule, b.drafts):
        d.add_modifier(str(rule.then["modifier"]["add"]))
        d.tag(rule)


def act_global_modifier(rule: Rule, b: Build) -> None:
    """The user's 58/78/79 on each primary line; add-ons follow their primary's global."""
    mod = b.procedure.global_modifier
    if not mod:
        return
    for d in b.drafts:
        v = b.catalog.values(d.code, b.context.on)
        if d.is_add_on or v.glob_days == "ZZZ":
            continue
        if mod == "78" and v.intra_op <= 0:
            b.warnings.append(f"{d.code} has no intra-operative share in the RVU file: modifier 78 "
                              "is not added to it")
            continue
        d.add_modifier(mod)
        d.tag(rule)


def act_risk(rule: Rule, b: Build) -> None:
    for d in targets(rule, b.drafts):
        if rule.risk is not None and rule.risk not in d.risks:
            d.risks.append(rule.risk)
        d.tag(rule)


def act_document(rule: Rule, b: Build) -> None:
    for d in targets(rule, b.drafts):
        d.docs += [x for x in rule.then["document"] if x not in d.docs]
        d.tag(rule)


def act_warn(rule: Rule, b: Build) -> None:
    b.warnings.append(str(rule.then["warn"]))


ACTION_FUNCTIONS: dict[str, Callable[[Rule, Build], None]] = {
    "refuse": act_refuse, "add": act_add, "include": act_include, "ncci": act_ncci,
    "modifier": act_modifier, "global_modifier": act_global_modifier, "risk": act_risk,
    "document": act_document, "warn": act_warn,
}
