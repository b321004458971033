"""A scenario's procedure (instead of claim lines): the coding protocol's own input and claim, and
its validation by the protocol's field rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..catalog import Catalog, load_catalog
from ..claims import ClaimResult, PricingContext
from ..errors import InputError
from ..protocol import Procedure, default_rules, procedure_facts, recommend
from ..protocol.engine import check
from .model import ScenarioError


def claim_attributes(procedure: Mapping[str, Any]) -> Procedure:
    """The protocol's Procedure from a scenario's procedure fields; an unknown key (the valuation
    fields among them: they come from the scenario's valuation) is refused by name."""
    known = procedure_facts()
    kw: dict[str, Any] = {}
    for key, value in procedure.items():
        if key not in known:
            raise InputError(f"procedure.{key}", f"not a procedure fact (known: "
                             f"{', '.join(sorted(known))})")
        kw[key] = (value if isinstance(value, list | tuple | set | frozenset) else [value]) \
            if known[key].kind == "switches" else value
    return Procedure(**kw)


def claim_for_scenario(procedure: Mapping[str, Any], ctx: PricingContext,
                       catalog: Catalog | None = None) -> ClaimResult:
    """The protocol's claim for a scenario's procedure, priced in the scenario's own context
    (which may carry a budget-neutrality factor): the same engine as notebook 02 and the CLI."""
    result = recommend(claim_attributes(procedure), ctx, catalog=catalog or load_catalog(),
                       alternatives=False)
    return replace(result.claim, warnings=result.warnings)


def check_procedure(where: str, procedure: Mapping[str, Any]) -> None:
    """Validate the procedure by the protocol's own field rules and checks (on the default date;
    each valuation year is checked again when the scenario is evaluated)."""
    try:
        cat = load_catalog()
        check(claim_attributes(procedure), PricingContext(cat.default_date()), cat,
              default_rules())
    except InputError as exc:
        name = exc.field if exc.field.startswith("procedure.") else f"procedure.{exc.field}"
        raise ScenarioError(where, name, exc.problem) from exc
