"""What :func:`recommend` returns: priced lines with their reasons, diagnoses and risks, the
codes left off the claim and why, the priced alternatives, and the JSON of it all."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..claims import ClaimResult, PricedLine, PricingContext
from .diagnoses import Diagnosis
from .procedure import Procedure
from .rules import Risk


@dataclass(frozen=True)
class ProtocolLine:
    """A priced claim line with the rules that produced it, why, its diagnoses, risk and paperwork."""

    priced: PricedLine
    side: str
    family: str
    rule_ids: tuple[str, ...]
    rationale: tuple[str, ...]
    denial_risk: str
    risks: tuple[Risk, ...]
    documentation: tuple[str, ...]
    diagnoses: tuple[Diagnosis, ...]

    @property
    def line(self) -> str:
        return str(self.priced.line)

    @property
    def code(self) -> str:
        return self.priced.line.code

    @property
    def allowed(self) -> float:
        return self.priced.allowed

    @property
    def risk_reasons(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.risks)

    def to_dict(self) -> dict[str, object]:
        d = self.priced.to_dict()
        d.update(side=self.side, family=self.family, rule_ids=list(self.rule_ids),
                 rationale=list(self.rationale), denial_risk=self.denial_risk,
                 risk_reasons=list(self.risk_reasons),
                 risks=[{"level": r.level, "reason": r.reason,
                         "source": r.source or "UNCONFIRMED"} for r in self.risks],
                 documentation=list(self.documentation),
                 diagnoses=[dx.to_dict() for dx in self.diagnoses])
        return d


@dataclass(frozen=True)
class BundledItem:
    """A code the surgery would call for but the rules leave off the claim, and why."""

    code: str
    side: str
    rule_id: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Alternative:
    """Another way of coding the same surgery, with what its claim would pay."""

    id: str
    kind: str
    label: str
    lines: tuple[str, ...]
    total: float | None
    difference: float | None  # total minus the recommended total
    is_current: bool
    denial_risk: str | None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        d = dataclasses.asdict(self)
        d["lines"] = list(self.lines)
        return d


@dataclass(frozen=True)
class ProtocolResult:
    """The recommended claim, its total, and everything a coder should weigh."""

    procedure: Procedure
    context: PricingContext
    lines: tuple[ProtocolLine, ...]
    total: float
    claim: ClaimResult
    bundled: tuple[BundledItem, ...]
    alternatives: tuple[Alternative, ...]
    documentation: tuple[str, ...]
    warnings: tuple[str, ...]
    rules_applied: tuple[str, ...]
    assumptions: tuple[tuple[str, str], ...]  # (switch or choice, its state) of UNCONFIRMED rules
    denial_risk: str
    inside_global: bool
    prior_global_days: int | None

    def alternatives_of(self, kind: str) -> tuple[Alternative, ...]:
        return tuple(a for a in self.alternatives if a.kind == kind)

    @property
    def release_id(self) -> str | None:
        return self.lines[0].priced.release_id if self.lines else None

    def to_dict(self) -> dict[str, object]:
        head: dict[str, object] = self.claim.to_dict()
        head.update(
            lines=[ln.to_dict() for ln in self.lines], total=self.total,
            bundled=[b.to_dict() for b in self.bundled],
            alternatives=[x.to_dict() for x in self.alternatives],
            documentation=list(self.documentation), warnings=list(self.warnings),
            rules_applied=list(self.rules_applied),
            assumptions=[{"name": n, "state": s} for n, s in self.assumptions],
            denial_risk=self.denial_risk, inside_global=self.inside_global,
            prior_global_days=self.prior_global_days,
        )
        return head
