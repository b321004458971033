"""The code catalog: every code in play, its family and role, and its CMS values on any date.

Values come from ``data/cms/rvus.csv`` (built from the CMS relative value files) and are looked
up by date of service: the release in force on that date (``data/cms/releases.csv``).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from .. import datapkg
from ..errors import InputError, NoDataForDateError, UnknownCodeError
from .bands import SizeBands, size_bands

SETTINGS = ("facility", "office")
# results a catalog remembers (priced tables, prices, the pool's priced releases): enough for
# every year x setting x locality a page shows, a few MB at most
MEMO_ENTRIES = 4096
AMA_NOTICE = (
    "CPT codes are copyright American Medical Association (AMA). All rights reserved. "
    "The descriptions here are flatclosure's own plain-language summaries, not CPT descriptors."
)


def as_date(value: dt.date | str) -> dt.date:
    """A date of service from a date or 'YYYY-MM-DD'."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InputError("date", f"{value!r} is not a date YYYY-MM-DD") from exc


@dataclass(frozen=True)
class Release:
    """One CMS relative value file release and the dates it is in force."""

    release_id: str
    year: int
    label: str
    effective_from: dt.date
    effective_to: dt.date
    source_file: str
    origin: str
    indicators_from: str
    note: str


@dataclass(frozen=True)
class CodeInfo:
    """A catalog code: family, protocol role, our description, and its size band if any."""

    code: str
    family: str
    role: str
    description: str
    primary_codes: tuple[str, ...]
    size_unit: str
    size_min: float | None
    size_max: float | None
    size_step: float | None

    @property
    def is_add_on(self) -> bool:
        return self.role == "protocol_add_on"


@dataclass(frozen=True)
class CodeValues:
    """A code's RVUs and payment indicators in one release."""

    code: str
    release_id: str
    status: str
    work_rvu: float
    nonfac_pe_rvu: float
    fac_pe_rvu: float
    mp_rvu: float
    office_payable: bool
    facility_payable: bool
    glob_days: str
    pre_op: float
    intra_op: float
    post_op: float
    mult_proc: str
    bilat_surg: str
    asst_surg: str
    co_surg: str
    team_surg: str
    indicators_from: str

    def pe_rvu(self, setting: str) -> float:
        return self.fac_pe_rvu if setting == "facility" else self.nonfac_pe_rvu

    def payable_in(self, setting: str) -> bool:
        return self.facility_payable if setting == "facility" else self.office_payable

    def total_rvu(self, setting: str) -> float:
        return self.work_rvu + self.pe_rvu(setting) + self.mp_rvu

    @property
    def global_period_days(self) -> int | None:
        return int(self.glob_days) if self.glob_days.isdigit() else None


class Memo(OrderedDict[tuple[object, ...], object]):
    """A catalog's memo of pure results, bounded: the least recently used entries go once it
    holds ``MEMO_ENTRIES``, so a deployed app's kernel cannot grow without end however many
    dates, settings and localities a visitor tries."""

    def __getitem__(self, key: tuple[object, ...]) -> object:
        self.move_to_end(key)
        return super().__getitem__(key)

    def __setitem__(self, key: tuple[object, ...], value: object) -> None:
        super().__setitem__(key, value)
        while len(self) > MEMO_ENTRIES:
            self.popitem(last=False)


class Catalog:
    """Codes, releases, RVUs, conversion factors and GPCIs, loaded once from ``data/``."""

    def __init__(self, root: Path | None = None):
        self.root = root or datapkg.data_dir()
        codes = datapkg.load("catalog-codes", self.root)
        self.codes = codes.set_index("code", drop=False)
        self.releases = datapkg.load("cms-rvu-releases", self.root)
        rvus = datapkg.load("cms-rvus", self.root)
        unknown = sorted(set(rvus["code"]) - set(codes["code"]))
        if unknown:
            raise datapkg.DataError("data/cms/rvus.csv", f"codes not in the catalog: {unknown}")
        rvus["office_payable"] = rvus["nonfac_na"] != "NA"
        rvus["facility_payable"] = rvus["fac_na"] != "NA"
        self.rvus = rvus
        self.conversion_factors = datapkg.load("cms-conversion-factors", self.root)
        self.gpci_table = datapkg.load("cms-gpci", self.root)
        gpci_files = datapkg.load("cms-gpci-releases", self.root)
        self._gpci_warnings = {int(r.year): f"{int(r.year)} GPCIs: {r.note}"
                               for r in gpci_files.itertuples() if r.warn}
        self.gpci_table["locality_id"] = self.gpci_table["mac"] + ":" + self.gpci_table["locality"]
        self._by_release = {rid: t.set_index("code") for rid, t in rvus.groupby("release_id")}
        # the tables never change after loading, so look-ups are memoised (widgets re-price often)
        self._release_cache: dict[dt.date, Release] = {}
        self._values_cache: dict[tuple[str, str], CodeValues] = {}
        self._cf_cache: dict[tuple[dt.date, bool], float] = {}
        self._localities_cache: dict[int, pd.DataFrame] = {}
        self._gpci_cache: dict[tuple[str, int], tuple[float, float, float]] = {}
        self._bands_cache: dict[str, SizeBands] = {}
        self._info_cache: dict[str, CodeInfo] = {}
        self._year_dates = {int(r.year): r.effective_from for r in self.releases.itertuples()}
        self._years = sorted(self._year_dates)
        self._gpci_years = sorted({int(y) for y in self.gpci_table["year"]})
        self._families = {f: tuple(t.index) for f, t in self.codes.groupby("family", sort=False)}
        self._tables: dict[str, pd.DataFrame] = {}
        self._names: dict[tuple[str, int], str] = {}
        # results of pure functions of this catalog and their arguments, e.g. priced tables
        # (fees.fee_schedule); each user copies what it gets, so nothing cached is ever changed
        self.memo = Memo()

    # -- codes -------------------------------------------------------------------------------
    def info(self, code: str) -> CodeInfo:
        code = str(code).strip()
        if code in self._info_cache:
            return self._info_cache[code]
        if code not in self.codes.index:
            raise UnknownCodeError(
                f"unknown code {code!r}: the catalog holds {', '.join(self.codes.index)}"
            )
        r = self.codes.loc[code]
        num = lambda v: None if pd.isna(v) else float(v)  # noqa: E731
        self._info_cache[code] = CodeInfo(
            code=code, family=r["family"], role=r["role"], description=r["description"],
            primary_codes=tuple(r["primary_codes"].split()), size_unit=r["size_unit"],
            size_min=num(r["size_min"]), size_max=num(r["size_max"]), size_step=num(r["size_step"]),
        )
        return self._info_cache[code]

    def family(self, family: str) -> list[str]:
        return list(self._families.get(family, ()))

    def size_bands(self, family: str) -> SizeBands:
        """The sized family's bands (``data/catalog/codes.csv``), checked to meet end to end."""
        if family not in self._bands_cache:
            self._bands_cache[family] = size_bands(family, [self.info(c) for c in self.family(family)])
        return self._bands_cache[family]

    def size_codes(self, family: str, size: float, field_name: str = "size") -> list[tuple[str, int]]:
        """The primary whose band (min, max] holds the size, then add-on units per step or part."""
        return self.size_bands(family).codes(size, field_name)

    # -- releases ----------------------------------------------------------------------------
    def _release(self, row: pd.Series) -> Release:
        return Release(
            release_id=row["release_id"], year=int(row["year"]), label=row["label"],
            effective_from=row["effective_from"], effective_to=row["effective_to"],
            source_file=row["source_file"], origin=row["origin"],
            indicators_from=row["indicators_from"] or row["release_id"], note=row["note"],
        )

    def coverage(self) -> str:
        r = self.releases
        return f"{r['effective_from'].min()} to {r['effective_to'].max()}"

    def release_on(self, on: dt.date | str) -> Release:
        """The release in force on a date of service."""
        day = as_date(on)
        if day in self._release_cache:
            return self._release_cache[day]
        hit = self.releases[(self.releases["effective_from"] <= day)
                            & (self.releases["effective_to"] >= day)]
        if hit.empty:
            raise NoDataForDateError(
                f"no relative value file held for {day}: releases cover {self.coverage()} "
                f"(years {', '.join(map(str, self.years()))})"
            )
        self._release_cache[day] = self._release(hit.iloc[-1])
        return self._release_cache[day]

    def release(self, release_id: str) -> Release:
        hit = self.releases[self.releases["release_id"] == release_id]
        if hit.empty:
            raise NoDataForDateError(
                f"unknown release {release_id!r}: have {', '.join(self.releases['release_id'])}"
            )
        return self._release(hit.iloc[0])

    def years(self) -> list[int]:
        return list(self._years)

    def date_for_year(self, year: int) -> dt.date:
        """The date a whole-year question is answered on: the start of that year's latest release
        (releases are listed in date order, so the last row of a year wins)."""
        if int(year) not in self._year_dates:
            raise NoDataForDateError(
                f"no release held for {year}: years available are "
                f"{', '.join(map(str, self.years()))}"
            )
        return self._year_dates[int(year)]

    # -- values ------------------------------------------------------------------------------
    def values(self, code: str, on: dt.date | str) -> CodeValues:
        """A code's RVUs and indicators on a date of service."""
        rel = self.release_on(on)
        key = (str(code).strip(), rel.release_id)
        if key in self._values_cache:
            return self._values_cache[key]
        info = self.info(code)
        table = self._by_release[rel.release_id]
        if info.code not in table.index:
            raise UnknownCodeError(
                f"code {info.code} is not in the {rel.label} ({rel.release_id}); "
                "it may not have existed yet"
            )
        r = table.loc[info.code]
        self._values_cache[key] = CodeValues(
            code=info.code, release_id=rel.release_id, status=r["status"],
            work_rvu=float(r["work_rvu"]), nonfac_pe_rvu=float(r["nonfac_pe_rvu"]),
            fac_pe_rvu=float(r["fac_pe_rvu"]), mp_rvu=float(r["mp_rvu"]),
            office_payable=bool(r["office_payable"]), facility_payable=bool(r["facility_payable"]),
            glob_days=r["glob_days"], pre_op=float(r["pre_op"]), intra_op=float(r["intra_op"]),
            post_op=float(r["post_op"]), mult_proc=r["mult_proc"], bilat_surg=r["bilat_surg"],
            asst_surg=r["asst_surg"], co_surg=r["co_surg"], team_surg=r["team_surg"],
            indicators_from=r["indicators_from"],
        )
        return self._values_cache[key]

    def table(self, on: dt.date | str) -> pd.DataFrame:
        """Every catalog code's values in the release in force on a date, with family and role."""
        rel = self.release_on(on)
        if rel.release_id not in self._tables:
            t = self._by_release[rel.release_id].reset_index()
            self._tables[rel.release_id] = t.merge(
                self.codes[["family", "role", "description"]], left_on="code", right_index=True,
                how="left")
        return self._tables[rel.release_id].copy()

    def history(self, codes: list[str] | None = None) -> pd.DataFrame:
        """Every release's values of the given codes (all by default), with release dates."""
        rel = self.releases[["release_id", "year", "label", "effective_from", "effective_to"]]
        out = self.rvus.merge(rel, on="release_id")
        if codes is not None:
            for c in codes:
                self.info(c)
            out = out[out["code"].isin(codes)]
        return out.merge(self.codes[["family", "role"]], left_on="code", right_index=True)

    # -- conversion factor and GPCI ----------------------------------------------------------
    def conversion_factor(self, on: dt.date | str, qualifying_apm: bool = False) -> float:
        """The PFS conversion factor on a date of service (from 2026, by APM track)."""
        day = as_date(on)
        if (day, qualifying_apm) in self._cf_cache:
            return self._cf_cache[(day, qualifying_apm)]
        cf = self.conversion_factors
        hit = cf[(cf["effective_from"] <= day) & (cf["effective_to"] >= day)]
        if hit.empty:
            raise NoDataForDateError(
                f"no conversion factor held for {day}: held from {cf['effective_from'].min()} "
                f"to {cf['effective_to'].max()}"
            )
        track = "qualifying" if qualifying_apm else "non_qualifying"
        pick = hit[hit["apm_track"].isin(["all", track])]
        self._cf_cache[(day, qualifying_apm)] = float(pick.iloc[0]["conversion_factor"])
        return self._cf_cache[(day, qualifying_apm)]

    def gpci_warning(self, year: int) -> str:
        """What a price at a locality in ``year`` must say about its GPCI file ('' if nothing)."""
        return self._gpci_warnings.get(int(year), "")

    def gpci_years(self) -> list[int]:
        return list(self._gpci_years)

    def default_year(self) -> int:
        """The year every entry point opens on: the latest year that can be priced in full.

        That is the latest year with both a relative value file and a GPCI file, so a price can be
        asked for any locality, not only nationally (no trustworthy 2026 GPCI file: SOURCES.md).
        It moves forward by itself when a newer GPCI file is added to ``data/cms``.
        """
        both = sorted(set(self.years()) & set(self.gpci_years()))
        return both[-1] if both else self.years()[-1]

    def default_date(self) -> dt.date:
        """The date a question with no date is answered on: ``date_for_year(default_year())``."""
        return self.date_for_year(self.default_year())

    def localities(self, year: int) -> pd.DataFrame:
        """The Medicare localities of a year: locality_id, state, name and GPCIs (do not modify)."""
        if int(year) in self._localities_cache:
            return self._localities_cache[int(year)]
        t = self.gpci_table[self.gpci_table["year"] == int(year)]
        if t.empty:
            raise NoDataForDateError(
                f"no GPCI file held for {year} (held: {', '.join(map(str, self.gpci_years()))}); "
                "only national prices are available for that year"
            )
        self._localities_cache[int(year)] = t.reset_index(drop=True)
        return self._localities_cache[int(year)]

    def gpci(self, locality: str | None, year: int) -> tuple[float, float, float]:
        """Work, PE and MP GPCIs of a locality ('MAC:LOCALITY'); national (1, 1, 1) for None."""
        if locality is None or str(locality).strip().lower() in ("", "national"):
            return (1.0, 1.0, 1.0)
        key = normalise_locality(str(locality))
        if (key, int(year)) in self._gpci_cache:
            return self._gpci_cache[(key, int(year))]
        t = self.localities(year)
        hit = t[t["locality_id"] == key]
        if hit.empty:
            raise InputError(
                "locality",
                f"{locality!r} is not a Medicare locality in {year}; use MAC:LOCALITY as in "
                f"'{t['locality_id'].iloc[0]}' ({t['locality_name'].iloc[0]}), or list them with "
                "flatclosure localities",
            )
        r = hit.iloc[0]
        self._gpci_cache[(key, int(year))] = (float(r["gpci_work"]), float(r["gpci_pe"]),
                                              float(r["gpci_mp"]))
        return self._gpci_cache[(key, int(year))]

    def locality_name(self, locality: str | None, year: int) -> str:
        if locality is None or str(locality).strip().lower() in ("", "national"):
            return "National (all GPCIs 1.000)"
        key = normalise_locality(str(locality))
        if (key, int(year)) not in self._names:
            self.gpci(key, year)  # raises the readable error for an unknown locality
            t = self.localities(year).set_index("locality_id")
            r = t.loc[key]
            self._names[(key, int(year))] = f"{r['locality_name'].title()}, {r['state']}".strip(", ")
        return self._names[(key, int(year))]


def normalise_locality(text: str) -> str:
    """'1182:18', '01182-18' or '01182 18' -> '01182:18'."""
    parts = [p for p in text.replace("-", ":").replace(" ", ":").split(":") if p]
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise InputError("locality", f"{text!r} is not MAC:LOCALITY (e.g. 01182:18)")
    return f"{parts[0].zfill(5)}:{parts[1].zfill(2)}"


@cache
def load_catalog() -> Catalog:
    """The catalog of the installed data package (loaded once per process)."""
    return Catalog()
