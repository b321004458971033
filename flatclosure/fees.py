"""Medicare physician fee schedule prices: RVUs x GPCI x conversion factor.

Price = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF, with the facility PE
RVU for hospital/ASC settings and the non-facility PE RVU for the office (shared domain notes
section 3; CMS PFS look-up overview). National prices use GPCIs of 1. A code marked "NA" for a
setting is not payable there. Money is rounded to cents once, at the end, half up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .catalog import SETTINGS, Catalog, as_date, load_catalog
from .errors import InputError


def round_cents(amount: float | np.ndarray | pd.Series) -> np.ndarray | float:
    """Round money half up to cents (the tiny epsilon absorbs binary noise like 2.675 -> 2.67499)."""
    a = np.asarray(amount, dtype=float)
    out = np.sign(a) * np.floor(np.abs(a) * 100 + 0.5 + 1e-7) / 100
    return float(out) if out.ndim == 0 else out


def check_setting(setting: str) -> str:
    s = str(setting).strip().lower()
    if s == "non-facility" or s == "nonfacility":
        s = "office"
    if s not in SETTINGS:
        raise InputError("setting", f"{setting!r} is not one of {', '.join(SETTINGS)}")
    return s


def fee_amounts(rvus: pd.DataFrame, setting: str, gpci: tuple[float, float, float],
                conversion_factor: float) -> pd.DataFrame:
    """Vectorised fee schedule amounts (unrounded) for a frame of RVUs in one setting.

    ``rvus`` needs work_rvu, fac_pe_rvu, nonfac_pe_rvu, mp_rvu and office/facility_payable.
    Adds pe_rvu, payable and amount (NaN where not payable).
    """
    setting = check_setting(setting)
    work_g, pe_g, mp_g = gpci
    out = rvus.copy()
    out["pe_rvu"] = out["fac_pe_rvu"] if setting == "facility" else out["nonfac_pe_rvu"]
    out["payable"] = out["facility_payable" if setting == "facility" else "office_payable"]
    rvu = out["work_rvu"] * work_g + out["pe_rvu"] * pe_g + out["mp_rvu"] * mp_g
    out["amount"] = (rvu * conversion_factor).where(out["payable"])
    return out


def price_matrix(rvus: pd.DataFrame, gpcis: pd.DataFrame, conversion_factor: float,
                 setting: str) -> np.ndarray:
    """Every code at every locality at once: a (codes x localities) array of unrounded amounts."""
    setting = check_setting(setting)
    pe = rvus["fac_pe_rvu" if setting == "facility" else "nonfac_pe_rvu"].to_numpy(float)
    comp = np.stack([rvus["work_rvu"].to_numpy(float), pe, rvus["mp_rvu"].to_numpy(float)], 1)
    g = gpcis[["gpci_work", "gpci_pe", "gpci_mp"]].to_numpy(float).T
    return (comp @ g) * conversion_factor


@dataclass(frozen=True)
class Price:
    """The fee schedule amount of one code on one date, setting and locality."""

    code: str
    date: dt.date
    setting: str
    locality: str
    locality_name: str
    release_id: str
    status: str
    work_rvu: float
    pe_rvu: float
    mp_rvu: float
    gpci_work: float
    gpci_pe: float
    gpci_mp: float
    conversion_factor: float
    payable: bool
    amount: float | None  # unrounded; None where not payable or not priced by RVUs
    price: float | None  # rounded to cents

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        d.pop("amount")
        return d


def fee_schedule(codes: list[str], on: dt.date | str, setting: str = "facility",
                 locality: str | None = None, qualifying_apm: bool = False,
                 catalog: Catalog | None = None) -> pd.DataFrame:
    """Fee schedule of several codes as a frame, one row per code (in the order given).

    The priced table depends only on its arguments and the catalog, which never changes after
    loading: it is computed once per (codes, date, setting, locality, APM track) and kept in
    ``catalog.memo``; every caller gets its own copy (a view's refresh then costs a copy).
    """
    cat = catalog or load_catalog()
    day = as_date(on)
    setting = check_setting(setting)
    key = ("fee_schedule", tuple(str(c) for c in codes), day, setting, locality, qualifying_apm)
    if key not in cat.memo:
        cat.memo[key] = _fee_schedule(list(key[1]), day, setting, locality, qualifying_apm, cat)
    frame = cat.memo[key]
    assert isinstance(frame, pd.DataFrame)
    return frame.copy()


def _fee_schedule(codes: list[str], day: dt.date, setting: str, locality: str | None,
                  qualifying_apm: bool, cat: Catalog) -> pd.DataFrame:
    rows = [cat.values(c, day) for c in codes]
    frame = pd.DataFrame([asdict(v) for v in rows])
    year = day.year
    gpci = cat.gpci(locality, year)
    cf = cat.conversion_factor(day, qualifying_apm)
    priced = fee_amounts(frame, setting, gpci, cf)
    # status C (carrier priced), R, N, I etc. are not priced by RVUs under the PFS
    priced.loc[priced["status"] != "A", "amount"] = np.nan
    priced["date"] = day
    priced["setting"] = setting
    priced["locality"] = "national" if gpci == (1.0, 1.0, 1.0) and not locality else locality
    priced["locality_name"] = cat.locality_name(locality, year)
    priced["gpci_work"], priced["gpci_pe"], priced["gpci_mp"] = gpci
    priced["conversion_factor"] = cf
    priced["price"] = round_cents(priced["amount"].to_numpy(float))
    return priced


def price(code: str, on: dt.date | str, setting: str = "facility", locality: str | None = None,
          qualifying_apm: bool = False, catalog: Catalog | None = None) -> Price:
    """The fee schedule amount of one code (computed once per arguments, like fee_schedule)."""
    cat = catalog or load_catalog()
    key = ("price", str(code), as_date(on), check_setting(setting), locality, qualifying_apm)
    if key not in cat.memo:
        cat.memo[key] = _price(code, on, setting, locality, qualifying_apm, cat)
    found = cat.memo[key]
    assert isinstance(found, Price)
    return found


def _price(code: str, on: dt.date | str, setting: str, locality: str | None,
           qualifying_apm: bool, catalog: Catalog) -> Price:
    r = fee_schedule([code], on, setting, locality, qualifying_apm, catalog).iloc[0]
    amount = None if pd.isna(r["amount"]) else float(r["amount"])
    return Price(
        code=r["code"], date=r["date"], setting=r["setting"], locality=str(r["locality"]),
        locality_name=r["locality_name"], release_id=r["release_id"], status=r["status"],
        work_rvu=float(r["work_rvu"]), pe_rvu=float(r["pe_rvu"]), mp_rvu=float(r["mp_rvu"]),
        gpci_work=float(r["gpci_work"]), gpci_pe=float(r["gpci_pe"]), gpci_mp=float(r["gpci_mp"]),
        conversion_factor=float(r["conversion_factor"]), payable=bool(r["payable"]),
        amount=amount, price=None if amount is None else float(round_cents(amount)),
    )
