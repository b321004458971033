"""Exports of a scenario comparison: CSV, Excel, and a self-contained HTML report.

The HTML report carries its figures (interactive, plotly.js inlined), its tables, the data
vintage and sources, the AMA notice, and marks every illustrative value. Every file is written
whole or not at all (``fileio.write_atomically``).

Outputs escape by construction: user text in HTML goes through ``html.escape``; JSON inside the
report's scripts through ``script_json`` (``<``, ``>``, ``&``, U+2028 and U+2029 as \\u escapes, so
a title cannot close the script); and every text cell of a CSV or Excel export that a spreadsheet
would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed with an
apostrophe (``neutralise``; OWASP "CSV Injection").
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from plotly.offline import get_plotlyjs

from .. import datapkg
from ..catalog import AMA_NOTICE, load_catalog
from ..figures import scenario_bars_spec, scenario_gap_spec, scenario_trend_spec
from ..figures.style import page_layout
from ..fileio import write_atomically
from ..present.formatting import fmt_money, missing
from ..scenarios import Scenario

ILLUSTRATIVE_MARK = "*"
EXPORT_COLUMNS = ["scenario", "title", "group", "year", "date", "locality", "locality_name", "setting",
                  "payer_multiplier", "total", "baseline", "difference", "difference_pct",
                  "conversion_factor", "release_id", "illustrative", "unavailable", "notes"]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                   "\u2029": "\\u2029"}


def script_json(value: object) -> str:
    """JSON that is safe inside an HTML <script>: no character of it can end the script."""
    text = json.dumps(value, default=str)
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return text


def neutral_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, as plain text ('=1+1 -> \'=1+1)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell and column name made inert for CSV and Excel."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutral_cell).astype(object)
    out.columns = [neutral_cell(c) for c in out.columns]
    return out


def export_table(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison with the export columns that exist, in a fixed order."""
    return table[[c for c in EXPORT_COLUMNS if c in table.columns]]


def csv_bytes(table: pd.DataFrame) -> bytes:
    return neutralise(export_table(table)).to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    return write_atomically(Path(path), csv_bytes(table), "CSV file")


def vintage_table(table: pd.DataFrame) -> pd.DataFrame:
    """The releases behind the figures of a comparison, with their dates and origin."""
    cat = load_catalog()
    used = sorted(set(table["release_id"]))
    rel = cat.releases[cat.releases["release_id"].isin(used)]
    return rel[["release_id", "label", "effective_from", "effective_to", "source_file", "origin",
                "note"]].reset_index(drop=True)


def sources_table() -> pd.DataFrame:
    rows = []
    for name in datapkg.resource_names():
        res = datapkg.resource(name)
        for src in res.sources:
            rows.append({"table": name, "title": res.title, "vintage": res.vintage,
                         "effective": res.effective, "source": src.get("title", ""),
                         "where": src.get("path", ""), "illustrative": res.illustrative})
    return pd.DataFrame(rows)


def scenarios_table(scenarios: Sequence[Scenario]) -> pd.DataFrame:
    return pd.DataFrame([{
        "scenario": s.name, "title": s.title, "description": s.description,
        "reference": s.reference, "claim": " ".join(s.lines) or "(coded by the protocol)",
        "illustrative": "; ".join(s.illustrative),
    } for s in scenarios])


def xlsx_bytes(table: pd.DataFrame, scenarios: Sequence[Scenario]) -> bytes:
    """The Excel workbook: comparison, scenarios, data vintage, sources, notice; no formulas."""
    buf = io.BytesIO()
    sheets = {"comparison": export_table(table), "scenarios": scenarios_table(scenarios),
              "data vintage": vintage_table(table), "sources": sources_table(),
              "notice": pd.DataFrame({"notice": [
                  AMA_NOTICE, f"Rows marked illustrative use assumed values ({ILLUSTRATIVE_MARK})."]})}
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            neutralise(frame).to_excel(xl, sheet_name=name, index=False)
    return buf.getvalue()


def write_xlsx(table: pd.DataFrame, scenarios: Sequence[Scenario], path: Path) -> Path:
    return write_atomically(Path(path), xlsx_bytes(table, scenarios), "Excel file")


def _cell(value: object, money: bool = False) -> str:
    """A table cell: n/a where there is no figure (the report lists why), money as fmt_money."""
    if missing(value):
        return "n/a"
    if money:
        return fmt_money(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return html.escape(str(value))


def _html_table(frame: pd.DataFrame, css: str, money: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for rec in frame.to_dict(orient="records"):
        cells = []
        for c in frame.columns:
            text = _cell(rec[c], money=c in money)
            cells.append(f'<td data-col="{html.escape(str(c))}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def comparison_html(table: pd.DataFrame) -> str:
    """The comparison as an HTML table a reader (or a test) can read back."""
    t = export_table(table).copy()
    t["title"] = [f"{title} {ILLUSTRATIVE_MARK}" if ill else title
                  for title, ill in zip(t["title"], t["illustrative"], strict=True)]
    cols = [c for c in ("scenario", "title", "year", "locality", "total", "difference",
                        "difference_pct", "conversion_factor", "release_id") if c in t.columns]
    missing = t[t["unavailable"] != ""]
    reasons = "".join(
        f"<li>{html.escape(str(r.scenario))}, {r.year}, {html.escape(str(r.locality))}: "
        f"{html.escape(str(r.unavailable))}</li>" for r in missing.itertuples())
    notes = f'<p>n/a: no figure can be had for these:</p><ul class="unavailable">{reasons}</ul>' \
        if reasons else ""
    return _html_table(t[cols], "comparison", money=("total", "difference")) + notes


def write_html(table: pd.DataFrame, scenarios: Sequence[Scenario], path: Path,
               baseline: str | None = None, title: str = "Flat closure reimbursement scenarios") -> Path:
    return write_atomically(Path(path), report_html(table, scenarios, baseline, title), "HTML report")


def _figure_divs(table: pd.DataFrame, baseline: str | None, year: int | None = None) -> list[str]:
    """One <div> and one script per figure; the figure data goes through ``script_json``.
    ``year`` is the year the figures show (the app's page year); None: the latest complete."""
    years = sorted(set(int(y) for y in table["year"]))
    complete = [y for y in years if table.loc[table["year"] == y, "total"].notna().all()]
    if year is None or year not in years:
        year = (complete or years)[-1]  # the latest year with a figure everywhere
    first_locality = str(table["locality"].iloc[0])
    figs = [scenario_bars_spec(table, year, baseline),
            scenario_gap_spec(table, year, first_locality, baseline)]
    if len(years) > 1:
        figs.append(scenario_trend_spec(table, first_locality))
    return [f'<div id="fig{i}" class="figure"></div><script>Plotly.newPlot("fig{i}", '
            f'{script_json(spec["data"])}, {script_json(page_layout(spec["layout"]))}, '
            '{"responsive": true, "displaylogo": false});</script>' for i, spec in enumerate(figs)]


def report_html(table: pd.DataFrame, scenarios: Sequence[Scenario], baseline: str | None = None,
                title: str = "Flat closure reimbursement scenarios", year: int | None = None) -> str:
    """A self-contained HTML report: figures, tables, scenarios, data vintage, sources, notice.
    ``year``: the year its bars and value gap show (the page's; default the latest complete)."""
    fig_divs = _figure_divs(table, baseline, year)
    illustrative = [s for s in scenarios if s.illustrative]
    ill_html = "".join(
        f"<li><b>{html.escape(s.title)}</b>: " + "; ".join(html.escape(x) for x in s.illustrative)
        + "</li>" for s in illustrative)
    scen_html = "".join(
        f"<li><b>{html.escape(s.title)}</b>{' ' + ILLUSTRATIVE_MARK if s.illustrative else ''}"
        f" ({html.escape(s.name)}). {html.escape(s.description)}"
        f"<br><small>Claim: {html.escape(' '.join(s.lines) or 'coded by the protocol')}. "
        f"Reference: {html.escape(s.reference)}</small></li>" for s in scenarios)
    base_note = (f"<p>Differences are against <b>{html.escape(baseline)}</b> in the same year and "
                 "locality.</p>" if baseline else "")
    generated = dt.date.today().isoformat()
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; color: #222;
       max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
th, td {{ border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}
td[data-col=total], td[data-col=baseline], td[data-col=difference] {{ text-align: right; }}
th {{ background: #f0f0f0; }}
.notice, .illustrative {{ border-left: 4px solid #E69F00; padding: 0.5em 1em; background: #fff8e6; }}
.figure {{ width: 100%; min-height: 420px; }}
small {{ color: #555; }}
</style>
<script>{get_plotlyjs()}</script>
</head><body>
<h1>{html.escape(title)}</h1>
<p>Generated {generated} by flatclosure from Medicare physician fee schedule data. Amounts are
Medicare allowed amounts in US dollars (times the payer multiplier where one is set), rounded to
cents per claim line.</p>
<h2>Scenarios</h2><ul>{scen_html}</ul>
{'<div class="illustrative"><b>Illustrative values (' + ILLUSTRATIVE_MARK + ')</b>: these '
 'scenarios use assumed values, not measured ones:<ul>' + ill_html + '</ul></div>' if illustrative else ''}
<h2>Comparison</h2>{base_note}
{''.join(fig_divs)}
{comparison_html(table)}
<h2>Data vintage</h2>
{_html_table(vintage_table(table), "vintage")}
<h2>Sources</h2>
{_html_table(sources_table()[["table", "source", "where", "vintage", "effective"]], "sources")}
<p class="notice">{html.escape(AMA_NOTICE)}</p>
</body></html>
"""
