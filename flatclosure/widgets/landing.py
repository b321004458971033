"""The app's start page (notebooks/index.ipynb): the workbook's questions, a one-line answer to
each computed by the engine now, a link to the page that explains it, and the glossary.

It imports the views' plain inputs (``surgery_model``, ``pool_inputs``), never the views: the page
draws no chart, and the views' widgets and plotly cost its kernel ~1 s (issue 15)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets

from ..catalog import Catalog, load_catalog
from ..fees import price
from ..pool import MASTECTOMY_CODE, statutory
from ..present.formatting import fmt_money, fmt_pct
from ..present.pool_text import cf_line
from .common import STYLE, footer
from .glossary import GLOSSARY_STYLE, glossary_html, term
from .pool_inputs import default_inputs
from .surgery_model import Surgery, price_surgery

LANDING_STYLE = """<style>
.fc-questions { border-collapse: collapse; max-width: 1100px; font-size: 14px; line-height: 1.45; }
.fc-questions td { border-bottom: 1px solid #ddd; padding: 8px 12px 8px 4px; vertical-align: top; }
.fc-questions td.q { width: 34%; font-weight: 600; }
.fc-questions a { color: #0b5cad; }
</style>"""


@dataclass(frozen=True)
class Question:
    """One page of the workbook: the file pattern of its notebook, its question, its answer."""

    pattern: str
    title: str
    question: str
    answer: str  # HTML (escaped text with glossary terms)


def _gap(cat: Catalog, year: int) -> str:
    on = cat.date_for_year(year)
    closure, mastectomy = price("14301", on).price or 0.0, price("19303", on).price or 0.0
    return (f"In {year}, {term('PFS', 'Medicare')} pays {fmt_money(closure)} for 14301 (tissue "
            f"rearranged to close, the usual flat closure code) and {fmt_money(mastectomy)} for "
            f"19303 (the mastectomy), in a {term('facility')}, nationally: the closure is "
            f"{closure / mastectomy:.0%} of the mastectomy.")


def _coding(cat: Catalog, year: int) -> str:
    result = price_surgery(Surgery(year), cat)
    lines = ", ".join(ln.line for ln in result.lines)
    return (f"Both sides, 45 sq cm of tissue rearranged each: {html.escape(lines)} "
            f"({term('modifier', 'modifiers')} RT, LT and 59; how two sides are billed is "
            f"{term('UNCONFIRMED')}), {fmt_money(result.total)} in {year}.")


def _trend(cat: Catalog, year: int) -> str:
    first = cat.years()[0]
    then, now = (price_surgery(Surgery(y), cat).total for y in (first, year))
    return (f"The same bilateral closure paid {fmt_money(then)} in {first} and {fmt_money(now)} in "
            f"{year} ({fmt_pct((now / then - 1) * 100, 1)}); page 03 compares localities "
            f"({term('GPCI', 'GPCIs')}), settings and payers.")


def _pool() -> str:
    inputs = default_inputs()
    stat = statutory(inputs.scenario())
    first = stat.codes.set_index('code', drop=False).loc[MASTECTOMY_CODE]
    return (f"A new code of {inputs.rvu:.2f} RVU for {inputs.volume:,.0f} services a year "
            f"(illustrative volume) adds {fmt_money(stat.added_spending)} a year; under "
            f"{term('budget neutrality')} every payment gives up its share: "
            f"{cf_line(stat.conversion_factor_before, stat.conversion_factor_after)}, and "
            f"{first['code']} is paid {fmt_money(first['price_after'])} instead of "
            f"{fmt_money(first['price_before'])}.")


def questions(catalog: Catalog | None = None) -> list[Question]:
    """The workbook's questions with today's answers from the engine."""
    cat = catalog or load_catalog()
    year = cat.default_year()
    return [
        Question("01_*.ipynb", "01 The code catalog",
                 "How big is the value gap between the closure and the mastectomy?",
                 _gap(cat, year)),
        Question("02_*.ipynb", "02 The coding protocol",
                 "Which codes and modifiers does a flat closure take?", _coding(cat, year)),
        Question("03_*.ipynb", "03 Reimbursement scenarios",
                 "What does a case pay across years, places and payers?", _trend(cat, year)),
        Question("04_*.ipynb", "04 The finite RVU pool",
                 "What would a new flat-closure code cost everyone else?", _pool()),
        Question("05_*.ipynb", "05 Coverage and appeals",
                 "Must a plan cover flat closure, and how is a denial appealed?",
                 f"The law ({term('WHCRA')}), Medicare's coverage and the diagnosis codes "
                 f"({term('ICD-10-CM')}) a claim gives, with the steps and deadlines of an "
                 "appeal."),
    ]


def _link(q: Question, folder: Path) -> str:
    found = sorted(folder.glob(q.pattern))
    if not found:
        return f"{html.escape(q.title)} <i>(being written)</i>"
    return f'<a href="{html.escape(found[0].name)}">{html.escape(q.title)}</a>'


def questions_html(folder: Path | str = ".", catalog: Catalog | None = None) -> str:
    """The questions as a table: page link and question, then the answer."""
    rows = "".join(
        f'<tr><td class="q">{_link(q, Path(folder))}<br>{html.escape(q.question)}</td>'
        f"<td>{q.answer}</td></tr>" for q in questions(catalog))
    return f'{STYLE}{GLOSSARY_STYLE}{LANDING_STYLE}<table class="fc-questions">{rows}</table>'


def landing(folder: Path | str = ".", catalog: Catalog | None = None) -> widgets.VBox:
    """The start page: the questions with their answers, the glossary, the footer."""
    return widgets.VBox([
        widgets.HTML(questions_html(folder, catalog)),
        widgets.HTML("<h2 id='glossary' style='margin:18px 0 4px'>Glossary</h2>"),
        widgets.HTML(glossary_html()),
        footer(),
    ])
