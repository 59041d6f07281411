"""The catalogue's calendar: it lists and offers only the months that have not begun, says
for each hosted month whether it still takes applications, and shows the season chosen
(``?season=``), on days across two seasons and a leap day."""

import re
from datetime import UTC, datetime

import pytest
import time_machine

from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.placements.models import Department, PlacementCapacity
from tests import builders
from tests.functional.test_catalogue import deadline_rows, titles

EVERY_MONTH = [month_name(m) for m in SEASON_MONTHS]  # April to March


def _at(year: int, month: int, day: int):
    """Travel to 09:00 UTC that day; log in there (a session from another day has expired)."""
    return time_machine.travel(datetime(year, month, day, 9, 0, tzinfo=UTC), tick=False)


def _department(lc, title: str, capacities: dict[str, dict[int, int]]) -> Department:
    """A department with ``capacities`` per season code, month and number of places."""
    made = Department(
        nmo_id=lc.nmo_id,
        lc=lc,
        title=title,
        field="Cardiology",
        city=lc.city,
        hospital=f"University Hospital {lc.city}",
        languages=["English"],
        capacities=[
            PlacementCapacity(season=builders.season(code), month=month, capacity=places)
            for code, months in capacities.items()
            for month, places in months.items()
        ],
    )
    db.session.add(made)
    db.session.flush()
    return made


@pytest.fixture
def two_seasons(federation):
    """Seasons 2026/27 and 2027/28; a ward with a place in every month of both, a ward in
    another country with a place in October 2026 only, and the host's conditions for both
    seasons (8 weeks' lead time in 2026/27, 4 weeks' in 2027/28)."""
    every_month = dict.fromkeys(SEASON_MONTHS, 1)
    _department(
        federation.host_lc, "Cardiology Ward", {"2026/27": every_month, "2027/28": every_month}
    )
    egypt = builders.nmo("EMSA", "EG", "Egypt", region_name="Eastern Mediterranean")
    _department(builders.lc(egypt, "LC Cairo", "Cairo"), "October Ward", {"2026/27": {10: 1}})
    builders.exchange_conditions(federation.host, season_code="2026/27", lead_weeks=8)
    builders.exchange_conditions(federation.host, season_code="2027/28", lead_weeks=4)
    db.session.commit()
    return federation


def free_months(page: str) -> dict[str, list[str]]:
    """For each placement listed, the names of its months with free places."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL)
    listed = {}
    for row in rows:
        title = re.search(r'<span class="fw-semibold">([^<]+)</span>', row)
        if title:
            listed[title.group(1)] = re.findall(r'<span class="badge[^"]*" title="(\w+)"', row)
    return listed


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select[^>]*\bname="{name}"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert found, f"no select named {name}"
    return found.group(1)


def options(page: str, name: str) -> list[str]:
    """The labels of the options of the select named ``name``, but the empty one."""
    return [
        label.strip()
        for value, label in re.findall(
            r'<option[^>]*\bvalue="([^"]*)"[^>]*>([^<]*)</option>', _select(page, name)
        )
        if value
    ]


def selected(page: str, name: str) -> str:
    (label,) = re.findall(r"<option[^>]*\bselected\b[^>]*>([^<]*)</option>", _select(page, name))
    return label.strip()


def get(client, url: str, **query) -> str:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_mid_april_lists_may_to_march_and_not_april(client, two_seasons, login):
    # The suite's day, 15 April 2026: April has begun, May has not.
    login(two_seasons.student)
    page = get(client, "/catalogue/")
    # With the host's 8 weeks' lead, May and June are past their deadlines; the Egyptian
    # ward's host has no conditions yet, so only the first-day rule applies to it.
    assert free_months(page) == {"Cardiology Ward": EVERY_MONTH[3:], "October Ward": ["October"]}
    assert options(page, "month") == [
        "May 2026",
        "June 2026",
        "July 2026",
        "August 2026",
        "September 2026",
        "October 2026",
        "November 2026",
        "December 2026",
        "January 2027",
        "February 2027",
        "March 2027",
    ]
    assert selected(page, "season") == "Season 2026/27"
    assert options(page, "season") == ["Season 2026/27", "Season 2027/28"]
    assert titles(get(client, "/catalogue/", month="10")) == {"Cardiology Ward", "October Ward"}
    may = get(client, "/catalogue/", month="5")
    assert titles(may) == {"Cardiology Ward"}
    assert "with places in May" in may


def test_mid_april_the_host_page_says_which_months_take_applications(client, two_seasons, login):
    login(two_seasons.student)
    page = get(client, "/catalogue/SLOMSIC/SCOPE")
    deadlines = deadline_rows(page)
    assert deadlines["April 2026"] == ("4 February 2026", "Begun")
    assert deadlines["May 2026"] == ("6 March 2026", "Closed: the deadline was 6 March 2026")
    assert deadlines["June 2026"] == ("6 April 2026", "Closed: the deadline was 6 April 2026")
    assert deadlines["July 2026"] == ("6 May 2026", "Open")
    assert deadlines["March 2027"] == ("4 January 2027", "Open")
    assert free_months(page) == {"Cardiology Ward": EVERY_MONTH[3:]}


def test_on_30_november_only_december_to_march_are_open(client, two_seasons, login):
    with _at(2026, 11, 30):
        login(two_seasons.student)
        page = get(client, "/catalogue/")
        # December and January are open, but past the host's deadlines.
        assert free_months(page) == {"Cardiology Ward": ["February", "March"], "October Ward": []}
        assert ">Full</span>" in page  # the October ward: no place left in an open month
        assert options(page, "month") == [
            "December 2026",
            "January 2027",
            "February 2027",
            "March 2027",
        ]
        host = get(client, "/catalogue/SLOMSIC/SCOPE")
        deadlines = deadline_rows(host)
        assert deadlines["November 2026"] == ("6 September 2026", "Begun")
        assert deadlines["December 2026"] == (
            "6 October 2026",
            "Closed: the deadline was 6 October 2026",
        )
        assert deadlines["January 2027"] == (
            "6 November 2026",
            "Closed: the deadline was 6 November 2026",
        )
        assert deadlines["February 2027"] == ("7 December 2026", "Open")
        assert deadlines["March 2027"] == ("4 January 2027", "Open")
        assert [status for _, status in deadlines.values()].count("Begun") == 8


@pytest.mark.parametrize("url", ["/catalogue/", "/catalogue/SLOMSIC/SCOPE"])
def test_a_begun_month_asked_for_is_not_applied_and_the_page_says_why(
    client, two_seasons, login, url
):
    with _at(2026, 11, 30):
        login(two_seasons.student)
        page = get(client, url, month="10")
    assert "October 2026 began on 1 October 2026" in page
    assert "with places in October" not in page
    assert "No department in October" not in page
    assert 'title="October"' not in page
    assert "Cardiology Ward" in titles(page)  # the whole list, as without the month
    assert "selected" not in _select(page, "month")
    assert "October 2026" not in options(page, "month")


def test_a_month_that_is_no_month_is_ignored_quietly(client, two_seasons, login):
    login(two_seasons.student)
    page = get(client, "/catalogue/", month="13")
    assert titles(page) == {"Cardiology Ward", "October Ward"}
    assert "began on" not in page


def test_on_the_last_day_of_the_season_nothing_of_it_is_open(client, two_seasons, login):
    with _at(2027, 3, 31):
        login(two_seasons.student)
        page = get(client, "/catalogue/")
        assert selected(page, "season") == "Season 2026/27"
        assert free_months(page) == {"Cardiology Ward": [], "October Ward": []}
        assert "No month left this season" in page
        assert options(page, "month") == []
        assert "Every month of season 2026/27 has begun" in page
        assert 'href="/catalogue/?program=SCOPE&amp;season=2027/28">See season 2027/28' in page
        host = get(client, "/catalogue/SLOMSIC/SCOPE")
        statuses = {status for _, status in deadline_rows(host).values()}
        assert statuses == {"Begun"}


def test_on_the_last_day_of_the_season_next_season_can_be_chosen(client, two_seasons, login):
    with _at(2027, 3, 31):
        login(two_seasons.student)
        page = get(client, "/catalogue/", season="2027/28")
        assert selected(page, "season") == "Season 2027/28"
        assert "Season 2027/28" in page
        # April 2027 has not begun, but its deadline (4 weeks ahead) has passed.
        assert free_months(page) == {"Cardiology Ward": EVERY_MONTH[1:], "October Ward": []}
        assert options(page, "month")[0] == "April 2027"
        assert options(page, "month")[-1] == "March 2028"
        # Links within the catalogue keep the season chosen.
        assert 'href="/catalogue/SLOMSIC/SCOPE?season=2027/28"' in page
        assert 'href="/catalogue/?program=SCORE&amp;season=2027/28"' in page
        april = get(client, "/catalogue/", season="2027/28", month="4")
        assert titles(april) == {"Cardiology Ward"}
        assert "with places in April" in april

        host = get(client, "/catalogue/SLOMSIC/SCOPE", season="2027/28")
        assert "Exchange conditions 2027/28" in host
        deadlines = deadline_rows(host)
        assert deadlines["April 2027"] == ("4 March 2027", "Closed: the deadline was 4 March 2027")
        assert deadlines["May 2027"] == ("3 April 2027", "Open")
        assert 'href="/catalogue/?program=SCOPE&amp;season=2027/28"' in host  # breadcrumbs
        assert 'href="/catalogue/SLOMSIC/SCORE?season=2027/28"' in host


def test_on_the_first_day_of_a_season_it_is_the_default(client, two_seasons, login):
    with _at(2027, 4, 1):
        login(two_seasons.student)
        page = get(client, "/catalogue/")
        assert options(page, "season") == ["Season 2027/28"]  # 2026/27 has ended
        assert free_months(page) == {"Cardiology Ward": EVERY_MONTH[1:], "October Ward": []}
        assert options(page, "month")[0] == "May 2027"
        assert 'href="/catalogue/SLOMSIC/SCOPE"' in page  # the default season: plain links
        # A season that has ended is not shown any more: the current one is.
        ended = get(client, "/catalogue/", season="2026/27")
        assert selected(ended, "season") == "Season 2027/28"
        assert free_months(ended) == free_months(page)
        host = get(client, "/catalogue/SLOMSIC/SCOPE")
        deadlines = deadline_rows(host)
        assert deadlines["April 2027"] == ("4 March 2027", "Begun")
        assert deadlines["May 2027"] == ("3 April 2027", "Open")


def test_on_a_leap_day_march_is_open_and_february_has_begun(client, two_seasons, login):
    with _at(2028, 2, 29):
        login(two_seasons.student)
        page = get(client, "/catalogue/")
        assert selected(page, "season") == "Season 2027/28"
        # March has not begun, but its deadline has passed (see below).
        assert free_months(page) == {"Cardiology Ward": [], "October Ward": []}
        # Free places, but none that takes applications: not "Full".
        assert "Applications closed: past the deadlines" in page
        assert options(page, "month") == ["March 2028"]
        february = get(client, "/catalogue/", month="2")
        assert "February 2028 began on 1 February 2028" in february
        assert 'title="February"' not in february
        host = get(client, "/catalogue/SLOMSIC/SCOPE")
        deadlines = deadline_rows(host)
        assert deadlines["February 2028"] == ("4 January 2028", "Begun")
        # Four weeks before 1 March in a leap year: 2 February (1 February in 2027).
        assert deadlines["March 2028"] == (
            "2 February 2028",
            "Closed: the deadline was 2 February 2028",
        )
        assert options(host, "month") == []  # the host takes no month's applications


@pytest.mark.parametrize("code", ["1999/00", "nonsense", "", "2027-28"])
def test_an_unknown_season_falls_back_to_the_current_one(client, two_seasons, login, code):
    login(two_seasons.student)
    index = get(client, "/catalogue/", season=code)
    assert selected(index, "season") == "Season 2026/27"
    assert free_months(index)["Cardiology Ward"] == EVERY_MONTH[3:]
    assert 'href="/catalogue/SLOMSIC/SCOPE"' in index  # links carry no unknown season
    host = get(client, "/catalogue/SLOMSIC/SCOPE", season=code)
    assert selected(host, "season") == "Season 2026/27"
    assert "Exchange conditions 2026/27" in host
    assert deadline_rows(host)["July 2026"] == ("6 May 2026", "Open")


def test_a_host_with_no_month_left_offers_no_application(client, two_seasons, login):
    with _at(2027, 2, 1):  # 8 weeks' lead: the March deadline (4 January) has passed
        login(two_seasons.student)
        host = get(client, "/catalogue/SLOMSIC/SCOPE")
    assert "Apply to SLOMSIC" not in host
    assert "No month of 2026/27 takes applications any more" in host
    login(two_seasons.student)
    assert "Apply to SLOMSIC" in get(client, "/catalogue/SLOMSIC/SCOPE")  # 15 April: it does
