"""The ``flatclosure`` command line: one engine with the notebooks, for billing staff and scripts.

Each subcommand lives in its own module with a ``register(subparsers)`` function. One error
contract for every verb: bad input (a FlatclosureError, an OS refusal of a path, a value Python
cannot read) exits with status 2 and one line on stderr, cut to a bounded length; nothing is
written, and JSON output never holds NaN or Infinity (they are refused before, or null).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
from typing import Any

from ..errors import FlatclosureError, InputError, clip

SUBCOMMAND_MODULES = ["price", "protocol", "pool", "scenario", "coverage"]


def add_valuation_options(p: argparse.ArgumentParser) -> None:
    """--date/--year, --setting, --locality, --qualifying-apm: shared by every pricing command."""
    when = p.add_mutually_exclusive_group()
    when.add_argument("--date", help="date of service YYYY-MM-DD")
    when.add_argument("--year", type=year_arg, help="year (its latest release held); default: latest")
    p.add_argument("--setting", default="facility", choices=["facility", "office"],
                   help="facility (hospital, ASC) or office (non-facility); default facility")
    p.add_argument("--locality", default=None,
                   help="Medicare locality MAC:LOCALITY (e.g. 01182:18); default national")
    p.add_argument("--qualifying-apm", action="store_true",
                   help="from 2026: use the qualifying APM participant conversion factor")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def year_arg(text: str) -> int:
    """A year typed on the command line: four ASCII digits within the 'year' limit."""
    from .. import limits

    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{clip(repr(text))} is not a year like 2025")
    try:
        return int(limits.check("year", "--year", int(text)))
    except InputError as exc:
        raise argparse.ArgumentTypeError(exc.problem) from None


def finite_arg(text: str) -> float:
    """A number typed on the command line: finite (no inf, nan or 1e999)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{clip(repr(text))} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{clip(repr(text))} is not a finite number")
    return value


def resolve_date(args: argparse.Namespace) -> str:
    from ..catalog import as_date, load_catalog

    cat = load_catalog()
    if args.date:
        return as_date(str(args.date)).isoformat()
    year = args.year if args.year is not None else cat.default_year()
    return cat.date_for_year(year).isoformat()


def _finite(obj: Any) -> Any:
    """JSON-ready data: a NaN or infinite float becomes null (JSON has neither)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def emit_json(obj: Any) -> None:
    print(json.dumps(_finite(obj), indent=2, default=str, allow_nan=False))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        text = " ".join(message.split())
        print(f"{self.prog}: error: {clip(text, ERROR_CHARS)}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="flatclosure", description="Code and value aesthetic flat closure "
                     "under the Medicare physician fee schedule. CPT codes (c) AMA.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


ERROR_CHARS = 400


def fail(command: str, message: object) -> int:
    """The one error line: status 2, the reason on stderr on one line, never unbounded."""
    text = " ".join(str(message).split())
    print(f"flatclosure {command}: error: {clip(text, ERROR_CHARS)}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # the reader went away (e.g. `| head`): stop quietly, as other command-line tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except FlatclosureError as exc:
        return fail(args.command, exc)
    except OSError as exc:  # a path the OS refuses: too long, missing folder, no permission
        return fail(args.command, exc.strerror or exc)
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. a NUL in a path
        return fail(args.command, f"cannot use this input: {exc}")
