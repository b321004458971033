"""Every file the workbook reads or writes goes through here.

Reads are bounded (size, path length) and every operating-system refusal becomes an
``InputError`` naming the file, so no command or widget shows a traceback. Writes are whole or
nothing (a temporary file, then a rename) into a folder that must exist. The app never takes a
server path: it reads uploads (``uploaded_files``) and hands files over as browser downloads
(``download_link``), named by ``safe_filename``.
"""

from __future__ import annotations

import base64
import html
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import limits
from .errors import InputError, LimitError, shown

MIME = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".html": "text/html", ".yaml": "application/yaml", ".yml": "application/yaml",
        ".json": "application/json", ".pdf": "application/pdf"}


def checked_path(path: str | os.PathLike[str], what: str) -> Path:
    """A path within the length bound and without NUL characters (the OS refuses those)."""
    text = os.fspath(path)
    if "\0" in text:
        raise InputError(what, f"{shown(text)} contains a NUL character")
    limits.check_count("path_chars", what, len(text))
    return Path(text)


def _reason(exc: OSError) -> str:
    return exc.strerror or shown(str(exc) or type(exc).__name__)


def read_bytes(path: str | os.PathLike[str], max_bytes: int, what: str) -> bytes:
    """The whole file, refused when larger than ``max_bytes`` (read no further than that)."""
    p = checked_path(path, what)
    try:
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(what, f"cannot read {shown(str(p))}: {_reason(exc)}") from None
    if len(data) > max_bytes:
        raise LimitError(what, f"{shown(p.name)} is larger than the limit of {max_bytes} bytes")
    return data


def decode_text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(what, f"not UTF-8 text (byte {exc.start})") from None


def read_text(path: str | os.PathLike[str], max_bytes: int, what: str) -> str:
    return decode_text(read_bytes(path, max_bytes, what), what)


def writable(path: str | os.PathLike[str], what: str) -> Path:
    """A path a file can be written to: its folder exists and it is not a folder itself."""
    p = checked_path(path, what)
    if not p.parent.is_dir():
        raise InputError(what, f"the folder {shown(str(p.parent))} does not exist")
    if p.is_dir():
        raise InputError(what, f"{shown(str(p))} is a folder: give a file name")
    return p


def confirm_written(path: str | os.PathLike[str], what: str) -> Path:
    """Refuse to report a file as written unless it is there and not empty (a PDF printer
    that exits 0 without writing is a failure, not a success)."""
    p = Path(path)
    if not p.is_file() or p.stat().st_size == 0:
        raise InputError(what, f"{shown(str(p))} was not written")
    return p


def write_atomically(path: str | os.PathLike[str], data: str | bytes, what: str = "output") -> Path:
    """Write a whole file or nothing: a temporary file in the same folder, then a rename.

    A missing folder, a folder in the way or any refusal of the OS is an InputError and nothing
    is written; the caller says "wrote" only when this returns.
    """
    p = writable(path, what)
    try:
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name[:50]}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(what, f"cannot write in {shown(str(p.parent))}: {_reason(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, p)
    except OSError as exc:
        raise InputError(what, f"cannot write {shown(str(p))}: {_reason(exc)}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return p


def safe_filename(name: str, suffix: str, default: str = "flatclosure") -> str:
    """A download's name: letters, digits, '-', '_' and '.', at most 80 characters, ending in
    ``suffix``; never a path (no folder, no leading dot)."""
    stem = Path(str(name or "")).name
    if suffix and stem.lower().endswith(suffix.lower()):
        stem = stem[: -len(suffix)]
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._-")[:80 - len(suffix)]
    return (stem or default) + suffix


def download_link(filename: str, data: bytes, label: str | None = None) -> str:
    """An HTML link that hands ``data`` to the browser as a file download (a data: URL, so
    nothing is written on the server)."""
    suffix = Path(filename).suffix.lower()
    name = safe_filename(filename, suffix)
    mime = MIME.get(suffix, "application/octet-stream")
    payload = base64.b64encode(data).decode("ascii")
    text = html.escape(label or f"Download {name}")
    return (f'<a download="{html.escape(name)}" href="data:{mime};base64,{payload}" '
            f'class="fc-download" style="text-decoration:underline">{text}</a>')


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the browser gave it (a name, never a path) and its bytes."""

    name: str
    content: bytes


def uploaded_files(value: Iterable[Mapping[str, Any]] | Mapping[str, Any], max_bytes: int,
                   suffixes: tuple[str, ...], what: str) -> list[Upload]:
    """The files of a FileUpload's value (ipywidgets 8: dicts with name and content), each
    checked for its suffix and size before anything reads it."""
    items = list(value.values()) if isinstance(value, Mapping) else list(value)
    out = []
    for item in items:
        name = Path(str(item.get("name", ""))).name
        if Path(name).suffix.lower() not in suffixes:
            raise InputError(what, f"{shown(name)} does not end in {', '.join(suffixes)}")
        content = bytes(item.get("content", b""))
        if len(content) > max_bytes:
            raise LimitError(what, f"{shown(name)} is {len(content)} bytes: the limit is "
                             f"{max_bytes} bytes")
        out.append(Upload(name[:120], content))
    return out
