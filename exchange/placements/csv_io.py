"""The placements CSV format: its columns per kind, writing it, and reading it back into
rows with their line numbers. Pure Python: what the rows mean is for the services.

One file holds one program's placements: departments (SCOPE) or research projects (SCORE),
with one season's capacity in twelve month columns, ``apr`` to ``mar``. Encodings,
delimiters and formula guards are ``exchange.csv_files``'s.
"""

from dataclasses import dataclass, field

from exchange import csv_files
from exchange.months import MONTHS, SEASON_MONTHS
from exchange.placements.models import PlacementKind

MAX_BYTES = csv_files.MAX_BYTES
MONTH_COLUMNS = {month: MONTHS[month - 1][:3].lower() for month in SEASON_MONTHS}
_MONTH_ALIASES = {MONTHS[month - 1].lower(): column for month, column in MONTH_COLUMNS.items()}
YES = frozenset({"yes", "y", "true", "1", "closed"})
NO = frozenset({"no", "n", "false", "0", "open", ""})

_DEPARTMENT = (
    *("id", "title", "field", "hospital", "city", "address", "lc", "languages"),
    *("description", "accommodation", "meals"),
)
_PROJECT = (
    *("id", "title", "field", "supervisor", "project_type", "weeks"),
    *("methods", "prerequisites", "expected_output", "city", "address", "lc", "languages"),
    *("description", "accommodation", "meals"),
)
# Columns added after the first files were written: a file without them is still read,
# and what they would say stays as it is.
OPTIONAL = frozenset({"address", "accommodation", "meals"})
# Columns the services fill from the placement's data as they are (no conversion).
_TEXT = {
    "title",
    "field",
    "hospital",
    "city",
    "address",
    "description",
    "accommodation",
    "meals",
    "supervisor",
    "project_type",
    "methods",
    "prerequisites",
    "expected_output",
}


def columns(kind: PlacementKind) -> tuple[str, ...]:
    base = _DEPARTMENT if kind == PlacementKind.DEPARTMENT else _PROJECT
    return (*base, "closed", *MONTH_COLUMNS.values())


def text_columns(kind: PlacementKind) -> list[str]:
    return [name for name in columns(kind) if name in _TEXT]


def write(kind: PlacementKind, rows: list[dict[str, str]]) -> str:
    """The CSV text of ``rows`` (dicts by column name), header first."""
    names = columns(kind)
    return csv_files.write_csv(names, ([row.get(name, "") for name in names] for row in rows))


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
    expected = columns(kind)
    try:
        table = csv_files.Table(content)
        header = [_column_name(cell) for cell in table.header]
        missing = [name for name in expected if name not in header and name not in OPTIONAL]
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
        for row in table.rows():
            if row.problem:
                parsed.errors.append((row.line, row.problem))
            else:
                parsed.rows.append(RawRow(row.line, dict(zip(header, row.cells, strict=True))))
    except csv_files.Unreadable as error:
        parsed.errors.append((error.line, error.message))
        return parsed
    if not parsed.rows and not parsed.errors:
        parsed.errors.append((None, "The file has no rows under its header."))
    return parsed
