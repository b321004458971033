"""The plain tables of a protocol result: the claim (with diagnoses), the rationale, the
checklist, the codes left off and the alternatives. Pure functions used by notebook 02's view,
the CLI and the card, so each says the same thing the same way."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..catalog import Catalog, load_catalog
from ..protocol import Alternative, ProtocolResult
from .formatting import fmt_change

RECOMMENDED = "The recommended claim (above)"
MODIFIER_22_ALTERNATIVE = "alt-mastectomy-22"  # data/protocol/rules.yaml alternatives
CLAIM_FIELDS = ["line", "code", "side", "description", "units", "diagnoses", "fee_schedule",
                "allowed", "denial_risk", "pricing"]


def diagnoses_text(ln: Any) -> str:
    """A line's ICD-10-CM codes with our labels, UNCONFIRMED ones marked."""
    return "; ".join(f"{d.code} {d.label}" + (" (UNCONFIRMED)" if d.unconfirmed else "")
                     for d in ln.diagnoses)


def line_codes(result: ProtocolResult) -> list[tuple[str, str]]:
    """Each claim line with its ICD-10-CM codes only (the card's and the CLI's short form)."""
    return [(ln.line, " ".join(d.code for d in ln.diagnoses)) for ln in result.lines]


def claim_table(result: ProtocolResult, catalog: Catalog | None = None) -> pd.DataFrame:
    """One row per priced claim line: our description, side, diagnoses, amounts, denial risk."""
    cat = catalog or load_catalog()
    rows = [{
        "line": ln.line, "code": ln.code, "side": ln.side,
        "description": cat.info(ln.code).description, "units": ln.priced.line.units,
        "diagnoses": diagnoses_text(ln),
        "fee_schedule": round(ln.priced.fee_schedule_amount, 2), "allowed": ln.allowed,
        "denial_risk": ln.denial_risk,
        "pricing": "; ".join(r.text for r in ln.priced.rules),
    } for ln in result.lines]
    return pd.DataFrame(rows, columns=CLAIM_FIELDS)


def rationale_table(result: ProtocolResult) -> pd.DataFrame:
    """The protocol rules behind the claim lines, why, and the denial risk with its sources;
    lines with the same rules and reasons (e.g. the two sides) share a row."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for ln in result.lines:
        row = {"rule_ids": ", ".join(ln.rule_ids), "rationale": " ".join(ln.rationale),
               "denial_risk": ln.denial_risk,
               "risk_reasons": f"{ln.denial_risk}: " + "; ".join(ln.risk_reasons)}
        key = (row["rule_ids"], row["rationale"], row["risk_reasons"])
        if key in rows:
            rows[key]["line"] += "\n" + ln.line
        else:
            rows[key] = {"line": ln.line, **row}
    return pd.DataFrame(list(rows.values()), columns=["line", "rule_ids", "rationale",
                                                      "denial_risk", "risk_reasons"])


def checklist(result: ProtocolResult) -> list[str]:
    """What the record must show, once each, in the order the lines ask for it."""
    return list(result.documentation)


def bundled_table(result: ProtocolResult) -> pd.DataFrame:
    """Codes the surgery calls for that the rules leave off the claim (included), and why."""
    return pd.DataFrame([b.to_dict() for b in result.bundled],
                        columns=["code", "side", "rule_id", "reason"])


def option_label(alt: Alternative, result: ProtocolResult) -> str:
    """An alternative's label; modifier 22's says the uplift it is priced with."""
    if alt.id != MODIFIER_22_ALTERNATIVE:
        return alt.label
    pct = result.context.modifier_22_percent
    if pct == 0:
        return f"{alt.label} (+0%: set the uplift your payer grants under More options)"
    return f"{alt.label} (+{pct:g}% uplift, set under More options)"


def alternatives_table(result: ProtocolResult) -> pd.DataFrame:
    """The recommended claim first, then every alternative the rules offer, with its total."""
    rows: list[dict[str, Any]] = [{
        "option": RECOMMENDED, "kind": "recommended",
        "lines": ", ".join(ln.line for ln in result.lines), "total": result.total,
        "difference": 0.0, "denial_risk": result.denial_risk, "is_current": True, "note": "",
    }]
    for a in result.alternatives:
        rows.append({
            "option": option_label(a, result), "kind": a.kind, "lines": ", ".join(a.lines),
            "total": a.total, "difference": a.difference, "denial_risk": a.denial_risk or "",
            "is_current": a.is_current,
            "note": (f"not possible: {a.error}" if a.error
                     else "same as the recommended claim" if a.is_current else ""),
        })
    frame = pd.DataFrame(rows, columns=["option", "kind", "lines", "total", "difference",
                                        "denial_risk", "is_current", "note"])
    frame["change"] = [fmt_change(v) for v in frame["difference"]]
    return frame


# "research-domain.md A3", "shared/docs/domain.md section 5", "copy in shared/seed/x.txt": the
# repository's own notes, not something a reader can look up (issue 14: no internal paths)
_COPY_IN = re.compile(r";\s*copy in [^);]*")
_NOTE_FILE = re.compile(r"(?:[\w.-]+/)*[\w-]+\.(?:md|txt|yaml|csv|json)(?:\s+section)?"
                        r"(?:\s+[A-Z]?\d[\w.]*)?")


def plain_source(text: str) -> str:
    """A source as a reader sees it: publisher, title and link, without the repository's own
    file names and notes (``research-domain.md A3``, ``shared/docs/domain.md section 5``)."""
    out = _NOTE_FILE.sub("", _COPY_IN.sub("", str(text)))
    out = re.sub(r"\(\s*[;,]?\s*\)", "", out)
    out = re.sub(r"\s*;(\s*;)+", ";", out)
    out = re.sub(r"\(\s*;\s*", "(", out)
    out = re.sub(r"\s*;\s*\)", ")", out)
    out = re.sub(r"\s+;", ";", out)
    return re.sub(r"\s{2,}", " ", out).strip(" ;")
