"""Notebook 04's and ``flatclosure pool``'s plain words and tables, written once.

Every sentence is computed from engine results (``flatclosure.pool``) and numbers from ``data/``
(the year-wide $20M test and the PFS total come from ``data/rules/payment_parameters.csv``).
The $20M figure is explained as the statute's test on a year's changes together, never as a
gate on one code (shared domain notes section 6).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

import pandas as pd

from ..claims import ClaimLine
from ..pool import (
    MASTECTOMY_CODE,
    OFFICE_VISIT_CODE,
    EmCheck,
    FamilyResult,
    StatutoryResult,
    YearAdjustment,
    pool_parameters,
    years_with_adjustment,
)
from ..pool.paths import PathOutcome, PathsResult
from ..pool.revalue import RevaluationResult
from ..pool.statutory import CF_STEP_SHARE, CF_STEP_USD, services_to_move_cf
from .formatting import fmt_change, fmt_count, fmt_money, fmt_pct, fmt_rvu

BILLION = 1e9
CMS_VOLUMES_FILE = "CMS's 'Medicare Physician & Other Practitioners - by Geography and Service' CSV"
FIRST_CODE = MASTECTOMY_CODE  # named first in words
TENTH = f"{CF_STEP_SHARE:.1%}"  # "0.1%": the second break-even mark, said as it is computed
SERVICE_RVUS = (10.0, 20.0, 30.0, 40.0, 60.0, 80.0)  # rows of the services-to-move table


# "(shared research notes, section A8)", "(data/...)": where we keep a source, not where a
# reader looks it up, so left off on screen
INTERNAL_ASIDE = re.compile(r"\s*\([^()]*(?:/|research notes|domain notes)[^()]*\)")


def source_words(text: str) -> str:
    """A data row's source as a reader sees it: without asides naming our own notes or paths."""
    return INTERNAL_ASIDE.sub("", text).strip()


def fmt_cf(value: float) -> str:
    """A conversion factor: dollars per RVU with four decimals, as CMS publishes it."""
    return f"${value:.4f}"


def fmt_billions(value: float) -> str:
    return f"${value / BILLION:,.0f} billion"


def fmt_pct_fine(value: float) -> str:
    """A tiny percentage change (a marginal share) with four decimals."""
    return fmt_pct(value, 4)


def volume_words(volume: float, preset_volume: float) -> str:
    """The new code's yearly volume with where it comes from, for every sentence that uses it."""
    tag = "the preset's illustrative guess" if volume == preset_volume else "your assumption"
    return f"{fmt_count(volume)} services a year ({tag})"


# -- the year's adjustment, then the code's share -------------------------------------------
def year_test_words(on: dt.date | str | None = None) -> str:
    """What the statute's dollar figure is: the year-wide test, always met in the years held."""
    p = pool_parameters(on)
    years = years_with_adjustment()
    span = f"{years[0]}-{years[-1]}" if years else "the years held"
    return (f"The {fmt_money(p.threshold_usd).removesuffix('.00')} figure in the statute is a test "
            f"on all of a year's RVU changes taken together, not a gate for one code; in every "
            f"year {span} of the conversion-factor table CMS applied an adjustment, so a code's "
            "net spending is absorbed in that year's adjustment whatever its own size.")


def bn_provenance(year: YearAdjustment) -> str:
    """Whether a source states the year's adjustment or it is our arithmetic, said first."""
    return ("stated by the source" if year.bn_stated else
            "derived: our arithmetic from the published conversion factors; no source states it")


def year_adjustment_words(year: YearAdjustment) -> str:
    """The year's actual budget-neutrality adjustment, with whether a source states it."""
    return (f"The year's adjustment: in {year.year} the conversion factor carries a "
            f"budget-neutrality adjustment of {year.bn_adjustment:.4f} ({fmt_pct(year.bn_pct)}; "
            f"{bn_provenance(year)}). Working: {year.bn_basis}. Sources: {year.source}.")


def year_lines(year: YearAdjustment | None, added: float, factor: float) -> list[str]:
    """The year's actual adjustment beside this change's marginal share of it."""
    own = (f"This change's own share: {fmt_money(added)} a year of net spending moves the "
           f"conversion factor by {fmt_pct_fine((factor - 1.0) * 100.0)} "
           "(CF x total / (total + added)).")
    if year is None:
        return [year_test_words(), own]
    return [year_adjustment_words(year), own, year_test_words(f"{year.year}-01-01")]


def statutory_lines(stat: StatutoryResult, preset_volume: float) -> list[str]:
    """The statutory lens in sentences: spending, the marginal share, when the CF moves."""
    vol = volume_words(stat.scenario.volume, preset_volume)
    lines = [
        f"Added spending: {fmt_money(stat.added_spending)} a year = ({fmt_rvu(stat.new_code_rvu)} "
        f"RVU of the new code − {fmt_rvu(stat.displaced_rvu)} RVU of the services it replaces) × "
        f"{vol} × {fmt_cf(stat.conversion_factor_before)} per RVU.",
        f"Total PFS spending stays {fmt_billions(stat.total_allowed)}: every code's conversion "
        f"factor is multiplied by {stat.budget_neutrality_factor:.8f} "
        f"({fmt_pct_fine(stat.change_pct)}).",
        services_words(stat),
    ]
    return lines + [f"Note: {n}." for n in stat.notes]


def services_words(stat: StatutoryResult) -> str:
    """How many services a year before the CF moves by one cent, and by 0.1%."""
    if stat.services_per_cent is None or stat.services_per_tenth_pct is None:
        return (f"At {fmt_rvu(stat.new_code_rvu)} RVU the new code costs what the services it "
                "replaces cost: the conversion factor does not move at any volume.")
    way = "down" if stat.net_rvu_per_service > 0 else "up"
    return (f"Each service adds {fmt_rvu(stat.net_rvu_per_service)} RVU net: the conversion factor "
            f"moves {way} by one cent after {fmt_count(stat.services_per_cent)} services a year, "
            f"and by {TENTH} after {fmt_count(stat.services_per_tenth_pct)}.")


def revaluation_lines(rev: RevaluationResult) -> list[str]:
    """A revaluation in sentences: each code's work RVU on all its services, then the spending."""
    lines = [f"{r.code}: work RVU {fmt_rvu(r.work_rvu_before)} -> {fmt_rvu(r.work_rvu_after)} on "
             f"all {fmt_count(r.volume)} services a year ({r.volume_source}), "
             f"{r.flat_closure_share:.1%} of them flat closures" for r in rev.rows.itertuples()]
    return [*lines, f"Added spending: {fmt_money(rev.added_spending)} a year (flat closures "
                    f"{fmt_money(rev.to_flat_closures)}, other services "
                    f"{fmt_money(rev.to_other_services)})."]


def cf_line(conversion_factor_before: float, conversion_factor_after: float) -> str:
    change = (conversion_factor_after / conversion_factor_before - 1.0) * 100.0
    return (f"Conversion factor: {fmt_cf(conversion_factor_before)} → "
            f"{fmt_cf(conversion_factor_after)} per RVU ({fmt_pct_fine(change)})")


def services_frame(displaced_rvu: float, conversion_factor: float,
                   total_allowed: float) -> pd.DataFrame:
    """Services a year before the CF moves one cent / 0.1%, at a few new-code RVU values."""
    rows = []
    for r in SERVICE_RVUS:
        net = r - displaced_rvu
        cent = services_to_move_cf(net, conversion_factor, total_allowed, by_usd=CF_STEP_USD)
        tenth = services_to_move_cf(net, conversion_factor, total_allowed, by_share=CF_STEP_SHARE)
        way = "never moves" if math.isinf(cent) else "down" if net > 0 else "up (it saves money)"
        rows.append({"rvu": r, "net": net, "one_cent": cent, "tenth_pct": tenth, "way": way})
    return pd.DataFrame(rows)


def em_line(em: EmCheck) -> str:
    """The CY2021 office E/M revaluation reproduced by the same formula, with its source."""
    return (f"Check against a real event: the CY{em.year} office visit revaluation added about "
            f"{em.added_share_of_pool:.2%} to the pool (our arithmetic from the stated cut); "
            "CF x total / (total + added) takes "
            f"{fmt_cf(em.cf_before)} to {fmt_cf(em.cf_after_model)} ({fmt_pct(em.change_pct_model)}), "
            f"as the final rule did: {fmt_cf(em.cf_after_reported)} (source: {em.source}).")


def family_lines(fam: FamilyResult) -> list[str]:
    """The family lens in sentences: the scale on work RVUs and what the first member loses."""
    members = fam.members.set_index("code")
    first = FIRST_CODE if FIRST_CODE in members.index else members.index[0]
    row = members.loc[first]
    volumes = ("ILLUSTRATIVE volumes (reasoned guesses, not counts: see below)"
               if fam.volumes_illustrative else f"volumes: {fam.volumes_source}")
    return [
        f"Family: {fam.family} ({len(fam.codes)} codes), {volumes}.",
        f"New code's work: {fmt_rvu(fam.new_code_work_rvu)} RVU ({fam.work_rvu_basis}).",
        f"Displaced services outside the family free {fmt_count(fam.displaced_outside_work)} work "
        "RVUs a year, netted out as in the statutory lens.",
        f"To hold the family's work RVUs × volume at {fmt_count(fam.work_pool_before)}, every "
        f"member's work RVU is multiplied by {fam.work_scale_factor:.4f} "
        f"({fmt_pct((fam.work_scale_factor - 1) * 100)}); the conversion factor is unchanged.",
        f"{first} would be paid {fmt_money(row['price_after'])} instead of "
        f"{fmt_money(row['price_before'])} ({fmt_change(row['change'])}, "
        f"{fmt_pct(row['change_pct'])}).",
        *(f"Note: {n}." for n in fam.notes),
    ]


# -- errors in the view's words --------------------------------------------------------------
# The engine's field names as the controls of notebook 04 (and the CLI's options) call them.
CONTROL_NAMES = {
    "added_spending": "'Flat closures a year' or 'All its services a year' (lower), or 'Total "
                      "PFS allowed, $bn' under More inputs (higher)",
    "total_allowed": "'Total PFS allowed, $bn' under More inputs",
    "displaces": "the shares under More inputs",
    "volume": "'Flat closures a year' (lower) or 'Family' (a larger family)",
    "family": "'Family' or 'Family codes'",
    "work_rvu": "'New code's total RVU'",
    "rvu": "'New code's total RVU'", "total_rvu": "'New code's total RVU'",
    "revalue": "'Code to revalue' or 'Its new work RVU'",
}


def error_words(message: str) -> str:
    """An engine message ('field: problem') with the control to change named first."""
    field, sep, problem = message.partition(": ")
    if not sep or field not in CONTROL_NAMES:
        return message
    return f"{problem[:1].upper()}{problem[1:]}. Change {CONTROL_NAMES[field]}."


# -- three paths -----------------------------------------------------------------------------
PATH_ROWS = (
    ("flat_closure", "A flat closure is paid"),
    ("mastectomy", f"A mastectomy ({MASTECTOMY_CODE}, facility) is paid"),
    ("office_visit", f"An office visit ({OFFICE_VISIT_CODE}, office) is paid"),
    ("cf", "Conversion factor after"),
    ("added", "Added spending a year"),
    ("gains", "Who gains"),
    ("pays", "Who pays"),
    ("inputs", "From these inputs"),
)


def _cell(p: PathOutcome, row: str) -> str:
    tag = " (illustrative)" if p.illustrative else ""
    if row == "flat_closure":
        cut = ("" if p.flat_closure_paid_today_cf == p.flat_closure_paid else
               f"; {fmt_money(p.flat_closure_paid_today_cf)} at today's CF")
        return f"{fmt_money(p.flat_closure_paid)} ({' '.join(p.flat_closure_lines)}{cut})"
    if row == "mastectomy":
        return fmt_money(p.mastectomy_paid)
    if row == "office_visit":
        return fmt_money(p.office_visit_paid)
    if row == "cf":
        return f"{fmt_cf(p.conversion_factor_after)} ({fmt_pct_fine(p.change_pct)})"
    if row == "added":
        return fmt_money(p.added_spending) + tag
    if row == "gains":
        return "; ".join(f"{w}: {fmt_change(d)} a year" for w, d in p.gains) or "nobody: no change"
    if row == "pays":
        return ("nobody: no change" if p.paid_by_everyone == 0 else
                "every service in the fee schedule, through a lower conversion factor: "
                f"{fmt_money(p.paid_by_everyone)} a year in all (the cut takes back exactly the "
                "added spending)")
    return "; ".join(p.inputs)


def paths_frame(result: PathsResult) -> pd.DataFrame:
    """One row per figure, one column per path: the three paths side by side, as text."""
    data = {p.title: [_cell(p, key) for key, _ in PATH_ROWS] for p in result.paths}
    return pd.DataFrame(data, index=[label for _, label in PATH_ROWS])


def verdict(result: PathsResult) -> str:
    """The plain-words reading of the paths, computed from their numbers."""
    today = result.path("today")
    keys = {p.key for p in result.paths}
    parts = [f"Today a flat closure is paid {fmt_money(today.flat_closure_paid)} and a mastectomy "
             f"{fmt_money(today.mastectomy_paid)}."]
    for p in result.paths[1:]:
        fc = fmt_change(p.flat_closure_paid - today.flat_closure_paid)
        moved = p.mastectomy_paid - today.mastectomy_paid
        mast = fmt_change(moved) if abs(moved) >= 0.005 else "unchanged to the cent"
        tag = " (from illustrative volumes)" if p.illustrative else ""
        parts.append(f"{p.title.split(') ', 1)[-1]}: a flat closure is paid "
                     f"{fmt_money(p.flat_closure_paid)} ({fc}), at {fmt_money(p.added_spending)} "
                     f"a year{tag}, and a mastectomy {fmt_money(p.mastectomy_paid)} ({mast}).")
    if {"new_code", "revalue"} <= keys:
        parts.append(_cost_words(result.path("new_code"), result.path("revalue")))
    parts = [x for x in parts if x]
    worst = max(abs(p.mastectomy_paid - today.mastectomy_paid) for p in result.paths)
    size = "by cents" if worst < 1 else f"by up to {fmt_money(worst)}"
    parts.append(f"On every path a mastectomy moves {size}: the money comes from every code "
                 "through the year's conversion-factor adjustment, not from mastectomy alone.")
    return " ".join(parts)


def reconcile_words(result: PathsResult) -> str:
    """How each path's added spending follows from the claims in the table, in dollars: the flat
    closures' part is (claim on the path - claim in (a)) x flat closures a year at today's CF,
    the other services of a revalued code count at full value; then CF x total / (total + added)."""
    today, stat, rev = result.path("today"), result.new_code, result.revaluation
    parts = []
    if stat is not None:
        p = result.path("new_code")
        parts.append(f"(b) {_claim_words(p, today)} = {fmt_money(p.added_spending)} added a year; "
                     + _cut_words(p, stat.total_allowed))
    if rev is not None:
        p = result.path("revalue")
        others = " plus " + "; plus ".join(
            f"{fmt_count(r.other_services)} other {r.code} services × "
            f"{fmt_rvu(r.work_change)} work RVU × {fmt_cf(rev.conversion_factor_before)} = "
            f"{fmt_money(r.to_other_services)}" for r in rev.rows.itertuples())
        parts.append(f"(c) {_claim_words(p, today)} = {fmt_money(rev.to_flat_closures)} (each "
                     f"line at the rate its claim pays it){others}: "
                     f"{fmt_money(p.added_spending)} added a year; "
                     + _cut_words(p, rev.total_allowed))
        parts += _too_few_services(rev, p.flat_closure_lines, p.flat_closures)
    if stat is not None:
        parts.append(f"The map and break-even table below price one new service instead: "
                     f"{fmt_rvu(stat.new_code_rvu)} RVU less the {fmt_rvu(stat.displaced_rvu)} "
                     "RVU its shares under 'More inputs' replace.")
    if not parts:
        return ""
    return "How the spending follows from the claims: " + " ".join(parts)


def _claim_words(p: PathOutcome, today: PathOutcome) -> str:
    each = p.flat_closure_paid_today_cf - today.flat_closure_paid
    return (f"{' '.join(p.flat_closure_lines)} is paid {fmt_money(p.flat_closure_paid_today_cf)} "
            f"at today's conversion factor against {fmt_money(today.flat_closure_paid)} for the "
            f"claim in (a): {fmt_change(each)} × {fmt_count(p.flat_closures)} flat closures")


def _cut_words(p: PathOutcome, total: float) -> str:
    return (f"{fmt_cf(p.conversion_factor_before)} × {fmt_billions(total)} / "
            f"({fmt_billions(total)} + {fmt_money(p.added_spending)}) = "
            f"{fmt_cf(p.conversion_factor_after)}, after which a flat closure is paid "
            f"{fmt_money(p.flat_closure_paid)}.")


def _too_few_services(rev: RevaluationResult, lines: Sequence[str], closures: float) -> list[str]:
    """Where the flat closures bill more lines of a revalued code than all its services."""
    codes = [ClaimLine.parse(x).code for x in lines]
    out = []
    for r in rev.rows.itertuples():
        billed = closures * codes.count(r.code)
        if billed > r.volume:
            out.append(f"{fmt_count(closures)} flat closures bill {fmt_count(billed)} lines of "
                       f"{r.code}, more than the {fmt_count(r.volume)} services of it a year "
                       "given for (c), so no other services are counted: raise 'All its "
                       "services a year'.")
    return out


def _cost_words(new: PathOutcome, rev: PathOutcome) -> str:
    """How the revaluation's spending compares with the new code's, and why."""
    if new.added_spending <= 0 or rev.added_spending <= 0:
        return ""
    ratio = rev.added_spending / new.added_spending
    other = rev.gains[-1][1] / rev.added_spending
    why = (f": {other:.0%} of its spending pays for other services billed with the same code, "
           "while the new code pays only for flat closures" if other >= 0.005 else "")
    if ratio >= 1.05:
        return f"Revaluing costs {ratio:,.1f} times what the new code costs{why}."
    if ratio > 1 / 1.05:
        return f"Revaluing costs about what the new code costs{why}."
    return (f"Here revaluing costs less than the new code ({fmt_money(rev.added_spending)} against "
            f"{fmt_money(new.added_spending)} a year){why}.")
