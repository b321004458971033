"""Notebook 05's view: describe the surgery, choose the plan type, see which law applies and what
the patient pays, and download the prior-authorization and appeal letters.

Thin: the surgery controls are notebook 00's (``surgery_panel``), the claim is the protocol's,
and everything shown comes from ``flatclosure.coverage``. Letters are browser downloads (data:
URLs); nothing is written on the server and nothing about the patient is kept.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ipywidgets as widgets

from ..catalog import Catalog, load_catalog
from ..coverage import (
    DISCLAIMER,
    PLAN_TYPES,
    PROVIDERS,
    CoverageClaim,
    Letter,
    appeal_steps,
    build_letter,
    claim_from_protocol,
    coverage_basis,
    denial_reasons,
    medicare_patient_cost,
    plan_patient_cost,
    render,
)
from ..coverage.claim import diagnosis_choices, suggested_diagnoses
from ..coverage.tables import bound, laws_naming_flat_closure
from ..errors import FlatclosureError
from ..present.formatting import fmt_money
from .common import CONTROL_STYLE, FOOTER_RESOURCES, STYLE, ErrorPanel, labelled, note
from .glossary import terms_line
from .surgery import SurgeryPanel, surgery_panel
from .urlstate import UrlState

MEDIA = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".html": "text/html", ".pdf": "application/pdf"}
RESOURCES = (*FOOTER_RESOURCES, "coverage-basis", "coverage-authorities", "coverage-appeal-steps",
             "coverage-part-b-deductible", "coverage-medicare-cost-rules",
             "coverage-sequestration", "protocol-diagnoses")


# the glossary terms the page uses (hover help under the plan), and the surgery's controls a
# link carries (those the page shows)
TERMS = ("WHCRA", "AFC", "CPT", "ICD-10-CM", "modifier", "facility", "PFS", "UNCONFIRMED")
SURGERY_LINKED = ("year", "setting", "claim", "sides", "tissue_rearrangement", "area", "length")


def _wide() -> widgets.Layout:
    """A fresh layout per control: a shared one would hide every control that shares it."""
    return widgets.Layout(width="600px")


def which_law_html(plan: str) -> str:
    """The 'which law applies to me' panel of a plan type, in plain words, with sources."""
    b = coverage_basis(plan)
    e = html.escape
    law = "".join(f"<li><b>{e(a.cite)}</b> ({e(a.confidence)}): {e(a.plain)}</li>"
                  for a in b.authorities)
    named = "".join(f"<li><b>{e(a.cite)}</b> ({e(a.status)}; {e(a.confidence)}): {e(a.plain)}</li>"
                    for a in laws_naming_flat_closure())
    steps = "".join(f"<li>{e(s.said)} ({e(s.authority.cite)}; {e(s.confidence)})</li>"
                    for s in appeal_steps(plan, "appeal"))
    return (f'{STYLE}<div class="fc-law"><h4>Which law applies: {e(b.label)}</h4>'
            f"<p><b>You have this if:</b> {e(b.who)}</p><p><b>What it requires:</b> "
            f"{e(b.requires)}</p><p><b>What it does not settle:</b> {e(b.not_settled)}</p>"
            f"<p><b>Notice:</b> {e(b.notice)}</p>"
            f"<details><summary><b>The law and its sources</b></summary><ul>{law}</ul></details>"
            f"<details><summary><b>Appeal deadlines</b></summary><ul>{steps}</ul></details>"
            f"<details><summary><b>Laws and bills that name flat closure or the chest wall</b>"
            f"</summary><ul>{named}</ul></details></div>"
            + note("Information, not legal advice. UNCONFIRMED marks what no source settled."))


def cost_rows(claim: CoverageClaim, plan: str, provider: str, deductible_met: float,
              other: tuple[float, float, float]) -> tuple[list[tuple[str, float]], str]:
    """(what, amount) rows of the patient's cost and a line saying where the figures come from."""
    if plan == "medicare":
        c = medicare_patient_cost(claim.total, claim.on, provider, deductible_met)
        where = "; ".join(f.source_line() for f in c.figures)
        return c.rows(), f"Original Medicare Part B, {PROVIDERS[provider]}. Sources: {where}"
    p = plan_patient_cost(claim.total, *other)
    return p.rows(), ("Your plan's deductible, coinsurance and out-of-pocket maximum as you "
                      "entered them; the allowed amount shown is Medicare's times the payer "
                      f"multiplier ({claim.payer_multiplier:g}), your plan's own may differ.")


def cost_html(rows: list[tuple[str, float]], where: str) -> str:
    body = "".join(f'<tr><td>{html.escape(w)}</td><td class="num">{fmt_money(a)}</td></tr>'
                   for w, a in rows)
    return (f'{STYLE}<table class="fc-table fc-cost"><caption>What the patient pays</caption>'
            f"<tbody>{body}</tbody></table>" + note(where))


def medicare_cost_html(allowed: float, on: Any, provider: str = "participating",
                       deductible_met: float = 0.0) -> str:
    """The patient's cost of a claim under Original Medicare as a small table, to show beside
    an allowed amount (notebooks 02 and 03)."""
    c = medicare_patient_cost(allowed, on, provider, deductible_met)
    return cost_html(c.rows(), f"Original Medicare Part B, {PROVIDERS[provider]}; "
                     f"{fmt_money(deductible_met)} of the {c.on.year} deductible already paid. "
                     "Sources: " + "; ".join(f.source_line() for f in c.figures))


def download_link(letter: Letter, suffix: str, data: bytes | None = None) -> str:
    """An <a download> with the file inside a data: URL (no server path, nothing stored)."""
    payload = base64.b64encode(render(letter, suffix) if data is None else data).decode("ascii")
    name = f"{letter.filename}{suffix}"
    return (f'<a class="fc-download" download="{html.escape(name)}" '
            f'href="data:{MEDIA[suffix]};base64,{payload}">{html.escape(name)}</a>')


@lru_cache(maxsize=8)
def letter_downloads(letter: Letter) -> str:
    """The letter's Word and HTML downloads. A letter met again (a cost field changed, the plan
    changed back) is not written again: its Word file takes ~0.1 s, the kernel busy after the
    page's figures were sent (issue 15)."""
    return (f"{STYLE}<div class=\"fc-downloads\">Download the letter: "
            f"{download_link(letter, '.docx')} (Word, editable) · "
            f"{download_link(letter, '.html')}</div>" + note(DISCLAIMER))


@dataclass
class CoverageView:
    """Notebook 05's controls and outputs; ``claim`` and ``letter`` are the last ones shown."""

    surgery: SurgeryPanel
    controls: dict[str, widgets.Widget]
    law: widgets.HTML
    cost: widgets.HTML
    downloads: widgets.HTML
    pdf_button: widgets.Button
    pdf_link: widgets.HTML
    errors: ErrorPanel
    widget: widgets.VBox
    claim: CoverageClaim | None = None
    letter: Letter | None = None
    resources: tuple[str, ...] = RESOURCES
    rows: list[tuple[str, float]] = field(default_factory=list)
    url: UrlState | None = None

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __getattr__(self, name: str) -> Any:  # view.plan, view.reason, ... are the controls
        controls = self.__dict__.get("controls", {})
        if name in controls:
            return controls[name]
        raise AttributeError(name)

    def reset_diagnoses(self, *_: Any) -> None:
        picked = suggested_diagnoses(self.surgery.result)
        self.controls["diagnoses"].value = tuple(c for c in picked if c in diagnosis_choices())

    def refresh(self, *_: Any) -> None:
        c = {k: w.value for k, w in self.controls.items()}
        medicare = c["plan"] == "medicare"
        for name in ("provider", "deductible_met"):
            self.controls[name].layout.display = None if medicare else "none"
        for name in ("deductible_remaining", "coinsurance", "oop_remaining"):
            self.controls[name].layout.display = "none" if medicare else None
        self.controls["reason"].disabled = c["kind"] != "appeal"
        self.pdf_link.value = ""
        self.law.value = which_law_html(c["plan"])
        with self.errors.catching():
            if self.surgery.result is None:
                raise FlatclosureError("describe a surgery the protocol can code (see above)")
            self.claim = claim_from_protocol(self.surgery.result, c["diagnoses"])
            self.rows, where = cost_rows(
                self.claim, c["plan"], c["provider"], c["deductible_met"],
                (c["deductible_remaining"], c["coinsurance"], c["oop_remaining"]))
            self.cost.value = cost_html(self.rows, where)
            self.letter = build_letter(c["kind"], self.claim, c["plan"],
                                       c["reason"] if c["kind"] == "appeal" else None)
            self.downloads.value = letter_downloads(self.letter)
        if self.errors.showing:
            self.claim = self.letter = None
            self.cost.value = self.downloads.value = ""

    def make_pdf(self, *_: Any) -> None:
        """Print the current letter to PDF (Chromium) and offer it as a download."""
        if self.letter is None:
            return
        with self.errors.catching():
            self.pdf_link.value = f"{STYLE}PDF: {download_link(self.letter, '.pdf')}"


def _number(name: str, text: str, step: float) -> widgets.BoundedFloatText:
    """A bounded number box (bounds from cost_share_bounds.csv); its long label keeps its own
    width so it is never cut short."""
    b = bound(name)
    return widgets.BoundedFloatText(value=b.default, min=b.minimum, max=b.maximum, step=step,
                                    description=text, style={"description_width": "initial"},
                                    layout=widgets.Layout(width="460px"))


def _controls(plan: str) -> dict[str, widgets.Widget]:
    return {
        "plan": widgets.Dropdown(options=[(coverage_basis(p).label, p) for p in PLAN_TYPES],
                                 value=plan, description="Plan type", style=CONTROL_STYLE,
                                 layout=_wide()),
        "provider": widgets.Dropdown(options=[(t, k) for k, t in PROVIDERS.items()],
                                     value="participating", description="The surgeon is a",
                                     style=CONTROL_STYLE, layout=_wide()),
        "deductible_met": _number("medicare_deductible_met_usd",
                                  "Part B deductible already paid this year ($)", 10),
        "deductible_remaining": _number("deductible_remaining_usd",
                                        "Plan deductible still to pay ($)", 50),
        "coinsurance": _number("coinsurance_share", "Coinsurance (share, 0.2 = 20%)", 0.05),
        "oop_remaining": _number("out_of_pocket_remaining_usd",
                                 "Out-of-pocket maximum still to reach ($)", 100),
        "diagnoses": widgets.SelectMultiple(
            options=[(f"{c} {t}", c) for c, t in diagnosis_choices().items()], value=(),
            description="Diagnoses", rows=8, style=CONTROL_STYLE,
            layout=widgets.Layout(width="760px")),
        "kind": widgets.ToggleButtons(options=[("prior authorization", "prior-auth"),
                                               ("appeal of a denial", "appeal")],
                                      value="prior-auth", style={"button_width": "170px"}),
        "reason": widgets.Dropdown(options=[(label, k) for k, label in denial_reasons().items()],
                                   value="cosmetic", description="Denied because",
                                   style=CONTROL_STYLE, layout=_wide()),
    }


def url_state(view: CoverageView, query: str) -> UrlState:
    """The page's link: the surgery's shown controls and the plan's, the diagnoses aside (they
    follow the surgery); a link's values are set in one batch of the surgery's binding."""
    shown = {k: w for k, w in view.surgery.controls().items() if k in SURGERY_LINKED}
    plan = {k: w for k, w in view.controls.items() if k != "diagnoses"}
    state = UrlState({**shown, **plan}, view.surgery.binding)
    if query:
        state.apply(query)
    return state


def coverage_view(year: int | None = None, plan: str = "employer",
                  catalog: Catalog | None = None, query: str = "") -> CoverageView:
    """Build notebook 05's view (year of surgery: the catalog's default; plan type employer).

    ``query`` is the page's query string (``urlstate.page_query()`` in the app)."""
    cat = catalog or load_catalog()
    surgery = surgery_panel(year, cat)
    view = CoverageView(
        surgery=surgery, controls=_controls(plan), law=widgets.HTML(), cost=widgets.HTML(),
        downloads=widgets.HTML(), pdf_button=widgets.Button(description="Make a PDF of it",
                                                            icon="file-pdf"),
        pdf_link=widgets.HTML(), errors=ErrorPanel(), widget=widgets.VBox())
    view.pdf_button.add_class("fc-pdf-button")
    c = view.controls
    s = surgery
    view.widget.children = [
        widgets.HTML(note("1. The surgery (as in notebook 00; 02 shows every attribute)")),
        widgets.VBox([s.year, labelled("Setting", s.setting), s.claim, labelled("Sides", s.sides),
                      labelled("Tissue rearranged?", s.tissue_rearrangement), s.area, s.length]),
        s.errors.widget, s.codes, s.total,
        widgets.HTML(note("2. The plan and the diagnoses (pick what the record supports)")),
        c["plan"], widgets.HTML(terms_line(TERMS)), c["diagnoses"], view.law,
        widgets.HTML(note("3. What the patient pays")),
        c["provider"], c["deductible_met"], c["deductible_remaining"], c["coinsurance"],
        c["oop_remaining"], view.errors.widget, view.cost,
        widgets.HTML(note("4. The letter")), labelled("Letter", c["kind"]), c["reason"],
        view.downloads, widgets.HBox([view.pdf_button, view.pdf_link]),
    ]
    view.url = url_state(view, query)
    view.widget.children = (view.url.widget, *view.widget.children)
    view.reset_diagnoses()
    view.refresh()
    for w in (s.claim, s.sides):
        w.observe(view.reset_diagnoses, names="value")
    for w in (s.year, s.setting, s.claim, s.sides, s.tissue_rearrangement, s.area, s.length,
              *c.values()):
        w.observe(view.refresh, names="value")
    view.pdf_button.on_click(view.make_pdf)
    return view
