"""Three paths side by side, one engine: (a) today's codes, (b) a new flat-closure code, (c) new
work RVUs for existing codes (shared domain notes section 6; issue 10).

For each: what a flat closure, a mastectomy and an office visit are paid, the CF after, the
added spending, who gains and who pays. Under budget neutrality total spending is unchanged, so
the CF cut takes back exactly the added spending from every service: (T + A)(1 - f) = A.

Each path prices the flat closure on its own claim against the claim in (a), at today's CF:
the flat closures' spending is (claim on the path - claim today) x flat closures a year, so the
table's figures reconcile with the claims (the per-service lens with displaced shares is the
heatmap's and the break-even's, not the paths').
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..catalog import Catalog, CodeValues, load_catalog
from ..claims import ClaimLine, PricingContext, price_claim
from ..errors import InputError
from ..fees import round_cents
from ..volumes import Volumes, illustrative_volumes
from .inputs import NewCode, Revaluation
from .params import MASTECTOMY_CODE, OFFICE_VISIT_CODE, YearAdjustment
from .revalue import ClaimGain, RevaluationResult, revalue
from .statutory import StatutoryResult, budget_neutrality_factor, statutory, year_context

PATH_KEYS = ("today", "new_code", "revalue")


@dataclass(frozen=True)
class PathOutcome:
    """One path's figures, every one traceable to ``inputs`` (shown beside them)."""

    key: str  # today, new_code or revalue
    title: str
    inputs: tuple[str, ...]
    flat_closure_lines: tuple[str, ...]
    flat_closure_paid: float  # after the path's CF cut
    flat_closure_paid_today_cf: float  # the same claim at today's CF: what the spending counts
    flat_closures: float  # flat closures a year on this path (0: none counted)
    mastectomy_paid: float
    office_visit_paid: float
    conversion_factor_before: float
    conversion_factor_after: float
    budget_neutrality_factor: float
    added_spending: float
    gains: tuple[tuple[str, float], ...]  # who gains, dollars a year
    paid_by_everyone: float  # taken back from every service by the CF cut, dollars a year
    illustrative: bool

    @property
    def change_pct(self) -> float:
        return (self.budget_neutrality_factor - 1.0) * 100.0

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.key, "title": self.title, "inputs": list(self.inputs),
            "flat_closure_lines": list(self.flat_closure_lines),
            "flat_closure_paid": self.flat_closure_paid,
            "flat_closure_paid_today_cf": self.flat_closure_paid_today_cf,
            "flat_closures_a_year": self.flat_closures, "mastectomy_paid": self.mastectomy_paid,
            "office_visit_paid": self.office_visit_paid,
            "conversion_factor_before": self.conversion_factor_before,
            "conversion_factor_after": self.conversion_factor_after,
            "budget_neutrality_factor": self.budget_neutrality_factor,
            "added_spending": self.added_spending,
            "gains": [{"who": w, "dollars_a_year": d} for w, d in self.gains],
            "paid_by_everyone": self.paid_by_everyone, "illustrative": self.illustrative,
        }


@dataclass(frozen=True)
class PathsResult:
    """The paths for one year, the year's actual adjustment, and the engine results behind them."""

    on: dt.date
    year: YearAdjustment | None
    paths: tuple[PathOutcome, ...]
    new_code: StatutoryResult | None
    revaluation: RevaluationResult | None

    def path(self, key: str) -> PathOutcome:
        return next(p for p in self.paths if p.key == key)


def _paid(lines: Sequence[str], on: dt.date, setting: str, factor: float, cat: Catalog,
          extra: dict[str, CodeValues] | None = None) -> float:
    ctx = PricingContext(on, setting, budget_neutrality_factor=factor)
    return float(price_claim(list(lines), ctx, cat, extra).total)


def _common(on: dt.date, factor: float, cat: Catalog,
            extra: dict[str, CodeValues] | None = None) -> tuple[float, float]:
    """What a mastectomy (facility) and an office visit (office) are paid at this factor."""
    return (_paid([MASTECTOMY_CODE], on, "facility", factor, cat, extra),
            _paid([OFFICE_VISIT_CODE], on, "office", factor, cat, extra))


def _today(lines: Sequence[str], on: dt.date, setting: str, cat: Catalog) -> PathOutcome:
    mast, visit = _common(on, 1.0, cat)
    cf, paid = cat.conversion_factor(on), _paid(lines, on, setting, 1.0, cat)
    return PathOutcome(
        key="today", title="(a) Today's codes", inputs=(f"flat closure billed as {' '.join(lines)}",),
        flat_closure_lines=tuple(lines), flat_closure_paid=paid, flat_closure_paid_today_cf=paid,
        flat_closures=0.0, mastectomy_paid=mast, office_visit_paid=visit,
        conversion_factor_before=cf, conversion_factor_after=cf, budget_neutrality_factor=1.0,
        added_spending=0.0, gains=(), paid_by_everyone=0.0, illustrative=False)


def _new(stat: StatutoryResult, values: CodeValues, lines: Sequence[str], today: PathOutcome,
         cat: Catalog) -> PathOutcome:
    """The new code on its claim against the claim in (a): (claim - today) x flat closures."""
    sc = stat.scenario
    on: dt.date = sc.on  # type: ignore[assignment]
    extra = {values.code: values}
    at_cf = _paid(lines, on, sc.setting, 1.0, cat, extra)
    each = float(round_cents(at_cf - today.flat_closure_paid))
    added = float(round_cents(each * sc.volume))
    f = float(budget_neutrality_factor(added, stat.total_allowed))
    mast, visit = _common(on, f, cat)
    return PathOutcome(
        key="new_code", title="(b) A new flat-closure code",
        inputs=(f"{values.code}: {sc.rvu:.2f} RVU, {sc.volume:,.0f} flat closures a year "
                f"(illustrative)", f"billed as {' '.join(lines)} in place of the claim in (a)"),
        flat_closure_lines=tuple(lines), flat_closure_paid=_paid(lines, on, sc.setting, f, cat, extra),
        flat_closure_paid_today_cf=at_cf, flat_closures=sc.volume,
        mastectomy_paid=mast, office_visit_paid=visit,
        conversion_factor_before=stat.conversion_factor_before,
        conversion_factor_after=stat.conversion_factor_before * f, budget_neutrality_factor=f,
        added_spending=added, gains=((f"flat closures billed with {values.code}", added),),
        paid_by_everyone=added, illustrative=True)


def _revalued(res: RevaluationResult, lines: Sequence[str], cat: Catalog) -> PathOutcome:
    rv, f = res.revaluation, res.budget_neutrality_factor
    on: dt.date = rv.on  # type: ignore[assignment]
    extra = _revalued_values(res, cat)
    mast, visit = _common(on, f, cat, extra)
    inputs = tuple(
        f"{r.code}: work RVU {r.work_rvu_before:.2f} -> {r.work_rvu_after:.2f} on all "
        f"{r.volume:,.0f} services a year"
        f"{' (illustrative)' if r.volume_source != 'given' and res.volumes_illustrative else ''}"
        f", {r.flat_closure_share:.1%} of them flat closures" for r in res.rows.itertuples())
    codes = "/".join(rv.codes)
    claim = res.claim
    return PathOutcome(
        key="revalue", title="(c) Revalue existing codes", inputs=inputs,
        flat_closure_lines=tuple(lines),
        flat_closure_paid=_paid(lines, on, rv.setting, f, cat, extra),
        flat_closure_paid_today_cf=_paid(lines, on, rv.setting, 1.0, cat, extra),
        flat_closures=claim.closures if claim is not None else 0.0,
        mastectomy_paid=mast, office_visit_paid=visit,
        conversion_factor_before=res.conversion_factor_before,
        conversion_factor_after=res.conversion_factor_after, budget_neutrality_factor=f,
        added_spending=res.added_spending,
        gains=(("flat closures", res.to_flat_closures),
               (f"every other service billed as {codes} (mostly other wounds)",
                res.to_other_services)),
        paid_by_everyone=res.added_spending, illustrative=res.volumes_illustrative)


def _revalued_values(res: RevaluationResult, cat: Catalog) -> dict[str, CodeValues]:
    on: dt.date = res.revaluation.on  # type: ignore[assignment]
    return {r.code: replace(cat.values(r.code, on), work_rvu=float(r.work_rvu_after))
            for r in res.rows.itertuples()}


def flat_closure_share(reval: Revaluation, new_code_volume: float, lines: Sequence[str],
                       volumes: Volumes) -> dict[str, float]:
    """Default share of each revalued code's services that are flat closures: the same yearly
    flat closures as the new-code path x lines of that code per flat-closure claim, / volume."""
    per_claim = [ClaimLine.parse(x).code for x in lines]
    given_vol = reval.volume_map
    out = {}
    for code in reval.codes:
        vol = given_vol.get(code, volumes.get(code))
        fc = new_code_volume * per_claim.count(code)
        out[code] = min(1.0, fc / vol) if vol > 0 else 0.0
    return out


def _closures(reval: Revaluation, new_code_volume: float | None, lines: Sequence[str],
              volumes: Volumes) -> float:
    """Flat closures a year on path (c): from a share given for a code on the claim, else the
    new code's volume; shares that imply different counts are refused."""
    per_claim = [ClaimLine.parse(x).code for x in lines]
    implied = {c: s * reval.volume_map.get(c, volumes.get(c)) / per_claim.count(c)
               for c, s in reval.share_map.items() if c in per_claim}
    if not implied:
        return new_code_volume or 0.0
    counts = sorted(set(round(v) for v in implied.values()))
    if len(counts) > 1:
        raise InputError("flat-closure share", "the shares imply different numbers of flat "
                         f"closures a year ({', '.join(f'{c}: {v:,.0f}' for c, v in implied.items())})"
                         "; give shares that agree")
    return next(iter(implied.values()))


def compare_paths(flat_closure_lines: Sequence[str], on: dt.date | str,
                  new_code: NewCode | None = None, new_code_values: CodeValues | None = None,
                  new_code_lines: Sequence[str] = (), revaluation: Revaluation | None = None,
                  volumes: Volumes | None = None, total_allowed: float | None = None,
                  catalog: Catalog | None = None) -> PathsResult:
    """Today's codes, then each path given, through the same statutory engine (national)."""
    cat = catalog or load_catalog()
    vols = volumes or illustrative_volumes()
    when = new_code.on if new_code is not None else revaluation.on if revaluation else on
    when = when if isinstance(when, dt.date) else dt.date.fromisoformat(str(when))
    setting = new_code.setting if new_code is not None else "facility"
    today = _today(flat_closure_lines, when, setting, cat)
    paths = [today]
    stat = res = None
    if new_code is not None and new_code_values is not None:
        stat = statutory(new_code, total_allowed, catalog=cat)
        paths.append(_new(stat, new_code_values, new_code_lines, today, cat))
    if revaluation is not None:
        res = _revalue_on_claim(revaluation, new_code.volume if new_code else None,
                                flat_closure_lines, today, vols, total_allowed, cat)
        paths.append(_revalued(res, flat_closure_lines, cat))
    return PathsResult(on=when, year=year_context(cat, when, False), paths=tuple(paths),
                       new_code=stat, revaluation=res)


def _revalue_on_claim(reval: Revaluation, new_code_volume: float | None, lines: Sequence[str],
                      today: PathOutcome, vols: Volumes, total_allowed: float | None,
                      cat: Catalog) -> RevaluationResult:
    """Path (c): the claim in (a) repriced with the new work RVUs, at today's CF."""
    on: dt.date = reval.on  # type: ignore[assignment]
    closures = _closures(reval, new_code_volume, lines, vols)
    per_claim = [ClaimLine.parse(x).code for x in lines]
    extra = {c: replace(cat.values(c, on), work_rvu=float(w)) for c, w in reval.work_rvu_map.items()}
    each = float(round_cents(_paid(lines, on, reval.setting, 1.0, cat, extra)
                             - today.flat_closure_paid))
    claim = ClaimGain(closures=closures, each=each,
                      lines=tuple((c, per_claim.count(c)) for c in reval.codes))
    return revalue(reval, vols, total_allowed, catalog=cat, claim=claim)
