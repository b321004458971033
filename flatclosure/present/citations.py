"""Citations the way a reader looks them up: "publisher, title, date, link", never a repository path.

Read from each data resource's ``sources`` in data/datapackage.json: a source with a web link is
cited with its ``publisher`` (else the link's host) and ``date`` (else the resource's vintage); a
source kept only as a project file is not shown, and a resource with no web source is named as
compiled for this workbook.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from .. import datapkg

# "(data/scenarios/*.yaml)" and the like: a repository path in a title, left out of citations
PATH_ASIDE = re.compile(r"\s*\([^()]*/[^()]*\)")


def plain_title(title: str) -> str:
    """A title without asides that name repository paths."""
    return PATH_ASIDE.sub("", title).strip()


def is_link(path: Any) -> bool:
    return str(path or "").startswith(("https://", "http://"))


def cite_source(source: dict[str, Any], date: str = "") -> str:
    """One source as "publisher, title, date, link" (parts that are missing are left out)."""
    link = str(source.get("path") or source.get("link") or "")
    link = link if is_link(link) else ""
    host = urlparse(link).hostname or ""
    publisher = str(source.get("publisher") or host.removeprefix("www."))
    parts = [publisher, plain_title(str(source.get("title", ""))), str(source.get("date") or date), link]
    return ", ".join(p for p in parts if p)


def citations(name: str) -> list[str]:
    """The citations of one data resource, for footers, cards and reports."""
    res = datapkg.resource(name)
    cited = [cite_source(s, res.vintage) for s in res.sources
             if is_link(s.get("path") or s.get("link")) or s.get("publisher")]
    return cited or [f"{plain_title(res.title)}, compiled for this workbook, {res.vintage}"]


def citation_text(names: Sequence[str]) -> str:
    """Every citation of the resources, each once, joined for one line of text."""
    seen: dict[str, None] = {}
    for name in names:
        for c in citations(name):
            seen.setdefault(c, None)
    return "; ".join(seen)
