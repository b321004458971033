"""The ``flatclosure`` command line: one engine with the notebooks, for billing staff and scripts.

Each subcommand lives in its own module with a ``register(subparsers)`` function. Bad input exits
with status 2 and a one-line reason on stderr; nothing is written.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from typing import Any

from ..errors import FlatclosureError

SUBCOMMAND_MODULES = ["price", "protocol", "pool", "scenario", "coverage"]


def add_valuation_options(p: argparse.ArgumentParser) -> None:
    """--date/--year, --setting, --locality, --qualifying-apm: shared by every pricing command."""
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", help="date of service YYYY-MM-DD")
    when.add_argument("--year", type=int, help="year (its latest release held); default: latest")
    p.add_argument("--setting", default="facility", choices=["facility", "office"],
                   help="facility (hospital, ASC) or office (non-facility); default facility")
    p.add_argument("--locality", default=None,
                   help="Medicare locality MAC:LOCALITY (e.g. 01182:18); default national")
    p.add_argument("--qualifying-apm", action="store_true",
                   help="from 2026: use the qualifying APM participant conversion factor")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def resolve_date(args: argparse.Namespace) -> str:
    from ..catalog import load_catalog

    cat = load_catalog()
    if args.date:
        return str(args.date)
    year = args.year if args.year is not None else cat.default_year()
    return cat.date_for_year(year).isoformat()


def emit_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2, default=str))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="flatclosure", description="Code and value aesthetic flat closure "
                     "under the Medicare physician fee schedule. CPT codes (c) AMA.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except FlatclosureError as exc:
        print(f"flatclosure {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        print(f"flatclosure {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
