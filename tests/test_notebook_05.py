"""Notebook 05 is thin (imports, one call, prose) and says it is not legal advice; nbval runs it."""

from __future__ import annotations

import ast
import json
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_coverage_and_appeals.ipynb"


def _cells() -> list[dict[str, object]]:
    return json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]  # type: ignore[no-any-return]


def test_notebook_05_is_imports_one_call_and_prose() -> None:
    code = ["".join(c["source"]) for c in _cells() if c["cell_type"] == "code"]  # type: ignore[arg-type]
    assert code[0].splitlines()[-2:] == [
        "view = coverage_view(query=page_query())  # the app's link sets the controls", "view"]
    assert code[1:] == ["footer(view.resources)"]
    for source in code:
        for node in ast.walk(ast.parse(source)):
            assert not isinstance(node, ast.Assert | ast.FunctionDef | ast.For | ast.If)
    imports = [n for n in ast.parse(code[0]).body if isinstance(n, ast.ImportFrom)]
    assert {n.module for n in imports} == {"flatclosure.widgets", "flatclosure.widgets.coverage_view",
                                          "flatclosure.widgets.urlstate"}


def test_notebook_05_is_stripped_and_says_information_not_advice() -> None:
    cells = _cells()
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in cells if c["cell_type"] == "code")
    prose = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")  # type: ignore[arg-type]
    prose = " ".join(prose.split())
    for s in ("information, not legal advice", "29 U.S.C. 1185b", "NCD 140.2", "[PATIENT NAME]",
              "June 2020"):
        assert s in prose
