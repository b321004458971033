"""The worked examples in data/protocol/examples: the contract of the protocol.

Each file holds the CPT/NCCI reasoning and the hand arithmetic (from the RVU file) in its
comments; here the engine must reproduce every line, amount, diagnosis, left-off code and
alternative. ``test_every_view_agrees`` walks all the examples through the CLI's JSON, the
scenario presets' engine (``claim_for_scenario``), notebook 02's tables and the card.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from flatclosure.claims import PricingContext
from flatclosure.protocol import Procedure, ProtocolResult, recommend

EXAMPLES = sorted((Path(__file__).parents[1] / "data" / "protocol" / "examples").glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def context(doc: dict[str, Any], on: Any = None) -> PricingContext:
    rest = {k: v for k, v in doc["context"].items() if k != "date"}
    return PricingContext(on or doc["context"]["date"], **rest)


def run(doc: dict[str, Any]) -> ProtocolResult:
    return recommend(Procedure(**doc["procedure"]), context(doc))


def test_the_cases_the_issue_names_are_written_down() -> None:
    assert len(EXAMPLES) >= 12
    names = " ".join(p.stem for p in EXAMPLES)
    for case in ("both_sides_complex_repair", "fat_grafting", "per_side_transfers",
                 "same_surgeon", "different_surgeon", "intermediate_repair",
                 "inside_global", "outside_global", "distinct_site_with_flag"):
        assert case in names, case


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_matches_the_engine(path: Path) -> None:
    doc = load(path)
    result, expected = run(doc), doc["expected"]
    assert [(ln.line, ln.allowed, [d.code for d in ln.diagnoses]) for ln in result.lines] == [
        (x["line"], pytest.approx(x["allowed"], abs=0.001), x["diagnoses"])
        for x in expected["lines"]]
    assert result.total == pytest.approx(expected["total"], abs=0.001)
    assert sorted(b.code for b in result.bundled) == sorted(expected.get("bundled", []))
    got = {a.id: a.total for a in result.alternatives}
    for alt_id, total in expected.get("alternatives", {}).items():
        assert got[alt_id] == pytest.approx(total, abs=0.001), alt_id
    if "denial_risk" in expected:
        assert result.denial_risk == expected["denial_risk"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_distinct_modifier_without_a_stated_distinctness(path: Path) -> None:
    """NCCI policy / A53399: 59/XS only when the user states the distinctness."""
    doc = load(path)
    result = run(doc)
    if doc["procedure"].get("distinctness", "none") == "none":
        assert not any({"59", "XS", "XE"} & set(ln.priced.line.modifiers) for ln in result.lines)


def test_every_line_carries_diagnoses() -> None:
    for path in EXAMPLES:
        for ln in run(load(path)).lines:
            assert ln.diagnoses and all(d.code and d.label for d in ln.diagnoses), path.stem


def test_every_risk_has_a_source_or_says_unconfirmed() -> None:
    for path in EXAMPLES:
        for ln in run(load(path)).lines:
            for r in ln.risks:
                assert r.source or "UNCONFIRMED" in r.text


def _cli_json(doc: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    from flatclosure.cli import main
    from flatclosure.cli.protocol import flag

    args = ["protocol", "--json", "--date", doc["context"]["date"]]
    if "modifier_22_percent" in doc["context"]:
        args += ["--modifier-22-percent", str(doc["context"]["modifier_22_percent"])]
    for name, value in doc["procedure"].items():
        if isinstance(value, bool):
            args.append(flag(name) if value else "--no-" + flag(name)[2:])
        else:
            args += [flag(name), str(value)]
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_every_view_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    """API, CLI JSON, scenario engine, notebook 02's claim table and the card: one answer."""
    from flatclosure.card import example_rows
    from flatclosure.present.protocol_tables import claim_table
    from flatclosure.scenarios import claim_for_scenario

    card = {row.title: row for row in example_rows()}
    for path in EXAMPLES:
        doc = load(path)
        result = run(doc)
        lines = [ln.line for ln in result.lines]
        out = _cli_json(doc, capsys)
        assert [x["line"] for x in out["lines"]] == lines and out["total"] == result.total
        assert [[d["code"] for d in x["diagnoses"]] for x in out["lines"]] == [
            [d.code for d in ln.diagnoses] for ln in result.lines]
        claim = claim_for_scenario(doc["procedure"], context(doc))
        assert [str(pl.line) for pl in claim.lines] == lines and claim.total == result.total
        table = claim_table(result)
        assert list(table["line"]) == lines and list(table["allowed"]) == [
            ln.allowed for ln in result.lines]
        row = card[doc["title"]]
        at_card = recommend(Procedure(**doc["procedure"]), context(doc, row.on))
        assert row.lines == tuple(ln.line for ln in at_card.lines) and row.total == at_card.total
