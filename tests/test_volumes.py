"""Volumes: the illustrative defaults and the reader of CMS's 'by Geography and Service' CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from flatclosure import datapkg
from flatclosure.catalog import load_catalog
from flatclosure.errors import DataError, InputError
from flatclosure.volumes import (
    ILLUSTRATIVE_RESOURCE,
    Volumes,
    illustrative_volumes,
    load_volumes,
    read_geo_service_csv,
    read_geo_service_upload,
    upload_max_bytes,
)

FIXTURE = Path(__file__).parent / "fixtures" / "cms_geo_service_sample.csv"


def test_illustrative_defaults_cover_the_catalog_and_say_so():
    vols = illustrative_volumes()
    assert vols.illustrative is True
    assert set(vols.counts) == set(load_catalog().codes.index)  # every catalog code
    assert "ILLUSTRATIVE" in vols.label()
    assert all(vols.reasoning[c].strip() for c in vols.counts)
    # the mastectomy rows are reasoned from HCUP SB #201: M = 130e6 x (60.6e-5 x 0.30 + 29.7e-5 x
    # 0.08) x 0.5 = 13,361; 19303 = 60% of M = 8,017 -> 8,000; 19307 = 38% -> 5,077 -> 5,100
    assert vols.get("19303") == 8000
    assert vols.get("19307") == 5100
    assert "SB #201" in vols.reasoning["19303"]
    assert vols.get("AFC01") == 0  # not listed: no services


def test_the_14301_default_shows_its_public_reference():
    vols = illustrative_volumes()
    # midpoint of the 27,000-31,000 services a year of the public reference, rounded
    assert vols.get("14301") == 29000
    assert "27,000-31,000" in vols.references["14301"]
    assert "undercount" in vols.references["14301"] and "ASC" in vols.references["14301"]
    assert vols.to_frame().set_index("code").loc["14301", "public_reference"].startswith("A third")


def test_an_upload_is_read_from_bytes_and_size_limited():
    content = FIXTURE.read_bytes()
    vols = read_geo_service_upload("/etc/sample.csv", content)
    assert vols.get("14301") == 22000 + 3100.5
    assert "sample.csv" in vols.source and "/etc" not in vols.source  # the name only, no path
    with pytest.raises(InputError, match="over the 10,000,000 bytes"):
        read_geo_service_upload("big.csv", b"x" * (upload_max_bytes() + 1))


def test_illustrative_resource_is_flagged_in_the_data_package():
    res = datapkg.resource(ILLUSTRATIVE_RESOURCE)
    assert res.illustrative is True
    assert res.sources and "hcup-us.ahrq.gov" in res.sources[0]["path"]
    assert res.vintage and res.effective
    assert datapkg.load(ILLUSTRATIVE_RESOURCE)["illustrative"].all()


def test_geo_service_reader_sums_places_of_service_of_national_rows():
    vols = read_geo_service_csv(FIXTURE)
    assert vols.illustrative is False
    assert "cms_geo_service_sample.csv" in vols.source
    assert vols.get("19303") == 7600  # the Alabama row (135) is a State row and is ignored
    assert vols.get("14301") == 22000 + 3100.5  # facility + office
    assert vols.get("13101") == 180000 + 41000
    assert vols.get("99213") == 90_000_000
    assert vols.get("19499") == 0
    assert load_volumes(FIXTURE).counts == vols.counts


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "geo.csv"
    p.write_text(text, encoding="utf-8")
    return p


def _fixture_lines() -> list[str]:
    return FIXTURE.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("line_no", "old", "new", "field", "words"),
    [
        (2, ",7600,7600,", ",seven,7600,", "Tot_Srvcs", "'seven' is not a count"),
        (3, ",4900,4900,", ",-4,4900,", "Tot_Srvcs", "'-4' is not a count"),
        (4, "National,,National,14301", "National,,National,1430", "HCPCS_Cd", "5-character"),
        (9, "State,01,Alabama", "County,01,Alabama", "Rndrng_Prvdr_Geo_Lvl", "'County'"),
    ],
)
def test_bad_rows_name_file_row_and_field(tmp_path, line_no, old, new, field, words):
    lines = _fixture_lines()
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new)
    path = _write(tmp_path, "\n".join(lines) + "\n")
    with pytest.raises(DataError) as err:
        read_geo_service_csv(path)
    assert err.value.row == line_no
    assert err.value.field == field
    assert str(path) in str(err.value) and words in str(err.value)


def test_duplicate_code_and_place_is_an_error(tmp_path):
    lines = _fixture_lines()
    path = _write(tmp_path, "\n".join([*lines, lines[1]]) + "\n")
    with pytest.raises(DataError) as err:
        read_geo_service_csv(path)
    assert err.value.row == len(lines) + 1 and "19303 appears twice" in str(err.value)


def test_missing_column_and_no_national_rows(tmp_path):
    lines = _fixture_lines()
    header = lines[0].replace("Tot_Srvcs", "Services")
    with pytest.raises(DataError) as err:
        read_geo_service_csv(_write(tmp_path, "\n".join([header, *lines[1:]])))
    assert (err.value.row, err.value.field) == (1, "Tot_Srvcs")
    states = [ln for ln in lines if ln.startswith("State")]
    with pytest.raises(DataError, match="no National rows"):
        read_geo_service_csv(_write(tmp_path, "\n".join([lines[0], *states])))
    with pytest.raises(DataError, match="file not found"):
        read_geo_service_csv(tmp_path / "absent.csv")


def test_user_volumes_are_checked_and_replace_keeps_the_label():
    with pytest.raises(InputError, match="volume of 19303"):
        Volumes({"19303": -1}, "user", illustrative=False)
    vols = illustrative_volumes().replace({"19303": 9000})
    assert vols.get("19303") == 9000 and vols.illustrative
    assert vols.reasoning["19303"] == "set by the user"
    assert vols.get("19307") == 5100


def test_an_uploaded_row_with_a_missing_field_is_refused_not_padded(tmp_path):
    lines = _fixture_lines()
    short = lines[1].rsplit(",", 1)[0]  # the last field dropped: pandas filled it with ""
    with pytest.raises(DataError) as err:
        read_geo_service_csv(_write(tmp_path, "\n".join([lines[0], short, *lines[2:]])))
    fields = len(lines[0].split(","))
    assert err.value.row == 2 and f"{fields - 1} fields where the header has {fields}" in str(err.value)
