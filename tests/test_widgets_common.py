"""Shared widget pieces: footer, error panel, locality picker, tables, in-place figure updates."""

from __future__ import annotations

import gc
import sys
import types

import plotly.graph_objects as go
import pytest

from flatclosure import datapkg
from flatclosure.catalog import AMA_NOTICE, load_catalog
from flatclosure.errors import InputError
from flatclosure.present.formatting import fmt_money, fmt_rvu, fmt_text
from flatclosure.widgets import ErrorPanel, LocalityPicker, footer, html_table, update_figure
from flatclosure.widgets.common import figure_widget, settle_kernel


def test_footer_has_the_ama_notice_and_the_data_vintage() -> None:
    text = footer().value
    assert AMA_NOTICE.split(".")[0] in text
    assert datapkg.resource("cms-rvus").vintage in text
    assert datapkg.resource("cms-gpci").vintage in text


def test_error_panel_catches_only_flatclosure_errors() -> None:
    panel = ErrorPanel()
    with panel.catching():
        raise InputError("defect area", "-3 is below 0 & <odd>")
    assert panel.showing and "defect area: -3 is below 0 &amp; &lt;odd&gt;" in panel.widget.value
    with panel.catching():
        pass
    assert not panel.showing and panel.widget.layout.display == "none"
    with pytest.raises(KeyError), panel.catching():
        raise KeyError("a bug")  # is not dressed up as a user message


def test_locality_picker_searches_a_years_localities() -> None:
    cat = load_catalog()
    picker = LocalityPicker(2024)
    assert len(picker.combobox.options) == len(cat.localities(2024)) + 1  # + national
    assert picker.locality is None
    la = next(o for o in picker.combobox.options if o.endswith("(01182:18)"))
    assert la.startswith("CA · Los Angeles")
    picker.combobox.value = la
    assert picker.locality == "01182:18"
    picker.set_year(2023)
    assert picker.locality == "01182:18"  # kept: it exists in 2023 too
    picker.combobox.value = "Atlantis"
    assert picker.locality is None and "matches no Medicare locality" in picker.note.value
    picker.set_year(2026)
    assert picker.combobox.disabled and picker.combobox.options == ("National (all GPCIs 1.000)",)
    assert "No GPCI file is held for 2026" in picker.note.value


def test_html_table_escapes_and_aligns_numbers() -> None:
    import pandas as pd

    frame = pd.DataFrame({"code": ["<b>"], "price": [1234.5], "rvu": [float("nan")]})
    out = html_table(frame, [("code", "Code", fmt_text), ("price", "US$", fmt_money),
                             ("rvu", "RVU", fmt_rvu)], caption="t")
    assert "&lt;b&gt;" in out and '<td class="num">$1,234.50</td>' in out
    assert '<td class="num">–</td>' in out


def test_update_figure_swaps_data_and_changed_layout_only() -> None:
    spec = {"data": [{"type": "bar", "x": [1, 2], "y": ["a", "b"]}],
            "layout": {"template": "plotly_white", "title": {"text": "one"}, "height": 300}}
    fig = figure_widget(spec)
    new = {"data": [{"type": "bar", "x": [3], "y": ["c"]}],
           "layout": {"template": "plotly_white", "title": {"text": "two"}, "height": 300}}
    update_figure(fig, new)
    assert fig.data[0].x == (3,) and fig.layout.title.text == "two"
    assert isinstance(fig, go.FigureWidget)
    with pytest.raises(ValueError, match="traces"):
        update_figure(fig, {"data": [], "layout": {}})


def test_locality_picker_takes_what_a_person_types() -> None:
    picker = LocalityPicker(2024)
    # part of a name, any case, or the MAC:LOCALITY in any spelling
    for typed in ("los angeles", "LOS ANGELES", "1182-18", "01182:18"):
        picker.combobox.value = typed
        assert picker.locality == "01182:18", typed
        assert "Using CA · Los Angeles" in picker.note.value
    picker.combobox.value = "CA"  # many localities: none is chosen until it is one
    assert picker.locality is None and "localities match" in picker.note.value
    picker.set_year(2023)  # Los Angeles and Orange counties were two localities then
    picker.combobox.value = "los angeles"
    assert picker.locality is None and "2 localities match" in picker.note.value
    picker.set_year(2025)
    picker.combobox.value = "alabama"
    assert picker.locality == "10112:00" and "2025 GPCIs: CAVEAT" in picker.note.value


def test_a_kernel_freezes_what_a_built_view_holds_and_plain_python_does_not(monkeypatch) -> None:
    # issue 15: full garbage-collector passes over the views' objects paused a change 74-131 ms
    gc.unfreeze()
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    settle_kernel()
    assert gc.get_freeze_count() == 0  # tests and the CLI: nothing frozen
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    try:
        settle_kernel()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
