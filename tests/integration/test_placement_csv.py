"""The placements CSV format on its own: columns, encodings, line numbers, round trips."""

import pytest

from exchange.placements import csv_io
from exchange.placements.models import PlacementKind

DEPARTMENT = PlacementKind.DEPARTMENT
HEADER = ",".join(csv_io.columns(DEPARTMENT))
ZEROS = ",".join(["0"] * 12)


def row(title: str = "Cardiology", description: str = "") -> str:
    """A department in the columns of ``HEADER``: id, title, field, hospital, city,
    address, lc, languages, description, accommodation, meals, closed, the months."""
    return f",{title},Cardiology,KBC,,Šalata 2,LC Zagreb,English,{description},,,no,{ZEROS}"


def test_columns_per_kind():
    assert csv_io.columns(DEPARTMENT)[:4] == ("id", "title", "field", "hospital")
    assert {"address", "accommodation", "meals"} <= set(csv_io.columns(DEPARTMENT))
    project = csv_io.columns(PlacementKind.RESEARCH_PROJECT)
    assert {"supervisor", "project_type", "weeks", "methods"} <= set(project)
    assert "hospital" not in project
    months = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")
    assert project[-12:] == months


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_byte_order_mark(bom):
    parsed = csv_io.read(bom + f"{HEADER}\n{row('Kardiologija Čakovec')}\n".encode(), DEPARTMENT)
    assert parsed.errors == []
    assert parsed.rows[0].values["title"] == "Kardiologija Čakovec"
    assert parsed.rows[0].values["id"] == ""


def test_semicolons_as_spreadsheets_write_them():
    content = f"{HEADER}\n{row()}\n".replace(",", ";").encode()
    parsed = csv_io.read(content, DEPARTMENT)
    assert parsed.errors == []
    assert parsed.rows[0].values["lc"] == "LC Zagreb"


def test_line_numbers_count_from_the_header_and_follow_multiline_cells():
    content = "\n".join(
        [HEADER, row("A", '"two\nlines"'), "", row("B"), row("C", '"x\ny\nz"'), row("D")]
    )
    parsed = csv_io.read(content.encode(), DEPARTMENT)
    assert parsed.errors == []
    assert [(r.line, r.values["title"]) for r in parsed.rows] == [
        (2, "A"),
        (5, "B"),
        (6, "C"),
        (9, "D"),
    ]


def test_headers_are_read_loosely():
    header = HEADER.replace("title", " Title ").replace("jul", "July")
    parsed = csv_io.read(f"{header}\n{row()}\n".encode(), DEPARTMENT)
    assert parsed.errors == []


def test_file_level_problems():
    too_big = csv_io.read(b"x" * (csv_io.MAX_BYTES + 1), DEPARTMENT)
    assert too_big.errors == [(None, "The file is larger than 1 MB.")]
    latin1 = csv_io.read(f"{HEADER}\n{row('Čakovec')}\n".encode("cp1250"), DEPARTMENT)
    assert "not UTF-8" in latin1.errors[0][1]
    assert csv_io.read(b"", DEPARTMENT).errors == [(None, "The file is empty.")]
    header_only = csv_io.read(f"{HEADER}\n".encode(), DEPARTMENT)
    assert header_only.errors == [(None, "The file has no rows under its header.")]


def test_a_row_with_too_many_cells_is_an_error_on_its_line():
    parsed = csv_io.read(f"{HEADER}\n{row()}\n{row()},extra\n".encode(), DEPARTMENT)
    assert parsed.errors == [(3, "The row has 25 cells; the header has 24.")]


def test_writing_guards_formulas_and_reading_restores_them():
    values = dict.fromkeys(csv_io.columns(DEPARTMENT), "")
    values.update(title="=HYPERLINK(1)", field="-", description='a, "b"\nc', lc="LC Zagreb")
    text = csv_io.write(DEPARTMENT, [values])
    assert "'=HYPERLINK(1)" in text
    parsed = csv_io.read(text.encode(), DEPARTMENT)
    assert parsed.errors == []
    assert parsed.rows[0].values == values


def test_a_file_from_before_the_address_accommodation_and_meals_is_still_read():
    old = [name for name in csv_io.columns(DEPARTMENT) if name not in csv_io.OPTIONAL]
    content = ",".join(old) + f"\n,Cardiology,Cardiology,KBC,,LC Zagreb,English,,no,{ZEROS}\n"
    parsed = csv_io.read(content.encode(), DEPARTMENT)
    assert parsed.errors == []
    assert "address" not in parsed.rows[0].values
    assert parsed.rows[0].values["lc"] == "LC Zagreb"


def test_the_address_accommodation_and_meals_are_read_as_written():
    cells = ',"A room in the dormitory, shared",Lunch at the hospital,no,'
    content = f"{HEADER}\n{row().replace(',,,no,', cells)}\n"
    values = csv_io.read(content.encode(), DEPARTMENT).rows[0].values
    assert values["address"] == "Šalata 2"
    assert values["accommodation"] == "A room in the dormitory, shared"
    assert values["meals"] == "Lunch at the hospital"
