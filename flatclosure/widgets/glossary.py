"""The glossary (data/glossary/glossary.csv) as hover help and as a page section.

``term("GPCI")`` gives ``<abbr title="Geographic Practice Cost Index: ...">GPCI</abbr>``: views put
it wherever a term appears in their HTML. ``glossary_html()`` is the whole glossary as a table,
each definition with where to read more ("publisher, title, date, link").
"""

from __future__ import annotations

import html
from functools import cache

import pandas as pd

from .. import datapkg
from ..errors import InputError
from ..present.citations import cite_source
from .common import STYLE

GLOSSARY_STYLE = """<style>
abbr.fc-term { text-decoration: underline dotted; cursor: help; }
.fc-glossary, .fc-glossary dt, .fc-glossary dd { display: block; line-height: 1.45; }
.fc-glossary dt { font-weight: 600; margin-top: 10px; }
.fc-glossary dd { margin: 2px 0 4px 18px; max-width: 760px; }
.fc-glossary .fc-source { color: #555; font-size: 12px; }
</style>"""


@cache
def glossary() -> pd.DataFrame:
    """The glossary table, indexed by term (read once)."""
    return datapkg.load("glossary").set_index("term", drop=False)


@cache  # a pandas lookup, 0.05 ms: 02 writes seven terms per refresh and 58 at build (issue 15)
def definition(name: str) -> str:
    """'Expansion: plain definition' of a term; an unknown term is an InputError naming it."""
    table = glossary()
    if name not in table.index:
        raise InputError("term", f"{name!r} is not in the glossary (data/glossary/glossary.csv)")
    row = table.loc[name]
    return f"{row['expansion']}: {row['definition']}"


def term(name: str, shown: str | None = None) -> str:
    """The term as hover help: an <abbr> whose title is its definition (both escaped)."""
    return (f'<abbr class="fc-term" title="{html.escape(definition(name))}">'
            f"{html.escape(shown or name)}</abbr>")


def source_html(row: pd.Series) -> str:
    """Where to read more about a term: "publisher, title, date, link", the link clickable."""
    text = html.escape(cite_source({"publisher": row["publisher"], "title": row["title"],
                                    "date": row["date"]}))
    link = str(row["link"] or "")
    if link.startswith("https://"):
        safe = html.escape(link)
        text += f', <a href="{safe}" target="_blank" rel="noopener">{safe}</a>'
    return text


def glossary_html() -> str:
    """Every term with its plain definition and source, as a definition list."""
    items = []
    for _, row in glossary().iterrows():
        items.append(
            f'<dt id="term-{html.escape(row["term"].replace(" ", "-"))}">{html.escape(row["term"])}'
            f" <span style='font-weight:400'>({html.escape(row['expansion'])})</span></dt>"
            f"<dd>{html.escape(row['definition'])}"
            f'<div class="fc-source">Read more: {source_html(row)}</div></dd>')
    return f'{STYLE}{GLOSSARY_STYLE}<dl class="fc-glossary">{"".join(items)}</dl>'


def terms_line(names: list[str] | tuple[str, ...]) -> str:
    """A line naming the terms a view uses, each with its definition on hover."""
    shown = " · ".join(term(n) for n in names)
    return (f'{STYLE}{GLOSSARY_STYLE}<div class="fc-note">Words used here (point at one for its '
            f"meaning; all are in the glossary of the start page): {shown}</div>")
