"""`make lab`: JupyterLab on a working copy of notebooks/, so what Lab saves (outputs, widget state,
checkpoints, autosaves every 120 s) never dirties the tracked notebooks or breaks `make test`.

At each start every tracked notebook is copied into the working folder unless the copy there has
edits of its own (its cells' sources differ from the version last copied): then the copy is kept
and the newer tracked version is written beside it as "NAME (updated).ipynb", and the reader is
told. Outputs alone are not edits: they come back when the notebook runs.

    python scripts/lab.py --workdir=lab-notebooks -- --port=8888 [other jupyter lab options]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ".copied-from-notebooks.json"  # per notebook: digest of the tracked version last copied
START = "00_start_here.ipynb"


def inputs_digest(path: Path) -> str:
    """A digest of what a reader writes in a notebook: the type and source of every cell."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    text = json.dumps([(c.get("cell_type"), "".join(c.get("source", ""))) for c in cells])
    return hashlib.sha256(text.encode()).hexdigest()


def refresh(source: Path, workdir: Path) -> list[str]:
    """Bring the working copy up to date with ``source``; return what the reader should know."""
    workdir.mkdir(parents=True, exist_ok=True)
    state_path = workdir / STATE
    state: dict[str, str] = json.loads(state_path.read_text()) if state_path.exists() else {}
    told = []
    for tracked in sorted(source.glob("*.ipynb")):
        copy, new = workdir / tracked.name, inputs_digest(tracked)
        last = state.get(tracked.name)
        if copy.exists() and last == new:
            continue  # nothing new upstream: keep the copy, outputs and all
        if copy.exists() and inputs_digest(copy) not in (last, new):
            beside = workdir / f"{tracked.stem} (updated).ipynb"
            shutil.copyfile(tracked, beside)
            told.append(f"{copy.name} has your edits and was kept; the newer version from "
                        f"notebooks/ is beside it: {beside.name}")
        else:
            shutil.copyfile(tracked, copy)
        state[tracked.name] = new
    state_path.write_text(json.dumps(state, indent=1, sort_keys=True))
    return told


def lab_command(workdir: Path, extra: list[str]) -> list[str]:
    jupyter = Path(sys.executable).parent / "jupyter"
    return [str(jupyter), "lab", f"--ServerApp.root_dir={workdir}",
            f"--LabApp.default_url=/lab/tree/{START}", *extra]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default="lab-notebooks")
    parser.add_argument("--source", default=str(ROOT / "notebooks"))
    parser.add_argument("lab_args", nargs="*", help="options for jupyter lab (after --)")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir).resolve()
    for line in refresh(Path(args.source), workdir):
        print(f"make lab: {line}", file=sys.stderr)
    print(f"make lab: serving the working copy {workdir} (notebooks/ stays as committed)",
          file=sys.stderr)
    cmd = lab_command(workdir, args.lab_args)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
