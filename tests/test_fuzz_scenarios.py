"""The scenario loader under hostile files: every input is a Scenario or one ScenarioError with a
bounded message, quickly (Hypothesis deadline; profile in tests/fuzzing.py). The fixed cases are
the probe of issue 11 (items 5 and 6), each a traceback, a hang or a silent change before."""

from __future__ import annotations

import json
import time

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from flatclosure import limits
from flatclosure.errors import FlatclosureError
from flatclosure.scenarios import Scenario, ScenarioError, loads
from tests.fuzzing import FUZZ

GOOD = ("title: t\ndescription: d\nreference: r\nlines: ['14301-RT']\n"
        "valuation: {year: 2025}\n")
MESSAGE_MOST = 600  # where + field + a reason; never the input itself


def refused(text: str, fmt: str = "yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        loads(text, "x", "probe.yaml", fmt)
    assert len(str(caught.value)) < MESSAGE_MOST
    return caught.value


def test_alias_bomb_is_refused_at_once_without_expanding() -> None:
    # the 530-byte file of the probe: 9 levels of 9 aliases (9^9 leaves when expanded)
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = "\n".join(levels) + "\ntitle: *a9\n"
    start = time.perf_counter()
    err = refused(bomb)
    assert time.perf_counter() - start < 1.0
    assert err.field == "file" and "YAML aliases" in err.problem
    assert "scenario_aliases" in err.problem  # names the limit in data/rules/input_limits.csv


def test_deep_nesting_and_size_are_refused_with_the_limit() -> None:
    assert "nesting" in refused("title: " + "[" * 5000 + "]" * 5000).problem
    assert "nesting" in refused(json.dumps({"title": [[[[[[[[[["x"]]]]]]]]]]}), "json").problem
    assert "nest" in refused("[" * 100_000, "json").problem
    big = GOOD + "# " + "x" * limits.maximum("scenario_file_bytes") + "\n"
    assert "bytes: the limit is" in refused(big).problem


def test_duplicate_keys_are_refused_not_silently_the_last() -> None:
    assert "duplicate key 'title'" in refused(GOOD + "title: other\n").problem
    text = json.dumps(yaml.safe_load(GOOD))[:-1] + ', "title": "other"}'
    assert "duplicate key 'title'" in refused(text, "json").problem


def test_impossible_date_and_wrong_types_are_one_line_errors() -> None:
    err = refused(GOOD.replace("{year: 2025}", "{date: 2025-02-30}"))
    assert err.field == "valuation.date" and "2025-02-30" in err.problem
    assert refused(GOOD + "new_code: 5\n").field == "new_code"
    assert refused(GOOD + "new_code: [AFC01]\n").field == "new_code"
    err = refused(GOOD.replace("year: 2025", "year: 2025, payer_multiplier: .inf"))
    assert err.field == "valuation.payer_multiplier" and "finite" in err.problem


def test_new_code_units_other_than_one_are_refused_not_ignored() -> None:
    new = ("new_code: {code: AFC01, indicators_like: '14301', work_rvu: 10, volume: 100, "
           "units: 2}\n")
    err = refused(GOOD.replace("['14301-RT']", "['AFC01']") + new)
    assert err.field == "new_code.units" and "new_code_units" in err.problem


def test_huge_units_and_amounts_are_refused_with_the_limit() -> None:
    err = refused(GOOD.replace("14301-RT", "14301x999999"))
    assert "1 to 99 units per claim line" in str(err)
    err = refused(GOOD.replace("['14301-RT']", "['19499']") + "user_prices: {'19499': 1.0e+308}\n")
    assert err.field == "user_prices.19499" and "at most 1e+06" in err.problem


def test_a_user_price_not_on_the_claim_or_beside_a_comparator_is_refused() -> None:
    err = refused(GOOD + "user_prices: {'19499': 500}\n")
    assert "not on the claim lines" in err.problem
    both = GOOD.replace("['14301-RT']", "['19499']") + (
        "user_prices: {'19499': 500}\ncomparators: {'19499': '19380'}\n")
    assert "user price too" in refused(both).problem


def test_error_messages_never_print_an_unbounded_value() -> None:
    long_title = GOOD.replace("['14301-RT']", "['" + "9" * 5000 + "']")
    assert len(str(refused(long_title))) < 300


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=25)
fields = st.fixed_dictionaries({}, optional={
    "title": scalars, "description": scalars, "reference": scalars,
    "lines": st.lists(st.sampled_from(["19303-50", "14301-RT", "19499", "AFC01", "14301x99",
                                       "14301-59-XS", "x", ""]) | scalars, max_size=4),
    "valuation": st.fixed_dictionaries({}, optional={
        "year": scalars, "date": scalars, "setting": scalars, "locality": scalars,
        "payer_multiplier": scalars, "modifier_22_percent": scalars}) | scalars,
    "user_prices": st.dictionaries(st.sampled_from(["19499", "14301", "99999"]), scalars),
    "comparators": st.dictionaries(st.sampled_from(["19499", "14301"]), scalars),
    "new_code": documents, "procedure": documents, "illustrative": documents})


def _check(text: str, fmt: str) -> None:
    try:
        s = loads(text, "fuzz", "fuzz.yaml", fmt)
    except FlatclosureError as exc:
        assert isinstance(exc, ScenarioError)
        assert len(str(exc)) < MESSAGE_MOST and "\n" not in str(exc)
        return
    assert isinstance(s, Scenario)


@FUZZ
@given(st.text(max_size=300))
def test_any_text_is_a_scenario_or_one_error(text: str) -> None:
    _check(text, "yaml")
    _check(text, "json")


@FUZZ
@given(fields)
def test_any_document_shape_is_a_scenario_or_one_error(doc: dict[str, object]) -> None:
    _check(yaml.safe_dump(doc), "yaml")
    _check(json.dumps(doc), "json")
