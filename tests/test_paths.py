"""Notebook 03 reads files only by upload and hands them over only as downloads: no widget takes
or shows a server path, uploads are bounded, downloads are named safely, nothing is written on
the server. Before (issue 11, items 2 and 3) its 'Scenario file' and 'Export to folder' boxes took
absolute paths, '..' and '~', made folders, overwrote files, and showed absolute paths."""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from flatclosure import fileio, limits, scenarios
from flatclosure.errors import InputError, LimitError
from flatclosure.widgets import scenario_view

ROOT = Path(__file__).resolve().parents[1]
PATHLIKE = re.compile(r"path|folder|directory|file name", re.I)


def descendants(w: Any) -> list[Any]:
    out, stack = [], [w]
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(getattr(item, "children", ()) or ())
    return out


def upload(view: Any, name: str, content: bytes) -> None:
    view.files.upload.value = ({"name": name, "type": "", "size": len(content),
                                "last_modified": dt.datetime(2026, 1, 1),
                                "content": memoryview(content)},)


def shown_text(view: Any) -> str:
    return " ".join(str(getattr(w, "value", "")) for w in descendants(view.widget)
                    if isinstance(w, widgets.HTML))


@pytest.fixture()
def view(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)  # anything written relative to the kernel's folder lands here
    return scenario_view(chosen=["01_mastectomy_reference"], years=(2025, 2025))


def test_no_widget_takes_a_path(view: Any) -> None:
    boxes = [w for w in descendants(view.widget)
             if isinstance(w, widgets.Text | widgets.Textarea | widgets.Combobox)]
    for box in boxes:
        assert not PATHLIKE.search(f"{box.description} {box.placeholder}"), box.description
    assert [type(w) for w in descendants(view.widget) if isinstance(w, widgets.FileUpload)] == [
        widgets.FileUpload]
    assert not hasattr(view, "file_path") and not hasattr(view, "export_folder")


def test_nothing_is_written_on_the_server_and_no_path_shown(view: Any, tmp_path: Path) -> None:
    data_before = {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*") if p.is_file()}
    view.builder.title.value = "../../etc/passwd"
    view.builder.lines.value = "14301-RT"
    view.builder.add_built()
    assert view.files.save() == "etc_passwd.yaml"  # the name of a download, never a path
    for kind in ("csv", "xlsx", "html"):
        assert view.files.export(kind) is not None
    # another scenario (the same one loaded back is not added twice: issue 14)
    text = scenarios.dumps(view.known["etc_passwd"]).replace("../../etc/passwd", "../../etc/shadow")
    upload(view, "../../../etc/shared.yaml", text.encode())
    assert view.known["shared"].title == "../../etc/shadow"
    assert list(tmp_path.iterdir()) == []
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "data").rglob("*") if p.is_file()} == data_before
    text = shown_text(view)
    for place in (str(ROOT), str(tmp_path), str(Path.home()) + "/"):
        assert place not in text


def test_uploads_are_bounded_before_they_are_read(view: Any) -> None:
    most = limits.maximum("scenario_file_bytes")
    upload(view, "big.yaml", b"#" * (most + 1))
    assert "the limit is" in view.files.errors.message and "big" not in view.known
    upload(view, "bomb.yaml", b"a: &a [x, x]\n" + b"".join(
        f"a{i}: &a{i} [*a, *a, *a]\n".encode() for i in range(30)))
    assert "YAML aliases" in view.files.errors.message
    upload(view, "evil.py", b"import os")
    assert "does not end in" in view.files.errors.message
    upload(view, "bad.yaml", b"\xff\xfe")
    assert "not UTF-8" in view.files.errors.message


def test_every_failure_shows_a_message_never_nothing(view: Any) -> None:
    upload(view, "odd.yaml", b"title: t\ndescription: d\nreference: r\nlines: ['14301-RT']\n"
                             b"valuation: {year: 2025}\nnew_code: 5\n")
    assert view.files.errors.showing and "new_code" in view.files.errors.message
    upload(view, "date.yaml", b"title: t\ndescription: d\nreference: r\nlines: ['14301-RT']\n"
                              b"valuation: {date: 2025-02-30}\n")
    assert "valuation.date" in view.files.errors.message


def test_download_links_carry_a_safe_name_and_the_bytes() -> None:
    link = fileio.download_link("../../etc/passwd.csv", b"a,b\n")
    assert 'download="passwd.csv"' in link and base64.b64encode(b"a,b\n").decode() in link
    assert fileio.safe_filename("../../x y\0z.yaml", ".yaml") == "x_y_z.yaml"
    assert fileio.safe_filename("", ".csv") == "flatclosure.csv"
    assert fileio.safe_filename(".hidden", ".json") == "hidden.json"
    assert len(fileio.safe_filename("x" * 500, ".yaml")) == 80


def test_writes_fail_loudly_and_leave_nothing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        fileio.write_atomically(tmp_path / "missing" / "c.html", "x")
    with pytest.raises(InputError, match="NUL"):
        fileio.write_atomically(str(tmp_path / "a\0b"), "x")
    with pytest.raises(LimitError, match="path_chars"):
        fileio.write_atomically(tmp_path / ("x" * 2000), "x")
    with pytest.raises(InputError, match="is a folder"):
        fileio.write_atomically(tmp_path, "x")
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 100)
    with pytest.raises(LimitError, match="larger than the limit of 10 bytes"):
        fileio.read_bytes(big, 10, "scenario file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.yaml"]
