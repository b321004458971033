"""Code health: no UI string restates a value of data/rules/payment_parameters.csv.

The shares of the claim rules (62.5%, 16%, 13.6%, 150%...), the commercial multipliers (1.22...)
and the pool's dollar figures ($20 million, $93 billion) come from ``parameters(on)``; a literal
typed in a view, the presentation layer, the CLI or a notebook would go stale the day the data
changes. Docstrings and comments are documentation and are not searched (tests/test_pool_literals
checks the pool's modules the same way). ``ALLOWED`` lists the few sentences that must quote a
source's own words.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from flatclosure import datapkg

ROOT = Path(__file__).resolve().parents[1]
SEARCHED = [*sorted((ROOT / "flatclosure" / "widgets").rglob("*.py")),
            *sorted((ROOT / "flatclosure" / "present").rglob("*.py")),
            *sorted((ROOT / "flatclosure" / "cli").rglob("*.py")),
            *sorted((ROOT / "notebooks").glob("*.ipynb"))]
# Parameters too generic to search: "100%" (the first rank) and "5" (procedures ranked) are
# everyday words of the rules' own explanations; "50%" is searched.
NOT_SEARCHED = {"multiple_procedure_rank_1", "multiple_procedure_ranked_max"}
# (file relative to the repository, the literal): a sentence quoting a source verbatim, or prose
# another branch is rewriting this wave. Notebook 03's "Reading the numbers" restates the ladder
# and HCCI's multipliers: the scenario views' work is to render it from
# flatclosure.scenarios.reference_multipliers(on); the entries go when it does.
NB03 = "notebooks/03_reimbursement_scenarios.ipynb"
ALLOWED: set[tuple[str, str]] = {(NB03, "50%"), (NB03, "1.22"), (NB03, "0.98"), (NB03, "1.88")}


def _percent(value: float) -> str:
    return rf"{value * 100:g}\s?%"


def _dollars(value: float) -> list[str]:
    """$20 million: 20000000, 20,000,000, 20 million, 20M, 20 mn; 93 billion, 93bn, 93B."""
    out = [re.escape(f"{value:,.0f}"), f"{value:.0f}"]
    for size, words in ((1e9, ("billion", "bn", "B")), (1e6, ("million", "mn", "M"))):
        if value >= size and value % size == 0:
            out += [rf"{value / size:g}\s?{w}\b" for w in words]
    return out


def spellings(unit: str, value: float) -> list[str]:
    """The ways a person types a parameter's value, by its unit in the table."""
    if unit.startswith("USD"):
        return _dollars(value)
    if unit.startswith("multiple"):
        return [re.escape(f"{value:.2f}"), _percent(value)]
    return [_percent(value)]


def pattern() -> re.Pattern[str]:
    table = datapkg.load("payment-parameters")
    table = table[~table["name"].isin(NOT_SEARCHED)]
    forms = sorted({s for unit, v in zip(table["unit"], table["value"], strict=True)
                    for s in spellings(str(unit), float(v))})
    return re.compile(r"(?<![\d.,])(?:" + "|".join(forms) + r")(?![\d])", re.IGNORECASE)


def ui_strings(path: Path) -> list[str]:
    """String literals of a module (f-string pieces included), docstrings left out; a notebook's
    cell sources."""
    if path.suffix == ".ipynb":
        return ["".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            and n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_the_pattern_catches_the_values_of_the_table() -> None:
    p = pattern()
    # data/rules/payment_parameters.csv: co-surgeons 62.5%, assistants 16% and 13.6%, bilateral
    # indicator 1 150%, the 2nd-5th procedures 50%, HCCI 1.22 (national), $20M, $93bn
    for typed in ("62.5%", "paid at 16 %", "13.6%", "150% of one side", "50%", "1.22 x Medicare",
                  "122%", "$20 million", "93 billion", "20,000,000"):
        assert p.search(typed), typed
    for fine in ("162.5%", "1.6%", "0.16", "1.225", "$120 million", "2020", "100%", "5th", "25%"):
        assert not p.search(fine), fine


@pytest.mark.parametrize("path", SEARCHED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_ui_string_restates_a_parameter_value(path: Path) -> None:
    rel = str(path.relative_to(ROOT))
    p = pattern()
    hits = [m.group(0) for t in ui_strings(path) for m in p.finditer(t)
            if (rel, m.group(0)) not in ALLOWED]
    assert not hits, f"{rel} types {hits}: render it from parameters(on) (flatclosure.parameters)"
