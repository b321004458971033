"""Notebook 02's outputs: the answer first (codes, allowed total, what the patient pays, the
claim), then the details in tabs (alternatives, why, paperwork, assumptions) and the chart of
what each way of coding pays under them. The chart stays out of the tabs: a plotly chart drawn
inside an ipywidgets Tab kept its first bars in Voila (its updates were not drawn).

Pure rendering: ``protocol_page`` writes a ``ProtocolResult`` (from
``flatclosure.protocol.recommend``) as HTML through the tables of
``flatclosure.present.protocol_tables``, and ``ProtocolOutputs.show`` puts that page on screen;
nothing here decides a code or an amount.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from .. import figures
from ..catalog import Catalog
from ..labels import FIELD_LABELS, switch_titles, value_label
from ..present.formatting import fmt_money, fmt_prose, fmt_text
from ..present.protocol_tables import (
    alternatives_table,
    bundled_table,
    checklist,
    claim_table,
    plain_source,
    rationale_table,
)
from ..protocol import ProtocolResult
from .common import (
    CODE_COLUMN,
    DESCRIPTION_COLUMN,
    STYLE,
    figure_widget,
    html_table,
    note,
    scrolling,
    update_figure,
)
from .glossary import GLOSSARY_STYLE, term

CLAIM_COLUMNS = [
    ("line", "Claim line", fmt_text),
    ("side", "Side", fmt_text),
    DESCRIPTION_COLUMN,
    ("diagnoses", "Diagnoses (ICD-10-CM)", fmt_prose),
    ("fee_schedule", "Fee schedule, one unit (US$)", fmt_money),
    ("allowed", "Allowed (US$)", fmt_money),
    ("denial_risk", "Denial risk", fmt_text),
    ("pricing", "Payment rules applied", fmt_prose),
]
REASON_COLUMNS = [
    ("line", "Claim line", fmt_text),
    ("rule_ids", "Protocol rules (as on the card)", fmt_text),
    ("rationale", "Why", fmt_prose),
    ("risk_reasons", "Denial risk, and why (source)", fmt_prose),
]
ALTERNATIVE_COLUMNS = [
    ("option", "Way of coding", fmt_prose),
    ("lines", "Claim lines", fmt_text),
    ("total", "Allowed, whole claim (US$)", fmt_money),
    ("change", "Against the recommendation (US$)", fmt_text),
    ("denial_risk", "Denial risk", fmt_text),
    ("note", "Note", fmt_prose),
]
BUNDLED_COLUMNS = [
    CODE_COLUMN,
    ("side", "Side", fmt_text),
    ("rule_id", "Rule", fmt_text),
    ("reason", "Why it is left off the claim", fmt_prose),
]
DETAIL_TITLES = ("Alternatives", "Why these codes", "Checklist", "Assumptions")
# claim lines such as 14301-LT-XS are not broken at their hyphens (first column); the prose
# columns wrap narrower so the claim fits a 1024 px window
TABLE_CLASS = "fc-table fc-protocol fc-fit"
LINE_STYLE = "<style>.fc-protocol td:first-child { white-space: pre; }</style>"
CHART_TITLE = "What each way of coding pays"
UPLIFT_NOTE = re.compile(r" \(\+(\d+(?:\.\d+)?)%[^)]*\)$")
# the first column of the alternatives is prose: it wraps
ALTERNATIVES_STYLE = "<style>.fc-table.fc-alternatives td:first-child { white-space: normal; }</style>"


def alternatives_frame_empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["option", "kind", "lines", "total", "difference", "denial_risk",
                                 "is_current", "note"])


def result_frames(result: ProtocolResult, catalog: Catalog) -> dict[str, pd.DataFrame]:
    """The tables behind what is shown (the claim's are the engine's, unchanged)."""
    return {"claim": claim_table(result, catalog), "reasons": rationale_table(result),
            "alternatives": alternatives_table(result), "bundled": bundled_table(result)}


def alternatives_spec(frame: pd.DataFrame, year: int) -> Any:
    """The chart of the alternatives; the modifier 22 row's advice stays in the table, so its
    label fits beside its bar ("..., +25%")."""
    short = frame.copy()
    short["option"] = [UPLIFT_NOTE.sub(r", +\1%", str(o)) for o in short["option"]]
    return figures.protocol_alternatives_spec(short, f"{CHART_TITLE}, {year}")


def bullet_list(items: list[str] | tuple[str, ...], empty: str) -> str:
    if not items:
        return STYLE + note(empty)
    lis = "".join(f"<li>{html.escape(plain_source(x))}</li>" for x in items)
    return f'{STYLE}<ul class="fc-note" style="margin:2px 0 8px 0; padding-left:22px">{lis}</ul>'


def where_html(result: ProtocolResult) -> str:
    """When, where and at what rates the claim is priced, its terms with hover help."""
    claim, ctx = result.claim, result.context
    e = html.escape
    setting = (f"{term('facility')} setting (hospital or {term('ASC')})"
               if ctx.setting == "facility" else f"{e(ctx.setting)} setting")
    return (f'<div class="fc-note">{GLOSSARY_STYLE}Date of service {ctx.on.isoformat()} '
            f"({term('RVU')} {term('release id', 'release')} {e(str(result.release_id))}), "
            f"{setting}, {e(str(claim.locality_name))} ({term('locality')}), "
            f"{term('CF', 'conversion factor')} "
            f"${claim.conversion_factor:.4f} per RVU, payer multiplier "
            f"{ctx.payer_multiplier:g} × Medicare. Denial risk of the claim: "
            f"{e(result.denial_risk)}.</div>")


def assumptions_text(result: ProtocolResult) -> str:
    if not result.assumptions:
        return "No UNCONFIRMED assumption applies to this claim."
    titles = switch_titles()
    return ("Assumptions in effect (UNCONFIRMED conventions): "
            + "; ".join(f"{FIELD_LABELS.get(n, titles.get(n, n))}: {value_label(n, s)}"
                        for n, s in result.assumptions) + ".")


def _sourced(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        out[c] = out[c].map(plain_source)
    return out


@dataclass(frozen=True)
class ProtocolPage:
    """What notebook 02 writes for one result: each output's HTML and the chart's spec (shared
    by the views that show the same inputs: read it, never change it)."""

    claim_table: str
    reasons_table: str
    bundled: str
    warnings: str
    checklist: str
    alternatives_table: str
    assumptions: str
    chart: figures.FigureSpec
    cost: str
    codes: str
    total: str


def protocol_page(result: ProtocolResult, frames: dict[str, pd.DataFrame],
                  cost: str) -> ProtocolPage:
    """The HTML of every output and the chart's spec for a result, its tables and its cost."""
    return ProtocolPage(
        claim_table=LINE_STYLE + html_table(
            frames["claim"], CLAIM_COLUMNS, css_class=TABLE_CLASS,
            caption="The claim, line by line, with its diagnoses"),
        reasons_table=LINE_STYLE + html_table(
            _sourced(frames["reasons"], "rationale", "risk_reasons"), REASON_COLUMNS,
            css_class=TABLE_CLASS,
            caption="Why each line: the protocol rules, their reasons, the denial risk"),
        bundled=(html_table(_sourced(frames["bundled"], "reason"), BUNDLED_COLUMNS,
                            css_class="fc-table fc-fit",
                            caption="Left off the claim (included in another code)")
                 if result.bundled else STYLE + note("Nothing is left off the claim.")),
        warnings=bullet_list(list(result.warnings), "No warnings."),
        checklist=bullet_list(checklist(result), "Nothing to document."),
        alternatives_table=ALTERNATIVES_STYLE + html_table(
            frames["alternatives"], ALTERNATIVE_COLUMNS,
            css_class="fc-table fc-fit fc-alternatives",
            caption="Other ways of coding the same surgery, and what each pays"),
        assumptions=STYLE + note(assumptions_text(result)),
        chart=alternatives_spec(frames["alternatives"], result.context.on.year),
        cost=cost,
        codes=STYLE + note("Codes: " + ", ".join(ln.line for ln in result.lines), "fc-total"),
        total=STYLE + (f'<div class="fc-total">Allowed, whole claim: {fmt_money(result.total)}'
                       "</div>" + where_html(result)),
    )


@dataclass
class ProtocolOutputs:
    """The widgets notebook 02 writes its answer into."""

    codes: widgets.HTML
    total: widgets.HTML
    cost: widgets.HTML
    claim_table: widgets.HTML
    reasons_table: widgets.HTML
    bundled: widgets.HTML
    warnings: widgets.HTML
    checklist: widgets.HTML
    alternatives_table: widgets.HTML
    assumptions: widgets.HTML
    figure: go.FigureWidget
    details: widgets.Tab = field(default_factory=widgets.Tab)

    def stale_marked(self) -> list[widgets.Widget]:
        """What is greyed while the controls describe a claim that cannot be made."""
        return [self.codes, self.total, self.cost, self.claim_table, self.details, self.figure]

    def show(self, page: ProtocolPage) -> None:
        """Write a page, the number first: the total, the codes and the claim, then what the
        patient pays and the details. Each widget is one message, handled by the page in order,
        so every table written before the total delayed it (the claim's table did, issue 15);
        the rest follow within the same handler. The chart's message leaves after the handler
        (``update_figure``)."""
        self.total.value = page.total
        self.codes.value = page.codes
        self.claim_table.value = page.claim_table
        self.cost.value = page.cost
        self.alternatives_table.value = page.alternatives_table
        self.reasons_table.value = page.reasons_table
        self.bundled.value = page.bundled
        self.warnings.value = page.warnings
        self.checklist.value = page.checklist
        self.assumptions.value = page.assumptions
        update_figure(self.figure, page.chart)

    def build_details(self, more: list[widgets.Widget]) -> widgets.Tab:
        """The details, folded into tabs under the answer."""
        tab = self.details
        tab.children = [
            scrolling(self.alternatives_table),
            widgets.VBox([scrolling(self.reasons_table), scrolling(self.bundled),
                          widgets.HTML(STYLE + note("Warnings:")), self.warnings]),
            widgets.VBox([widgets.HTML(STYLE + note(
                "What the operative note must show for these lines:")), self.checklist]),
            widgets.VBox([self.assumptions, *more]),
        ]
        tab.titles = DETAIL_TITLES
        tab.selected_index = 0
        tab.add_class("fc-details")
        return tab


def build_outputs(page: ProtocolPage | None) -> ProtocolOutputs:
    """Empty outputs and the alternatives chart drawn for ``page`` (None: no claim yet)."""
    spec = (page.chart if page is not None
            else figures.protocol_alternatives_spec(alternatives_frame_empty(), "No claim"))
    return ProtocolOutputs(
        codes=widgets.HTML(), total=widgets.HTML(), cost=widgets.HTML(),
        claim_table=widgets.HTML(), reasons_table=widgets.HTML(), bundled=widgets.HTML(),
        warnings=widgets.HTML(), checklist=widgets.HTML(), alternatives_table=widgets.HTML(),
        assumptions=widgets.HTML(),
        figure=figure_widget(spec))
