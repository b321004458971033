"""Checks of the data itself: coverage, consistency between tables, and known caveats."""

from __future__ import annotations

import datetime as dt

from flatclosure import datapkg
from flatclosure.catalog import load_catalog

cat = load_catalog()


def test_every_release_holds_every_catalog_code() -> None:
    codes = set(cat.codes.index)
    for rid, table in cat.rvus.groupby("release_id"):
        missing = codes - set(table["code"])
        expected = {"15771", "15772"} if rid == "RVU19D" else set()  # fat grafting new in CY2020
        assert missing == expected, rid


def test_releases_cover_their_span_without_gaps_or_overlaps() -> None:
    r = cat.releases.sort_values("effective_from")
    for prev, nxt in zip(r.itertuples(), r.iloc[1:].itertuples(), strict=False):
        assert nxt.effective_from == prev.effective_to + dt.timedelta(days=1), nxt.release_id
    assert (r["effective_from"].min(), r["effective_to"].max()) == (
        dt.date(2019, 10, 1), dt.date(2026, 12, 31))


def test_conversion_factor_in_each_file_equals_the_cf_table() -> None:
    for rel in cat.releases.itertuples():
        cfs = set(cat.rvus.loc[cat.rvus["release_id"] == rel.release_id, "conv_factor"].dropna())
        if rel.release_id == "RVU19D":
            assert not cfs  # the 2019 extract has no CF column
            continue
        assert cfs == {cat.conversion_factor(rel.effective_from)}, rel.release_id


def test_total_rvus_are_the_sum_of_components_and_add_ons_are_zzz() -> None:
    r = cat.rvus
    assert (r[["work_rvu", "fac_pe_rvu", "mp_rvu"]] >= 0).all().all()
    add_ons = r[r["code"].isin(["14302", "13102", "15772"])]
    assert set(add_ons["glob_days"]) == {"ZZZ"} and set(add_ons["mult_proc"]) == {"0"}


def test_indicators_the_protocol_depends_on() -> None:
    last = cat.table("2026-08-01").set_index("code")
    assert set(last.loc[["19301", "19302", "19303", "19305", "19306", "19307"], "bilat_surg"]) == {"1"}
    assert set(last.loc[["14000", "14001", "14301", "13101", "15771", "15839"], "bilat_surg"]) == {"0"}
    assert last.loc["19499", "status"] == "C" and last.loc["15877", "status"] == "R"
    assert not last.loc["19303", "office_payable"]


def test_gpci_2025_repeats_2024_as_the_sources_warn() -> None:
    g = cat.gpci_table
    cols = ["locality_id", "gpci_work", "gpci_pe", "gpci_mp"]
    a = g[g["year"] == 2024][cols].reset_index(drop=True)
    b = g[g["year"] == 2025][cols].reset_index(drop=True)
    assert a.equals(b)
    note = datapkg.load("cms-gpci-releases").set_index("year").loc[2025, "note"]
    assert "CAVEAT" in note


def test_no_descriptor_text_is_committed() -> None:
    # extracts carry numbers only: the catalog's descriptions are our own (AMA copyright)
    header = (datapkg.data_dir() / "cms" / "rvus.csv").read_text().splitlines()[0]
    assert "description" not in header
