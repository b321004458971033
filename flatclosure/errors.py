"""The errors flatclosure raises: each says what is wrong and where, in one readable line."""

from __future__ import annotations


class FlatclosureError(Exception):
    """Base of every error the workbook shows to a user instead of a traceback."""


class DataError(FlatclosureError):
    """A data file is malformed: the message names the file, the row and the field."""

    def __init__(self, path: str, problem: str, row: int | None = None, field: str | None = None):
        self.path, self.problem, self.row, self.field = path, problem, row, field
        where = path
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")


class UnknownCodeError(FlatclosureError, KeyError):
    """A code the catalog does not hold (for that release)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class NoDataForDateError(FlatclosureError):
    """A date or year outside the releases, conversion factors or GPCIs we hold."""


class InputError(FlatclosureError, ValueError):
    """A user input that is impossible or inconsistent; the message names the field."""

    def __init__(self, field: str, problem: str):
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


class LimitError(InputError):
    """An input beyond its bound (data/rules/input_limits.csv): names the field and the limit."""


SHOWN_CHARS = 60
MORE = "…"


def shown(value: object, chars: int = SHOWN_CHARS) -> str:
    """A value as an error message may print it: its repr, cut to ``chars`` characters with a
    marker, so a message never grows with the input (a 2 GB alias bomb prints 60 characters)."""
    text = value if isinstance(value, str) else None
    if text is None:
        try:
            text = repr(value)
        except Exception:  # a repr that fails is still an input to name
            text = f"<{type(value).__name__}>"
    else:
        text = repr(text[: chars + 1])
    return text if len(text) <= chars else text[:chars] + MORE


def clip(text: object, chars: int = SHOWN_CHARS) -> str:
    """Text as it is (no quotes), cut to ``chars`` characters with a marker."""
    s = str(text) if isinstance(text, str | int) else shown(text, chars)
    return s if len(s) <= chars else s[:chars] + MORE
