"""The advocates' published figures (their own dated vintage) beside what each release says."""

from __future__ import annotations

import pandas as pd

from . import datapkg
from .catalog import Catalog, load_catalog


def advocates_figures() -> pd.DataFrame:
    """The work RVUs quoted on the advocates' page, with the code each matches."""
    return datapkg.load("seed-figures")


def seed_comparison(catalog: Catalog | None = None) -> pd.DataFrame:
    """Each quoted figure beside the matching code's work RVU in every release held.

    Columns: label, code, quoted_work_rvu, release_id, year, work_rvu, matches (NaN quoted
    figures, e.g. 19499 'variable', never match; a code absent from a release has no row).
    """
    cat = catalog or load_catalog()
    seed = advocates_figures()
    seed = seed.assign(code=seed["codes"].str.split()).explode("code")
    hist = cat.history()[["release_id", "year", "code", "work_rvu"]]
    out = seed.merge(hist, on="code", how="inner")
    out["matches"] = (out["work_rvu"] - out["quoted_work_rvu"]).abs() < 0.005
    return out[["label", "code", "quoted_work_rvu", "release_id", "year", "work_rvu", "matches"]]


def years_seed_holds(catalog: Catalog | None = None) -> list[int]:
    """Years in which every quoted figure equals the work RVU of its code in every release held."""
    cmp = seed_comparison(catalog)
    cmp = cmp[cmp["quoted_work_rvu"].notna()]
    by_year = cmp.groupby("year").agg(ok=("matches", "all"), labels=("label", "nunique"))
    wanted = cmp["label"].nunique()
    return [int(y) for y, r in by_year.iterrows() if r["ok"] and r["labels"] == wanted]
