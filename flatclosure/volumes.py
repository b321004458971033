"""Yearly Medicare service counts per code: the volumes of the finite-pool model.

No national counts were found (shared domain notes section 6), so the defaults in
``data/pool/volumes_illustrative.csv`` are ILLUSTRATIVE: each row says how it was reasoned (HCUP
Statistical Brief #201 rates and stated assumptions) or that it is a guess. A user who downloads
CMS's "Medicare Physician & Other Practitioners - by Geography and Service" CSV replaces them
with measured counts: its national rows (``Rndrng_Prvdr_Geo_Lvl`` = National), ``Tot_Srvcs``
summed over the places of service (``Place_Of_Srvc`` F and O) of each ``HCPCS_Cd``.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from . import datapkg
from .errors import DataError, InputError

ILLUSTRATIVE_RESOURCE = "pool-volumes-illustrative"
LIMITS_RESOURCE = "pool-limits"
GEO_SERVICE_COLUMNS = ("Rndrng_Prvdr_Geo_Lvl", "HCPCS_Cd", "Place_Of_Srvc", "Tot_Srvcs")
GEO_LEVELS = ("National", "State")
_HCPCS = re.compile(r"[0-9A-Z]{5}")


@dataclass(frozen=True)
class Volumes:
    """Services a year per code, where they came from, and whether they are illustrative.

    A code that is not listed has no services (0). ``reasoning`` holds, per code, how an
    illustrative value was reached, ``references`` an order-of-magnitude public count where one
    exists; show them (or at least the word illustrative) beside the number.
    """

    counts: Mapping[str, float]
    source: str
    illustrative: bool
    reasoning: Mapping[str, str] = field(default_factory=dict)
    references: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clean: dict[str, float] = {}
        for code, value in dict(self.counts).items():
            c = str(code).strip().upper()
            try:
                v = float(value)
            except (TypeError, ValueError) as exc:
                raise InputError(f"volume of {c}", f"{value!r} is not a number") from exc
            if not math.isfinite(v) or v < 0:
                raise InputError(f"volume of {c}", f"{value!r} must be a finite count of 0 or more")
            clean[c] = v
        object.__setattr__(self, "counts", MappingProxyType(clean))
        object.__setattr__(self, "reasoning", MappingProxyType(dict(self.reasoning)))
        object.__setattr__(self, "references", MappingProxyType(dict(self.references)))

    def get(self, code: str) -> float:
        return self.counts.get(str(code).strip().upper(), 0.0)

    def label(self) -> str:
        """The words to show next to any number computed from these volumes."""
        return f"ILLUSTRATIVE volumes ({self.source})" if self.illustrative else self.source

    def replace(self, counts: Mapping[str, float], source: str | None = None) -> Volumes:
        """These volumes with some codes set by the user; still illustrative if these were."""
        merged = {**self.counts, **counts}
        why = {**self.reasoning, **{str(c).upper(): "set by the user" for c in counts}}
        return Volumes(merged, source or f"{self.source}, with user changes", self.illustrative, why,
                       self.references)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "code": list(self.counts),
            "yearly_services": list(self.counts.values()),
            "illustrative": self.illustrative,
            "reasoning": [self.reasoning.get(c, "") for c in self.counts],
            "public_reference": [self.references.get(c, "") for c in self.counts],
        })


def illustrative_volumes(root: Path | None = None) -> Volumes:
    """The shipped default volumes (data/pool/volumes_illustrative.csv), marked illustrative."""
    res = datapkg.resource(ILLUSTRATIVE_RESOURCE, root)
    table = datapkg.load(ILLUSTRATIVE_RESOURCE, root)
    if not res.illustrative or not table["illustrative"].all():
        raise DataError(str(res.path), "the default volumes must be marked illustrative",
                        field="illustrative")
    return Volumes(
        counts=dict(zip(table["code"], table["yearly_services"], strict=True)),
        source=f"{res.title.split(':')[0]}; {res.vintage}",
        illustrative=True,
        reasoning=dict(zip(table["code"], table["reasoning"], strict=True)),
        references={c: str(r) for c, r in zip(table["code"], table["public_reference"], strict=True)
                    if isinstance(r, str) and r},
    )


def upload_max_bytes(root: Path | None = None) -> int:
    """The largest CMS file the app accepts as an upload (``data/pool/limits.csv``)."""
    t = datapkg.load(LIMITS_RESOURCE, root).set_index("name")
    return int(t.loc["volumes_upload_max_bytes", "value"])


def read_geo_service_upload(name: str, content: bytes) -> Volumes:
    """National yearly services from an uploaded "by Geography and Service" CSV (the app never
    reads a server path). Refused over ``upload_max_bytes``; messages name the file, not a path."""
    safe = Path(str(name)).name or "upload.csv"
    limit = upload_max_bytes()
    if len(content) > limit:
        raise InputError("CMS file", f"{safe} is {len(content):,} bytes, over the {limit:,} bytes the app "
                         "accepts: keep only the National rows of the file and upload again")
    return read_geo_service_csv(io.BytesIO(bytes(content)), where=safe)


def read_geo_service_csv(path: str | Path | io.BytesIO, label: str | None = None,
                         where: str | None = None) -> Volumes:
    """National yearly services per code from a CMS "by Geography and Service" CSV.

    Keeps the rows whose ``Rndrng_Prvdr_Geo_Lvl`` is National and sums ``Tot_Srvcs`` over the
    rows of each ``HCPCS_Cd`` (one per place of service). A malformed row raises DataError with
    the file, the line and the field; a code repeated in one place of service is an error too.
    """
    name = where or Path(str(path)).name
    where = where or str(path)
    try:
        content = path.getvalue() if isinstance(path, io.BytesIO) else Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise DataError(where, "file not found") from exc
    try:
        datapkg.check_field_counts(content.decode("utf-8-sig"), where)
        raw = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, na_filter=False,
                          encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(where, f"not a readable CSV: {exc}") from exc
    missing = [c for c in GEO_SERVICE_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(where, "missing column of the CMS 'by Geography and Service' layout "
                        f"(it needs {', '.join(GEO_SERVICE_COLUMNS)})", row=1, field=missing[0])
    line = pd.Series(range(2, len(raw) + 2), index=raw.index)  # header is line 1
    level = raw["Rndrng_Prvdr_Geo_Lvl"].str.strip()
    bad = ~level.isin(GEO_LEVELS)
    if bad.any():
        raise DataError(where, f"unknown geography level {level[bad].iloc[0]!r} "
                        f"(expected {' or '.join(GEO_LEVELS)})",
                        row=int(line[bad].iloc[0]), field="Rndrng_Prvdr_Geo_Lvl")
    nat = raw[level == "National"]
    if nat.empty:
        raise DataError(where, "no National rows: download the national level of the file",
                        field="Rndrng_Prvdr_Geo_Lvl")
    codes = nat["HCPCS_Cd"].str.strip().str.upper()
    bad = ~codes.map(lambda s: bool(_HCPCS.fullmatch(s)))
    if bad.any():
        raise DataError(where, f"{nat['HCPCS_Cd'][bad].iloc[0]!r} is not a 5-character HCPCS code",
                        row=int(line[bad[bad].index[0]]), field="HCPCS_Cd")
    text = nat["Tot_Srvcs"].str.strip().str.replace(",", "", regex=False)
    services = pd.to_numeric(text, errors="coerce")
    bad = services.isna() | (services < 0)
    if bad.any():
        raise DataError(where, f"{nat['Tot_Srvcs'][bad].iloc[0]!r} is not a count of 0 or more",
                        row=int(line[bad[bad].index[0]]), field="Tot_Srvcs")
    place = nat["Place_Of_Srvc"].str.strip().str.upper()
    dup = pd.DataFrame({"c": codes, "p": place}).duplicated(keep="first")
    if dup.any():
        i = dup[dup].index[0]
        raise DataError(where, f"code {codes[i]} appears twice for place of service {place[i]!r}",
                        row=int(line[i]), field="HCPCS_Cd")
    totals = services.groupby(codes, sort=True).sum()
    return Volumes(
        counts={str(c): float(v) for c, v in totals.items()},
        source=label or f"CMS Medicare Physician & Other Practitioners by Geography and Service, "
                        f"national rows of {name}",
        illustrative=False,
    )


def load_volumes(path: str | Path | None = None) -> Volumes:
    """Measured volumes from a CMS "by Geography and Service" CSV, or the illustrative defaults."""
    return illustrative_volumes() if path is None else read_geo_service_csv(path)
