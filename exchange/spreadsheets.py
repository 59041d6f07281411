"""XLSX workbooks, whatever their rows mean: on each sheet a bold header row that stays in
view, set column widths, and cells of their real types (dates, numbers), so that a
spreadsheet sorts and sums them. Text cells carry the CSV files' formula guard."""

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exchange.csv_files import guard

MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DECIMAL_FORMAT = "0.00"
MAX_WIDTH = 60


@dataclass(frozen=True)
class SheetColumn:
    title: str
    width: int = 16  # in characters


def _cell(sheet, value: object) -> Cell | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return WriteOnlyCell(sheet, value="yes" if value else "no")
    if isinstance(value, datetime):
        # A spreadsheet has no time zones: moments are written in UTC.
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DECIMAL_FORMAT
        return cell
    if isinstance(value, int | float):
        return WriteOnlyCell(sheet, value=value)
    # Control characters have no place in a sheet; a formula start gets the guard.
    text = guard(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its ``title`` (the tab's name), its ``columns`` (the
    header row) and its ``rows`` of typed values."""

    title: str
    columns: Sequence[SheetColumn]
    rows: Iterable[Sequence[object]]


# A tab's name is at most 31 characters, none of these.
_NOT_IN_TITLES = re.compile(r"[\\/*?:\[\]]")
MAX_TITLE = 31


def _sheet_title(title: str, taken: set[str]) -> str:
    """``title`` as a tab's name: without the characters a spreadsheet refuses, short
    enough, and unlike the workbook's other tabs (in any case)."""
    base = _NOT_IN_TITLES.sub(" ", title).strip()[:MAX_TITLE] or "Sheet"
    name, number = base, 1
    while name.lower() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: MAX_TITLE - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _text_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, date):
        return len(DATE_FORMAT)
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return len(str(value))


def fitted_columns(
    header: Sequence[str], rows: Sequence[Sequence[object]], least: int = 8
) -> list[SheetColumn]:
    """Columns as wide as their widest cell, header included (at least ``least``, at most
    MAX_WIDTH characters), for rows that are all in memory."""
    widths = [max(least, len(str(title)) + 2) for title in header]
    for row in rows:
        for number, value in enumerate(row[: len(widths)]):
            widths[number] = max(widths[number], _text_width(value) + 2)
    return [
        SheetColumn(str(title), min(width, MAX_WIDTH))
        for title, width in zip(header, widths, strict=True)
    ]


def _write_sheet(workbook: Workbook, sheet_data: Sheet, title: str) -> None:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for number, column in enumerate(sheet_data.columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = min(column.width, MAX_WIDTH)
    bold = Font(bold=True)
    header = []
    for column in sheet_data.columns:
        cell = _cell(sheet, column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in sheet_data.rows:
        sheet.append([_cell(sheet, value) for value in row])


def write_workbook(sheets: Iterable[Sheet]) -> bytes:
    """The XLSX file of ``sheets``, each with a bold header row that stays in view (frozen
    panes), its column widths, and cells of their real types (None leaves a cell empty).
    Rows are written as they come, so a long sheet stays small in memory."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        _write_sheet(workbook, sheet, _sheet_title(sheet.title, taken))
    if not taken:
        workbook.create_sheet("Sheet")  # a workbook has at least one sheet
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_xlsx(
    columns: Sequence[SheetColumn], rows: Iterable[Sequence[object]], title: str = "Sheet"
) -> bytes:
    """The XLSX file of one sheet named ``title``: ``columns`` as its frozen header row,
    then ``rows`` of typed values (None leaves a cell empty). Rows are written as they
    come, so a long export stays small in memory."""
    return write_workbook([Sheet(title, columns, rows)])
