"""Code health: no UI string of the pool restates a parameter value (the statute's dollar test,
the PFS total). Those figures come from ``flatclosure.parameters.parameters(on)``; a literal such
as "$20 million" or "93 billion" in a widget, the CLI, the wording module or notebook 04 would go
stale the day the data changes. Docstrings and comments are documentation and are not searched.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flatclosure import datapkg

from .test_parameter_literals import ui_strings

ROOT = Path(__file__).resolve().parents[1]
MODULES = [*sorted((ROOT / "flatclosure" / "pool").glob("*.py")),
           ROOT / "flatclosure" / "present" / "pool_text.py",
           *sorted((ROOT / "flatclosure" / "widgets").glob("pool_*.py")),
           ROOT / "flatclosure" / "cli" / "pool.py"]
NOTEBOOK = ROOT / "notebooks" / "04_finite_rvu_pool.ipynb"
PARAMETERS = ("budget_neutrality_threshold_usd", "pfs_total_allowed_usd")


def spellings(value: float) -> list[str]:
    """The ways a person types a dollar amount: 20000000, 20,000,000, 20 million, 20M, 20m,
    $20 mn; 93 billion, 93bn, 93B."""
    out = [f"{value:,.0f}", f"{value:.0f}"]
    for size, words in ((1e9, ("billion", "bn", "B")), (1e6, ("million", "mn", "M"))):
        if value >= size and value % size == 0:
            n = f"{value / size:g}"
            out += [rf"{n}\s?{w}\b" for w in words]
    return out


def pattern() -> re.Pattern[str]:
    table = datapkg.load("payment-parameters")
    values = table.loc[table["name"].isin(PARAMETERS), "value"]
    forms = sorted({s for v in values for s in spellings(float(v))})
    return re.compile(r"(?<![\d.,])(?:" + "|".join(forms) + r")(?![\d])", re.IGNORECASE)


def notebook_text() -> list[str]:
    return ["".join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"]]


def test_the_pattern_catches_what_the_issue_found() -> None:
    p = pattern()
    for typed in ("Below $20 million nothing", "the 20M test", "$93 billion total",
                  "93 billion", "20,000,000", "93bn"):
        assert p.search(typed), typed
    for fine in ("$120 million", "2020", "$9.3 billion", "0.1%", "$20.5 million"):
        assert not p.search(fine), fine


def test_docstrings_are_left_out() -> None:
    src = ROOT / "flatclosure" / "pool" / "statutory.py"
    assert "20 million" in src.read_text()  # in its module docstring: documentation
    assert not any("20 million" in s for s in ui_strings(src))


@pytest.mark.parametrize("path", [*MODULES, NOTEBOOK], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_ui_string_restates_a_parameter_value(path: Path) -> None:
    texts = notebook_text() if path == NOTEBOOK else ui_strings(path)
    p = pattern()
    hits = [m.group(0) for t in texts for m in p.finditer(t)]
    assert not hits, f"{path.relative_to(ROOT)} types {hits}: read it from parameters(on)"


def _fragments(texts: list[str], words: int = 6) -> set[str]:
    out = set()
    for t in texts:
        w = re.findall(r"[\w'-]+", t)  # "--rvu" (an option) is not "RVU" (a word)
        out |= {" ".join(w[i:i + words]).lower() for i in range(len(w) - words + 1)}
    return out


def test_widget_and_cli_share_no_sentence_they_do_not_take_from_pool_text() -> None:
    # a sentence both show is written once, in flatclosure/present/pool_text.py
    cli = _fragments(ui_strings(ROOT / "flatclosure" / "cli" / "pool.py"))
    widget = _fragments([s for p in sorted((ROOT / "flatclosure" / "widgets").glob("pool_*.py"))
                         for s in ui_strings(p)])
    assert not cli & widget, sorted(cli & widget)
