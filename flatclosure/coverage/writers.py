"""Write a :class:`~flatclosure.coverage.letters.Letter` as Word (.docx, editable), HTML or PDF.

HTML escapes every piece of text (diagnosis labels may be the user's own); bracketed blanks are
highlighted in all three formats so the office sees what to fill in. PDF is the HTML printed by
headless Chromium (/usr/bin/chromium); if Chromium is missing or fails, a PdfError says so.
"""

from __future__ import annotations

import html
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import FlatclosureError, InputError
from .letters import PLACEHOLDER, Block, Letter

FORMATS = (".docx", ".html", ".pdf")
_CSS = """
body { font-family: Georgia, 'DejaVu Serif', serif; font-size: 11pt; line-height: 1.4;
       max-width: 7in; margin: 0.6in auto; color: #111; }
h1 { font-size: 15pt; margin: 0 0 0.6em; } h2 { font-size: 12pt; margin: 1.2em 0 0.3em; }
p, li { margin: 0.25em 0; } ul { margin: 0.2em 0 0.6em 1.2em; padding: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.4em 0; font-size: 10pt; }
th, td { border: 1px solid #888; padding: 3px 5px; vertical-align: top; text-align: left; }
th { background: #eee; }
.fc-letter-table td:first-child { white-space: nowrap; }
.fc-blank { background: #fff3a3; padding: 0 2px; }
.fc-note { border: 1px solid #c9a400; background: #fffbe6; padding: 6px 8px; font-size: 9.5pt; }
li, td, p { overflow-wrap: anywhere; }
@page { size: Letter; margin: 0.6in; }
@media print { body { margin: 0; max-width: none; } }
"""


class PdfError(FlatclosureError):
    """Chromium could not print the letter to PDF."""


def _marked(text: str) -> str:
    """Escaped text with each [BLANK] wrapped in a highlighted span."""
    out, last = [], 0
    for m in PLACEHOLDER.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        out.append(f'<span class="fc-blank">{html.escape(m.group(0))}</span>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _html_block(b: Block) -> str:
    if b.kind == "heading":
        return f"<h2>{_marked(b.text)}</h2>"
    items = "".join(f"<li>{_marked(x)}</li>" for x in b.items)
    if b.kind == "note":
        return (f'<div class="fc-note"><p>{_marked(b.text)}</p>'
                + (f"<ul>{items}</ul>" if items else "") + "</div>")
    if b.kind == "bullets":
        return (f"<p>{_marked(b.text)}</p>" if b.text else "") + f"<ul>{items}</ul>"
    if b.kind == "table":
        head, *body = b.rows
        th = "".join(f"<th>{_marked(c)}</th>" for c in head)
        trs = "".join("<tr>" + "".join(f"<td>{_marked(c)}</td>" for c in r) + "</tr>"
                      for r in body)
        return f'<table class="fc-letter-table"><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>'
    return f"<p>{_marked(b.text)}</p>"


def to_html(letter: Letter) -> str:
    """The letter as one self-contained HTML page."""
    body = "\n".join(_html_block(b) for b in letter.blocks)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(letter.title)}</title><style>{_CSS}</style></head>"
            f'<body class="fc-letter"><h1>{html.escape(letter.title)}</h1>\n{body}\n</body></html>\n')


def _runs(paragraph: object, text: str) -> None:
    """Add ``text`` to a python-docx paragraph, highlighting each [BLANK]."""
    from docx.enum.text import WD_COLOR_INDEX

    last = 0
    for m in PLACEHOLDER.finditer(text):
        if m.start() > last:
            paragraph.add_run(text[last:m.start()])  # type: ignore[attr-defined]
        run = paragraph.add_run(m.group(0))  # type: ignore[attr-defined]
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        run.bold = True
        last = m.end()
    if last < len(text):
        paragraph.add_run(text[last:])  # type: ignore[attr-defined]


def _docx_bullets(doc: object, b: Block) -> None:
    if b.text:
        _runs(doc.add_paragraph(), b.text)  # type: ignore[attr-defined]
    for item in b.items:
        _runs(doc.add_paragraph(style="List Bullet"), item)  # type: ignore[attr-defined]


def _docx_table(doc: object, b: Block) -> None:
    table = doc.add_table(rows=0, cols=len(b.rows[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for i, row in enumerate(b.rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _runs(cell.paragraphs[0], value)
            for run in cell.paragraphs[0].runs if i == 0 else ():
                run.bold = True  # the header row


def _docx_paragraph(doc: object, b: Block) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    _runs(p, b.text)
    if b.kind == "note":
        for item in b.items:
            _runs(doc.add_paragraph(style="List Bullet"), item)  # type: ignore[attr-defined]
        for run in p.runs:
            run.italic = True


def _docx_block(doc: object, b: Block) -> None:
    if b.kind == "heading":
        _runs(doc.add_heading(level=2), b.text)  # type: ignore[attr-defined]
    elif b.kind == "bullets":
        _docx_bullets(doc, b)
    elif b.kind == "table":
        _docx_table(doc, b)
    else:
        _docx_paragraph(doc, b)


def to_docx(letter: Letter) -> bytes:
    """The letter as an editable Word document (python-docx)."""
    import docx
    from docx.shared import Pt

    doc = docx.Document()
    doc.styles["Normal"].font.name = "Georgia"
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = letter.title
    doc.core_properties.author = "[SURGEON NAME]"
    doc.add_heading(letter.title, level=1)
    for b in letter.blocks:
        _docx_block(doc, b)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_pdf(letter: Letter, chromium: str | None = None) -> bytes:
    """The letter's HTML printed to PDF by headless Chromium; PdfError if that fails."""
    browser = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise PdfError("a PDF needs Chromium (/usr/bin/chromium): write .docx or .html instead")
    with tempfile.TemporaryDirectory(prefix="flatclosure-letter-") as tmp:
        src, out = Path(tmp) / "letter.html", Path(tmp) / "letter.pdf"
        src.write_text(to_html(letter), encoding="utf-8")
        try:
            done = subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                 f"--user-data-dir={tmp}/profile", f"--print-to-pdf={out}", src.as_uri()],
                capture_output=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfError(f"Chromium could not print the letter: {exc}") from exc
        data = out.read_bytes() if out.exists() else b""
        if done.returncode != 0 or not data.startswith(b"%PDF"):
            why = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no PDF"]
            raise PdfError(f"Chromium could not print the letter (exit {done.returncode}): {why[0]}")
        return data


def render(letter: Letter, suffix: str) -> bytes:
    """The letter in the format of a file suffix (.docx, .html or .pdf)."""
    s = suffix.lower()
    if s == ".docx":
        return to_docx(letter)
    if s == ".html":
        return to_html(letter).encode("utf-8")
    if s == ".pdf":
        return to_pdf(letter)
    raise InputError("out", f"a letter is written as {', '.join(FORMATS)}, not {suffix or 'no suffix'!r}")


def write_letter(letter: Letter, out: Path | str) -> Path:
    """Write the letter to ``out``; the suffix picks the format. Nothing else is written."""
    path = Path(out)
    data = render(letter, path.suffix)
    path.write_bytes(data)
    return path
