"""The CMS parser and build: each layout CMS and re-publishers use, and the committed extracts."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from flatclosure import cms
from flatclosure.errors import DataError
from tests.conftest import FIXTURES, SHARED_CMS

FX = FIXTURES / "cms"


def test_cms_layout_title_header_and_eof_line() -> None:
    table, meta = cms.read_pprrvu(FX / "pprrvu_cms_layout.csv")
    assert meta == {"layout": "cms", "released": "2029-12-15",
                    "title": "2030 National Physician Fee Schedule Relative Value File January Release"}
    assert list(table["hcpcs"]) == ["00100", "14301", "14301", "19303"]  # EOF line dropped
    row = table[(table["hcpcs"] == "19303") & (table["mod"] == "")].iloc[0]
    assert (row["work_rvu"], row["fac_pe_rvu"], row["mp_rvu"]) == ("15", "9.88", "3.73")
    assert (row["nonfac_na"], row["glob_days"], row["bilat_surg"], row["co_surg"]) == ("NA", "090", "1", "1")
    assert row["conv_factor"] == "34.6062"


def test_2026_layout_with_pric_ind_column_and_respaced_headers() -> None:
    table, meta = cms.read_pprrvu(FX / "pprrvu_cms_2026_layout.csv")
    assert meta["layout"] == "cms"
    row = table[table["hcpcs"] == "14301"].iloc[0]
    # the extra PRIC IND column must not shift ENDO BASE / CONV FACTOR
    assert (row["work_rvu"], row["fac_pe_rvu"], row["team_surg"], row["conv_factor"]) == (
        "12.33", "8.63", "0", "33.4009")


def test_excel_damaged_file_gets_its_leading_zeros_back() -> None:
    table, _ = cms.read_pprrvu(FX / "pprrvu_excel_damaged.csv")
    assert list(table["hcpcs"]) == ["00100", "14301", "13101", "15877"]
    assert list(table["glob_days"]) == ["XXX", "090", "010", "000"]
    assert table.loc[table["hcpcs"] == "13101", "work_rvu"].item() == "3.5"


def test_arkrvu_and_rvu_only_tables() -> None:
    ark, meta = cms.read_pprrvu(FX / "pprrvu_arkrvu.csv")
    assert meta["layout"] == "arkrvu"
    assert ark.loc[ark["hcpcs"] == "19303", ["fac_na", "nonfac_na", "bilat_surg"]].values.tolist() == [
        ["", "NA", "1"]]
    only, meta = cms.read_pprrvu(FX / "rvu_only.csv")
    assert meta["layout"] == "rvu-only"
    assert only.loc[only["hcpcs"] == "14301", ["work_rvu", "fac_pe_rvu", "status", "bilat_surg"]
                    ].values.tolist() == [["12.65", "10.5", "", ""]]


def test_unknown_layout_is_refused_with_the_layouts_known() -> None:
    with pytest.raises(DataError, match="unknown relative value file layout: expected a CMS PPRRVU CSV"):
        cms.read_pprrvu(FX / "unknown_layout.csv")


def test_cms_layout_missing_a_column_names_it(tmp_path: Path) -> None:
    text = (FX / "pprrvu_cms_layout.csv").read_text(encoding="latin-1").replace(",BILAT,", ",XXXXX,")
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="latin-1")
    with pytest.raises(DataError, match=r"bad.csv, row 9, field 'bilat_surg': CMS layout without"):
        cms.read_pprrvu(bad)


def test_non_numeric_rvu_in_a_raw_file_names_the_line(tmp_path: Path) -> None:
    text = (FX / "pprrvu_cms_layout.csv").read_text(encoding="latin-1").replace("12.65", "12,65x", 1)
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("12,65x", "abc"), encoding="latin-1")
    with pytest.raises(DataError, match=r"row 11, field 'work_rvu': not a number: 'abc'"):
        cms.read_pprrvu(bad)


def test_gpci_addendum_and_flat_layouts() -> None:
    add = cms.read_gpci(FX / "gpci_addendum.csv")
    assert add[["mac", "locality", "state", "locality_name", "gpci_work"]].values.tolist()[1] == [
        "02102", "01", "AK", "ALASKA", "1.500"]
    assert add["locality"].tolist() == ["00", "01", "18"]  # notes under the table are skipped
    flat = cms.read_gpci(FX / "gpci_flat.csv")
    assert flat[["mac", "locality", "gpci_pe", "gpci_mp"]].values.tolist() == [
        ["10112", "00", "0.889", "0.707"], ["02102", "01", "1.118", "0.661"]]
    with pytest.raises(DataError, match="unknown GPCI layout"):
        cms.read_gpci(FX / "unknown_layout.csv")


@pytest.mark.cms
@pytest.mark.skipif(not SHARED_CMS.exists(), reason="raw CMS files not at ../shared/data/cms")
def test_committed_extracts_are_exactly_what_the_build_makes(data_copy: Path) -> None:
    for name in ("rvus.csv", "gpci.csv"):
        (data_copy / "cms" / name).unlink()
    counts = cms.build(SHARED_CMS, data_copy)
    assert counts == {"rvu_rows": 493, "gpci_rows": 778}  # 388 + 15 releases x (99213, 12031-12037)
    for name in ("rvus.csv", "gpci.csv"):
        committed = Path(__file__).resolve().parents[1] / "data" / "cms" / name
        assert filecmp.cmp(data_copy / "cms" / name, committed, shallow=False), name


@pytest.mark.cms
@pytest.mark.skipif(not SHARED_CMS.exists(), reason="raw CMS files not at ../shared/data/cms")
def test_build_refuses_a_file_that_differs_from_the_manifest(data_copy: Path, tmp_path: Path) -> None:
    source = tmp_path / "cms"
    shutil.copytree(SHARED_CMS, source)
    with open(source / "pprrvu_2022_jan.csv", "a", encoding="latin-1") as fh:
        fh.write("\n")
    with pytest.raises(DataError, match="release RVU22A: sha256 differs from the manifest"):
        cms.build(source, data_copy)
