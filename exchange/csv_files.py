"""Uploaded and downloaded CSV files, whatever their rows mean: the one reader and writer
that the contracts and placements files share. Pure Python.

Reading takes UTF-8 with or without a byte order mark, and commas, semicolons or tabs as
spreadsheets in different locales write them; every row keeps the line number a text
editor shows (the header is line 1). Writing guards cells that a spreadsheet would run as
formulas, and reading removes the guard again, so that a file round-trips unchanged.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

MAX_BYTES = 1_000_000
DELIMITERS = (",", ";", "\t")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Unreadable(Exception):
    """The file cannot be read at all: its size, its encoding or its CSV is wrong."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line  # None: the file as a whole


def guard(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unguard(value: str) -> str:
    """``value`` as it was before ``guard``."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of ``header`` and ``rows``, every cell guarded, with CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([guard(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([guard(str(cell)) for cell in row])
    return out.getvalue()


def cell_text(value: object) -> str:
    """A typed value as a CSV cell: nothing for None, ISO dates, moments in UTC to the
    minute ("2026-04-15 09:00"), numbers as written, yes or no."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def write_typed_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """``write_csv`` of rows of typed values (dates, numbers, None), each as ``cell_text``."""
    return write_csv(header, ([cell_text(cell) for cell in row] for row in rows))


def _typed_cell(value: object) -> str:
    """A typed value as a CSV cell: a number as written (a negative one is no formula),
    anything else as ``cell_text`` with the formula guard."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return guard(cell_text(value))


def _write_table(writer, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    writer.writerow([guard(str(cell)) for cell in header])
    for row in rows:
        writer.writerow([_typed_cell(cell) for cell in row])


def write_table_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of a table of typed values: text cells guarded, numbers as they are."""
    out = io.StringIO()
    _write_table(csv.writer(out, lineterminator="\r\n"), header, rows)
    return out.getvalue()


def write_tables_csv(
    tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
) -> str:
    """Several tables of typed values in one CSV text, one after the other: each
    ``(title, header, rows)`` as a row with its title, its header, its rows, then a
    blank row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for title, header, rows in tables:
        writer.writerow([guard(title)])
        _write_table(writer, header, rows)
        writer.writerow([])
    return out.getvalue()


@dataclass(frozen=True)
class Row:
    """One row under the header: its cells (as many as the header has, formula guards
    removed), or the reason it does not fit the header."""

    line: int  # where the row starts in the file; the header is line 1
    cells: list[str]
    problem: str | None = None


def decode(content: bytes) -> str:
    """The text of an uploaded file, or ``Unreadable`` when it is too large or not UTF-8."""
    if len(content) > MAX_BYTES:
        raise Unreadable(f"The file is larger than {MAX_BYTES // 1_000_000} MB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"The file is not UTF-8 text (byte {error.start + 1}): save it as "
            "“CSV UTF-8” and upload it again."
        ) from None
    if "\x00" in text:
        # No cell takes one (PostgreSQL's text refuses it): a sign of a binary file.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Unreadable("The file holds a NUL character: save it as “CSV UTF-8” again.", line)
    return text


def delimiter_of(first_line: str) -> str:
    """The delimiter the header line uses most: a comma, a semicolon or a tab (commas on a tie)."""
    return max(DELIMITERS, key=first_line.count)


class Table:
    """A CSV file read from bytes: its header now, its rows as they are asked for."""

    def __init__(self, content: bytes, *, exact_width: bool = False):
        """``exact_width``: a row with fewer cells than the header is wrong too, rather
        than filled up with empty cells."""
        text = decode(content)
        if not text.strip():
            raise Unreadable("The file is empty.")
        self._exact_width = exact_width
        self._reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=delimiter_of(text.splitlines()[0]), strict=True
        )
        self.header: list[str] = self._next() or []

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as error:
            line = self._reader.line_num or 1
            raise Unreadable(f"The file is not valid CSV here: {error}.", line) from None

    def rows(self) -> Iterator[Row]:
        """The rows under the header, blank ones left out; ``Unreadable`` where the CSV
        breaks off."""
        width = len(self.header)
        while True:
            line = self._reader.line_num + 1
            cells = self._next()
            if cells is None:
                return
            if not any(cell.strip() for cell in cells):
                continue
            if self._exact_width and len(cells) != width:
                yield Row(line, cells, f"Expected {width} columns, found {len(cells)}.")
            elif len(cells) > width and any(cell.strip() for cell in cells[width:]):
                yield Row(line, cells, f"The row has {len(cells)} cells; the header has {width}.")
            else:
                cells = cells[:width] + [""] * (width - len(cells))
                yield Row(line, [unguard(cell) for cell in cells])
