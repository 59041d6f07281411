"""The public statistics, /statistics and /statistics.csv: open to anyone, nothing personal,
no count under 5 that one can read or work out from the others, and figures kept in the
cache for ten minutes a day.

The exchanges: CROMSIC and SLOMSIC in Europe, BRA in the Americas, season 2026/27, SCOPE.
Nominated students: CROMSIC to SLOMSIC 7, SLOMSIC to CROMSIC 6, BRA to CROMSIC 3, CROMSIC
to BRA 5; one more BRA student has only submitted. So BRA sent 3 (fewer than 5), and since
Europe hosted 16 of which 13 came from Europe, the 3 would come out of the Europe column
unless one more count (SLOMSIC's 7 hosted, the smallest that helps) is hidden too.
"""

import csv
import io
import itertools
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from flask_caching.backends import SimpleCache
from sqlalchemy.engine import make_url

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.contracts.models import Contract
from exchange.extensions import cache, db
from exchange.organizations.models import NMO, LocalCommittee
from exchange.reports import statistics
from exchange.reports.figures import FEWER_THAN
from tests import builders

PROTECTED = statistics.HIDDEN_TO_PROTECT
REGION_FIGURE = "Students from region to region"
SENT_FIGURE, HOSTED_FIGURE = "Students sent by the NMO", "Students hosted by the NMO"
APPLICATION_CODE = re.compile(r"\b[PR]-\d{4}-\d{3,}\b")
REGION_OF = {"CROMSIC": "Europe", "SLOMSIC": "Europe", "BRA": "Americas"}


@pytest.fixture(autouse=True)
def _empty_cache(app):
    # The suite's app lives through every test, and so does its cache.
    cache.clear()
    yield
    cache.clear()


@dataclass
class Exchanges:
    cro: NMO
    slo: NMO
    bra: NMO
    lcs: dict[str, LocalCommittee]
    contracts: dict[tuple[str, str], Contract]
    applications: list[Application]


def _nominated(
    exchanges: Exchanges, home: str, host: str, season_code: str = "2026/27"
) -> Application:
    """A nominated student of ``home`` to ``host``, with a name and email to look for."""
    number = len(exchanges.applications) + 1
    student = builders.user(
        Role.STUDENT,
        email=f"zvonimir.quillfeather{number}@students.example",
        name=f"Zvonimir Quillfeather {number}",
        lc_=exchanges.lcs[home],
    )
    contract = exchanges.contracts.get((home, host, season_code))
    if contract is None:
        nmos = {"CROMSIC": exchanges.cro, "SLOMSIC": exchanges.slo, "BRA": exchanges.bra}
        contract = builders.contract(nmos[home], nmos[host], season_code=season_code)
        exchanges.contracts[(home, host, season_code)] = contract
    application = builders.application(
        student,
        contract.host_nmo,
        season_code=season_code,
        state=State.NOMINATED,
        submitted_at=clock.now(),
        nominated_at=clock.now(),
        contract_id=contract.id,
        exchange_month=7,
        ca_due_on=date(2026, 5, 12),
    )
    exchanges.applications.append(application)
    return application


def _send(exchanges: Exchanges, home: str, host: str, students: int, season_code: str = "2026/27"):
    for _ in range(students):
        _nominated(exchanges, home, host, season_code)


@pytest.fixture
def exchanges(app) -> Exchanges:
    builders.season("2025/26")
    builders.season("2026/27")
    cro = builders.nmo("CROMSIC", "HR", "Croatia")
    slo = builders.nmo("SLOMSIC", "SI", "Slovenia")
    bra = builders.nmo("BRA", "BR", "Brazil", region_name="Americas")
    lcs = {
        "CROMSIC": builders.lc(cro, "LC Zagreb", "Zagreb"),
        "SLOMSIC": builders.lc(slo, "LC Ljubljana", "Ljubljana"),
        "BRA": builders.lc(bra, "LC Sao Paulo", "Sao Paulo"),
    }
    made = Exchanges(cro, slo, bra, lcs, {}, [])
    _send(made, "CROMSIC", "SLOMSIC", 7)
    _send(made, "SLOMSIC", "CROMSIC", 6)
    _send(made, "BRA", "CROMSIC", 3)
    _send(made, "CROMSIC", "BRA", 5)
    waiting = builders.user(
        Role.STUDENT,
        email="xanthe.submitted@students.example",
        name="Xanthe Only-Submitted",
        lc_=lcs["BRA"],
    )
    made.applications.append(
        builders.application(waiting, cro, state=State.SUBMITTED, submitted_at=clock.now())
    )
    db.session.commit()
    return made


def _csv(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/statistics.csv{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _counts(rows: list[list[str]], program: str = "SCOPE") -> dict[tuple[str, str, str], str]:
    """The CSV's counts of one program: (figure, sending, host) → count as written."""
    header, *body = rows
    assert header == list(statistics.CSV_HEADER)
    return {(r[2], r[3], r[4]): r[5] for r in body if r[1] == program}


class _Tables(HTMLParser):
    """Every table's cells (header cells too) by the table's id, row by row."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("id", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _page(client, query: str = "") -> str:
    response = client.get(f"/statistics{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Open to anyone


def test_anyone_reads_the_statistics_from_the_welcome_page(client, exchanges):
    welcome = client.get("/").get_data(as_text=True)
    assert 'href="/statistics"' in welcome
    page = _page(client)
    assert "<h1" in page and "Exchange statistics" in page
    assert '<option value="2026/27" selected>' in page
    assert 'href="/statistics.csv?season=2026/27"' in page
    # Every page's footer links to them.
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/statistics"' in login


def test_the_page_explains_fewer_than_5(client, exchanges):
    page = _page(client)
    assert "A count below 5, zero included, reads “fewer than 5”" in page
    assert "“5 or more”" in page


def test_an_officer_reads_the_same_public_page(client, exchanges, login):
    officer = builders.user(Role.NATIONAL_OFFICER, nmo_=exchanges.cro)
    db.session.commit()
    anonymous = _tables(_page(client))
    login(officer)
    assert _tables(_page(client)) == anonymous


# The figures


EXPECTED_SCOPE = {
    ("Applications submitted", "", ""): "22",
    ("Applications nominated", "", ""): "21",
    ("Applications accepted", "", ""): FEWER_THAN,
    ("Applications confirmed", "", ""): FEWER_THAN,
    ("Applications certified", "", ""): FEWER_THAN,
    (REGION_FIGURE, "Americas", "Americas"): FEWER_THAN,
    (REGION_FIGURE, "Americas", "Europe"): FEWER_THAN,
    (REGION_FIGURE, "Americas", "All regions"): FEWER_THAN,
    (REGION_FIGURE, "Europe", "Americas"): "5",
    (REGION_FIGURE, "Europe", "Europe"): "13",
    (REGION_FIGURE, "Europe", "All regions"): "18",
    (REGION_FIGURE, "All regions", "Americas"): "5",
    # 13 from Europe and fewer than 5 from the Americas; what its NMOs hosted tells no more
    # than 9 and 5 or more.
    (REGION_FIGURE, "All regions", "Europe"): "at least 14",
    (REGION_FIGURE, "All regions", "All regions"): "at least 19",
    (SENT_FIGURE, "BRA", ""): FEWER_THAN,
    (HOSTED_FIGURE, "", "BRA"): "5",
    (SENT_FIGURE, "CROMSIC", ""): "12",
    (HOSTED_FIGURE, "", "CROMSIC"): "9",
    (SENT_FIGURE, "SLOMSIC", ""): "6",
    # 7, hidden: with it, 13 + BRA's 3 = 9 + 7 would give BRA's 3 away.
    (HOSTED_FIGURE, "", "SLOMSIC"): PROTECTED,
}


def test_the_csv_counts_the_world(client, exchanges):
    rows = _csv(client)
    assert _counts(rows) == EXPECTED_SCOPE
    assert all(row[0] == "2026/27" for row in rows[1:])
    # No SCORE exchange yet: its stages only, every one fewer than 5.
    assert _counts(rows, "SCORE") == {
        (f"Applications {stage}", "", ""): FEWER_THAN
        for stage in ("submitted", "nominated", "accepted", "confirmed", "certified")
    }


def test_one_program_alone(client, exchanges):
    rows = _csv(client, "?program=scope")
    assert {row[1] for row in rows[1:]} == {"SCOPE"}
    assert _counts(rows) == EXPECTED_SCOPE
    page = _page(client, "?program=score")
    assert "No figures for SCORE in 2026/27 yet" in page
    assert 'id="section-scope"' not in page
    assert '<option value="score" selected>' in page


def test_the_page_shows_the_same_figures(client, exchanges):
    page = _page(client)
    tables = _tables(page)
    assert tables["stages-scope"] == [
        ["Stage", "Applications"],
        ["Submitted", "22"],
        ["Nominated", "21"],
        ["Accepted", FEWER_THAN],
        ["Confirmed", FEWER_THAN],
        ["Certified", FEWER_THAN],
    ]
    assert tables["regions-scope"] == [
        ["From \\ to", "Americas", "Europe", "Total sent"],
        ["Americas", FEWER_THAN, FEWER_THAN, FEWER_THAN],
        ["Europe", "5", "13", "18"],
        ["Total hosted", "5", "at least 14", "at least 19"],
    ]
    assert tables["nmos-scope"] == [
        ["NMO", "Region", "Students sent", "Students hosted"],
        ["BRA", "Americas", FEWER_THAN, "5"],
        ["CROMSIC", "Europe", "12", "9"],
        ["SLOMSIC", "Europe", "6", PROTECTED],
    ]
    # SCORE has no exchange yet: its empty state, not tables.
    assert "No figures for SCORE in 2026/27 yet" in page
    assert "nmos-score" not in tables


def test_thousands_read_with_separators(client, exchanges, monkeypatch):
    real = statistics.queries.public_figures

    def many(selection):
        figures = real(selection)
        flows = tuple(f._replace(students=f.students * 1000) for f in figures.flows)
        return replace(figures, flows=flows)

    monkeypatch.setattr(statistics.queries, "public_figures", many)
    nmos = _tables(_page(client))["nmos-scope"]
    assert ["CROMSIC", "Europe", "12,000", "9,000"] in nmos
    assert ["Europe", "5,000", "13,000", "18,000"] in _tables(_page(client))["regions-scope"]


# Nothing under 5, nothing that gives one away


def _small_numbers(cells) -> list[str]:
    return [cell for cell in cells if cell in {"1", "2", "3", "4"}]


def test_no_count_under_5_is_written(client, exchanges):
    counts = _counts(_csv(client))
    assert not _small_numbers(counts.values())
    tables = _tables(_page(client))
    for key in ("stages-scope", "regions-scope", "nmos-scope"):
        assert not _small_numbers(cell for row in tables[key] for cell in row), key


def _possible_values(counts: dict, region_of: dict[str, str]) -> dict[tuple, set[int]]:
    """Every value each hidden count can take, given the other figures and the sums that
    hold between them: each region's row adds up to what its NMOs sent, its column to what
    they hosted, and the totals say what they say. Worked out by trying every value."""
    regions = sorted(set(region_of.values()))
    figures = [(REGION_FIGURE, s, h) for s in regions for h in regions]
    figures += [(SENT_FIGURE, code, "") for code in region_of]
    figures += [(HOSTED_FIGURE, "", code) for code in region_of]

    def choices(text):
        if text == FEWER_THAN:
            return range(5)
        if text == PROTECTED:
            return range(5, 41)
        return (int(text),)

    def fits(value, text):
        if text == FEWER_THAN:
            return value < 5
        if text.startswith("at least "):
            return value >= int(text.removeprefix("at least ").replace(",", ""))
        if text.startswith("at most "):
            return value <= int(text.removeprefix("at most ").replace(",", ""))
        return value == int(text)

    possible = {figure: set() for figure in figures}
    for values in itertools.product(*(choices(counts[f]) for f in figures)):
        value = dict(zip(figures, values, strict=True))
        lines = []
        for region in regions:
            nmos = [code for code, r in region_of.items() if r == region]
            row = sum(value[(REGION_FIGURE, region, h)] for h in regions)
            column = sum(value[(REGION_FIGURE, s, region)] for s in regions)
            sent = sum(value[(SENT_FIGURE, code, "")] for code in nmos)
            hosted = sum(value[(HOSTED_FIGURE, "", code)] for code in nmos)
            lines.append(row == sent and column == hosted)
            lines.append(fits(row, counts[(REGION_FIGURE, region, "All regions")]))
            lines.append(fits(column, counts[(REGION_FIGURE, "All regions", region)]))
        everyone = sum(value[(SENT_FIGURE, code, "")] for code in region_of)
        lines.append(fits(everyone, counts[(REGION_FIGURE, "All regions", "All regions")]))
        if all(lines):
            for figure in figures:
                possible[figure].add(value[figure])
    return {f: v for f, v in possible.items() if counts[f] in (FEWER_THAN, PROTECTED)}


def test_no_count_under_5_can_be_worked_out(client, exchanges):
    possible = _possible_values(_counts(_csv(client)), REGION_OF)
    assert possible[(SENT_FIGURE, "BRA", "")] == {1, 2, 3, 4}
    assert possible[(REGION_FIGURE, "Americas", "Europe")] == {1, 2, 3, 4}
    for figure, values in possible.items():
        assert len(values) > 1 or values == {0}, figure


def test_the_check_finds_a_count_that_is_not_protected(client, exchanges):
    # The same CSV with SLOMSIC's 7 hosted written out: BRA's 3 comes out, which is why
    # the statistics hide it.
    counts = _counts(_csv(client)) | {(HOSTED_FIGURE, "", "SLOMSIC"): "7"}
    possible = _possible_values(counts, REGION_OF)
    assert possible[(SENT_FIGURE, "BRA", "")] == {3}


def test_nothing_personal_on_the_page_or_in_the_csv(client, exchanges):
    page = _page(client)
    text = client.get("/statistics.csv").get_data(as_text=True)
    students = [a.student for a in exchanges.applications]
    for body in (page, text):
        for student in students:
            assert student.name not in body
            assert student.email not in body
        for application in exchanges.applications:
            assert application.code not in body
        assert not APPLICATION_CODE.search(body)
        assert "Quillfeather" not in body and "Xanthe" not in body
        # The personal data of every application (tests/builders.py PERSONAL_DATA).
        for value in builders.PERSONAL_DATA.values():
            assert str(value) not in body
        assert "LC Zagreb" not in body


# Kept in the cache


def test_the_figures_are_kept_for_ten_minutes(client, exchanges):
    before = _counts(_csv(client))
    _send(exchanges, "CROMSIC", "SLOMSIC", 5)
    db.session.commit()
    # Within the ten minutes: the figures that were worked out, on the page too.
    assert _counts(_csv(client)) == before
    assert ["CROMSIC", "Europe", "12", "9"] in _tables(_page(client))["nmos-scope"]
    # One program alone is the same figures, kept under the same key.
    assert _counts(_csv(client, "?program=scope")) == before
    with time_machine.travel(clock.now() + timedelta(minutes=11), tick=False):
        after = _counts(_csv(client))
    assert after[(SENT_FIGURE, "CROMSIC", "")] == "17"
    assert after[(HOSTED_FIGURE, "", "SLOMSIC")] == "12"


def test_another_season_is_kept_apart(client, exchanges):
    before = _counts(_csv(client))
    _send(exchanges, "CROMSIC", "SLOMSIC", 6, season_code="2025/26")
    _send(exchanges, "CROMSIC", "SLOMSIC", 6)
    db.session.commit()
    assert _counts(_csv(client)) == before
    # 2025/26 is worked out on its own, with what is there now.
    earlier = _counts(_csv(client, "?season=2025/26"))
    assert earlier[(SENT_FIGURE, "CROMSIC", "")] == "6"
    assert earlier[(REGION_FIGURE, "Europe", "Europe")] == "6"


def test_a_new_day_works_the_figures_out_again(client, exchanges, monkeypatch):
    # Kept for days: only the date in the key makes tomorrow's figures new.
    monkeypatch.setattr(statistics, "FIGURES_KEPT_FOR", 3 * 24 * 3600)
    before = _counts(_csv(client))
    _send(exchanges, "CROMSIC", "SLOMSIC", 5)
    db.session.commit()
    with time_machine.travel(clock.now() + timedelta(hours=12), tick=False):
        assert clock.today() == date(2026, 4, 15)
        assert _counts(_csv(client)) == before
    with time_machine.travel(clock.now() + timedelta(days=1), tick=False):
        assert _counts(_csv(client))[(SENT_FIGURE, "CROMSIC", "")] == "17"


class SharedCache(SimpleCache):
    """One cache in memory for every app that names it, as one Redis would be."""

    shared: SimpleCache | None = None

    @classmethod
    def factory(cls, app, config, args, kwargs):
        if cls.shared is None:
            cls.shared = super().factory(app, config, args, kwargs)
        return cls.shared


def _another_address(url: str) -> str:
    """Another address of the same database: enough for another app's figures."""
    address = make_url(url)
    option = "timeout" if address.drivername.startswith("sqlite") else "connect_timeout"
    return address.update_query_dict({option: "30"}).render_as_string(hide_password=False)


def test_two_databases_on_one_cache_never_share_figures(app, make_app, exchanges):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first = make_app(CACHE_TYPE="tests.functional.test_statistics.SharedCache")
    second = make_app(
        CACHE_TYPE="tests.functional.test_statistics.SharedCache",
        SQLALCHEMY_DATABASE_URI=_another_address(url),
    )
    try:
        before = _counts(_csv(first.test_client()))
        _send(exchanges, "CROMSIC", "SLOMSIC", 5)
        db.session.commit()
        assert _counts(_csv(first.test_client())) == before
        # The same cache, another database: its own figures, not the first app's.
        other = _counts(_csv(second.test_client()))
        assert other[(SENT_FIGURE, "CROMSIC", "")] == "17"
        with first.app_context():
            first_key = statistics.cache_key("2026/27", "SCOPE", date(2026, 4, 15))
        with second.app_context():
            second_key = statistics.cache_key("2026/27", "SCOPE", date(2026, 4, 15))
        assert first_key != second_key
        assert SharedCache.shared.get(first_key) is not None
        assert SharedCache.shared.get(second_key) is not None
    finally:
        SharedCache.shared = None


# Wrong addresses and the CSV's guard


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?season=1999/00", "There is no season 1999/00."),
        ("?season=%27%20OR%201=1", "There is no season &#39; OR 1=1."),
        ("?program=scopes", "There is no program scopes."),
        ("?program=score&season=2030/31", "There is no season 2030/31."),
    ],
)
@pytest.mark.parametrize("path", ["/statistics", "/statistics.csv"])
def test_an_unknown_season_or_program_is_not_found(client, exchanges, path, query, message):
    response = client.get(path + query)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert message in page
    assert 'id="problem"' in page
    # The filters are there, to choose one that exists.
    assert '<option value="2026/27"' in page


def test_no_season_yet(client):
    page = _page(client)
    assert "No season yet" in page
    assert "statistics-csv" not in page
    assert _csv(client) == [list(statistics.CSV_HEADER)]


def test_the_csv_guards_cells_a_spreadsheet_would_run(client, exchanges):
    formula = builders.nmo("=HYPERLINK(1)", "XX", "Nowhere")
    plus = builders.nmo("+CMD", "XY", "Elsewhere")
    builders.contract(exchanges.cro, formula)
    builders.contract(plus, exchanges.cro)
    db.session.commit()
    text = client.get("/statistics.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text and "'+CMD" in text
    assert ",=HYPERLINK" not in text and ",+CMD" not in text
    page = _page(client)
    assert "=HYPERLINK(1)" in page  # the page shows it as text, escaped by the template


# Which counts to hide, on figures alone


def _europe(sent: dict[str, int], hosted: dict[str, int]) -> dict:
    values = {(statistics.CELL, "Europe", "Europe"): sum(sent.values())}
    values |= {(statistics.SENT, code): n for code, n in sent.items()}
    values |= {(statistics.HOSTED, code): n for code, n in hosted.items()}
    return values


@pytest.mark.parametrize(
    ("sent", "hosted", "hidden"),
    [
        # Nothing under 5: nothing to hide.
        ({"A": 7, "B": 8}, {"A": 8, "B": 7}, set()),
        # C's 3 is the only unknown of what Europe sent: the next smallest sender, B, too.
        ({"A": 7, "B": 5, "C": 3}, {"A": 5, "B": 10, "C": 0}, {("sent", "B")}),
        # B's 0 is another unknown beside C's 3: they add up to 3, neither comes out.
        ({"A": 7, "B": 0, "C": 3}, {"A": 0, "B": 10, "C": 0}, set()),
        # Two counts under 5 add up to 8: both are 4, so one more is hidden.
        ({"A": 9, "B": 4, "C": 4}, {"A": 17, "B": 0, "C": 0}, {("sent", "A")}),
    ],
)
def test_protect_hides_what_would_give_a_small_count_away(sent, hosted, hidden):
    region_of = dict.fromkeys(sent, "Europe")
    assert statistics.protect(_europe(sent, hosted), region_of) == hidden


def test_a_total_of_hidden_counts_reads_what_the_shown_ones_tell():
    bound = statistics._Bound
    assert bound(12, 12).shown == 12
    assert bound(14, 17).shown == "at least 14"
    assert bound(14, None).shown == "at least 14"
    assert bound(0, 8).shown == "at most 8"
    assert bound(0, 4).shown == FEWER_THAN
    assert bound(1_200, None).shown == "at least 1,200"
