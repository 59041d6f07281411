"""Every list of applications downloads as CSV and XLSX: the list's columns, every row its
filters match (not one page), in its order, within what the viewer may see; cells that a
spreadsheet would run as formulas guarded; real dates and numbers in the workbook; and
none of the student's personal data beyond their name and email."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from exchange.applications.exports import export_columns
from exchange.applications.queues import COLUMNS
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.extensions import db
from tests import builders
from tests.functional.steps import as_user
from tests.functional.test_queues import confirmed, nominated, submitted

OUTGOING_HEADER = [
    "Code",
    "Student",
    "Student email",
    "LC",
    "Submitted",
    "Points",
    "Host wish and free slots",
    "Month",
    "Starts on",
    "State",
    "Late cards",
    "Fee",
]
SUBMITTED_AT = datetime(2026, 4, 14, 8, 30, tzinfo=UTC)
PRIVATE = ("HR7654321", "Asthma, carries an inhaler", "2002-05-17", "+385 91 000 0000")


def private_columns():
    return {
        "passport_number": PRIVATE[0],
        "medical_notes": PRIVATE[1],
        "date_of_birth": datetime(2002, 5, 17).date(),
        "phone": PRIVATE[3],
    }


def csv_rows(client, query: str) -> list[list[str]]:
    response = client.get(f"/applications/export.csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def workbook(client, query: str):
    response = client.get(f"/applications/export.xlsx?{query}")
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response.headers["Content-Disposition"]
    return load_workbook(io.BytesIO(response.get_data())).active


def sheet_rows(sheet) -> list[list[object]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_csv_has_the_list_s_columns_and_every_row_its_filters_match(make_app, world):
    ana = submitted(world, "Ana Horvat", Decimal("12.50"), submitted_at=SUBMITTED_AT)
    others = [submitted(world, points=Decimal(p)) for p in (5, 7)]
    nominated(world, month=7)  # not submitted any more: the default filter leaves it out
    db.session.commit()
    client = make_app(PAGE_SIZE=2).test_client()  # the list shows 2 a page
    as_user(client, world.home_neo)

    header, *rows = csv_rows(client, "queue=outgoing")

    assert header == OUTGOING_HEADER
    assert [row[0] for row in rows] == [ana.code, *(o.code for o in others)]
    assert rows[0] == [
        ana.code,
        "Ana Horvat",
        ana.student.email,
        "LC Zagreb",
        "2026-04-14 08:30",
        "12.50",
        "SLOMSIC: July 2026 none free (all 1 used); August 2026 1 of 1 free",
        "",
        "",
        "Submitted",
        "",
        "",
    ]


@pytest.mark.parametrize("queue", ["mine", "outgoing", "incoming"])
def test_each_file_column_comes_from_a_column_of_the_list(queue):
    keys = [column.key for column in COLUMNS[queue]]
    titles = [column.title for column in export_columns(queue)]
    # One file column per list column, but two for the student (name and email), two for
    # the month (the month as text, the start date) and two for the cards and fee.
    assert len(titles) == len(keys) + 3
    assert (
        titles[0] == "Code" and "Student email" in titles and titles[-2:] == ["Late cards", "Fee"]
    )


def test_the_filters_and_the_sort_of_the_list_apply_to_the_file(client, world):
    db.session.execute(update(ExchangeConditions).values(fee_amount=Decimal("50")))
    low = submitted(world, "Ana Horvat", Decimal("3"))
    high = submitted(world, "Ana Kos", Decimal("9"))
    submitted(world, "Ivo Kovač", Decimal("5"))
    unpaid = nominated(world, 7, wishes=(world.department,))
    paid = nominated(world, 8, wishes=(world.department,))
    paid.fee_paid_amount, paid.fee_paid_currency, paid.fee_paid_on = 50, "EUR", SUBMITTED_AT.date()
    db.session.commit()
    as_user(client, world.home_neo)

    _, *rows = csv_rows(client, "queue=outgoing&q=Ana&sort=points&dir=desc")
    assert [row[0] for row in rows] == [high.code, low.code]
    _, *rows = csv_rows(client, "queue=outgoing&q=Ana&sort=student&dir=asc")
    assert [row[1] for row in rows] == ["Ana Horvat", "Ana Kos"]

    _, *rows = csv_rows(client, "queue=outgoing&state=all&fee=unpaid")
    assert [(row[0], row[-1]) for row in rows] == [(unpaid.code, "unpaid")]

    sheet = workbook(client, "queue=outgoing&state=nominated")
    assert [row[0] for row in sheet_rows(sheet)[1:]] == [unpaid.code, paid.code]


def test_the_list_page_links_to_its_files_with_its_filters(client, world):
    submitted(world)
    db.session.commit()
    as_user(client, world.home_neo)
    page = client.get("/applications/?queue=outgoing&q=P-&fee=unpaid&state=all").get_data(
        as_text=True
    )
    # Nothing matches the fee filter, so the page offers no file; without it, it does.
    assert "export.csv" not in page
    page = client.get("/applications/?queue=outgoing&q=P-").get_data(as_text=True)
    links = re.findall(r'href="(/applications/export\.(?:csv|xlsx)\?[^"]+)"', page)
    assert len(links) == 2
    for link in links:
        assert "queue=outgoing" in link and "q=P-" in link
        assert "state=submitted" in link  # the default the page applied, said out loud


def test_a_file_holds_only_what_its_viewer_may_see(client, world):
    third = builders.nmo("AMSA-X", "AT", "Austria")
    stranger = builders.user(Role.NATIONAL_OFFICER, nmo_=third)
    home = submitted(world, student=world.student)
    placed = confirmed(world, world.department, 7)
    db.session.commit()
    everything = "state=all&season=all"

    as_user(client, world.home_neo)
    assert [r[0] for r in csv_rows(client, f"queue=outgoing&{everything}")[1:]] == [
        home.code,
        placed.code,
    ]
    assert csv_rows(client, f"queue=incoming&{everything}")[1:] == []

    as_user(client, world.host_neo)  # not the submitted one: it is not nominated there
    assert [r[0] for r in csv_rows(client, f"queue=incoming&{everything}")[1:]] == [placed.code]

    as_user(client, stranger)
    for queue in ("outgoing", "incoming"):
        assert csv_rows(client, f"queue={queue}&{everything}")[1:] == []
        assert sheet_rows(workbook(client, f"queue={queue}&{everything}"))[1:] == []

    as_user(client, world.student)
    assert [r[0] for r in csv_rows(client, "queue=mine")[1:]] == [home.code]
    assert client.get("/applications/export.csv?queue=nobody").status_code == 404

    client.post("/logout")
    response = client.get("/applications/export.xlsx?queue=outgoing")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)")


@pytest.mark.parametrize("name", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_is_guarded_in_both_files(client, world, name):
    submitted(world, name)
    db.session.commit()
    as_user(client, world.home_neo)

    _, row = csv_rows(client, "queue=outgoing")
    assert row[1] == "'" + name

    sheet = workbook(client, "queue=outgoing")
    cell = sheet.cell(row=2, column=2)
    assert cell.value == "'" + name
    assert cell.data_type == "s"


def test_the_workbook_has_a_frozen_header_widths_and_real_dates_and_numbers(client, world):
    ana = submitted(world, "Ana Horvat", Decimal("12.50"), submitted_at=SUBMITTED_AT)
    db.session.commit()
    as_user(client, world.home_neo)

    sheet = workbook(client, "queue=outgoing")

    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == OUTGOING_HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["A"].width == 15
    assert sheet.column_dimensions["G"].width == 50  # the host wish
    row = dict(zip(header, sheet[2], strict=True))
    assert row["Code"].value == ana.code
    assert row["Submitted"].is_date
    assert row["Submitted"].value == datetime(2026, 4, 14, 8, 30)
    assert row["Points"].data_type == "n" and row["Points"].value == 12.5
    assert row["Month"].value is None


def test_the_incoming_workbook_gives_the_month_as_text_the_start_as_a_date_and_wishes(
    client, world
):
    placed = confirmed(world, world.department, 7)
    waiting = nominated(world, 8, wishes=(world.department, world.other_department))
    db.session.commit()
    as_user(client, world.host_neo)

    sheet = workbook(client, "queue=incoming&state=all")

    header, *rows = sheet_rows(sheet)
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_code[placed.code]["Month"] == "July 2026"  # text in every row, to sort as one
    assert by_code[placed.code]["Starts on"] == datetime(2026, 7, 1)
    assert by_code[waiting.code]["Starts on"] is None
    assert by_code[placed.code]["Placement wishes and free places"] == "Cardiology, Ljubljana"
    assert by_code[waiting.code]["Month"] == "August 2026"
    assert by_code[waiting.code]["Placement wishes and free places"] == (
        "1. Cardiology, Ljubljana: 1 of 1 free in August; 2. Surgery, Maribor: no places in August"
    )


def test_no_file_holds_the_passport_the_medical_notes_or_other_personal_data(client, world):
    submitted(world, **private_columns())
    nominated(world, 7, wishes=(world.department,), **private_columns())
    db.session.commit()

    for officer, queue in ((world.home_neo, "outgoing"), (world.host_neo, "incoming")):
        as_user(client, officer)
        text = client.get(f"/applications/export.csv?queue={queue}&state=all").get_data(
            as_text=True
        )
        values = [
            str(value)
            for row in sheet_rows(workbook(client, f"queue={queue}&state=all"))
            for value in row
        ]
        assert len(values) > len(OUTGOING_HEADER)  # there are rows
        for private in PRIVATE:
            assert private not in text
            assert not any(private in value for value in values)
