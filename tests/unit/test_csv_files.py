"""The shared CSV reader and writer: encodings, delimiters, line numbers, formula guards."""

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from exchange import csv_files
from exchange.csv_files import (
    Row,
    Table,
    Unreadable,
    cell_text,
    guard,
    unguard,
    write_csv,
    write_typed_csv,
)


def rows_of(content: bytes, **options) -> tuple[list[str], list[Row]]:
    table = Table(content, **options)
    return table.header, list(table.rows())


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_or_without_byte_order_mark(bom):
    header, rows = rows_of(bom + "name,city\nAna,Čakovec\n".encode())
    assert header == ["name", "city"]
    assert rows == [Row(2, ["Ana", "Čakovec"])]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_comma_semicolon_and_tab_delimiters(delimiter):
    content = delimiter.join(["name", "city", "note"]) + "\n"
    content += delimiter.join(["Ana", "Zagreb", '"a, b; c"']) + "\n"
    header, rows = rows_of(content.encode())
    assert header == ["name", "city", "note"]
    assert rows == [Row(2, ["Ana", "Zagreb", "a, b; c"])]


@pytest.mark.parametrize(
    ("first_line", "delimiter"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("a;b,c", ","), ("a;b;c,d", ";")],
)
def test_the_header_line_decides_the_delimiter(first_line, delimiter):
    assert csv_files.delimiter_of(first_line) == delimiter


def test_a_file_that_is_not_utf8_is_refused_with_where_it_goes_wrong():
    with pytest.raises(Unreadable) as refused:
        Table("name\nČakovec\n".encode("cp1250"))
    assert refused.value.line is None
    assert refused.value.message.startswith("The file is not UTF-8 text (byte 6)")
    assert "CSV UTF-8" in refused.value.message


def test_size_limit_and_empty_files():
    with pytest.raises(Unreadable, match=r"^The file is larger than 1 MB\.$"):
        Table(b"x" * (csv_files.MAX_BYTES + 1))
    assert Table(b"a\n" * (csv_files.MAX_BYTES // 2)).header == ["a"]
    for empty in (b"", b"\xef\xbb\xbf", b" \r\n\n"):
        with pytest.raises(Unreadable, match=r"^The file is empty\.$"):
            Table(empty)


def test_line_numbers_count_from_the_header_and_follow_multiline_cells():
    content = b'a,b\r\n1,"two\r\nlines"\r\n\r\n,\r\n2,x\r\n'
    assert [row.line for row in rows_of(content)[1]] == [2, 6]


def test_short_rows_are_filled_up_and_long_ones_refused_on_their_line():
    content = b"a,b,c\n1\n1,2,3,,\n1,2,3,4\n"
    assert rows_of(content)[1] == [
        Row(2, ["1", "", ""]),
        Row(3, ["1", "2", "3"]),
        Row(4, ["1", "2", "3", "4"], "The row has 4 cells; the header has 3."),
    ]


def test_with_exact_width_every_row_has_every_cell():
    content = b"a,b,c\n1\n1,2,3\n1,2,3,\n"
    assert rows_of(content, exact_width=True)[1] == [
        Row(2, ["1"], "Expected 3 columns, found 1."),
        Row(3, ["1", "2", "3"]),
        Row(4, ["1", "2", "3", ""], "Expected 3 columns, found 4."),
    ]


def test_broken_quoting_is_refused_with_its_line():
    table = Table(b'a,b\n1,2\n3,"x"y\n')
    rows = table.rows()
    assert next(rows) == Row(2, ["1", "2"])
    with pytest.raises(Unreadable) as refused:
        next(rows)
    assert refused.value.line == 3
    assert refused.value.message.startswith("The file is not valid CSV here:")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_guarded(cell):
    assert guard(cell) == "'" + cell
    assert unguard(guard(cell)) == cell
    text = write_csv(["a"], [[cell]])
    assert list(csv.reader(io.StringIO(text, newline="")))[1] == ["'" + cell]


@pytest.mark.parametrize("cell", ["", "plain", "1", "'quoted", "a=b", "'"])
def test_other_cells_are_written_as_they_are(cell):
    assert guard(cell) == cell
    assert unguard(cell) == cell


def test_written_files_read_back_unchanged():
    rows = [["=HYPERLINK(1)", 'a, "b"\nc', 3], ["-", "", "@x"]]
    text = write_csv(["one", "two", "three"], rows)
    assert text.startswith("one,two,three\r\n")
    header, read = rows_of(text.encode())
    assert header == ["one", "two", "three"]
    assert [row.cells for row in read] == [["=HYPERLINK(1)", 'a, "b"\nc', "3"], ["-", "", "@x"]]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (date(2026, 7, 1), "2026-07-01"),
        (datetime(2026, 4, 15, 9, 30, 59, tzinfo=UTC), "2026-04-15 09:30"),
        # A moment elsewhere is written in UTC.
        (datetime(2026, 4, 15, 11, 30, tzinfo=timezone(timedelta(hours=2))), "2026-04-15 09:30"),
        (datetime(2026, 7, 5, 14, 30), "2026-07-05 14:30"),  # a wall-clock time stays
        (Decimal("12.50"), "12.50"),
        (3, "3"),
        (True, "yes"),
        (False, "no"),
        ("text", "text"),
    ],
)
def test_typed_values_become_cells(value, text):
    assert cell_text(value) == text


def test_typed_rows_are_written_with_the_guard():
    text = write_typed_csv(["when", "points", "name"], [[date(2026, 7, 1), None, "=cmd"]])
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["when", "points", "name"],
        ["2026-07-01", "", "'=cmd"],
    ]
