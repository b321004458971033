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
