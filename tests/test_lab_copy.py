"""`make lab`'s working copy (scripts/lab.py): tracked notebooks are copied, never over edits."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def lab_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lab_script", ROOT / "scripts" / "lab.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook(path: Path, source: str, outputs: list | None = None) -> None:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {},
            "outputs": outputs or [], "source": source}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))


def test_copy_follows_upstream_but_keeps_a_readers_edits(tmp_path: Path) -> None:
    lab = lab_script()
    src, work = tmp_path / "notebooks", tmp_path / "lab"
    src.mkdir()
    notebook(src / "a.ipynb", "x = 1")
    notebook(src / "b.ipynb", "y = 1")
    assert lab.refresh(src, work) == []
    assert (work / "a.ipynb").read_text() == (src / "a.ipynb").read_text()
    # the reader runs a (outputs saved: not an edit) and edits b
    notebook(work / "a.ipynb", "x = 1", outputs=[{"output_type": "stream", "name": "stdout",
                                                  "text": "1"}])
    notebook(work / "b.ipynb", "y = 2  # mine")
    assert lab.refresh(src, work) == []  # nothing new upstream: both copies kept as they are
    assert "# mine" in (work / "b.ipynb").read_text() and '"text": "1"' in (
        work / "a.ipynb").read_text()
    # upstream changes both: a is replaced, b is kept and the new version put beside it
    notebook(src / "a.ipynb", "x = 3")
    notebook(src / "b.ipynb", "y = 3")
    told = lab.refresh(src, work)
    assert told == ["b.ipynb has your edits and was kept; the newer version from notebooks/ is "
                    "beside it: b (updated).ipynb"]
    assert "x = 3" in (work / "a.ipynb").read_text()
    assert "# mine" in (work / "b.ipynb").read_text()
    assert "y = 3" in (work / "b (updated).ipynb").read_text()
    assert lab.refresh(src, work) == []  # told once


def test_lab_serves_the_copy_on_the_start_notebook(tmp_path: Path) -> None:
    cmd = lab_script().lab_command(tmp_path, ["--port=9"])
    assert cmd[1:] == ["lab", f"--ServerApp.root_dir={tmp_path}",
                       "--LabApp.default_url=/lab/tree/00_start_here.ipynb", "--port=9"]
