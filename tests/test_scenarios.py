"""Scenario files: validation with named fields, lossless round trips, and the comparison table."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flatclosure.errors import InputError
from flatclosure.scenarios import (
    NewCodeSpec,
    Scenario,
    ScenarioError,
    Valuation,
    compare,
    evaluate,
    load,
    loads,
    presets,
    save,
)

GOOD = """
title: Test
description: A bilateral mastectomy.
reference: CMS files.
lines: ["19303-50"]
valuation: {year: 2025}
"""


def _err(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as exc:
        loads(text, "t", "t.yaml")
    return exc.value


@pytest.mark.parametrize(("edit", "field", "message"), [
    (lambda d: d.pop("title"), "title", "missing"),
    (lambda d: d.update(title=3), "title", "must be a non-empty text"),
    (lambda d: d.update(lines="19303"), "lines", "must be a list"),
    (lambda d: d.update(lines=["99215"]), "lines[0]", "unknown code '99215'"),
    (lambda d: d.update(lines=["19303-QQ"]), "lines[0]", "unknown modifier 'QQ'"),
    (lambda d: d["valuation"].update(year=2031), "valuation.year", "2031 is not a year we hold"),
    (lambda d: d["valuation"].update(year="2025"), "valuation.year", "must be a whole year"),
    (lambda d: d["valuation"].update(locality="99999:99"), "valuation.locality",
     "is not a Medicare locality"),
    (lambda d: d["valuation"].update(payer_multiplier=-1), "valuation.payer_multiplier",
     "must be more than 0"),
    (lambda d: d["valuation"].update(colour="red"), "valuation.colour", "unknown field"),
    (lambda d: d.update(extra=1), "scenario.extra", "unknown field"),
    (lambda d: d.update(new_code={"indicators_like": "14301", "work_rvu": "ten"}),
     "new_code.work_rvu", "must be a finite number"),
    (lambda d: d.update(new_code={"indicators_like": "14301", "work_rvu": 5,
                                  "displaces": {"14301": 1.5}}),
     "new_code.displaces.14301", "must be at least 0 and at most 1"),
    (lambda d: d.update(new_code={"code": "19303", "work_rvu": 5}), "new_code.code",
     "not an existing code"),
    (lambda d: d.update(new_code={"work_rvu": 5}), "new_code.indicators_like", "missing"),
])
def test_bad_files_name_the_field(edit: Callable[[dict[str, Any]], None], field: str, message: str) -> None:
    data = yaml.safe_load(GOOD)
    edit(data)
    err = _err(yaml.safe_dump(data))
    assert err.field == field
    assert message in str(err) and str(err).startswith("t.yaml: field ")


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    assert "not readable YAML" in str(_err("title: [unclosed"))
    assert _err("").field == "title"
    bad = tmp_path / "s.txt"
    bad.write_text(GOOD)
    with pytest.raises(ScenarioError, match="ends in .yaml, .yml or .json"):
        load(bad)


def test_an_unquoted_code_is_read_back_as_a_code() -> None:
    s = loads(GOOD.replace('["19303-50"]', "[19499]") + "comparators: {'19499': '14301'}\n", "t")
    assert s.lines == ("19499",)


def test_save_never_leaves_a_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s = loads(GOOD, "t")
    target = tmp_path / "keep.yaml"
    target.write_text("original")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("flatclosure.fileio.os.replace", fail)
    with pytest.raises(InputError, match="cannot write .*disk full"):
        save(s, target)
    assert target.read_text() == "original"
    assert list(tmp_path.iterdir()) == [target]  # the temporary file is gone too


LINES = ["19303-50", "14301-RT", "14301-LT-59", "14302x2", "13101", "19357-50", "15839-RT",
         "19303-22", "14301-78", "19307"]
safe_text = st.text(st.characters(whitelist_categories=("L", "N", "P", "Zs"), max_codepoint=0x2FFF),
                    min_size=1, max_size=40).map(str.strip).filter(bool)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    year = draw(st.sampled_from([2019, 2020, 2022, 2024, 2025, 2026]))
    valuation = Valuation(
        year=year, setting="facility",
        locality=draw(st.sampled_from([None, "01182:18", "10112:00"])),
        payer_multiplier=draw(st.floats(0.5, 3.0, allow_nan=False)),
        qualifying_apm=draw(st.booleans()),
        modifier_22_percent=draw(st.sampled_from([0.0, 12.5, 20.0])),
    )
    new_code = None
    lines = tuple(draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=4, unique=True)))
    if draw(st.booleans()):
        new_code = NewCodeSpec(indicators_like="14301", work_rvu=draw(st.floats(1, 40)),
                               pe_rvu=draw(st.floats(0, 30)), mp_rvu=draw(st.floats(0, 8)),
                               volume=draw(st.floats(0, 1e6)),
                               displaces=(("14301", draw(st.floats(0, 1))),), units=1)
        lines = (*lines, "AFC01-50")
    return Scenario(
        name="s", title=draw(safe_text), description=draw(safe_text), reference=draw(safe_text),
        lines=lines, valuation=valuation, new_code=new_code,
        illustrative=tuple(draw(st.lists(safe_text, max_size=2))),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(s=scenarios(), fmt=st.sampled_from(["yaml", "json"]))
def test_load_save_round_trip(tmp_path: Path, s: Scenario, fmt: str) -> None:
    path = save(s, tmp_path / f"s.{fmt}")
    assert load(path) == s


def test_json_files_are_plain_json(tmp_path: Path) -> None:
    s = loads(GOOD, "t")
    path = save(s, tmp_path / "t.json")
    assert json.loads(path.read_text())["lines"] == ["19303-50"]


def test_compare_with_baseline_across_years_and_localities() -> None:
    a = loads(GOOD, "mastectomy")
    b = loads(GOOD.replace('["19303-50"]', '["19357-50"]'), "expander")
    t = compare([a, b], years=[2024, 2026], localities=[None, "01182:18"], baseline="mastectomy")
    assert len(t) == 8
    row = t[(t["scenario"] == "expander") & (t["year"] == 2024) & (t["locality"] == "national")].iloc[0]
    # the baseline at 2024-07-01 (RVU24C): 19303-50 = 28.88 x 33.2875 x 1.5 = 1442.0145 -> 1442.01
    assert row["baseline"] == 1442.01
    assert row["difference"] == round(row["total"] - 1442.01, 2)
    la2026 = t[(t["year"] == 2026) & (t["locality"] == "01182:18")]
    assert la2026["total"].isna().all()
    assert la2026["unavailable"].str.contains("no GPCI file held for 2026").all()


def test_a_code_that_did_not_exist_yet_is_unavailable_not_an_error() -> None:
    s = loads(GOOD.replace('["19303-50"]', '["15771"]'), "fat")
    r = evaluate(s, year=2019)
    assert r.total is None and "15771 is not in the 2019 October release" in r.unavailable


def test_presets_each_say_what_they_are() -> None:
    ps = presets()
    assert len(ps) >= 7
    for s in ps:
        assert s.title and s.description and s.reference
    new = [s for s in ps if s.new_code is not None]
    assert new and all(s.illustrative for s in new)
