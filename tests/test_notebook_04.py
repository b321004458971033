"""Notebook 04 holds imports, one call and prose: the three paths first, no assert, stripped."""

from __future__ import annotations

import ast
import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_finite_rvu_pool.ipynb"


def _cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]


def _code() -> list[str]:
    return ["".join(c["source"]) for c in _cells() if c["cell_type"] == "code"]


def test_code_cells_are_imports_and_one_call() -> None:
    calls = []
    for source in _code():
        for node in ast.parse(source).body:
            assert not isinstance(node, ast.Assert), source
            assert isinstance(node, ast.ImportFrom | ast.Import | ast.Assign | ast.Expr), source
            if isinstance(node, ast.Assign | ast.Expr) and isinstance(node.value, ast.Call):
                calls.append(ast.unparse(node.value.func))
    assert calls == ["pool_view", "footer"]  # the view, then the data sources


def test_the_first_section_is_the_three_paths_in_plain_words() -> None:
    first = "".join(_cells()[0]["source"])
    for words in ("(a)** today's codes", "**(b)** a new flat-closure code",
                  "**(c)** a higher value for a code", "marginal share", "CY2021",
                  "**illustrative**"):
        assert words in first, words
    assert "$20" not in first  # the threshold is rendered from the data package, never restated


def test_the_notebook_is_stripped() -> None:
    for cell in _cells():
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_the_jargon_is_said_in_plain_words_before_the_view() -> None:
    # a non-programmer meets RVU, CF, PE/MP, GPCI and budget neutrality in the view and the table
    first = "".join(_cells()[0]["source"])
    for words in ("*Budget neutrality* means", "*Conversion factor* (CF): dollars per RVU",
                  "*PE* (practice expense", "*MP* (malpractice insurance)", "GPCI, the geographic",
                  "*Illustrative*: a reasoned guess", "*UNCONFIRMED*:", "*RUC*: the AMA committee"):
        assert words in first, words
