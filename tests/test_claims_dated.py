"""A claim is valued with the rule parameters in force on its date (``parameters.reference``), and
the parameters table is keyed by (name, effective_from): a parameter may change over time."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from flatclosure import datapkg, parameters
from flatclosure.claims import (
    PricingContext,
    claim_parameters,
    lines,
    medicare_ladder,
    payment_parameters,
    price_claim,
)
from flatclosure.errors import DataError, NoDataForDateError
from flatclosure.scenarios import reference_multipliers

PARAMS = "rules/payment_parameters.csv"


def _clear() -> None:
    parameters._table.cache_clear()
    parameters._parameters_on.cache_clear()
    parameters._reference_on.cache_clear()
    claim_parameters.cache_clear()


@pytest.fixture
def co_surgery_halved_in_2025(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The table with a second, hypothetical co-surgeon row: 50% from 2025-01-01."""
    table = datapkg.load("payment-parameters")
    row = table[table["name"] == "co_surgeon_share"].copy()
    row["value"], row["effective_from"] = 0.5, pd.Timestamp("2025-01-01").date()
    real_load = datapkg.load

    def load(name: str, root: Path | None = None) -> pd.DataFrame:
        return pd.concat([table, row], ignore_index=True) if name == "payment-parameters" \
            else real_load(name, root)

    _clear()
    monkeypatch.setattr(datapkg, "load", load)
    yield
    monkeypatch.undo()
    _clear()


def test_the_claims_date_selects_the_parameter_in_force(co_surgery_halved_in_2025: None) -> None:
    # 19303 facility 2024-08-01: 961.343 (tests/test_claims.py); x 62.5% = 600.839375 -> 600.84
    assert price_claim(["19303-62"], PricingContext("2024-08-01")).total == 600.84
    assert claim_parameters(pd.Timestamp("2024-12-31").date()).co_surgeon_share == 0.625
    # from 2025-01-01 the hypothetical row applies: the claim reads 50%, not 62.5%
    r = price_claim(["19303-62"], PricingContext("2025-06-01"))
    assert r.lines[0].rules[-1].factor == 0.5 and "50.0% each" in r.lines[0].rules[-1].text
    assert parameters.reference("co_surgeon_share", "2025-06-01").value == 0.5


def test_claim_parameters_need_only_the_claim_rules() -> None:
    # the PFS total is first known for 2020 (parameters("2019-06-01") refuses); a 2019 claim
    # needs only the claim rules, dated 2019-01-01
    with pytest.raises(NoDataForDateError, match="pfs_total_allowed_usd"):
        parameters.parameters("2019-06-01")
    assert medicare_ladder("2019-06-01") == (1.0, 0.5, 0.5, 0.5, 0.5)
    with pytest.raises(NoDataForDateError, match="2018-06-01: its first value applies from 2019-01-01"):
        claim_parameters(pd.Timestamp("2018-06-01").date())
    with pytest.raises(KeyError, match="not a payment parameter"):
        parameters.reference("no_such_share", "2025-06-01")


def test_the_old_undated_readers_still_answer() -> None:
    # data/rules/payment_parameters.csv: HCCI 2017, average 1.22, Alabama 0.98, Wisconsin 1.88
    assert payment_parameters("2025-06-01")["commercial_multiplier_average"] == 1.22
    assert payment_parameters()["co_surgeon_share"] == 0.625
    assert reference_multipliers("2025-06-01") == {
        "Medicare": 1.0, "HCCI lowest state": 0.98, "HCCI national average": 1.22,
        "HCCI highest state": 1.88}


def test_the_key_is_name_and_date(data_copy: Path) -> None:
    path = data_copy / PARAMS
    rows = path.read_text(encoding="utf-8").splitlines()
    later = next(r for r in rows if r.startswith("co_surgeon_share,")).replace("2019-01-01", "2027-01-01")
    path.write_text("\n".join([*rows, later]) + "\n", encoding="utf-8")
    table = datapkg.load("payment-parameters", data_copy)
    assert (table["name"] == "co_surgeon_share").sum() == 2
    path.write_text("\n".join([*rows, later, later]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="duplicate key"):
        datapkg.load("payment-parameters", data_copy)


def test_the_typed_signature_of_pricing_context_matches_its_fields() -> None:
    # PricingContext declares its __init__ for the type checker only (``on`` takes ISO text too,
    # converted by as_date): the declared parameters must be the fields, in order, same defaults
    tree = ast.parse(Path(lines.__file__).read_text(encoding="utf-8"))
    cls = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "PricingContext")
    stub = next(n for n in ast.walk(cls) if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    names = [a.arg for a in stub.args.args[1:]]
    defaults = [ast.literal_eval(d) for d in stub.args.defaults]
    fields = dataclasses.fields(PricingContext)
    assert names == [f.name for f in fields]
    assert defaults == [f.default for f in fields[1:]]
