"""`make lab` keeps the tracked notebooks clean: a notebook saved with outputs through the Jupyter
contents API of a server started the way `make lab` starts it (scripts/lab.py) lands in the
working copy, and notebooks/ stays byte for byte as committed (stripped)."""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

import pytest

from .browser import ROOT
from .conftest import _free_port, serve_process

pytestmark = pytest.mark.browser
TOKEN = "flatclosure-test-token"


def api(base: str, path: str, method: str = "GET", body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{base}/api/contents/{path}", data=data, method=method,
                                 headers={"Authorization": f"token {TOKEN}",
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return dict(json.loads(resp.read()))


def test_saving_in_lab_leaves_the_tracked_notebook_stripped(tmp_path: Path) -> None:
    tracked = ROOT / "notebooks" / "00_start_here.ipynb"
    before = tracked.read_bytes()
    workdir = tmp_path / "lab-notebooks"
    port = _free_port()
    cmd = [sys.executable, str(ROOT / "scripts" / "lab.py"), f"--workdir={workdir}", "--",
           f"--port={port}", "--no-browser", "--ip=127.0.0.1", "--allow-root",
           f"--IdentityProvider.token={TOKEN}"]
    for base, _ in serve_process(cmd, f"/api/status?token={TOKEN}", port, root=ROOT):
        model = api(base, "00_start_here.ipynb?content=1")
        cell = next(c for c in model["content"]["cells"] if c["cell_type"] == "code")
        cell["execution_count"] = 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran\n"}]
        api(base, "00_start_here.ipynb", "PUT",
            {"type": "notebook", "format": "json", "content": model["content"]})
        saved = api(base, "00_start_here.ipynb?content=1")["content"]
        assert any(c.get("outputs") for c in saved["cells"])  # the server kept the outputs...
    copy = json.loads((workdir / "00_start_here.ipynb").read_text())
    assert any(c.get("outputs") for c in copy["cells"])  # ...in the working copy
    assert tracked.read_bytes() == before  # and notebooks/ is untouched
    tracked_cells = json.loads(before)["cells"]
    assert all(not c.get("outputs") for c in tracked_cells if c["cell_type"] == "code")
