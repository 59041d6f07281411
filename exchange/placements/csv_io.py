"""The placements CSV format: its columns per kind, writing it, and reading it back into
rows with their line numbers. Pure Python: what the rows mean is for the services.

One file holds one program's placements: departments (SCOPE) or research projects (SCORE),
with one season's capacity in twelve month columns, ``apr`` to ``mar``. UTF-8 with or
without a byte order mark; commas, or semicolons as spreadsheets in many countries write.
"""

import csv
import io
from dataclasses import dataclass, field

from exchange.months import MONTHS, SEASON_MONTHS
from exchange.placements.models import PlacementKind

MAX_BYTES = 1_000_000
MONTH_COLUMNS = {month: MONTHS[month - 1][:3].lower() for month in SEASON_MONTHS}
_MONTH_ALIASES = {MONTHS[month - 1].lower(): column for month, column in MONTH_COLUMNS.items()}
YES = frozenset({"yes", "y", "true", "1", "closed"})
NO = frozenset({"no", "n", "false", "0", "open", ""})

_DEPARTMENT = ("id", "title", "field", "hospital", "city", "lc", "languages", "description")
_PROJECT = (
    *("id", "title", "field", "supervisor", "project_type", "weeks"),
    *("methods", "prerequisites", "expected_output", "city", "lc", "languages", "description"),
)
# Columns the services fill from the placement's data as they are (no conversion).
_TEXT = {
    "title",
    "field",
    "hospital",
    "city",
    "description",
    "supervisor",
    "project_type",
    "methods",
    "prerequisites",
    "expected_output",
}
# A spreadsheet runs a cell that starts with one of these as a formula: written with a
# leading apostrophe, which reading removes again, so that files round-trip unchanged.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def columns(kind: PlacementKind) -> tuple[str, ...]:
    base = _DEPARTMENT if kind == PlacementKind.DEPARTMENT else _PROJECT
    return (*base, "closed", *MONTH_COLUMNS.values())


def text_columns(kind: PlacementKind) -> list[str]:
    return [name for name in columns(kind) if name in _TEXT]


def _guard(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _unguard(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS):
        return value[1:]
    return value


def write(kind: PlacementKind, rows: list[dict[str, str]]) -> str:
    """The CSV text of ``rows`` (dicts by column name), header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    names = columns(kind)
    writer.writerow(names)
    for row in rows:
        writer.writerow([_guard(str(row.get(name, ""))) for name in names])
    return out.getvalue()


@dataclass(frozen=True)
class RawRow:
    line: int  # where the row starts in the file; the header is line 1
    values: dict[str, str]


@dataclass
class Parsed:
    rows: list[RawRow] = field(default_factory=list)
    errors: list[tuple[int | None, str]] = field(default_factory=list)


def _column_name(header: str) -> str:
    name = "_".join(header.strip().lower().split())
    return _MONTH_ALIASES.get(name, name)


def read(content: bytes, kind: PlacementKind) -> Parsed:
    """The rows of a CSV file, or the errors that stop it being read at all (wrong size,
    encoding or columns) or that stop single rows (malformed cells)."""
    parsed = Parsed()
    if len(content) > MAX_BYTES:
        parsed.errors.append((None, f"The file is larger than {MAX_BYTES // 1_000_000} MB."))
        return parsed
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        parsed.errors.append(
            (None, 'The file is not UTF-8 text: save it as "CSV UTF-8" and try again.')
        )
        return parsed
    if not text.strip():
        parsed.errors.append((None, "The file is empty."))
        return parsed
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    expected = columns(kind)
    try:
        header = [_column_name(cell) for cell in next(reader)]
        missing = [name for name in expected if name not in header]
        unknown = [name for name in header if name not in expected]
        doubled = sorted({name for name in header if header.count(name) > 1})
        if missing:
            parsed.errors.append((1, f"Missing column(s): {', '.join(missing)}."))
        if unknown:
            parsed.errors.append((1, f"Unknown column(s): {', '.join(repr(u) for u in unknown)}."))
        if doubled:
            parsed.errors.append((1, f"Column(s) given twice: {', '.join(doubled)}."))
        if parsed.errors:
            parsed.errors.append((1, f"The columns are: {', '.join(expected)}."))
            return parsed
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                parsed.errors.append(
                    (line, f"The row has {len(cells)} cells; the header has {len(header)}.")
                )
                continue
            cells = cells + [""] * (len(header) - len(cells))
            values = {name: _unguard(cells[i]) for i, name in enumerate(header)}
            parsed.rows.append(RawRow(line, values))
    except csv.Error as error:
        parsed.errors.append((reader.line_num or 1, f"The file is not valid CSV here: {error}."))
        return parsed
    if not parsed.rows and not parsed.errors:
        parsed.errors.append((None, "The file has no rows under its header."))
    return parsed
