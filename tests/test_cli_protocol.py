"""``flatclosure protocol`` (flags generated from the Procedure fields) and ``flatclosure card``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flatclosure.cli import main

DAY = ["--date", "2025-06-01", "--json"]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict[str, Any]:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def _lines(out: dict[str, Any]) -> list[str]:
    return [ln["line"] for ln in out["lines"]]


def test_same_surgeon_initial_closure_has_no_59_unless_a_distinctness_is_given(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["protocol", "--defect-area-cm2", "40", *DAY])
    assert _lines(out) == ["19303-50"] and out["total"] == 1410.47  # example 1
    assert [b["code"] for b in out["bundled"]] == ["14301", "14301"]
    assert "A53399" in out["bundled"][0]["reason"]
    alts = {a["id"]: a for a in out["alternatives"]}
    assert alts["alt-true-transfer"]["total"] == 1835.02  # example 2, no 59/XS
    assert alts["alt-mastectomy-22"]["lines"] == ["19303-50-22"]
    out = _json(capsys, ["protocol", "--defect-area-cm2", "40", "--distinctness",
                         "separate_site", *DAY])
    assert _lines(out) == ["19303-50", "14301-RT-XS", "14301-LT-XS"] and out["total"] == 2259.57


def test_summed_repair_and_grafting_and_the_golden_figure(
        capsys: pytest.CaptureFixture[str]) -> None:
    # 13101 7.40 x 32.3465 = 239.36; 13102 x7 2.14 x 7 x 32.3465 = 484.55; total 723.91
    out = _json(capsys, ["protocol", "--no-rearrangement", "--repair-length-cm", "20",
                         "--layered-closure", "--extensive-undermining", "--no-same-surgeon",
                         "--year", "2025", "--json"])
    assert _lines(out) == ["13101", "13102x7"] and out["total"] == 723.91
    assert out["lines"][0]["diagnoses"] == [
        {"code": "C50.911", "label": "Breast cancer, site not specified, right breast (female)",
         "unconfirmed": False},
        {"code": "C50.912", "label": "Breast cancer, site not specified, left breast (female)",
         "unconfirmed": False}]
    out = _json(capsys, ["protocol", "--no-rearrangement", "--repair-length-cm", "20",
                         "--layered-closure", "--no-same-surgeon", *DAY])
    assert _lines(out) == ["12037"] and out["total"] == 319.91  # layered only: intermediate
    out = _json(capsys, ["protocol", "--stage", "revision", "--no-rearrangement",
                         "--fat-grafting", "--fat-cc", "80", "--diagnosis", "history", *DAY])
    assert _lines(out) == ["15771", "15772x3"] and out["total"] == 938.70  # example 10
    assert [d["code"] for d in out["lines"][0]["diagnoses"]] == ["N65.0", "Z42.8", "Z90.13",
                                                                "Z85.3"]


def test_revision_inside_the_global_period(capsys: pytest.CaptureFixture[str]) -> None:
    # 14301-RT-78: 849.095625 x 0.71 = 602.86
    out = _json(capsys, ["protocol", "--stage", "revision", "--sides", "right",
                         "--defect-area-cm2", "40", "--days-since-surgery", "30",
                         "--global-modifier", "78", *DAY])
    assert _lines(out) == ["14301-RT-78"] and out["total"] == 602.86 and out["inside_global"]


def test_protocol_table_and_refusal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["protocol", "--defect-area-cm2", "40", "--no-same-surgeon", "--year",
                 "2025"]) == 0
    text = capsys.readouterr().out
    assert "TOTAL $849.10" in text and "C50.911" in text and "not coding or legal" in text
    assert "American Medical Association" in text
    assert main(["protocol", "--stage", "revision", "--mastectomy-code", "19303",
                 "--defect-area-cm2", "4"]) == 2
    assert "mastectomy_code" in capsys.readouterr().err
    assert main(["protocol", "--no-rearrangement", "--fat-cc", "-3"]) == 2
    assert "fat_cc" in capsys.readouterr().err
    assert main(["protocol", "--defect-area-cm2", "40", "--second-side", "rt_lt_distinct"]) == 2
    assert "distinctness" in capsys.readouterr().err


def test_card_command_writes_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "card.html"
    assert main(["card", "--year", "2025", "--out", str(out)]) == 0
    assert "RVU25D" in out.read_text(encoding="utf-8")
    assert main(["card", "--year", "1999", "--out", str(out)]) == 2
