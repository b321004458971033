"""Notebook 02's page: the facts in numbered groups, when/where, then the answer (codes, allowed
total, what the patient pays, the claim) and the details folded into tabs; the card last."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as widgets

from ..labels import FIELD_LABELS
from ..present.protocol_tables import plain_source
from ..protocol import assumption_switches, procedure_facts
from .common import STYLE, heading, labelled, note, scrolling
from .glossary import GLOSSARY_STYLE, term, terms_line
from .protocol_controls import GROUPS, TERMS, VIEW_LABELS

if TYPE_CHECKING:
    from .protocol_view import ProtocolView

L = FIELD_LABELS
COLUMN = "595px"
# hover help beside the groups whose words need it
GROUP_HELP = {
    "closure": ("a closure is coded as a tissue transfer or a repair ({cpt}); the second side of a "
                "per-defect code follows its {bilateral}"),
    "revision": ("inside the {global_days} of the earlier surgery the claim needs {modifier} 58, 78 "
                 "or 79"),
    "diagnosis": "each claim line carries its {icd} codes",
    "coding": ("a second code on the same session meets the {ncci} pair edits; {status_c} codes "
               "(the {unlisted}) are priced by the payer"),
}


def _help(group: str) -> list[widgets.Widget]:
    if group not in GROUP_HELP:
        return []
    text = GROUP_HELP[group].format(
        cpt=term("CPT"), bilateral=term("bilateral indicator"), global_days=term("global days"),
        modifier=term("modifier"), icd=term("ICD-10-CM"), ncci=term("NCCI"),
        status_c=term("status C"), unlisted=term("unlisted code", "unlisted code 19499"))
    return [widgets.HTML(f'{STYLE}{GLOSSARY_STYLE}<div class="fc-note">{text[0].upper()}'
                         f"{text[1:]}.</div>")]


def _placed(name: str, control: widgets.Widget) -> widgets.Widget:
    """A control with its label beside it (toggles), or its own description (the others)."""
    if isinstance(control, widgets.ToggleButtons):
        return labelled(VIEW_LABELS.get(name) or L.get(name, name), control)
    return control


def _fact_columns(c: dict[str, widgets.Widget]) -> list[widgets.Widget]:
    boxes = []
    for group, title in GROUPS:
        names = [n for n, f in procedure_facts().items() if f.group == group and n in c]
        extra = [_placed("prior_surgery", c["prior_surgery"])] if group == "revision" else []
        boxes.append(widgets.VBox(
            [heading(title), *_help(group), *extra, *(_placed(n, c[n]) for n in names)],
            layout=widgets.Layout(width=COLUMN, margin="0 12px 0 0")))
    return boxes


def _more_box(view: ProtocolView) -> widgets.Accordion:
    c = view.controls
    switches = [s for s in assumption_switches() if s["kind"] == "switch"]
    switch_rows = [widgets.HBox([c[s["name"]], widgets.HTML(
        STYLE + note(f"{s['title']} (UNCONFIRMED; switch off to price without it). "
                     f"Source: {plain_source(s['source'])}"))]) for s in switches]
    choices = [s for s in assumption_switches() if s["kind"] == "choice"]
    more = widgets.VBox([
        c["modifier_22_percent"], labelled(L["qualifying_apm"], c["qualifying_apm"]),
        widgets.HTML(f"{GLOSSARY_STYLE}<h4 style='margin:14px 0 4px'>Assumptions you can switch "
                     f"({term('UNCONFIRMED')}: no source settles them)</h4>"),
        *switch_rows,
        widgets.HTML(STYLE + "".join(note(f"{s['title']}: a choice, made above "
                                          f"('{L.get(s['name'], s['name'])}').") for s in choices)),
    ])
    accordion = widgets.Accordion(children=[more], titles=("More pricing options and assumptions",))
    accordion.add_class("fc-more")
    return accordion


def _cost_box(view: ProtocolView) -> widgets.VBox:
    c = view.controls
    return widgets.VBox([
        widgets.HTML(STYLE + note("What the patient would pay under Original Medicare for this "
                                  "claim (other plans: notebook 05).", "fc-note fc-cost-lead")),
        widgets.HBox([c["provider"], c["deductible_met"]],
                     layout=widgets.Layout(flex_flow="row wrap")),
        view.out.cost])


def _card_box(view: ProtocolView) -> list[widgets.Widget]:
    view.card_button.add_class("fc-card-button")
    return [
        heading("The printable protocol card"),
        widgets.HTML(STYLE + note("One page for a practice's billing staff: the decision table, the "
                                  "codes with their RVUs and national amounts for the year shown, "
                                  "the worked examples with their diagnoses, the documentation "
                                  "checklist, sources and the data vintage. A guide, not coding "
                                  "or legal advice.")),
        view.card_button, view.card_errors.widget, view.card_output]


def layout(view: ProtocolView) -> None:
    """Place the controls and outputs: the answer right under the messages."""
    c, out = view.controls, view.out
    view.locality.combobox.layout.width = "575px"
    when = widgets.VBox([
        heading("7. When, where, which payer"), widgets.HBox([c["year"], c["exact_date"]]),
        labelled(L["setting"], c["setting"]), view.locality.widget, c["payer_multiplier"]],
        layout=widgets.Layout(width=COLUMN, margin="0 12px 0 0"))
    view.widget.children = [
        widgets.HBox([*_fact_columns(c), when], layout=widgets.Layout(flex_flow="row wrap")),
        _more_box(view), widgets.HTML(terms_line(TERMS)), view.url.widget, view.errors.widget,
        heading("The answer"), out.codes, out.total, _cost_box(view), scrolling(out.claim_table),
        heading("Details"), out.build_details([]), out.figure, *_card_box(view),
    ]
