"""The lists of applications as CSV and XLSX files: every row the list's filters match
(not one page), within what the viewer may see, with the list's columns.

The files hold the student's name and email and nothing more of their personal data: no
passport, no date of birth, no medical notes (see Application's personal data columns).
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from exchange import clock
from exchange.applications.deadlines import late_cards
from exchange.applications.models import Application
from exchange.applications.queues import (
    COLUMNS,
    RowDetails,
    queue_statement,
    read_filters,
    row_details,
    rows_by_id,
)
from exchange.applications.states import State
from exchange.csv_files import write_typed_csv
from exchange.extensions import db
from exchange.months import format_month, month_name
from exchange.organizations.queries import current_season
from exchange.spreadsheets import SheetColumn, write_xlsx

# Rows are read and described this many at a time: the memory and the IN lists stay small.
CHUNK = 500

Value = Callable[[Application, RowDetails, date], object]


@dataclass(frozen=True)
class ExportColumn:
    title: str
    width: int
    value: Value


def wish_text(application: Application, details: RowDetails) -> str:
    """The host wished and its months, each with its free contract slots while the
    application waits for a nomination: "SLOMSIC: July 2026 1 of 2 free; ..."."""
    if details.free_slots:
        months = "; ".join(f"{s.month_label} {s.text}" for s in details.free_slots)
    else:
        months = ", ".join(month_name(m) for m in application.months)
    return f"{application.host_nmo.acronym}: {months}" if months else application.host_nmo.acronym


def places_text(application: Application, details: RowDetails) -> str:
    """The placement, once placed; before, the ranked placements with their free places."""
    if application.placement is not None:
        return f"{application.placement.title}, {application.placement.city}"
    return "; ".join(f"{p.rank}. {p.title}, {p.city}: {p.text}" for p in details.free_places)


def month_value(application: Application, queue: str) -> str | None:
    """The month of the nomination; before it, the months the student can go (the
    outgoing list shows those with the host wish). Always text, so that the column sorts
    and filters as one kind; the start date has a column of its own."""
    if application.exchange_month is not None:
        return format_month(application.season.month_date(application.exchange_month))
    if queue == "outgoing":
        return None
    return ", ".join(month_name(m) for m in application.months)


# What each of the lists' columns (queues.COLUMNS) writes: one or more file columns; the
# month's depends on the queue (export_columns).
EXPORT_COLUMNS: dict[str, tuple[ExportColumn, ...]] = {
    "code": (ExportColumn("Code", 15, lambda a, d, t: a.code),),
    "student": (
        ExportColumn("Student", 24, lambda a, d, t: a.student.name),
        ExportColumn("Student email", 30, lambda a, d, t: a.student.email),
    ),
    "home": (ExportColumn("From", 12, lambda a, d, t: a.home_nmo.acronym),),
    "host": (ExportColumn("To", 12, lambda a, d, t: a.host_nmo.acronym),),
    "lc": (ExportColumn("LC", 22, lambda a, d, t: d.lc_name),),
    "submitted": (ExportColumn("Submitted", 17, lambda a, d, t: a.submitted_at),),
    "points": (ExportColumn("Points", 9, lambda a, d, t: a.points),),
    "wish": (ExportColumn("Host wish and free slots", 50, lambda a, d, t: wish_text(a, d)),),
    "wishes": (
        ExportColumn("Placement wishes and free places", 60, lambda a, d, t: places_text(a, d)),
    ),
    "state": (ExportColumn("State", 20, lambda a, d, t: State(a.state).label),),
    "flags": (
        ExportColumn(
            "Late cards", 16, lambda a, d, t: ", ".join(c.label for c in late_cards(a, t))
        ),
        ExportColumn("Fee", 10, lambda a, d, t: _fee_text(a, d)),
    ),
}


def _fee_text(application: Application, details: RowDetails) -> str:
    """ "unpaid", "paid", or nothing where no fee is asked."""
    if details.fee_unpaid:
        return "unpaid"
    return "paid" if application.fee_paid_on is not None else ""


def export_columns(queue: str) -> list[ExportColumn]:
    """The file's columns: the list's, in its order."""
    columns = []
    for column in COLUMNS[queue]:
        if column.key == "month":
            columns.append(
                ExportColumn("Month", 16, lambda a, d, t, queue=queue: month_value(a, queue))
            )
            columns.append(ExportColumn("Starts on", 12, lambda a, d, t: a.starts_on))
        else:
            columns.extend(EXPORT_COLUMNS[column.key])
    return columns


def _rows(user, queue: str, args, columns: Sequence[ExportColumn]) -> Iterator[list[object]]:
    """Every row the list's filters match for ``user``, in the list's order."""
    filters = read_filters(user, queue, args, current_season())
    statement = queue_statement(user, filters)
    ids = list(db.session.scalars(statement.with_only_columns(Application.id)))
    today = clock.today()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        loaded = {a.id: a for a in rows_by_id(chunk)}
        applications = [loaded[i] for i in chunk if i in loaded]
        details = row_details(queue, applications)
        for application in applications:
            yield [c.value(application, details[application.id], today) for c in columns]


def queue_csv(user, queue: str, args) -> str:
    """The list as CSV text, with a byte order mark so that spreadsheets read UTF-8."""
    columns = export_columns(queue)
    return "\ufeff" + write_typed_csv([c.title for c in columns], _rows(user, queue, args, columns))


def queue_xlsx(user, queue: str, args) -> bytes:
    """The list as an XLSX workbook of one sheet."""
    columns = export_columns(queue)
    return write_xlsx(
        [SheetColumn(c.title, c.width) for c in columns],
        _rows(user, queue, args, columns),
        title="Applications",
    )


def filename(queue: str, extension: str) -> str:
    return f"applications-{queue}-{clock.today().isoformat()}.{extension}"
