"""Build the numeric extracts in ``data/cms`` from the files CMS publishes.

Run ``python -m flatclosure.cms build --source DIR --out data`` (``make data``). The build reads
two hand-kept manifests, ``data/cms/releases.csv`` (one row per relative value file) and
``data/cms/gpci_releases.csv`` (one row per GPCI file), plus the code list
``data/catalog/codes.csv``, and writes:

- ``data/cms/rvus.csv``: RVUs and payment indicators of the catalog codes, per release;
- ``data/cms/gpci.csv``: GPCIs per year and Medicare locality.

To add a release, download it from CMS (https://www.cms.gov/medicare/payment/fee-schedules/
physician/pfs-relative-value-files), add a manifest row, and rerun. Descriptor text (AMA
copyright) is never written out: only code numbers and CMS values.

Layouts read (a file in any other layout is refused with the reason):

- ``cms``: the CMS PPRRVU CSV: title lines, a header spread over several lines ending in the
  row that starts ``HCPCS,MOD,DESCRIPTION``, data rows, an optional EOF (0x1A) line. Columns
  are found by their header text, so the 2026 ``PRIC IND`` column and re-spaced headers are fine.
  Files re-saved through Excel lose leading zeros (``100`` for ``00100``, ``90`` for ``090``):
  these are restored.
- ``arkrvu``: CMS columns as snake_case with a ``source_release`` column (R package arkrvu).
- ``rvu-only``: ``hcpcs,description,work_rvu,pe_rvu_nonfac,pe_rvu_fac,mp_rvu`` (no indicators).
- GPCI: CMS Addendum E CSV (title, header row with "Locality Number", notes below), or a flat
  ``mac,[state,]locality_number,locality_name,gpci_work,gpci_pe,gpci_mp`` table.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from . import datapkg
from .errors import DataError, FlatclosureError

RVU_COLUMNS = [
    "hcpcs", "mod", "status", "work_rvu", "nonfac_pe_rvu", "nonfac_na", "fac_pe_rvu", "fac_na",
    "mp_rvu", "glob_days", "pre_op", "intra_op", "post_op", "mult_proc", "bilat_surg",
    "asst_surg", "co_surg", "team_surg", "conv_factor",
]
NUMERIC = ["work_rvu", "nonfac_pe_rvu", "fac_pe_rvu", "mp_rvu", "pre_op", "intra_op", "post_op",
           "conv_factor"]
INDICATORS = ["status", "glob_days", "pre_op", "intra_op", "post_op", "mult_proc", "bilat_surg",
              "asst_surg", "co_surg", "team_surg"]

# CMS header text (the header lines of a column joined, spaces and punctuation removed) -> field
_CMS_HEADERS = {
    "HCPCS": "hcpcs", "MOD": "mod", "STATUSCODE": "status", "WORKRVU": "work_rvu",
    "NONFACPERVU": "nonfac_pe_rvu", "NONFACNAINDICATOR": "nonfac_na",
    "FACILITYPERVU": "fac_pe_rvu", "FACILITYNAINDICATOR": "fac_na", "MPRVU": "mp_rvu",
    "GLOBDAYS": "glob_days", "PREOP": "pre_op", "INTRAOP": "intra_op", "POSTOP": "post_op",
    "MULTPROC": "mult_proc", "BILATSURG": "bilat_surg", "ASSTSURG": "asst_surg",
    "COSURG": "co_surg", "TEAMSURG": "team_surg", "CONVFACTOR": "conv_factor",
}
_ARKRVU = {
    "hcpcs": "hcpcs", "mod": "mod", "status_code": "status", "work_rvu": "work_rvu",
    "non_fac_pe_rvu": "nonfac_pe_rvu", "non_fac_indicator": "nonfac_na",
    "facility_pe_rvu": "fac_pe_rvu", "facility_indicator": "fac_na", "mp_rvu": "mp_rvu",
    "glob_days": "glob_days", "pre_op": "pre_op", "intra_op": "intra_op", "post_op": "post_op",
    "mult_proc": "mult_proc", "bilat_surg": "bilat_surg", "asst_surg": "asst_surg",
    "co_surg": "co_surg", "team_surg": "team_surg", "conv_factor": "conv_factor",
}
_RVU_ONLY = {"hcpcs": "hcpcs", "work_rvu": "work_rvu", "pe_rvu_nonfac": "nonfac_pe_rvu",
             "pe_rvu_fac": "fac_pe_rvu", "mp_rvu": "mp_rvu"}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _rows(path: Path) -> list[list[str]]:
    try:
        with open(path, newline="", encoding="latin-1") as fh:
            return list(csv.reader(fh))
    except OSError as exc:
        raise DataError(str(path), f"cannot read: {exc}") from exc


def _key(text: str) -> str:
    return re.sub(r"[^A-Z]", "", text.upper())


def _pad_digits(value: str, width: int) -> str:
    """Restore leading zeros that a spreadsheet dropped from an all-digit code."""
    return value.zfill(width) if value.isdigit() and len(value) < width else value


class RvuLayout(StrEnum):
    """The relative value file layouts (each value as the build manifest names it)."""

    CMS = "cms"
    ARKRVU = "arkrvu"
    RVU_ONLY = "rvu-only"
    EMPTY = "empty"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """What a file in this layout looks like, in words."""
        return _LAYOUT_LABELS[self]


_LAYOUT_LABELS = {
    RvuLayout.CMS: "a CMS PPRRVU CSV (a header row starting 'HCPCS,MOD,DESCRIPTION')",
    RvuLayout.ARKRVU: "an arkrvu table (source_release, hcpcs, ...)",
    RvuLayout.RVU_ONLY: "an RVU-only table (hcpcs, description, work_rvu, pe_rvu_nonfac, pe_rvu_fac, "
                        "mp_rvu)",
    RvuLayout.EMPTY: "an empty file",
    RvuLayout.UNKNOWN: "none of the layouts read",
}


def detect_rvu_layout(rows: list[list[str]]) -> RvuLayout:
    if not rows:
        return RvuLayout.EMPTY
    head = [c.strip() for c in rows[0]]
    if head and head[0] == "source_release" and set(_ARKRVU) <= set(head):
        return RvuLayout.ARKRVU
    if set(_RVU_ONLY) <= set(head) and "status_code" not in head:
        return RvuLayout.RVU_ONLY
    for row in rows[:20]:
        if row and row[0].strip().upper() == "HCPCS":
            return RvuLayout.CMS
    return RvuLayout.UNKNOWN


def _cms_header(rows: list[list[str]], header_at: int, meta: dict[str, str]) -> None:
    """The release date and title the lines above a CMS header state, into ``meta``."""
    for r in rows[:header_at]:
        for cell in r:
            m = re.search(r"RELEASED\s+(\d{2})/(\d{2})/(\d{4})", cell)
            if m:
                meta["released"] = f"{m.group(3)}-{m.group(1)}-{m.group(2)}"
            elif "Relative Value File" in cell:
                meta["title"] = cell.strip()


def _cms_body(path: Path, rows: list[list[str]], meta: dict[str, str]) -> tuple[pd.DataFrame, int]:
    """A CMS PPRRVU file: its four header lines name the columns; the rows follow."""
    header_at = next(i for i, r in enumerate(rows[:20]) if r and r[0].strip().upper() == "HCPCS")
    _cms_header(rows, header_at, meta)
    width = max(len(r) for r in rows[header_at - 3: header_at + 1])
    names = []
    for col in range(width):
        parts = [r[col] for r in rows[header_at - 3: header_at + 1] if col < len(r)]
        names.append(_key(" ".join(parts)))
    index = {}
    for col, name in enumerate(names):
        # the OPPS payment-amount columns repeat words; the first match of each header wins
        if name in _CMS_HEADERS and _CMS_HEADERS[name] not in index:
            index[_CMS_HEADERS[name]] = col
    missing = [f for f in RVU_COLUMNS if f not in index]
    if missing:
        raise DataError(str(path), f"CMS layout without the column(s) {', '.join(missing)}",
                        row=header_at + 1, field=missing[0])
    body = [[r[index[f]].strip() if index[f] < len(r) else "" for f in RVU_COLUMNS]
            for r in rows[header_at + 1:] if r and r[0].strip() and r[0].strip() != "\x1a"]
    return pd.DataFrame(body, columns=RVU_COLUMNS), header_at + 2


def _named_body(rows: list[list[str]], layout: RvuLayout) -> tuple[pd.DataFrame, int]:
    """An arkrvu or RVU-only table: one header line of known names."""
    mapping = _ARKRVU if layout == RvuLayout.ARKRVU else _RVU_ONLY
    head = [c.strip() for c in rows[0]]
    cols = {mapping[h]: i for i, h in enumerate(head) if h in mapping}
    body = [[r[cols[f]].strip() if f in cols else "" for f in RVU_COLUMNS]
            for r in rows[1:] if r and r[0].strip()]
    return pd.DataFrame(body, columns=RVU_COLUMNS), 2


def _numbers_as_text(path: Path, table: pd.DataFrame, first_line: int) -> None:
    """Each numeric column checked and written back as plain text (4 decimals at most)."""
    for f in NUMERIC:
        values = pd.to_numeric(table[f].where(table[f] != ""), errors="coerce")
        bad = values.isna() & (table[f] != "")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise DataError(str(path), f"not a number: {table[f].iloc[i]!r}", row=first_line + i,
                            field=f)
        table[f] = values.map(lambda v: "" if pd.isna(v) else f"{v:.4f}".rstrip("0").rstrip("."))


def read_pprrvu(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Parse one relative value file into RVU_COLUMNS (all text), with what its header says."""
    rows = _rows(path)
    layout = detect_rvu_layout(rows)
    meta = {"layout": str(layout), "title": "", "released": ""}
    if layout == RvuLayout.CMS:
        table, first_line = _cms_body(path, rows, meta)
    elif layout in (RvuLayout.ARKRVU, RvuLayout.RVU_ONLY):
        table, first_line = _named_body(rows, layout)
    else:
        read = [RvuLayout.CMS.label, RvuLayout.ARKRVU.label]
        raise DataError(str(path), f"unknown relative value file layout: expected {', '.join(read)} "
                                   f"or {RvuLayout.RVU_ONLY.label}", row=1)
    table["hcpcs"] = table["hcpcs"].map(lambda v: _pad_digits(v, 5))
    table["glob_days"] = table["glob_days"].map(lambda v: _pad_digits(v, 3))
    _numbers_as_text(path, table, first_line)
    return table, meta


def read_gpci(path: Path) -> pd.DataFrame:
    """Parse a GPCI file into mac, locality, state, locality_name and the three GPCIs (text)."""
    rows = _rows(path)
    head = [c.strip().lower() for c in rows[0]] if rows else []
    if head[:1] == ["mac"] and {"locality_number", "gpci_work", "gpci_pe", "gpci_mp"} <= set(head):
        col = {h: i for i, h in enumerate(head)}
        body = [r for r in rows[1:] if r and r[0].strip()]
        get = lambda r, k: r[col[k]].strip() if k in col and col[k] < len(r) else ""  # noqa: E731
        recs = [[get(r, "mac"), get(r, "locality_number"), get(r, "state"),
                 get(r, "locality_name"), get(r, "gpci_work"), get(r, "gpci_pe"),
                 get(r, "gpci_mp")] for r in body]
        first_line = 2
    else:
        at = next((i for i, r in enumerate(rows[:10])
                   if any("locality number" in c.lower() for c in r)), None)
        if at is None:
            raise DataError(str(path), "unknown GPCI layout: no header row with 'Locality Number' "
                            "and no flat mac,locality_number,... header", row=1)
        header = [c.strip().lower() for c in rows[at]]
        want = {"mac": "contractor", "locality": "locality number", "state": "state",
                "locality_name": "locality name", "gpci_work": "pw gpci", "gpci_pe": "pe gpci",
                "gpci_mp": "mp gpci"}
        col = {}
        for field, text in want.items():
            hit = [i for i, h in enumerate(header) if text in h]
            if not hit:
                raise DataError(str(path), f"GPCI header has no '{text}' column", row=at + 1,
                                field=field)
            col[field] = hit[0]
        recs = []
        for r in rows[at + 1:]:
            if not r or not r[0].strip().isdigit():
                continue  # blank separator lines and the notes under the table
            recs.append([r[col[f]].strip() for f in want])
        first_line = at + 2
    table = pd.DataFrame(recs, columns=["mac", "locality", "state", "locality_name", "gpci_work",
                                        "gpci_pe", "gpci_mp"])
    table["mac"] = table["mac"].map(lambda v: _pad_digits(v, 5))
    table["locality"] = table["locality"].map(lambda v: _pad_digits(v, 2))
    table["locality_name"] = table["locality_name"].str.rstrip("*").str.strip()
    for f in ("gpci_work", "gpci_pe", "gpci_mp"):
        values = pd.to_numeric(table[f], errors="coerce")
        if values.isna().any():
            i = int(values.isna().to_numpy().nonzero()[0][0])
            raise DataError(str(path), f"not a number: {table[f].iloc[i]!r}", row=first_line + i,
                            field=f)
        table[f] = values.map(lambda v: f"{v:.3f}")
    return table


def _checked_source(path: Path, what: str, expected_sha256: str, mismatch: str = "") -> Path:
    """A raw file the manifest names: present, and the download it lists where it gives a hash."""
    if not path.exists():
        raise DataError(str(path), f"{what}: source file not found")
    if expected_sha256 and sha256(path) != expected_sha256:
        raise DataError(str(path), f"{what}: sha256 differs from the manifest{mismatch}")
    return path


def _release_rows(rel: Any, source: Path, codes: set[str]) -> pd.DataFrame:
    """One release's rows for the catalog's codes (no modifier rows), as the manifest lists it."""
    path = _checked_source(source / rel.source_file, f"release {rel.release_id}", rel.sha256,
                           " (a different download? update data/cms/releases.csv)")
    table, meta = read_pprrvu(path)
    if meta["layout"] != rel.layout:
        raise DataError(str(path), f"layout is {meta['layout']}, manifest says {rel.layout}")
    table = table[(table["mod"] == "") & table["hcpcs"].isin(codes)].copy()
    table = table.drop_duplicates(subset="hcpcs", keep="last")
    table.insert(0, "release_id", rel.release_id)
    table["indicators_from"] = rel.release_id
    return table


def _borrow_indicators(releases: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> None:
    """A release whose file carries no indicators takes them from the release the manifest names."""
    for rel in releases.itertuples():
        if rel.indicators_from and rel.indicators_from != rel.release_id:
            donor = frames[rel.indicators_from].set_index("hcpcs")
            table = frames[rel.release_id].set_index("hcpcs")
            for f in INDICATORS + ["nonfac_na", "fac_na"]:
                table[f] = donor[f].reindex(table.index).fillna("")
            table["indicators_from"] = rel.indicators_from
            frames[rel.release_id] = table.reset_index()[frames[rel.release_id].columns]


def _build_rvus(source: Path, out: Path) -> pd.DataFrame:
    releases = datapkg.load("cms-rvu-releases", out)
    codes = set(datapkg.load("catalog-codes", out)["code"])
    frames = {rel.release_id: _release_rows(rel, source, codes) for rel in releases.itertuples()}
    _borrow_indicators(releases, frames)
    rvus = pd.concat(frames.values(), ignore_index=True).drop(columns="mod")
    rvus = rvus.sort_values(["release_id", "hcpcs"], key=lambda s: s.map(
        {r: i for i, r in enumerate(releases["release_id"])}) if s.name == "release_id" else s)
    return rvus.rename(columns={"hcpcs": "code"})


def _build_gpci(source: Path, out: Path) -> pd.DataFrame:
    parts = []
    for g in datapkg.load("cms-gpci-releases", out).itertuples():
        path = _checked_source(source / g.source_file, f"GPCI {g.year}", g.sha256)
        table = read_gpci(path)
        table.insert(0, "year", str(g.year))
        parts.append(table)
    gpci = pd.concat(parts, ignore_index=True)
    # files without a state column: take it from another year's row for the same locality
    known = gpci[gpci["state"] != ""].drop_duplicates(["mac", "locality"]).set_index(
        ["mac", "locality"])["state"]
    fill = pd.MultiIndex.from_frame(gpci[["mac", "locality"]]).map(lambda k: known.get(k, ""))
    gpci["state"] = gpci["state"].where(gpci["state"] != "", pd.Series(fill, index=gpci.index))
    return gpci


def build(source: Path, out: Path) -> dict[str, int]:
    """Regenerate data/cms/rvus.csv and data/cms/gpci.csv from the raw files in ``source``."""
    rvus = _build_rvus(source, out)
    rvus.to_csv(out / "cms" / "rvus.csv", index=False, lineterminator="\n")
    gpci = _build_gpci(source, out)
    gpci.to_csv(out / "cms" / "gpci.csv", index=False, lineterminator="\n")
    return {"rvu_rows": len(rvus), "gpci_rows": len(gpci)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flatclosure.cms", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="regenerate data/cms extracts from raw CMS files")
    b.add_argument("--source", type=Path, required=True, help="folder holding the raw CMS files")
    b.add_argument("--out", type=Path, default=Path("data"), help="the data package folder")
    args = parser.parse_args(argv)
    try:
        counts = build(args.source, args.out)
    except FlatclosureError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {counts['rvu_rows']} RVU rows and {counts['gpci_rows']} GPCI rows to {args.out}/cms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
