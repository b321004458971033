"""Strict loading of the tables in ``data/``, described by ``data/datapackage.json``.

The descriptor follows the Frictionless Data Package standard (https://specs.frictionlessdata.io/):
each resource names its file, its Table Schema (fields, types, constraints, primary key) and its
sources; flatclosure adds ``vintage`` and ``effective`` to each resource. Every table is checked
against its schema on load; the first problem found is raised as a DataError naming the file,
the row (the line in the file, header = line 1) and the field.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import DataError

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
    for res in desc.get("resources", []):
        if res.get("name") == name:
            return Resource(
                name=name,
                path=root / res["path"],
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


def resource_names(root: Path | None = None) -> list[str]:
    root = root or data_dir()
    return [r["name"] for r in _descriptor(str(root)).get("resources", [])]


_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


def _bad_row(mask: pd.Series) -> int:
    """The file line of the first row flagged in ``mask`` (header is line 1)."""
    return int(mask.to_numpy().nonzero()[0][0]) + 2


def validate_table(raw: pd.DataFrame, schema: dict[str, Any], path: str) -> pd.DataFrame:
    """Check an all-string table against a Table Schema and return it with typed columns."""
    fields = schema["fields"]
    expected = [f["name"] for f in fields]
    got = list(raw.columns)
    missing = [n for n in expected if n not in got]
    if missing:
        raise DataError(path, f"missing column (have: {', '.join(got)})", row=1, field=missing[0])
    extra = [n for n in got if n not in expected]
    if extra:
        raise DataError(path, "column not in the schema", row=1, field=extra[0])
    out = {}
    for f in fields:
        name, ftype = f["name"], f.get("type", "string")
        col = raw[name].astype(str).str.strip()
        cons = f.get("constraints", {})
        empty = col == ""
        if cons.get("required") and empty.any():
            raise DataError(path, "a value is required", row=_bad_row(empty), field=name)
        if ftype in ("number", "integer"):
            values = pd.to_numeric(col.where(~empty), errors="coerce")
            bad = values.isna() & ~empty
            if bad.any():
                i = _bad_row(bad)
                raise DataError(path, f"not a {ftype}: {col[bad].iloc[0]!r}", row=i, field=name)
            if ftype == "integer":
                frac = (values % 1 != 0) & ~empty
                if frac.any():
                    raise DataError(path, "not a whole number", row=_bad_row(frac), field=name)
            if "minimum" in cons:
                low = values < cons["minimum"]
                if low.any():
                    raise DataError(
                        path,
                        f"{values[low].iloc[0]} is below the minimum {cons['minimum']}",
                        row=_bad_row(low), field=name,
                    )
            if "maximum" in cons:
                high = values > cons["maximum"]
                if high.any():
                    raise DataError(
                        path,
                        f"{values[high].iloc[0]} is above the maximum {cons['maximum']}",
                        row=_bad_row(high), field=name,
                    )
            out[name] = values.astype("Int64") if ftype == "integer" else values.astype(float)
            continue
        if ftype == "date":
            values = pd.to_datetime(col.where(~empty), format="%Y-%m-%d", errors="coerce")
            bad = values.isna() & ~empty
            if bad.any():
                raise DataError(
                    path, f"not a date YYYY-MM-DD: {col[bad].iloc[0]!r}", row=_bad_row(bad), field=name
                )
            out[name] = values.dt.date.where(~empty, None)
            continue
        if ftype == "boolean":
            low = col.str.lower()
            bad = ~low.isin(_TRUE | _FALSE)
            if bad.any():
                raise DataError(path, f"not true/false: {col[bad].iloc[0]!r}", row=_bad_row(bad), field=name)
            out[name] = low.isin(_TRUE)
            continue
        if "enum" in cons:
            allowed = set(cons["enum"]) | ({""} if not cons.get("required") else set())
            bad = ~col.isin(allowed)
            if bad.any():
                raise DataError(
                    path,
                    f"unknown value {col[bad].iloc[0]!r} (allowed: {', '.join(cons['enum'])})",
                    row=_bad_row(bad), field=name,
                )
        if "pattern" in cons:
            rx = re.compile(cons["pattern"])
            bad = ~col.map(lambda s, rx=rx: s == "" or bool(rx.fullmatch(s)))
            if bad.any():
                raise DataError(
                    path, f"{col[bad].iloc[0]!r} does not match {cons['pattern']}",
                    row=_bad_row(bad), field=name,
                )
        out[name] = col
    table = pd.DataFrame(out, index=raw.index)
    key = schema.get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else list(key)
        dup = table.duplicated(subset=key, keep="first")
        if dup.any():
            first = table.loc[dup, key].iloc[0].tolist()
            raise DataError(
                path, f"duplicate key {dict(zip(key, first, strict=True))}",
                row=_bad_row(dup), field=key[-1],
            )
    return table.reset_index(drop=True)


def read_csv_strict(path: Path, schema: dict[str, Any]) -> pd.DataFrame:
    """Read a CSV as text (nothing guessed, no value turned into NaN) and validate it."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError(str(path), "file not found") from exc
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(str(path), f"not a readable CSV: {exc}") from exc
    return validate_table(raw, schema, _display(path))


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
    return read_csv_strict(res.path, res.schema)


def load_yaml(name: str, root: Path | None = None) -> Any:
    """Parse a YAML resource (safe loader: plain data only). Its own module checks its structure."""
    import yaml

    res = resource(name, root)
    if res.format != "yaml":
        raise DataError(_display(res.path), f"a {res.format} resource, not YAML: use load")
    try:
        with open(res.path, encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError as exc:
        raise DataError(_display(res.path), "file not found") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else int(mark.line) + 1
        raise DataError(_display(res.path), f"not readable YAML: {exc}", row=row) from exc
