"""The dashboards' figures to take away: the charts' JSON, every figure in one CSV, one
figure's CSV and the workbook, for the federation, an NMO and an LC; each only for those
who may read that dashboard; the formula guard in both files; a workbook with its header,
frozen panes, widths and numbers; and the late cards' links that lead to the very
applications they count."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from exchange.contracts.models import Contract
from exchange.csv_files import guard
from exchange.extensions import db
from exchange.reports import queries
from exchange.reports.figures import Cell, tables
from exchange.reports.selection import select_dashboard
from exchange.spreadsheets import MIME_TYPE as XLSX
from tests import builders
from tests.functional.steps import as_user
from tests.functional.test_queue_report_filters import incoming
from tests.functional.test_queues import codes_in, get

OVERDUE = date(2026, 4, 1)  # a CA due date before the suite's 15 April
DOWNLOADS = ("data.json", "figures.csv", "figures/flows.csv", "figures.xlsx")


@pytest.fixture
def figures_world(world):
    """Applications from home to the host: one confirmed in the host's LC with its CA
    late, two waiting for a placement, one of them with its CA overdue; and one to a host
    whose name a spreadsheet would run as a formula."""
    federation = world.federation
    zagreb = federation.home_lc
    incoming(zagreb, federation.host, placement=world.department, ca_late=True)
    incoming(zagreb, federation.host, wish=world.department)
    incoming(zagreb, federation.host, wish=world.other_department, ca_due_on=OVERDUE)
    evil = builders.nmo("=EVIL", "EV", "Evilland")
    builders.contract(federation.home, evil)
    incoming(zagreb, evil, ca_due_on=OVERDUE)
    db.session.commit()
    return world


def url(kind: str, federation, download: str, query: str = "") -> str:
    base = {
        "federation": "/reports",
        "nmo": f"/reports/nmos/{federation.home.code}",
        "lc": f"/reports/lcs/{federation.home_lc.id}",
    }[kind]
    return f"{base}/{download}" + (f"?{query}" if query else "")


READERS = {"federation": "admin", "nmo": "national_officer", "lc": "local_officer"}
WHO = {"federation": "federation", "nmo": "CROMSIC", "lc": "lc-{lc}"}


def csv_of(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a byte order mark, for spreadsheets"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("kind", list(READERS))
@pytest.mark.parametrize("download", DOWNLOADS)
def test_each_download_of_each_dashboard(client, figures_world, kind, download):
    federation = figures_world.federation
    as_user(client, getattr(federation, READERS[kind]))
    response = client.get(url(kind, federation, download))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Cache-Control"] == "private, max-age=60"
    if download == "data.json":
        assert response.mimetype == "application/json"
        return
    who = WHO[kind].format(lc=federation.home_lc.id)
    extension = download.rsplit(".", 1)[1]
    figure = "-flows" if download.startswith("figures/") else ""
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="exchange-report-{who}-2026-27{figure}.{extension}"'
    )
    assert response.mimetype == (XLSX if extension == "xlsx" else "text/csv")


def test_the_json_holds_what_the_charts_draw(client, figures_world):
    as_user(client, figures_world.federation.admin)
    data = client.get("/reports/data.json").get_json()
    # The tables are the page's and the downloads': the JSON is what the browser draws.
    assert set(data) == {"title", "season", "previous_season", "program", "empty", "charts"}
    assert (data["season"], data["previous_season"], data["program"]) == ("2026/27", None, None)
    assert data["empty"] is False
    sankey = data["charts"]["flows"]
    assert sankey["kind"] == "sankey" and sankey["value"] == [3, 1]
    assert sankey["labels"] == ["CROMSIC", "→ SLOMSIC", "→ =EVIL"]


def test_the_json_of_one_program_and_of_an_empty_season(client, figures_world):
    builders.season("2027/28")
    db.session.commit()
    as_user(client, figures_world.federation.national_officer)
    data = client.get("/reports/nmos/CROMSIC/data.json?program=scope").get_json()
    assert data["program"] == "SCOPE"
    empty = client.get("/reports/nmos/CROMSIC/data.json?season=2027/28").get_json()
    assert (empty["season"], empty["previous_season"]) == ("2027/28", "2026/27")
    assert empty["empty"] is True
    assert empty["charts"] == {}
    response = client.get("/reports/nmos/CROMSIC/figures.csv?season=2027/28&program=scope")
    assert (
        'filename="exchange-report-CROMSIC-2027-28-scope.csv"'
        in (response.headers["Content-Disposition"])
    )


def test_every_figure_in_one_csv_one_after_the_other(client, figures_world):
    as_user(client, figures_world.federation.admin)
    rows = csv_of(client.get("/reports/figures.csv"))
    every_table = tables(queries.dashboard(admin_selection(figures_world)))
    titles = [t.title for t in every_table]
    # Each table: its title, its header, its rows, then a blank row.
    at = 0
    for table in every_table:
        assert rows[at] == [table.title], table.key
        assert rows[at + 1] == [guard(title) for title in table.header], table.key
        at += 2 + len(table.rows)
        assert rows[at] == [], table.key
        at += 1
    assert at == len(rows)
    assert titles[0] == "Flows between NMOs"
    # A negative change stays a number; a text that would run as a formula does not.
    assert ["CROMSIC", "'=EVIL", "1", "", ""] in rows


def test_one_figure_s_csv(client, figures_world):
    as_user(client, figures_world.federation.admin)
    rows = csv_of(client.get("/reports/figures/late_cards.csv"))
    assert rows[0] == [
        "Host",
        "CA late",
        "CA overdue",
        "CC late",
        "CC overdue",
        "Total",
        "Previous season total",
    ]
    by_host = {row[0]: row[1:] for row in rows[1:]}
    assert by_host["SLOMSIC (Slovenia)"] == ["1", "1", "0", "0", "2", ""]
    # The host's name starts with "=": guarded, so that a spreadsheet shows it as text.
    assert by_host["'=EVIL (Evilland)"] == ["0", "1", "0", "0", "1", ""]


def test_the_workbook_has_a_sheet_per_figure_with_header_panes_widths_and_numbers(
    client, figures_world
):
    as_user(client, figures_world.federation.admin)
    response = client.get("/reports/figures.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    every_table = tables(queries.dashboard(admin_selection(figures_world)))
    assert workbook.sheetnames == [t.title for t in every_table]
    for table in every_table:
        sheet = workbook[table.title]
        assert sheet.freeze_panes == "A2", table.key
        header = next(sheet.iter_rows(min_row=1, max_row=1))
        assert [c.value for c in header] == [guard(title) for title in table.header], table.key
        assert all(c.font.bold for c in header), table.key
        assert sheet.column_dimensions["A"].width >= len(table.header[0]), table.key
    flows = workbook["Flows between NMOs"]
    assert [c.value for c in flows[2]] == ["CROMSIC", "SLOMSIC", 3, None, None]
    assert flows["C2"].data_type == "n"
    assert flows["B3"].value == "'=EVIL"
    assert flows["B3"].data_type == "s"
    late = workbook["Late cards per host NMO"]
    assert isinstance(late["B2"].value, int)


def admin_selection(world):
    return select_dashboard(world.federation.admin, "federation", "", "", "")


# Who may download what


@pytest.mark.parametrize("download", DOWNLOADS)
def test_a_national_officer_downloads_only_their_nmo_s_figures(client, figures_world, download):
    federation = figures_world.federation
    as_user(client, federation.national_officer)  # CROMSIC's, SCOPE
    assert client.get(f"/reports/nmos/CROMSIC/{download}").status_code == 200
    assert client.get(f"/reports/lcs/{federation.home_lc.id}/{download}").status_code == 200
    assert client.get(f"/reports/nmos/SLOMSIC/{download}").status_code == 403
    assert client.get(f"/reports/lcs/{federation.host_lc.id}/{download}").status_code == 403
    assert client.get(f"/reports/{download}").status_code == 403
    assert client.get(f"/reports/nmos/NOSUCH/{download}").status_code == 404
    # A program they hold no role in is refused like an unknown one.
    assert client.get(f"/reports/nmos/CROMSIC/{download}?program=score").status_code == 404


@pytest.mark.parametrize("download", DOWNLOADS)
def test_a_local_officer_downloads_only_their_lc_s_figures(client, figures_world, download):
    federation = figures_world.federation
    as_user(client, federation.local_officer)  # LC Zagreb's
    assert client.get(f"/reports/lcs/{federation.home_lc.id}/{download}").status_code == 200
    assert client.get(f"/reports/lcs/{federation.host_lc.id}/{download}").status_code == 403
    assert client.get(f"/reports/nmos/CROMSIC/{download}").status_code == 403
    assert client.get(f"/reports/{download}").status_code == 403
    for key in ("999999", "99999999999999999999", "abc", "-1"):
        assert client.get(f"/reports/lcs/{key}/{download}").status_code == 404, key


@pytest.mark.parametrize("download", DOWNLOADS)
def test_students_and_visitors_get_no_figures(client, figures_world, download):
    federation = figures_world.federation
    urls = [url(kind, federation, download) for kind in READERS]
    for address in urls:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response.headers["Location"].startswith("/login")
    as_user(client, federation.student)
    for address in urls:
        assert client.get(address).status_code == 403, address


@pytest.mark.parametrize(
    "address",
    [
        "/reports/figures/nothing.csv",
        "/reports/figures/FLOWS.csv",
        "/reports/data.json?season=1999/00",
        "/reports/figures.csv?season=abc",
        "/reports/figures.xlsx?program=scape",
        "/reports/figures/flows.csv?program=" + "x" * 500,
    ],
)
def test_an_unknown_figure_season_or_program_is_not_found(client, figures_world, address):
    as_user(client, figures_world.federation.admin)
    assert client.get(address).status_code == 404


def test_a_figure_with_a_nul_character_is_refused(client, figures_world):
    # Before any view: web.arguments.refuse_nul_characters (tests/functional/test_absurd_input.py).
    as_user(client, figures_world.federation.admin)
    response = client.get("/reports/nmos/CROMSIC/figures/balance%00.csv")
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


# The late cards' links


@pytest.mark.parametrize(
    ("reader", "kind", "key"),
    [
        ("admin", "federation", ""),
        ("host_neo", "nmo", "SLOMSIC"),
        ("admin", "nmo", "SLOMSIC"),
        ("host_leo", "lc", "host_lc"),
        ("host_neo", "lc", "host_lc"),
    ],
)
def test_each_late_card_number_links_to_the_applications_it_counts(
    client, figures_world, reader, kind, key
):
    federation = figures_world.federation
    user = getattr(figures_world, reader, None) or getattr(federation, reader)
    key = str(federation.host_lc.id) if key == "host_lc" else key
    selection = select_dashboard(user, kind, key, "", "")
    late = next(t for t in tables(queries.dashboard(selection)) if t.key == "late_cards")
    cells = [value for row in late.rows for value in row if isinstance(value, Cell)]
    assert cells, "there are late cards to follow"
    as_user(client, user)
    for cell in cells:
        query = "&".join(f"{name}={value}" for name, value in cell.filters.items())
        listed = codes_in(get(client, f"/applications/?{query}"))
        assert len(listed) == cell.value, (cell, listed)


def test_the_late_cards_links_keep_the_program(client, figures_world):
    federation = figures_world.federation
    selection = select_dashboard(federation.admin, "federation", "", "", "scope")
    late = next(t for t in tables(queries.dashboard(selection)) if t.key == "late_cards")
    filters = next(v.filters for row in late.rows for v in row if isinstance(v, Cell))
    assert filters["program"] == builders.program("SCOPE").id
    contract = db.session.scalar(select(Contract).where(Contract.host_nmo_id == federation.host.id))
    assert filters["season"] == contract.season_id
    assert re.fullmatch(r"ca|cc", filters["card"])
