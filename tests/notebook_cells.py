"""Run a notebook's view-building cell (the code cell that makes the view) in plain Python, so
the tests assert on the very view the notebook shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


def build_view(notebook: str, name: str) -> Any:
    """Execute the code cells up to the one that assigns ``name``; return that object."""
    cells = json.loads((NOTEBOOKS / notebook).read_text(encoding="utf-8"))["cells"]
    scope: dict[str, Any] = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        exec(compile(source, notebook, "exec"), scope)  # noqa: S102 - our own notebook's cell
        if name in scope:
            return scope[name]
    raise AssertionError(f"{notebook} builds no {name!r}")
