"""Strict loading of the tables in ``data/``, described by ``data/datapackage.json``.

The descriptor follows the Frictionless Data Package standard (https://specs.frictionlessdata.io/):
each resource names its file, its Table Schema (fields, types, constraints, primary key) and its
sources; flatclosure adds ``vintage`` and ``effective`` to each resource. Every table is checked
against its schema on load; the first problem found is raised as a DataError naming the file,
the row (the line in the file, header = line 1) and the field.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError, shown

_HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Where the data package lives: $FLATCLOSURE_DATA, the repository's data/, or the wheel's copy."""
    env = os.environ.get("FLATCLOSURE_DATA")
    if env:
        return Path(env)
    for candidate in (_HERE.parent / "data", _HERE / "_data"):
        if (candidate / "datapackage.json").exists():
            return candidate
    raise DataError(str(_HERE.parent / "data"), "no datapackage.json found (set FLATCLOSURE_DATA)")


@dataclass(frozen=True)
class Resource:
    """One table of the data package with its provenance."""

    name: str
    path: Path
    title: str
    schema: dict[str, Any]
    sources: tuple[dict[str, Any], ...]
    vintage: str
    effective: str
    illustrative: bool
    format: str = "csv"

    def field_names(self) -> list[str]:
        return [f["name"] for f in self.schema["fields"]]


@cache
def _descriptor(root: str) -> dict[str, Any]:
    path = Path(root) / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(str(path), f"cannot read the data package descriptor: {exc}") from exc


def resource(name: str, root: Path | None = None) -> Resource:
    """The descriptor entry of resource ``name``."""
    root = root or data_dir()
    desc = _descriptor(str(root))
    for row, res in enumerate(desc.get("resources", []), start=1):
        if res.get("name") == name:
            return Resource(
                name=name,
                path=_inside(root, res.get("path"), row),
                title=res.get("title", name),
                schema=res.get("schema", {"fields": []}),  # non-tabular (YAML) has none
                sources=tuple(res.get("sources", ())),
                vintage=res.get("vintage", ""),
                effective=res.get("effective", ""),
                illustrative=bool(res.get("illustrative", False)),
                format=str(res.get("format", "csv")),
            )
    names = ", ".join(r.get("name", "?") for r in desc.get("resources", []))
    raise DataError(str(root / "datapackage.json"), f"no resource named '{name}' (have: {names})")


def _inside(root: Path, rel: Any, row: int) -> Path:
    """A resource's file, refused unless it is a plain relative path inside ``data/``."""
    where = str(Path(root) / "datapackage.json")
    if not isinstance(rel, str) or not rel or Path(rel).is_absolute() or "\\" in rel:
        raise DataError(where, f"resource path {shown(rel)} is not a relative path inside data/",
                        row=row, field="path")
    path = Path(root) / rel
    if not path.resolve().is_relative_to(Path(root).resolve()) or ".." in Path(rel).parts:
        raise DataError(where, f"resource path {shown(rel)} leaves the data folder",
                        row=row, field="path")
    return path


def resource_names(root: Path | None = None) -> list[str]:
    root = root or data_dir()
    return [r["name"] for r in _descriptor(str(root)).get("resources", [])]


_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


def _bad_row(mask: pd.Series) -> int:
    """The file line of the first row flagged in ``mask`` (header is line 1)."""
    return int(mask.to_numpy().nonzero()[0][0]) + 2


def _check_columns(raw: pd.DataFrame, expected: list[str], path: str) -> None:
    """The header holds exactly the schema's fields."""
    got = list(raw.columns)
    missing = [n for n in expected if n not in got]
    if missing:
        raise DataError(path, f"missing column (have: {', '.join(got)})", row=1, field=missing[0])
    extra = [n for n in got if n not in expected]
    if extra:
        raise DataError(path, "column not in the schema", row=1, field=extra[0])


def _first(col: pd.Series, bad: pd.Series) -> Any:
    return col[bad].iloc[0]


def _number(col: pd.Series, empty: pd.Series, f: dict[str, Any], path: str) -> pd.Series:
    """A number or integer field within its minimum and maximum."""
    name, ftype, cons = f["name"], f.get("type", "string"), f.get("constraints", {})
    values = pd.to_numeric(col.where(~empty), errors="coerce")
    bad = values.isna() & ~empty
    if bad.any():
        raise DataError(path, f"not a {ftype}: {_first(col, bad)!r}", row=_bad_row(bad), field=name)
    if ftype == "integer":
        frac = (values % 1 != 0) & ~empty
        if frac.any():
            raise DataError(path, "not a whole number", row=_bad_row(frac), field=name)
    for bound, outside, words in (("minimum", values.lt, "below"), ("maximum", values.gt, "above")):
        if bound in cons:
            off = outside(cons[bound])
            if off.any():
                raise DataError(path, f"{_first(values, off)} is {words} the {bound} {cons[bound]}",
                                row=_bad_row(off), field=name)
    return values.astype("Int64") if ftype == "integer" else values.astype(float)


def _date(col: pd.Series, empty: pd.Series, f: dict[str, Any], path: str) -> pd.Series:
    """A date written YYYY-MM-DD (empty stays None)."""
    values = pd.to_datetime(col.where(~empty), format="%Y-%m-%d", errors="coerce")
    bad = values.isna() & ~empty
    if bad.any():
        raise DataError(path, f"not a date YYYY-MM-DD: {_first(col, bad)!r}", row=_bad_row(bad),
                        field=f["name"])
    return values.dt.date.where(~empty, None)


def _boolean(col: pd.Series, empty: pd.Series, f: dict[str, Any], path: str) -> pd.Series:
    """true/false, 1/0 or yes/no (empty is false)."""
    low = col.str.lower()
    bad = ~low.isin(_TRUE | _FALSE)
    if bad.any():
        raise DataError(path, f"not true/false: {_first(col, bad)!r}", row=_bad_row(bad), field=f["name"])
    return low.isin(_TRUE)


def _string(col: pd.Series, empty: pd.Series, f: dict[str, Any], path: str) -> pd.Series:
    """A string in its enum and matching its pattern, where the schema gives them."""
    name, cons = f["name"], f.get("constraints", {})
    if "enum" in cons:
        allowed = set(cons["enum"]) | ({""} if not cons.get("required") else set())
        bad = ~col.isin(allowed)
        if bad.any():
            raise DataError(path, f"unknown value {_first(col, bad)!r} (allowed: {', '.join(cons['enum'])})",
                            row=_bad_row(bad), field=name)
    if "pattern" in cons:
        rx = re.compile(cons["pattern"])
        bad = ~col.map(lambda s, rx=rx: s == "" or bool(rx.fullmatch(s)))
        if bad.any():
            raise DataError(path, f"{_first(col, bad)!r} does not match {cons['pattern']}",
                            row=_bad_row(bad), field=name)
    return col


# The check and conversion of each Table Schema type (any other type is checked as a string).
_FIELD_CHECKS = {"number": _number, "integer": _number, "date": _date, "boolean": _boolean}


def _check_key(table: pd.DataFrame, schema: dict[str, Any], path: str) -> None:
    """No two rows share the primary key."""
    key = schema.get("primaryKey")
    if not key:
        return
    key = [key] if isinstance(key, str) else list(key)
    dup = table.duplicated(subset=key, keep="first")
    if dup.any():
        first = table.loc[dup, key].iloc[0].tolist()
        raise DataError(path, f"duplicate key {dict(zip(key, first, strict=True))}",
                        row=_bad_row(dup), field=key[-1])


def validate_table(raw: pd.DataFrame, schema: dict[str, Any], path: str) -> pd.DataFrame:
    """Check an all-string table against a Table Schema and return it with typed columns.

    The checks, in order: the columns, then field by field a required value and its type's check
    (``_FIELD_CHECKS``), then the primary key; the first problem is raised.
    """
    fields = schema["fields"]
    _check_columns(raw, [f["name"] for f in fields], path)
    out = {}
    for f in fields:
        col = raw[f["name"]].astype(str).str.strip()
        empty = col == ""
        if f.get("constraints", {}).get("required") and empty.any():
            raise DataError(path, "a value is required", row=_bad_row(empty), field=f["name"])
        check = _FIELD_CHECKS.get(f.get("type", "string"), _string)
        out[f["name"]] = check(col, empty, f, path)
    table = pd.DataFrame(out, index=raw.index)
    _check_key(table, schema, path)
    return table.reset_index(drop=True)


def check_field_counts(text: str, where: str) -> None:
    """Every row has as many fields as the header: pandas fills a short row with empty values
    and makes a long row's extra leading fields its index, both silently. Blank lines are
    skipped, as pandas skips them."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    for fields in reader:
        if header is not None and fields and len(fields) != len(header):
            raise DataError(where, f"{len(fields)} fields where the header has {len(header)}",
                            row=reader.line_num)


# Tables already validated in this process, by file, content (SHA-256) and schema: a view's
# build loaded some tables two to four times (a parent's check loads its child table), each
# read and checked again (issue 15). Oldest dropped first past the bound.
_VALIDATED: dict[tuple[str, str, str], pd.DataFrame] = {}
_VALIDATED_MAX = 64


def read_csv_strict(path: Path, schema: dict[str, Any]) -> pd.DataFrame:
    """Read a CSV as text (nothing guessed, no value turned into NaN) and validate it. A file
    read before with the same bytes and schema is not checked again; each call gets a copy."""
    where = _display(path)
    try:
        content = path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(where, "file not found") from exc
    except OSError as exc:  # a folder, no permission: said without the server's path
        raise DataError(where, f"cannot read the file: {exc.strerror}") from exc
    key = (str(path), hashlib.sha256(content).hexdigest(), json.dumps(schema, sort_keys=True))
    table = _VALIDATED.get(key)
    if table is None:
        try:
            check_field_counts(content.decode("utf-8"), where)
            raw = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False,
                              na_filter=False, encoding="utf-8")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise DataError(where, f"not a readable CSV: {exc}") from exc
        table = validate_table(raw, schema, where)
        if len(_VALIDATED) >= _VALIDATED_MAX:
            del _VALIDATED[next(iter(_VALIDATED))]
        _VALIDATED[key] = table
    return table.copy()


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(data_dir().parent))
    except (ValueError, DataError):
        return str(path)


def load(name: str, root: Path | None = None) -> pd.DataFrame:
    """Load resource ``name`` from the data package, validated against its schema."""
    res = resource(name, root)
    if res.format != "csv":
        raise DataError(_display(res.path), f"a {res.format} document, not a table: use load_yaml")
    table = read_csv_strict(res.path, res.schema)
    if table.empty:  # every table holds values the workbook needs; an empty one is a broken file
        raise DataError(_display(res.path), "the table has no rows", row=2)
    check_plausible(table, res, root)
    return table


def load_yaml(name: str, root: Path | None = None) -> Any:
    """Parse a YAML resource (safe loader: plain data only). Its own module checks its structure."""
    import yaml

    res = resource(name, root)
    if res.format != "yaml":
        raise DataError(_display(res.path), f"a {res.format} resource, not YAML: use load")
    try:
        with open(res.path, encoding="utf-8") as fh:
            # libyaml's parser where PyYAML has it: the same safe constructor, 10x faster (the
            # protocol's rules took 0.3 s of every notebook's start; issue 15)
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except FileNotFoundError as exc:
        raise DataError(_display(res.path), "file not found") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else int(mark.line) + 1
        raise DataError(_display(res.path), f"not readable YAML: {exc}", row=row) from exc


# -- plausibility across rows and tables (the descriptor's "checks" of a resource) -------------
def check_plausible(table: pd.DataFrame, res: Resource, root: Path | None = None) -> None:
    """The resource's ``checks``: bounds by unit, one year per release, periods that do not
    overlap, and every key used by its child table. Each refusal names file, row and field."""
    checks = _descriptor(str(root or data_dir()))
    spec: dict[str, Any] = next((r.get("checks", {}) for r in checks.get("resources", [])
                 if r.get("name") == res.name), {})
    where = _display(res.path)
    if "boundsBy" in spec:
        _bounds_by(table, spec["boundsBy"], where)
    if "yearOf" in spec:
        y = spec["yearOf"]
        dates = table[y["date"]]
        for i, (year, on) in enumerate(zip(table[y["field"]], dates, strict=True)):
            if on is not None and int(year) != on.year:
                raise DataError(where, f"year {year} but {y['date']} {on} is in {on.year}",
                                row=i + 2, field=y["field"])
    if "periods" in spec:
        _periods(table, spec["periods"], where)
    k = spec.get("keysUsedBy")
    # a missing child file is refused by its own load; the build reads a manifest before it
    # writes the child (python -m flatclosure.cms build)
    if k and resource(k["resource"], root).path.exists():
        used = set(load(k["resource"], root)[k["field"]].astype(str))
        for i, key in enumerate(table[k["key"]].astype(str)):
            if key not in used:
                raise DataError(where, f"{key} has no rows in {k['resource']}", row=i + 2,
                                field=k["key"])


def _bounds_by(table: pd.DataFrame, spec: dict[str, Any], where: str) -> None:
    bounds = spec["bounds"]
    for i, (value, unit) in enumerate(zip(table[spec["field"]], table[spec["by"]], strict=True)):
        if unit not in bounds:
            raise DataError(where, f"unit {shown(unit)} has no bounds in the descriptor "
                            f"(known: {', '.join(bounds)})", row=i + 2, field=spec["by"])
        low, high = bounds[unit]
        if not low <= value <= high:
            raise DataError(where, f"{value:g} is outside {low:g}-{high:g} for a {unit}",
                            row=i + 2, field=spec["field"])


def _periods(table: pd.DataFrame, spec: dict[str, Any], where: str) -> None:
    """No two rows of a group in force on one day (the 'from' date required, 'to' inclusive)."""
    start, end, by = spec["from"], spec["to"], list(spec.get("by", []))
    rows = table.assign(fc_line=range(2, len(table) + 2))
    groups = rows.groupby(by, sort=False) if by else [((), rows)]
    for _, part in groups:
        part = part.sort_values(start)
        last_end, last_row = None, None
        for r in part.itertuples():
            since, until = getattr(r, start), getattr(r, end)
            if since is None:
                raise DataError(where, "a period needs its first day", row=r.fc_line, field=start)
            if until is not None and until < since:
                raise DataError(where, f"ends {until} before it starts {since}", row=r.fc_line, field=end)
            if last_row is not None and (last_end is None or since <= last_end):
                raise DataError(where, f"period from {since} overlaps the one of row {last_row}",
                                row=r.fc_line, field=start)
            last_end, last_row = until, r.fc_line
