"""The worked examples in data/protocol/examples: figures computed by hand from the RVU file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flatclosure.protocol import ProcedureAttributes, recommend

EXAMPLES = sorted((Path(__file__).parents[1] / "data" / "protocol" / "examples").glob("*.yaml"))


def test_the_four_common_cases_are_written_down() -> None:
    names = " ".join(p.stem for p in EXAMPLES)
    for case in ("initial_rearrangement_same_surgeon", "initial_rearrangement_different_surgeon",
                 "revision_fat_grafting", "revision_inside_global_period"):
        assert case in names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_matches_the_engine(path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = recommend(ProcedureAttributes(**doc["inputs"]))
    expected = doc["expected"]
    assert [(ln.line, ln.allowed) for ln in result.lines] == [
        (x["line"], pytest.approx(x["allowed"], abs=0.001)) for x in expected["lines"]]
    assert result.total == pytest.approx(expected["total"], abs=0.001)
    got = {a.id: a.total for a in result.alternatives}
    for alt_id, total in expected.get("alternatives", {}).items():
        assert got[alt_id] == pytest.approx(total, abs=0.001), alt_id
