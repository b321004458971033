"""``flatclosure coverage``, ``flatclosure letter`` and ``flatclosure claim --patient``."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from flatclosure.cli import main


def test_coverage_json_for_medicare(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--plan", "medicare", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["plan"] == "medicare"
    assert [a["id"] for a in out["authorities"]] == ["ncd_140_2", "ssa_1862_a_10",
                                                     "medicare_appeals"]
    assert [s["deadline"] for s in out["deadlines"]["appeal"]][:2] == ["120 days", "180 days"]
    assert all(a["source"] and a["effective_from"] for a in out["authorities"])


def test_coverage_text_for_an_employer_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["coverage", "--plan", "employer"]) == 0
    text = capsys.readouterr().out
    assert "29 U.S.C. 1185b" in text and "180 days" in text and "not legal advice" in text
    assert "Chapter 571 of the Laws of 2022 (A.8537 / S.7881) (enacted; High)" in text
    assert "Washington SB 5100 (2023-24) (UNCONFIRMED" in text


def test_letter_writes_an_editable_word_appeal(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "appeal.docx"
    assert main(["letter", "--kind", "appeal", "--plan", "individual", "--reason", "cosmetic",
                 "--stage", "revision", "--defect-area-cm2", "45", "--date", "2025-06-01",
                 "--diagnosis", "history", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    d = docx.Document(str(out))
    text = "\n".join([p.text for p in d.paragraphs] +
                     [c.text for t in d.tables for r in t.rows for c in r.cells])
    # the protocol's own diagnoses, per line (issue 9): acquired absence of both breasts (the
    # patient's state, on each side's line), history of cancer
    for s in ("14301-RT", "14301-LT", "Z90.13", "Z85.3", "42 U.S.C. 300gg-52",
              "not legal advice", "[PATIENT NAME]", "4 months"):
        assert s in text


@pytest.mark.parametrize("argv, message", [
    (["letter", "--kind", "appeal", "--plan", "employer", "--out", "x.docx"], "--reason"),
    (["letter", "--kind", "prior-auth", "--plan", "employer", "--defect-area-cm2", "45",
      "--out", "x.txt"], "--out"),
    (["letter", "--kind", "prior-auth", "--plan", "employer", "--defect-area-cm2", "45",
      "--icd", "Z99.89", "--out", "x.docx"], "CODE=label"),
    (["coverage", "--plan", "tricare"], "invalid choice"),
    (["claim", "14301", "--patient", "opted_out"], "invalid choice"),
    (["claim", "14301", "--year", "2025", "--patient", "--deductible-met", "5000"],
     "deductible_met"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], message: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        raise SystemExit(main(argv))
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing written


def test_claim_patient_cost_beside_the_allowed_amount(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["claim", "19303-50", "14301-RT", "14301-LT-59", "14302x2", "--date", "2024-08-01"]
    assert main([*argv, "--patient"]) == 0
    text = capsys.readouterr().out
    # allowed $2,735.23; deductible $240 + 0.20 x 2495.23 = 739.05 (tests/test_coverage_cost.py)
    assert "TOTAL $2,735.23" in text and "The patient pays" in text and "$739.05" in text
    assert main([*argv, "--patient", "limiting_charge", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 2735.23 and out["patient"]["patient_pays"] == 1139.20
    assert main(argv) == 0 and "patient" not in capsys.readouterr().out  # unchanged without it


def test_a_letter_carries_the_protocols_diagnoses(tmp_path: Path) -> None:
    out = tmp_path / "prior.html"
    assert main(["letter", "--kind", "prior-auth", "--plan", "medicaid", "--defect-area-cm2", "45",
                 "--repair-length-cm", "7", "--year", "2025", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "C50.911" in page and "C50.912" in page  # the cancer, side by side
    assert "State rules decide" in page and "42 CFR 431.206" in page and "19303-50" in page
