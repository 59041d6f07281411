"""XLSX workbooks of one sheet, whatever their rows mean: a bold header row that stays in
view, set column widths, and cells of their real types (dates, numbers), so that a
spreadsheet sorts and sums them. Text cells carry the CSV files' formula guard."""

import io
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


def write_xlsx(
    columns: Sequence[SheetColumn], rows: Iterable[Sequence[object]], title: str = "Sheet"
) -> bytes:
    """The XLSX file of one sheet named ``title``: ``columns`` as its frozen header row,
    then ``rows`` of typed values (None leaves a cell empty). Rows are written as they
    come, so a long export stays small in memory."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = min(column.width, MAX_WIDTH)
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = _cell(sheet, column.title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
