"""The pool's parameters from ``data/``: the $20M year-wide test, the PFS total, each year's
actual budget-neutrality adjustment, and the CY2021 E/M revaluation used as the model's check.

Shared domain notes section 6: the statutory test (Social Security Act 1848(c)(2)(B)(ii)) is on
the year's RVU adjustments taken together, not on one code; the CF table holds the adjustment
CMS applied each year.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

from .. import datapkg
from ..catalog import Catalog, as_date, load_catalog
from ..errors import DataError, NoDataForDateError
from ..parameters import parameters

STATUTORY_LABEL = (
    "Statutory budget neutrality (PFS-wide, Social Security Act 1848(c)(2)(B)(ii)): the year's "
    "RVU changes are tested together and, since 2009, offset on the conversion factor; a code's "
    "own effect is its marginal share of that year's adjustment"
)
FAMILY_LABEL = (
    "Family work neutrality (UNCONFIRMED convention: the RUC may hold a family's total work "
    "RVUs x volume when it revises the family; an assumption to switch, not a rule)"
)
# "breast": the catalog families whose codes sit in CPT's breast surgery section (1930X-1938X)
# plus 11970, the expander exchange that belongs to breast reconstruction.
NAMED_FAMILIES: dict[str, tuple[str, ...]] = {"breast": ("mastectomy", "reconstruction")}
FIRST_FAMILY = "mastectomy"  # shown first in every table of prices
MASTECTOMY_CODE = "19303"  # the simple mastectomy the advocates compare with
OFFICE_VISIT_CODE = "99213"  # the commonest office visit: what everyone else is paid
MAX_SHARE = 1.0  # a displaced share is a fraction of one service (definition, not a figure)
BN_BASIS_PREFIXES = ("stated", "derived")  # every bn_basis says which it is
CF_PATH = "data/cms/conversion_factors.csv"
EM_YEAR = 2021  # the CY2021 office E/M revaluation: the real event the model reproduces


@dataclass(frozen=True)
class PoolParameters:
    """The year-wide statutory test and the default PFS total in force on a date, with sources."""

    threshold_usd: float
    threshold_source: str
    total_allowed_usd: float
    total_allowed_source: str
    total_allowed_year: int


def pool_parameters(on: dt.date | str | None = None) -> PoolParameters:
    """``budget_neutrality_threshold_usd`` and ``pfs_total_allowed_usd`` in force on ``on``
    (default: the catalog's default year), from the dated parameters (``flatclosure.parameters``)."""
    cat = load_catalog()
    default_day = cat.date_for_year(cat.default_year())
    day = as_date(on) if on is not None else default_day
    try:
        p, before = parameters(day), ""
    except NoDataForDateError:  # a year before the only PFS total found: that total, said so
        p = parameters(default_day)
        before = f" (the only total found; no figure for {day.year}, so it stands in)"
    thr, tot = (p.references["budget_neutrality_threshold_usd"],
                p.references["pfs_total_allowed_usd"])
    if before and day < thr.effective_from:
        raise NoDataForDateError(f"no budget-neutrality threshold before {thr.effective_from}")
    return PoolParameters(
        threshold_usd=p.budget_neutrality_threshold_usd, threshold_source=thr.source,
        total_allowed_usd=p.pfs_total_allowed_usd, total_allowed_source=tot.source + before,
        total_allowed_year=tot.effective_from.year,
    )


@dataclass(frozen=True)
class YearAdjustment:
    """The budget-neutrality adjustment CMS applied to a year's CF (``cms/conversion_factors.csv``).

    ``base_cf`` x ``update_factor`` x ``bn_adjustment`` x ``law_add_on`` = ``conversion_factor``
    within rounding; ``final_rule_*`` are the figures before a law changed the year (2021).
    """

    year: int
    conversion_factor: float
    base_cf: float
    update_factor: float
    bn_adjustment: float
    law_add_on: float
    bn_basis: str
    source: str
    final_rule_cf: float | None
    final_rule_bn: float | None

    @property
    def bn_pct(self) -> float:
        return (self.bn_adjustment - 1.0) * 100.0

    @property
    def bn_stated(self) -> bool:
        """True when a source states the adjustment; False when it is our arithmetic."""
        return self.bn_basis.startswith("stated")

    def implied_spending(self, total_allowed: float) -> float:
        """Net added spending of the year's RVU changes that this adjustment offsets:
        total / (total + added) = bn, so added = total x (1/bn - 1)."""
        return total_allowed * (1.0 / self.bn_adjustment - 1.0)


def _opt(v: object) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)  # type: ignore[arg-type]


def year_adjustment(year: int, qualifying_apm: bool = False,
                    catalog: Catalog | None = None) -> YearAdjustment:
    """The adjustment in force on ``date_for_year(year)`` (its latest release), from the data.

    Kept in ``catalog.memo`` per (year, APM track): the CF table never changes after loading,
    and notebook 04's refresh asked for it three times (issue 15). A year without a row raises
    each time it is asked."""
    cat = catalog or load_catalog()
    key = ("pool.year_adjustment", int(year), bool(qualifying_apm))
    if key not in cat.memo:
        cat.memo[key] = _year_adjustment(int(year), qualifying_apm, cat)
    found = cat.memo[key]
    assert isinstance(found, YearAdjustment)
    return found


def _year_adjustment(year: int, qualifying_apm: bool, cat: Catalog) -> YearAdjustment:
    on = cat.date_for_year(year)
    cf = cat.conversion_factors
    hit = cf[(cf["effective_from"] <= on) & (cf["effective_to"] >= on)]
    track = "qualifying" if qualifying_apm else "non_qualifying"
    hit = hit[hit["apm_track"].isin(["all", track])]
    if hit.empty:
        raise NoDataForDateError(f"no conversion factor row held for {year}")
    r = hit.iloc[0]
    if not str(r["bn_basis"]).startswith(BN_BASIS_PREFIXES):
        raise DataError(CF_PATH, f"bn_basis must start with 'stated' or 'derived' (says whether "
                        f"a source states the figure), not {str(r['bn_basis'])[:40]!r}",
                        row=int(hit.index[0]) + 2, field="bn_basis")
    return YearAdjustment(
        year=int(year), conversion_factor=float(r["conversion_factor"]),
        base_cf=float(r["base_cf"]), update_factor=float(r["update_factor"]),
        bn_adjustment=float(r["bn_adjustment"]), law_add_on=float(r["law_add_on"]),
        bn_basis=str(r["bn_basis"]), source=str(r["source"]),
        final_rule_cf=_opt(r["final_rule_cf"]), final_rule_bn=_opt(r["final_rule_bn"]),
    )


def years_with_adjustment(catalog: Catalog | None = None) -> list[int]:
    """Years of the CF table whose budget-neutrality adjustment is not exactly 1."""
    cat = catalog or load_catalog()
    cf = cat.conversion_factors
    return sorted({int(d.year) for d, bn in zip(cf["effective_from"], cf["bn_adjustment"],
                                                  strict=True) if bn != 1.0})


@dataclass(frozen=True)
class EmCheck:
    """The CY2021 office E/M revaluation through the pool formula: base CF -> final-rule CF."""

    year: int
    cf_before: float
    cf_after_reported: float
    cf_after_model: float
    change_pct_model: float
    added_share_of_pool: float  # added / total that reproduces the reported adjustment
    source: str


def em_check(catalog: Catalog | None = None) -> EmCheck:
    """Reproduce CY2021: added spending of (1/bn - 1) of the pool gives CF x total/(total+added).

    ``bn`` is the final-rule adjustment of the data (final-rule CF / base CF); the model's CF is
    base x total / (total + added), which must land on the reported final-rule CF.
    """
    adj = year_adjustment(EM_YEAR, catalog=catalog)
    if adj.final_rule_cf is None or adj.final_rule_bn is None:
        raise NoDataForDateError(f"the {EM_YEAR} row has no final-rule CF and adjustment")
    total = pool_parameters(f"{EM_YEAR}-01-01").total_allowed_usd
    added = total * (1.0 / adj.final_rule_bn - 1.0)
    after = adj.base_cf * total / (total + added)
    return EmCheck(
        year=EM_YEAR, cf_before=adj.base_cf, cf_after_reported=adj.final_rule_cf,
        cf_after_model=after, change_pct_model=(after / adj.base_cf - 1.0) * 100.0,
        added_share_of_pool=added / total, source=adj.source,
    )


@cache
def pool_limit(name: str) -> float:
    """A bound on a pool input, from ``data/pool/limits.csv`` (e.g. ``work_rvu_max``)."""
    t = datapkg.load("pool-limits").set_index("name")
    return float(t.loc[name, "value"])
