"""Notebook 04's panels as HTML and figure specs: the three paths and their verdict, the year's
adjustment, the E/M check, the lens texts, the tables and the volumes' reasoning.

Words come from ``flatclosure.present.pool_text`` (shared with the CLI); this module only wraps
them in the view's HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from .. import figures
from ..catalog import Catalog, load_catalog
from ..pool import FamilyResult, StatutoryResult, em_check
from ..pool.paths import PathsResult
from ..present import pool_text
from ..present.formatting import fmt_change, fmt_count, fmt_money, fmt_pct, fmt_rvu, fmt_text
from ..tables import FAMILY_LABELS
from ..volumes import Volumes
from .common import CODE_COLUMN, DESCRIPTION_COLUMN, STYLE, html_table, note
from .pool_inputs import DISPLACED_CODES, PoolOutcome

PRICE_COLUMNS = [
    CODE_COLUMN,
    ("group", "Group", fmt_text),
    DESCRIPTION_COLUMN,
    ("price_before", "Today (US$)", fmt_money),
    ("price_after", "Statutory lens (US$)", fmt_money),
    ("change_pct", "Change", lambda v: fmt_pct(v, 4)),
    ("family_after", "Family lens, UNCONFIRMED (US$)", fmt_money),
    ("family_change", "Change (US$)", fmt_change),
    ("family_change_pct", "Change", fmt_pct),
]
SERVICES_COLUMNS = [
    ("rvu", "New code's total RVU", fmt_rvu),
    ("net", "Net RVU per service (after what it replaces)", fmt_rvu),
    ("one_cent", "Services a year before the conversion factor moves one cent", fmt_count),
    ("tenth_pct", f"... before it moves by {pool_text.TENTH}", fmt_count),
    ("way", "Which way", fmt_text),
]


def top_texts(out: PoolOutcome, volumes: Volumes, preset_volume: float,
              catalog: Catalog) -> dict[str, str]:
    """The view's text outputs above its folded sections, by output name, in the order written:
    the verdict and the paths first (the number a reader waits for)."""
    stat = out.statutory
    return {
        "verdict": verdict_html(out.paths), "paths": paths_html(out.paths),
        "year": year_html(out.paths), "statutory": statutory_html(stat, preset_volume),
        "cf": cf_html(stat), "shares": shares_html(stat, catalog),
        "revalue_volume": revalue_volume_html(volumes, out.inputs.revalue_code),
    }


def detail_texts(out: PoolOutcome, volumes: Volumes) -> dict[str, str]:
    """The text outputs of the folded sections (the family lens, the tables); the family's are
    empty when its lens has no answer."""
    fam = out.family
    return {
        "family": "" if fam is None else family_html(fam),
        "family_table": "" if fam is None else family_table(fam),
        "reasoning": "" if fam is None else reasoning_html(volumes, fam.codes),
        "prices": prices_table(out), "services": services_table(out),
        "volumes": note(("Volumes: " + volumes.label()) if volumes.illustrative
                        else f"Volumes: {volumes.source} (measured counts)."),
    }


def _notes(lines: Sequence[str], css: str = "fc-note") -> str:
    return STYLE + "".join(note(t, css) for t in lines)


def paths_html(paths: PathsResult) -> str:
    """The three paths side by side: one row per figure, one column per path."""
    frame = pool_text.paths_frame(paths)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    body = "".join(
        f'<tr><th style="vertical-align:top">{html.escape(str(i))}</th>'
        + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for i, row in zip(frame.index, frame.to_numpy(), strict=True))
    return (f'{STYLE}<table class="fc-table fc-paths"><caption>Three paths, one engine '
            f"(national payment; the year's latest release)</caption><thead><tr><th></th>{head}"
            f"</tr></thead><tbody>{body}</tbody></table>"
            + note(pool_text.reconcile_words(paths)))


VERDICT_STYLE = ("font-size:15px; line-height:1.5; margin:8px 0; padding:8px 12px; "
                 "border-left:4px solid #0072B2; background:#f3f8fc")


def verdict_html(paths: PathsResult) -> str:
    """The verdict at reading size, in a box: the sentence an advocate reads first."""
    return (f'{STYLE}<div class="fc-verdict" style="{VERDICT_STYLE}"><b>What the numbers say.</b> '
            f"{html.escape(pool_text.verdict(paths))}</div>")


def year_html(paths: PathsResult) -> str:
    """The year's actual adjustment beside the new code's and the revaluation's own shares."""
    lines = []
    for p in paths.paths[1:]:
        lines.append(f"{p.title}: " + pool_text.cf_line(p.conversion_factor_before,
                                                         p.conversion_factor_after))
    first = paths.paths[1] if len(paths.paths) > 1 else paths.paths[0]
    return _notes(pool_text.year_lines(paths.year, first.added_spending,
                                       first.budget_neutrality_factor)[:1] + lines
                  + [pool_text.year_test_words(paths.on)])


def em_html() -> str:
    return _notes([pool_text.em_line(em_check())])


def statutory_html(stat: StatutoryResult, preset_volume: float) -> str:
    return _notes(pool_text.statutory_lines(stat, preset_volume))


def cf_html(stat: StatutoryResult) -> str:
    return STYLE + note(pool_text.cf_line(stat.conversion_factor_before,
                                          stat.conversion_factor_after), "fc-total")


def family_html(fam: FamilyResult) -> str:
    return _notes(pool_text.family_lines(fam))


def services_table(out: PoolOutcome) -> str:
    g = out.sweep
    frame = pool_text.services_frame(g.displaced_rvu, g.conversion_factor, g.total_allowed)
    return html_table(frame, SERVICES_COLUMNS,
                      caption=f"The dashed line of the heatmap as numbers, and the {pool_text.TENTH} mark")


def prices_table(out: PoolOutcome) -> str:
    dash = ("not a member" if out.family is not None else
            "the family lens has no answer for these inputs (see its section)")
    return html_table(out.prices, PRICE_COLUMNS,
                      caption=f"Mastectomy and the flat-closure codes, national payment "
                              f"({where(out)}); a dash under the family lens: {dash}")


def family_table(fam: FamilyResult) -> str:
    """The family members: volume (labelled illustrative cell by cell), work RVU and price."""
    frame = fam.members.copy()
    tag = " (illustrative)" if fam.volumes_illustrative else ""
    frame["volume_shown"] = [fmt_count(v) + tag for v in frame["volume"]]
    frame["group"] = [FAMILY_LABELS.get(f, f) for f in frame["family"]]
    cols = [
        CODE_COLUMN, ("group", "Family", fmt_text),
        ("volume_shown", "Services a year", fmt_text),
        ("work_rvu_before", "Work RVU today", fmt_rvu),
        ("work_rvu_after", "Work RVU after", fmt_rvu),
        ("price_before", "Today (US$)", fmt_money), ("price_after", "After (US$)", fmt_money),
        ("change", "Change (US$)", fmt_change), ("change_pct", "Change", fmt_pct),
    ]
    return html_table(frame, cols, caption=f"Family work neutrality (UNCONFIRMED): {fam.family}, "
                      f"{fam.volumes_source}")


def reasoning_html(volumes: Volumes, codes: Sequence[str]) -> str:
    """How each illustrative volume was reasoned, with its public reference where one exists."""
    if not volumes.illustrative:
        return ""
    items = "".join(
        f"<li><b>{html.escape(c)}</b>: {fmt_count(volumes.get(c))} (illustrative). "
        f"{html.escape(volumes.reasoning.get(c, 'no reasoning recorded'))}"
        + (f" <i>Public reference: {html.escape(volumes.references[c])}</i>"
           if c in volumes.references else "") + "</li>" for c in codes)
    return (f'{STYLE}<details class="fc-note"><summary>How these illustrative volumes were '
            f"reasoned</summary><ul>{items}</ul></details>")


def revalue_volume_html(volumes: Volumes, code: str) -> str:
    """The revalued code's default volume: illustrative, its reasoning and public reference."""
    if not volumes.illustrative:
        return _notes([f"{code}: {fmt_count(volumes.get(code))} services a year, "
                       f"{volumes.source}."])
    ref = volumes.references.get(code, "no public count found")
    return _notes([f"{code}: {fmt_count(volumes.get(code))} services a year (illustrative). "
                   f"{volumes.reasoning.get(code, '')} Public reference: {ref}"])


def shares_html(stat: StatutoryResult, catalog: Catalog | None = None) -> str:
    """What each code a share can be set for is, and is worth in the chosen year and setting."""
    cat = catalog or load_catalog()
    by = stat.codes.set_index("code")
    items = []
    for c in DISPLACED_CODES:
        r = by.loc[c] if c in by.index else None
        worth = ("not in this year's release" if r is None else
                 "no RVUs: priced by each payer" if r["status"] != "A" else
                 f"{r['total_rvu']:.2f} RVU")
        items.append(f"<li><b>{c}</b> {html.escape(cat.info(c).description)} ({worth})</li>")
    return (f'{STYLE}<div class="fc-note">A share of 0.6 means each new service replaces 0.6 of '
            f'one service billed today as:<ul style="margin:2px 0">{"".join(items)}</ul>'
            f"In all, each new service replaces {stat.displaced_rvu:.2f} RVU.</div>")


def where(out: PoolOutcome) -> str:
    return f"{out.inputs.year}, {out.inputs.setting}, national"


def prices_spec(out: PoolOutcome) -> figures.FigureSpec:
    """The chart of prices: primary codes only (add-on codes are in the table)."""
    return figures.pool_prices_spec(
        out.prices[out.prices["role"] != "protocol_add_on"],
        f"What each code is paid today and after the new code ({where(out)})")


def heatmap_spec(out: PoolOutcome) -> figures.FigureSpec:
    """The heatmap, its grid as one 2-D array: plotly checks and serialises a nested list value by
    value (~25 ms of a setting change for 81 x 81), an array at once; the page receives the same
    nested list of the same numbers either way (issue 15)."""
    g = out.sweep
    spec = figures.pool_heatmap_spec(
        g.rvus, g.volumes, g.change_pct, g.services_per_cent, out.inputs.rvu, out.inputs.volume,
        "Change of the conversion factor by the new code's RVU and volume"
        f"<br>({where(out)})")  # one line is wider than the chart in JupyterLab
    spec["data"][0]["z"] = np.asarray(spec["data"][0]["z"], dtype=float)
    return spec


