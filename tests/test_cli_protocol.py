"""``flatclosure protocol`` and ``flatclosure card``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flatclosure.cli import main


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, object]:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_protocol_json_bilateral_initial(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["protocol", "--area-cm2", "40", "--date", "2025-06-01", "--json"])
    lines = out["lines"]
    assert [ln["line"] for ln in lines] == ["19303-50", "14301-RT-59", "14301-LT-59"]  # type: ignore[attr-defined]
    assert out["total"] == 2259.57  # worked example 1
    alts = {a["id"]: a["total"] for a in out["alternatives"]}  # type: ignore[attr-defined]
    assert alts["alt-convention-summed"] == 2043.01
    assert out["warnings"]


def test_protocol_revision_with_fat_and_global(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["protocol", "--stage", "revision", "--area-cm2", "40",
                         "--days-since-surgery", "45", "--global-modifier", "78",
                         "--date", "2025-06-01", "--json"])
    assert out["total"] == 904.29  # worked example 4
    out = _json(capsys, ["protocol", "--stage", "revision", "--area-cm2", "25", "--fat-cc", "80",
                         "--days-since-surgery", "200", "--date", "2025-06-01", "--json"])
    assert out["total"] == 1755.76  # worked example 3


def test_protocol_table_and_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["protocol", "--area-cm2", "40", "--different-surgeon", "--year", "2025"]) == 0
    text = capsys.readouterr().out
    assert "TOTAL $" in text and "American Medical Association" in text
    assert main(["protocol", "--stage", "revision", "--mastectomy", "19303", "--area-cm2", "4"]) == 2
    assert "mastectomy_code" in capsys.readouterr().err
    assert main(["protocol", "--no-rearrangement", "--fat-cc", "-3"]) == 2
    assert "fat_cc" in capsys.readouterr().err


def test_card_command_writes_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "card.html"
    assert main(["card", "--year", "2025", "--out", str(out)]) == 0
    assert "RVU25D" in out.read_text(encoding="utf-8")
    assert main(["card", "--year", "1999", "--out", str(out)]) == 2
