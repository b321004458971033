"""The printable protocol card: one self-contained HTML page for a practice's billing staff.

Generated from the same rules (``data/protocol/rules.yaml``) and data (catalog, CMS RVUs,
conversion factor) as the engine, never written by hand: the decision table, every protocol,
fallback and mastectomy code with its RVUs and national amounts for the chosen year, the
documentation checklist, the AMA notice, the sources and the data vintage. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from . import datapkg
from .catalog import AMA_NOTICE, load_catalog
from .claims import PricingContext
from .errors import InputError
from .fees import fee_schedule
from .fileio import confirm_written, writable, write_atomically
from .labels import describe_when, field_label
from .present.formatting import fmt_money
from .present.protocol_tables import line_codes
from .protocol import Procedure, Rule, Ruleset, default_diagnoses, default_rules, recommend

CARD_ROLES = ("protocol", "protocol_add_on", "fallback")
CARD_FAMILIES_ALSO = ("mastectomy",)


@dataclass(frozen=True)
class CardCode:
    """One code row of the card: its RVUs and national amounts (None where not priced)."""

    code: str
    family: str
    role: str
    description: str
    size_band: str
    status: str
    work_rvu: float
    fac_pe_rvu: float
    nonfac_pe_rvu: float
    mp_rvu: float
    global_days: str
    bilat_surg: str
    facility_amount: float | None
    office_amount: float | None


def _band(info_min: float | None, info_max: float | None, step: float | None, unit: str) -> str:
    unit = {"sq_cm": "sq cm", "cm": "cm", "cc": "cc"}.get(unit, unit)
    if info_min is None:
        return ""
    if step:
        return f"each further {step:g} {unit} past {info_min:g}"
    if info_max is None:
        return f"over {info_min:g} {unit}"
    return f"over {info_min:g} to {info_max:g} {unit}" if info_min else f"up to {info_max:g} {unit}"


def _assumption_note(rule: Rule) -> str:
    """How the workbook lets a user change an UNCONFIRMED rule, in its on-screen words."""
    if rule.choice:
        return f"chosen under '{field_label(rule.choice)}'"
    return "can be switched off under 'More pricing options and assumptions'"


def card_codes(year: int) -> tuple[dt.date, list[CardCode]]:
    """The card's codes with RVUs and national facility/office amounts for a year."""
    cat = load_catalog()
    on = cat.date_for_year(year)
    codes = [c for c in cat.codes.index
             if cat.codes.loc[c, "role"] in CARD_ROLES or cat.codes.loc[c, "family"] in CARD_FAMILIES_ALSO]
    fac = fee_schedule(codes, on, "facility").set_index("code")
    off = fee_schedule(codes, on, "office").set_index("code")
    rows = []
    for c in codes:
        info = cat.info(c)
        f, o = fac.loc[c], off.loc[c]
        rows.append(CardCode(
            code=c, family=info.family, role=info.role, description=info.description,
            size_band=_band(info.size_min, info.size_max, info.size_step, info.size_unit),
            status=str(f["status"]), work_rvu=float(f["work_rvu"]), fac_pe_rvu=float(f["fac_pe_rvu"]),
            nonfac_pe_rvu=float(f["nonfac_pe_rvu"]), mp_rvu=float(f["mp_rvu"]),
            global_days=str(f["glob_days"]), bilat_surg=str(f["bilat_surg"]),
            facility_amount=None if f["price"] != f["price"] else float(f["price"]),
            office_amount=None if o["price"] != o["price"] else float(o["price"]),
        ))
    return on, rows


EXAMPLES_DIR = Path(__file__).parents[1] / "data" / "protocol" / "examples"


@dataclass(frozen=True)
class ExampleRow:
    """One worked example (``data/protocol/examples``) priced on the card's date."""

    title: str
    on: dt.date
    lines: tuple[str, ...]
    diagnoses: tuple[str, ...]  # per line: its ICD-10-CM codes
    total: float


def example_rows(year: int | None = None) -> list[ExampleRow]:
    """The worked examples re-priced on the card's date by the engine (same rules, same data)."""
    import yaml

    cat = load_catalog()
    on = cat.date_for_year(cat.default_year() if year is None else int(year))
    rows = []
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        rest = {k: v for k, v in doc["context"].items() if k != "date"}
        r = recommend(Procedure(**doc["procedure"]), PricingContext(on, **rest), catalog=cat,
                      alternatives=False)
        pairs = line_codes(r)
        rows.append(ExampleRow(str(doc["title"]), on, tuple(x for x, _ in pairs),
                               tuple(dx for _, dx in pairs), r.total))
    return rows


def _example_table(year: int) -> list[str]:
    e = escape
    out = ['<table id="examples"><tr><th>Worked example</th><th>Claim lines (ICD-10-CM)</th>'
           "<th>Total</th></tr>"]
    for x in example_rows(year):
        cells = "<br>".join(f"{e(ln)} ({e(dx)})" for ln, dx in zip(x.lines, x.diagnoses,
                                                                  strict=True))
        out.append(f"<tr><td>{e(x.title)}</td><td>{cells}</td>"
                   f'<td class="num">{e(fmt_money(x.total))}</td></tr>')
    notes = [f"{d.code} ({d.label}): UNCONFIRMED, chosen under '{field_label(d.choice)}'. "
             f"{d.source}" for d in default_diagnoses().rules if d.unconfirmed and d.choice]
    return [*out, "</table>", *(f'<p class="small assumption">{e(n)}</p>' for n in notes)]


def _decision_rows(rules: Ruleset, on: dt.date) -> list[str]:
    """One row per rule in force: its conditions in plain words, its title, its risk."""
    e = escape
    out = []
    for r in rules.rules:
        if not r.in_force(on):
            continue
        risk = r.risk.level if r.risk else ""
        flag = (" (assumption: " + e(_assumption_note(r)) + ")") if r.assumption else ""
        cls = ' class="assumption"' if r.assumption else ""
        out.append(f'<tr{cls} data-rule="{e(r.id)}"><td>{e(describe_when(r))}</td>'
                   f'<td>{e(r.title)}{flag} <span class="rid">[{e(r.id)}]</span></td>'
                   f"<td>{e(risk)}</td></tr>")
    return out


def _codes_table(codes: list[CardCode]) -> list[str]:
    """The codes with their RVUs and national amounts (one row per code)."""
    e = escape
    out = [
        '<table id="codes"><colgroup><col style="width:7%"><col style="width:33%">'
        '<col style="width:13%"><col span="4" style="width:6%"><col span="2" style="width:5%">'
        '<col span="2" style="width:8%"></colgroup>'
        "<tr><th>Code</th><th>What it is (our words)</th><th>Size band</th>"
        "<th>Work</th><th>PE fac</th><th>PE office</th><th>MP</th><th>Global</th><th>Bilat</th>"
        "<th>Facility</th><th>Office</th></tr>"]
    for c in codes:
        plus = "+" if c.role == "protocol_add_on" else ""
        out.append(
            f'<tr data-code="{e(c.code)}"><td class="code">{plus}{e(c.code)}</td>'
            f"<td>{e(c.description)}</td><td>{e(c.size_band)}</td>"
            f'<td class="num">{c.work_rvu:.2f}</td><td class="num">{c.fac_pe_rvu:.2f}</td>'
            f'<td class="num">{c.nonfac_pe_rvu:.2f}</td><td class="num">{c.mp_rvu:.2f}</td>'
            f"<td>{e(c.global_days)}</td><td>{e(c.bilat_surg)}</td>"
            f'<td class="num amount-facility">{e(_money(c.facility_amount, _not_priced(c)))}</td>'
            f'<td class="num amount-office">{e(_money(c.office_amount, _not_priced(c)))}</td></tr>'
        )
    return out


def _money(v: float | None, why: str) -> str:
    return f"${v:,.2f}" if v is not None else why


def _not_priced(c: CardCode) -> str:
    if c.status == "C":
        return "carrier priced"
    if c.status != "A":
        return f"status {c.status}"
    return "NA"


_CSS = """
@page { size: letter landscape; margin: 6mm; }
body { font: 6pt/1.12 system-ui, Arial, sans-serif; color: #000; margin: 0; }
h1 { font-size: 11pt; margin: 0 0 1pt; } h2 { font-size: 8pt; margin: 3pt 0 1pt; }
.grid { display: grid; grid-template-columns: 45fr 55fr; column-gap: 8pt; }
.grid > div { min-width: 0; } #sources li { overflow-wrap: anywhere; } .rid { color: #444; font-size: 5.2pt; }
#codes { table-layout: fixed; } #codes td.num { white-space: normal; }
p { margin: 2pt 0; } table { border-collapse: collapse; width: 100%; }
th, td { border: 0.4pt solid #777; padding: 0.3pt 2pt; vertical-align: top; text-align: left; }
th { background: #eee; } td.num { text-align: right; white-space: nowrap; }
.assumption { font-style: italic; } .small { font-size: 5pt; line-height: 1.05; }
ul { margin: 1pt 0 1pt 14pt; padding: 0; } @media print { a { color: #000; text-decoration: none; } }
"""


def render_card(year: int | None = None, rules: Ruleset | None = None) -> str:
    """The card as one self-contained HTML page (inline CSS, no scripts, no external files)."""
    cat = load_catalog()
    year = cat.default_year() if year is None else int(year)
    if year not in cat.years():
        raise InputError("year", f"{year} is not held (years: {', '.join(map(str, cat.years()))})")
    rules = rules or default_rules()
    on, codes = card_codes(year)
    rel = cat.release_on(on)
    cf = cat.conversion_factor(on)
    e = escape
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Aesthetic flat closure coding protocol card, {year}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Aesthetic flat closure (AFC): coding protocol card, {year}</h1>",
        f'<p>Medicare physician fee schedule, national amounts (all GPCIs 1), release '
        f'<span id="release">{e(rel.release_id)}</span> ({e(rel.label)}), in force from '
        f'<span id="date">{on.isoformat()}</span>; conversion factor '
        f'<span id="cf">{cf:.4f}</span>. Generated by flatclosure from its rules and data; '
        f'a guide for billing staff, not coding or legal advice. Rows in <i>italics</i> are UNCONFIRMED '
        f'assumptions.</p>',
        '<div class="grid"><div>',
        "<h2>Decision table</h2>",
        '<table id="decisions"><tr><th>When</th><th>Then (rule)</th><th>Risk</th></tr>',
    ]
    out += _decision_rows(rules, on)
    sources = [f"<li>{e(k)}: {e(v)}</li>" for k, v in rules.sources.items()]
    for name in ("cms-rvus", "cms-conversion-factors", "catalog-codes", "protocol-rules",
                 "protocol-ncci-pairs", "protocol-diagnoses"):
        res = datapkg.resource(name)
        sources.append(f'<li data-resource="{e(name)}">{e(res.title)}: vintage {e(res.vintage)}; '
                       f"effective {e(res.effective)}</li>")
    out += ["</table>", "<h2>Sources and data vintage</h2>", '<ul id="sources" class="small">',
            *sources, "</ul>", f'<p id="ama-notice" class="small">{e(AMA_NOTICE)}</p>',
            "</div><div>",
            "<h2>Codes, RVUs and national amounts</h2>",
            *_codes_table(codes)]
    comparator = e(str(rules.settings["unlisted_comparator"]))
    docs = list(dict.fromkeys(x for r in rules.rules if r.in_force(on)
                              for x in (r.then.get("document") or [])))
    out += [
        "</table>",
        f'<p class="small">Add-on codes (+) are billed only with their primary and are never '
        f"reduced; the highest-priced procedure is paid 100%, the next ones 50%. 19499 is priced "
        f"by the payer from the records (the workbook values it like {comparator}). Inside a "
        f"global period, 78 pays the intra-operative share only.</p>",
        "<h2>Worked examples, national, facility (claim lines with their diagnoses)</h2>",
        *_example_table(year),
        "<h2>Documentation checklist</h2>", '<ul id="checklist">',
        *[f"<li>{e(x)}</li>" for x in docs],
        "</ul></div></div></body></html>",
    ]
    return "\n".join(out) + "\n"


def write_card(out: Path | str, year: int | None = None) -> Path:
    """Write the card's HTML; with a .pdf name, print it to PDF with headless Chromium."""
    path = writable(out, "out")
    html = render_card(year)
    if path.suffix.lower() != ".pdf":
        return write_atomically(path, html, "out")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise InputError("out", "PDF needs Chromium on the PATH; write .html and print it instead")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "card.html"
        src.write_text(html, encoding="utf-8")
        subprocess.run(  # noqa: S603 - fixed argument list, no shell
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--print-to-pdf={path.resolve()}", src.as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    return confirm_written(path, "out")
