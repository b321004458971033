"""The tables the workbook shows: national payments per code and year, the value gap, and the
advocates' published work RVUs beside a year's.

Every value comes from the engine (``fees.fee_schedule`` on the catalog); this module only picks
rows and names columns. A "year" is answered on ``Catalog.date_for_year`` (the start of that
year's latest release), as the ``--year`` option of the command line does.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from . import datapkg
from .catalog import Catalog, load_catalog
from .errors import InputError
from .families import family_labels, gap_groups
from .fees import check_setting, fee_schedule
from .seed import advocates_figures

# The family taxonomy lives in data/catalog/families.csv (flatclosure.families), read once here.
FAMILY_LABELS: dict[str, str] = family_labels()
# The three sides of the value gap: which catalog families each one holds.
GAP_GROUPS: dict[str, tuple[str, ...]] = gap_groups()
PRICE_COLUMNS = ["year", "date", "release_id", "code", "family", "role", "description", "status",
                 "glob_days", "work_rvu", "pe_rvu", "mp_rvu", "total_rvu", "payable",
                 "conversion_factor", "price"]


def _catalog(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else load_catalog()


@cache
def _year_prices(year: int, setting: str, cat: Catalog) -> pd.DataFrame:
    on = cat.date_for_year(year)
    held = cat.table(on)
    frame = fee_schedule(list(held["code"]), on, setting, None, catalog=cat)
    frame = frame.merge(held[["code", "family", "role", "description"]], on="code")
    frame["year"] = int(year)
    frame["total_rvu"] = frame["work_rvu"] + frame["pe_rvu"] + frame["mp_rvu"]
    return frame[PRICE_COLUMNS]


def year_prices(year: int, setting: str = "facility",
                catalog: Catalog | None = None) -> pd.DataFrame:
    """National fee schedule of every catalog code held in ``year``'s release, one row per code.

    ``price`` is NaN where the code is not paid by RVUs in that setting (NA, status C or R).
    """
    return _year_prices(int(year), check_setting(setting), _catalog(catalog)).copy()


def code_table(year: int, family: str | None = None,
               catalog: Catalog | None = None) -> pd.DataFrame:
    """The catalog browser's table: RVUs and national facility and office payments of a year."""
    cat = _catalog(catalog)
    fac = year_prices(year, "facility", cat)
    office = year_prices(year, "office", cat)[["code", "pe_rvu", "total_rvu", "price"]]
    out = fac.rename(columns={"pe_rvu": "facility_pe_rvu", "total_rvu": "facility_total_rvu",
                              "price": "facility_price"})
    out = out.merge(office.rename(columns={"pe_rvu": "office_pe_rvu",
                                           "total_rvu": "office_total_rvu",
                                           "price": "office_price"}), on="code")
    if family is not None:
        if family not in FAMILY_LABELS:
            raise InputError("family", f"{family!r} is not one of {', '.join(FAMILY_LABELS)}")
        out = out[out["family"] == family]
    order = {f: i for i, f in enumerate(FAMILY_LABELS)}
    out = out.sort_values(["family", "code"], key=lambda s: s.map(order) if s.name == "family"
                          else s)
    return out.reset_index(drop=True)


def value_gap(year: int, catalog: Catalog | None = None) -> pd.DataFrame:
    """Flat-closure codes against mastectomy and breast-mound reconstruction in one year.

    Primary codes with a national facility price only: add-on codes are paid per extra
    increment and carrier-priced codes have no RVUs, so neither compares like for like.
    Columns: group, code, description, work_rvu, price (national, facility).
    """
    prices = year_prices(year, "facility", catalog)
    group_of = {fam: group for group, fams in GAP_GROUPS.items() for fam in fams}
    prices["group"] = prices["family"].map(group_of)
    keep = prices["group"].notna() & (prices["role"] != "protocol_add_on") & prices["price"].notna()
    out = prices[keep]
    order = {g: i for i, g in enumerate(GAP_GROUPS)}
    out = out.sort_values(["group", "price"], key=lambda s: s.map(order) if s.name == "group"
                          else s)
    return out[["year", "group", "family", "code", "description", "work_rvu", "total_rvu",
                "price"]].reset_index(drop=True)


@cache
def _seed() -> pd.DataFrame:
    # read and validated once per process: notebook 01 asked for it twice per control change
    # (80 ms each, benchmarks/bench_workbook.py); the data package does not change while it runs
    return advocates_figures()


def seed_codes() -> list[str]:
    """The codes the advocates' page quotes figures for (data resource 'seed-figures')."""
    return list(dict.fromkeys(_seed()["codes"].str.split().str[0]))


def payment_trend(codes: list[str], setting: str = "facility",
                  catalog: Catalog | None = None) -> pd.DataFrame:
    """National payment and work RVU of each code in every year held, long format.

    A code absent from a year's release (e.g. 15771 before 2020) simply has no row that year.
    """
    cat = _catalog(catalog)
    for c in codes:
        cat.info(c)  # unknown codes raise a readable error
    return _trend(tuple(codes), check_setting(setting), cat).copy()


@cache
def _trend(codes: tuple[str, ...], setting: str, cat: Catalog) -> pd.DataFrame:
    frames = []
    for year in cat.years():
        on = cat.date_for_year(year)
        in_release = set(cat.table(on)["code"])
        held = [c for c in codes if c in in_release]
        if held:  # only the codes asked for: fee_schedule looks each one up by date
            frame = fee_schedule(held, on, setting, None, catalog=cat)
            frame["year"] = year
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    order = {c: i for i, c in enumerate(codes)}
    out = out.sort_values(["code", "year"], key=lambda s: s.map(order) if s.name == "code" else s)
    out["family"] = out["code"].map(cat.codes["family"])
    out["total_rvu"] = out["work_rvu"] + out["pe_rvu"] + out["mp_rvu"]
    return out[["year", "date", "release_id", "code", "family", "work_rvu", "total_rvu",
                "conversion_factor", "price"]].reset_index(drop=True)


def seed_beside_year(year: int, catalog: Catalog | None = None) -> pd.DataFrame:
    """The advocates' published work RVUs beside the work RVU of the same code in ``year``
    (``seed.seed_comparison`` has every release; this is one year, as the workbook shows it).

    Columns: label (as the page writes it), code, quoted_work_rvu (NaN where the page gives no
    number, e.g. 19499 'variable'), work_rvu (in ``year``; NaN if the code is not held that
    year), change (work_rvu - quoted_work_rvu).
    """
    seed = _seed()
    prices = year_prices(year, "facility", catalog).set_index("code")
    out = pd.DataFrame({
        "label": seed["label"],
        "code": seed["codes"].str.split().str[0],
        "quoted_work_rvu": pd.to_numeric(seed["quoted_work_rvu"]),
        "note": seed["note"],
    })
    out["year"] = int(year)
    out["work_rvu"] = out["code"].map(prices["work_rvu"]).astype(float)
    # a carrier-priced code has no RVUs: its 0.00 in the file is not a value
    not_rvu = out["code"].map(prices["status"]).ne("A")
    out.loc[not_rvu, "work_rvu"] = float("nan")
    out["change"] = out["work_rvu"] - out["quoted_work_rvu"]
    return out


def seed_published() -> str:
    """The date of the advocates' page the figures come from (the resource's 'effective')."""
    return datapkg.resource("seed-figures").effective
