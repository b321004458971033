"""The glossary as data and hover help, and citations named as a reader looks them up."""

from __future__ import annotations

import pytest

from flatclosure import datapkg
from flatclosure.errors import InputError
from flatclosure.present.citations import citation_text, citations, cite_source
from flatclosure.widgets import catalog_view, surgery_panel
from flatclosure.widgets.common import footer_text
from flatclosure.widgets.glossary import definition, glossary, glossary_html, term

# the words issue 14 found unexplained, each must be defined
REQUIRED = ("GPCI", "ASC", "PFS", "CF", "RVU", "work RVU", "PE RVU", "MP RVU", "global days",
            "release id", "NCCI", "modifier", "status C", "status R", "bilateral indicator",
            "budget neutrality", "UNCONFIRMED", "WHCRA", "ICD-10-CM")


def test_every_required_term_has_a_definition_and_a_source() -> None:
    table = glossary()
    for name in REQUIRED:
        row = table.loc[name]
        assert len(row["definition"]) > 40 and row["publisher"] and row["title"], name
    web = table[table["link"].fillna("") != ""]
    # only the workbook's own conventions (UNCONFIRMED, illustrative) have no web page
    ours = table[table["publisher"] == "flatclosure workbook"]
    assert set(ours.index) == {"UNCONFIRMED", "illustrative"}
    assert web["link"].str.startswith("https://").all() and len(web) == len(table) - len(ours)
    # global days names the four values a reader sees in the tables
    assert all(v in definition("global days") for v in ("000", "010", "090", "ZZZ"))


def test_term_is_escaped_hover_help() -> None:
    html = term("WHCRA")
    assert html.startswith('<abbr class="fc-term" title="Women&#x27;s Health and Cancer Rights')
    assert html.endswith(">WHCRA</abbr>")
    with pytest.raises(InputError, match="'GCPI' is not in the glossary"):
        term("GCPI")


def test_glossary_page_cites_publisher_title_date_link() -> None:
    page = glossary_html()
    assert page.count("<dt") == len(glossary())
    assert ("Read more: Centers for Medicare &amp; Medicaid Services (CMS), Global Surgery Booklet "
            "(MLN907166), read 2026-11, <a href=\"https://www.cms.gov/files/document/"
            "mln907166-global-surgery-booklet.pdf\"") in page


def test_views_show_their_terms_on_hover() -> None:
    panel, view = surgery_panel(year=2025), catalog_view(year=2025)
    shown_00 = " ".join(getattr(w, "value", "") for w in panel.widget.children)
    shown_01 = " ".join(getattr(w, "value", "") for w in view.widget.children)
    assert '<abbr class="fc-term" title="Geographic Practice Cost Index' in shown_00
    assert ">UNCONFIRMED</abbr>" in shown_00 and ">global days</abbr>" in shown_01


def test_citations_never_show_a_repository_path() -> None:
    assert citations("cms-rvus") == [
        "cms.gov, CMS Physician Fee Schedule relative value files, releases of 2019-10 to "
        "2026-07, https://www.cms.gov/medicare/payment/fee-schedules/physician/"
        "pfs-relative-value-files"]
    assert cite_source({"title": "T", "path": "../shared/docs/domain.md"}, "2026") == "T, 2026"
    for name in datapkg.resource_names():
        text = citation_text([name])
        assert "shared/" not in text and "../" not in text and "data/" not in text, name
    assert "Sources: cms.gov, CMS Physician Fee Schedule" in footer_text()
    assert "shared/" not in footer_text(view_resources())


def view_resources() -> tuple[str, ...]:
    return catalog_view(year=2025).resources
