"""CSV that a spreadsheet opens safely: every export in the app writes through this module.

A cell that a spreadsheet would read as a formula (it starts with `=`, `+`, `-` or `@`) can run
commands or leak data when the file is opened ("CSV injection"); a leading tab, carriage return or
NUL can hide such a start from a careless check. Such a cell is written with a single quote in
front (`'=HYPERLINK(...)`), which spreadsheets show as text.

Decisions (docs/disparities-stats.md repeats them):
- Leading whitespace does not protect: "  =1+1" and "\\n@SUM(A1)" are neutralised too, because some
  spreadsheets trim cells on import. Whitespace here is anything `str.isspace()` accepts.
- The full-width forms ＝ ＋ － ＠ count as formula starts as well (some East Asian input setups
  turn them into their ASCII forms).
- Real numbers are left alone: int, float and Decimal values, and strings that are plainly a
  number ("-12.5", "+3", "1e-5", "-1,234.50", "-12%"), so figures stay numbers in the spreadsheet.
  Anything else that starts with a sign ("-1+2", "-A1") is neutralised.
- None is written as an empty cell.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

TRIGGERS = frozenset("=+-@\t\r\x00\uff1d\uff0b\uff0d\uff20")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+|\d{1,3}(?:,\d{3})+(?:\.\d*)?)(?:[eE][+-]?\d+)?%?")


def is_number_text(text: str) -> bool:
    return NUMBER.fullmatch(text) is not None


def needs_quote(text: str) -> bool:
    """True if a spreadsheet could read this text as a formula."""
    if not text:
        return False
    if text[0] in TRIGGERS:
        return not is_number_text(text)
    stripped = text.lstrip()
    # A control character at the start, or a trigger after leading whitespace.
    return bool(stripped) and stripped != text and stripped[0] in TRIGGERS


def safe_cell(value: Any) -> Any:
    """The value as it may go into a CSV cell: numbers untouched, risky text prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if needs_quote(text) else text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


class SafeWriter:
    """`csv.writer` with every cell passed through `safe_cell`."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _Echo:
    """A file-like object whose write returns what it was given (Django's streaming CSV pattern)."""

    def write(self, value: str) -> str:
        return value


def iter_csv(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> Iterator[str]:
    """The CSV text of `rows`, one line at a time; starts with a UTF-8 byte order mark for Excel."""
    writer = SafeWriter(_Echo())
    if bom:
        yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def csv_response(rows: Iterable[Iterable[Any]], *, filename: str, bom: bool = True) -> StreamingHttpResponse:
    """Stream `rows` (a header row first, then data; a generator is fine) as a CSV download."""
    response = StreamingHttpResponse(iter_csv(rows, bom=bom), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
