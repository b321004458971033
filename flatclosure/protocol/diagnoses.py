"""ICD-10-CM codes for each claim line, chosen from the procedure's facts by the data in
``data/protocol/diagnoses.yaml`` (codes, our plain labels, conditions, order, sources)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .. import datapkg
from ..errors import DataError
from .rules import Condition, parse_conditions

RESOURCE = "protocol-diagnoses"
SIDE_SCOPES = ("line", "cancer", "other")
_PATH = "data/protocol/diagnoses.yaml"


@dataclass(frozen=True)
class Diagnosis:
    """One ICD-10-CM code on a claim line, with our plain label."""

    code: str
    label: str
    unconfirmed: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "unconfirmed": self.unconfirmed}


@dataclass(frozen=True)
class DiagnosisRule:
    id: str
    code: str
    label: str
    when: tuple[Condition, ...]
    lines: Any
    per_side: bool
    order: int
    excludes1: tuple[str, ...]
    source: str
    unconfirmed: bool
    choice: str | None = None  # the Procedure field choosing an UNCONFIRMED code
    sides: str = "line"  # line, cancer (the breast with the cancer), other (the other breast)
    order_alone: int | None = None  # order on a line only for the sides this code is for


@dataclass(frozen=True, eq=False)
class DiagnosisTable:
    characters: Mapping[str, Mapping[str, str]]
    rules: tuple[DiagnosisRule, ...]
    sources: Mapping[str, str]


def _entry(raw: Any, i: int, sources: Mapping[str, str]) -> DiagnosisRule:
    where = f"codes[{i}]"
    if not isinstance(raw, Mapping):
        raise DataError(_PATH, "an entry is a mapping", field=where)
    for key in ("id", "code", "label", "lines", "order", "source"):
        if key not in raw:
            raise DataError(_PATH, "required", field=f"{where}.{key}")
    if raw["source"] not in sources:
        raise DataError(_PATH, f"unknown source {raw['source']!r}", field=f"{where}.source")
    lines = raw["lines"]
    if raw.get("sides", "line") not in SIDE_SCOPES:
        raise DataError(_PATH, f"sides is one of {', '.join(SIDE_SCOPES)}", field=f"{where}.sides")
    if not (lines in ("all", "mastectomy", "closure") or (
            isinstance(lines, Mapping) and set(lines) <= {"families", "codes"} and lines)):
        raise DataError(_PATH, "lines is all, mastectomy, closure, {families} or {codes}",
                        field=f"{where}.lines")
    return DiagnosisRule(str(raw["id"]), str(raw["code"]), str(raw["label"]),
                         parse_conditions(raw.get("when"), f"{where}.when", _PATH), lines,
                         bool(raw.get("per_side", False)), int(raw["order"]),
                         tuple(str(x) for x in raw.get("excludes1", [])),
                         str(sources[raw["source"]]), bool(raw.get("unconfirmed", False)),
                         raw.get("choice"), str(raw.get("sides", "line")),
                         None if raw.get("order_alone") is None else int(raw["order_alone"]))


def load_diagnoses(root: Path | None = None) -> DiagnosisTable:
    doc = datapkg.load_yaml(RESOURCE, root)
    if not isinstance(doc, Mapping) or not {"sources", "characters", "codes"} <= set(doc):
        raise DataError(_PATH, "needs sections sources, characters and codes")
    rules = tuple(_entry(raw, i, doc["sources"]) for i, raw in enumerate(doc["codes"]))
    return DiagnosisTable(doc["characters"], rules, doc["sources"])


@cache
def default_diagnoses() -> DiagnosisTable:
    return load_diagnoses()


def diagnosis_choices(facts: Mapping[str, Any], table: DiagnosisTable | None = None
                      ) -> tuple[tuple[str, str], ...]:
    """The UNCONFIRMED diagnosis choices in effect: (Procedure field, its value)."""
    table = table or default_diagnoses()
    return tuple(dict.fromkeys(
        (r.choice, str(facts[r.choice])) for r in table.rules
        if r.choice and all(c.holds(facts) for c in r.when)))


def _applies(rule: DiagnosisRule, code: str, family: str, mastectomy: bool) -> bool:
    if rule.lines == "all":
        return True
    if rule.lines in ("mastectomy", "closure"):
        return mastectomy == (rule.lines == "mastectomy")
    return family in rule.lines.get("families", ()) or code in rule.lines.get("codes", ())


def _render(rule: DiagnosisRule, table: DiagnosisTable, facts: Mapping[str, Any],
            side: str) -> Diagnosis:
    ch = table.characters
    absent = "both" if "both" in (facts["sides"], facts["breasts_removed"]) else facts["sides"]
    values = {"site": facts["cancer_site"], "sex": ch["sex"][facts["sex"]],
              "side": ch["side"].get(side, "9"), "absence": ch["absence"].get(absent, "Z90.10"),
              "site_label": ch["site"][facts["cancer_site"]], "sex_label": facts["sex"],
              "side_label": {"both": "both sides"}.get(side, side),
              "absent_label": {"both": "both sides"}.get(absent, absent)}
    return Diagnosis(rule.code.format(**values), rule.label.format(**values), rule.unconfirmed)


def _rule_sides(rule: DiagnosisRule, facts: Mapping[str, Any], sides: tuple[str, ...]
                ) -> tuple[str, ...]:
    """The sides a code is for: the line's, the breast with the cancer (the risk factor on the
    other side's line too), or the other breast (removed to reduce risk)."""
    cancer = facts["cancer_side"]
    if rule.sides == "line" or cancer == "operated":
        return () if rule.sides == "other" else sides
    if rule.sides == "cancer":
        return (cancer,)
    return tuple(s for s in sides if s != cancer)


def line_diagnoses(facts: Mapping[str, Any], code: str, family: str, side: str,
                   mastectomy: bool, table: DiagnosisTable | None = None
                   ) -> tuple[tuple[Diagnosis, ...], tuple[str, ...]]:
    """The line's codes in order, and notes on codes left off by an Excludes1 note."""
    table = table or default_diagnoses()
    sides = ("right", "left") if side.startswith("both") else (side,)
    chosen: list[tuple[int, Diagnosis, DiagnosisRule]] = []
    for rule in table.rules:
        if rule.when and not all(c.holds(facts) for c in rule.when):
            continue
        if not _applies(rule, code, family, mastectomy):
            continue
        mine = _rule_sides(rule, facts, sides)
        if not mine:
            continue
        order = rule.order_alone if rule.order_alone is not None and set(sides) <= set(mine) \
            else rule.order
        whole = "both" if side.startswith("both") else side
        for s in mine if rule.per_side else (whole,):
            chosen.append((order, _render(rule, table, facts, s), rule))
    chosen.sort(key=lambda t: t[0])
    out: list[Diagnosis] = []
    notes: list[str] = []
    for _, dx, rule in chosen:
        clash = [d.code for d in out if any(d.code.startswith(x) for x in rule.excludes1)]
        if clash:
            notes.append(f"{dx.code} left off line {code}: Excludes1 with {', '.join(clash)}")
        elif dx.code not in [d.code for d in out]:
            out.append(dx)
    return tuple(out), tuple(notes)
