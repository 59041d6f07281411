"""The catalogue students browse: open placements with filters, and each host's conditions."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from exchange.conditions.models import ExchangeConditions
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee
from exchange.placements.models import (
    Department,
    PlacementCapacity,
    ProjectType,
    ResearchProject,
)
from tests import builders


def _capacities(months: dict[int, int], used: dict[int, int] | None) -> list[PlacementCapacity]:
    used = used or {}
    return [
        PlacementCapacity(season=builders.season(), month=m, capacity=c, used=used.get(m, 0))
        for m, c in months.items()
    ]


def department(
    lc: LocalCommittee,
    title: str,
    field: str = "Cardiology",
    hospital: str = "University Medical Centre",
    languages: tuple[str, ...] = ("English",),
    months: dict[int, int] | None = None,
    used: dict[int, int] | None = None,
    closed: bool = False,
) -> Department:
    made = Department(
        nmo_id=lc.nmo_id,
        lc_id=lc.id,
        title=title,
        field=field,
        city=lc.city,
        hospital=hospital,
        languages=list(languages),
        closed_at=datetime(2026, 5, 1, tzinfo=UTC) if closed else None,
        capacities=_capacities(months or {7: 2}, used),
    )
    db.session.add(made)
    db.session.flush()
    return made


def project(lc: LocalCommittee, title: str, field: str = "Oncology") -> ResearchProject:
    made = ResearchProject(
        nmo_id=lc.nmo_id,
        lc_id=lc.id,
        title=title,
        field=field,
        city=lc.city,
        supervisor="Dr. Ana Novak",
        project_type=ProjectType.CLINICAL_WITH_LAB,
        weeks=8,
        languages=["English"],
        capacities=_capacities({8: 1}, None),
    )
    db.session.add(made)
    db.session.flush()
    return made


def conditions(nmo: NMO, program_code: str = "SCOPE", **values) -> ExchangeConditions:
    made = ExchangeConditions(
        nmo_id=nmo.id,
        program=builders.program(program_code),
        season=builders.season(),
        fee_amount=Decimal("150"),
        fee_currency="EUR",
        min_study_year=3,
        max_study_year=6,
        languages=["English", "Slovenian"],
        required_documents=["cv", "immunization_record"],
        accommodation="Student dormitory, shared room",
        meals="Lunch at the hospital canteen",
        months_not_hosted=[12, 1],
        application_lead_weeks=4,
        cancellation_policy="Cancel 6 weeks before the start, or lose the fee.",
        **values,
    )
    db.session.add(made)
    db.session.flush()
    return made


def titles(page: str) -> set[str]:
    """The titles of the placements listed on a page."""
    return set(re.findall(r'<span class="fw-semibold">([^<]+)</span>', page))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def deadline_rows(page: str) -> dict[str, tuple[str, str]]:
    """The host page's deadlines table: for each month ("July 2026"), its last day to apply
    and whether it takes applications."""
    table = re.search(r'<table[^>]*id="deadlines"[^>]*>.*?<tbody>(.*?)</tbody>', page, re.DOTALL)
    assert table, "no deadlines table"
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.DOTALL):
        cells = [_text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
        if len(cells) == 3:
            rows[cells[0]] = (cells[1], cells[2])
    return rows


@pytest.fixture
def catalogue(federation):
    """Three departments in two regions, with different fields, months and languages."""
    egypt = builders.nmo("EMSA", "EG", "Egypt", region_name="Eastern Mediterranean")
    cairo = builders.lc(egypt, "LC Cairo", "Cairo")
    maribor = builders.lc(federation.host, "LC Maribor", "Maribor")
    department(federation.host_lc, "Cardiology Ward", hospital="UMC Ljubljana", months={7: 2})
    department(
        cairo,
        "Paediatrics Ward",
        field="Paediatrics",
        hospital="Cairo University Hospital",
        languages=("English", "Arabic"),
        months={9: 1},
    )
    department(
        maribor,
        "Neurology Ward",
        field="Neurology",
        hospital="UKC Maribor",
        languages=("Slovenian", "Español"),
        months={7: 0, 12: 1},
    )
    db.session.commit()
    return federation


def test_visitors_are_sent_to_log_in(client, catalogue):
    for url in ("/catalogue/", "/catalogue/SLOMSIC/SCOPE"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_lists_open_departments_with_their_details(client, catalogue, login):
    login(catalogue.student)
    page = client.get("/catalogue/").get_data(as_text=True)
    assert "3 departments" in page
    assert titles(page) == {"Cardiology Ward", "Paediatrics Ward", "Neurology Ward"}
    assert "UMC Ljubljana" in page
    assert "LC Ljubljana" in page
    assert "Slovenia" in page
    assert 'href="/catalogue/SLOMSIC/SCOPE"' in page
    assert 'title="July"' in page
    assert "English, Arabic" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "EMR"}, {"Paediatrics Ward"}),
        ({"country": "SLOMSIC"}, {"Cardiology Ward", "Neurology Ward"}),
        ({"field": "Neurology"}, {"Neurology Ward"}),
        ({"month": "7"}, {"Cardiology Ward"}),  # Neurology has no place in July
        ({"month": "12"}, {"Neurology Ward"}),
        ({"language": "Arabic"}, {"Paediatrics Ward"}),
        ({"language": "Español"}, {"Neurology Ward"}),
        ({"language": "Spanish"}, set()),
        ({"q": "cairo"}, {"Paediatrics Ward"}),
        ({"q": "ukc"}, {"Neurology Ward"}),
        ({"q": "slovenia"}, {"Cardiology Ward", "Neurology Ward"}),
        ({"q": "EMSA"}, {"Paediatrics Ward"}),
        ({"country": "SLOMSIC", "month": "7", "language": "English"}, {"Cardiology Ward"}),
    ],
)
def test_each_filter_narrows_the_list(client, catalogue, login, query, expected):
    if query.get("region") == "EMR":
        query = {"region": str(builders.region("Eastern Mediterranean").id)}
    login(catalogue.student)
    page = client.get("/catalogue/", query_string=query).get_data(as_text=True)
    assert titles(page) == expected
    if not expected:
        assert "No department matches" in page
        assert "Clear filters" in page


def test_the_filter_selects_offer_the_fields_and_languages_there_are(client, catalogue, login):
    login(catalogue.student)
    page = client.get("/catalogue/").get_data(as_text=True)
    for option in ("Neurology", "Paediatrics", "Arabic", "Español", "Slovenian"):
        assert f'<option value="{option}"' in page
    assert '<option value="EMSA"' in page


def _statements(client, url: str) -> tuple[list[str], str]:
    counted = []

    def count(connection, cursor, statement, *_):
        counted.append(statement)

    db.session.expire_all()  # each request reads afresh, as in production
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(url).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return counted, page


def test_the_filters_choices_are_kept_until_a_placement_or_an_nmo_changes(client, catalogue, login):
    login(catalogue.student)
    first, _ = _statements(client, "/catalogue/")
    kept, page = _statements(client, "/catalogue/")
    # The regions, the hosts, the fields and the languages, the ids of the page's
    # placements, and the seasons and the programs (exchange.organizations.queries): seven
    # statements fewer.
    assert len(kept) == len(first) - 7
    assert '<option value="Oncology"' not in page

    # A write elsewhere (a student's name) keeps them.
    catalogue.student.name = "Another Name"
    db.session.commit()
    assert len(_statements(client, "/catalogue/")[0]) == len(kept)

    # A new specialty, in a new language, shows at once.
    department(catalogue.host_lc, "Oncology Ward", field="Oncology", languages=("Latin",))
    db.session.commit()
    again, page = _statements(client, "/catalogue/")
    assert len(again) == len(first) - 2  # the seasons and the programs are still kept
    assert '<option value="Oncology"' in page and '<option value="Latin"' in page
    assert "Oncology Ward" in page  # the list's kept ids too
    # So does a host leaving the program's hosts.
    catalogue.host.is_active = False
    db.session.commit()
    assert '<option value="SLOMSIC"' not in _statements(client, "/catalogue/")[1]


def test_closed_placements_are_not_listed(client, federation, login):
    department(federation.host_lc, "Open Ward")
    department(federation.host_lc, "Closed Ward", closed=True)
    db.session.commit()
    login(federation.student)
    page = client.get("/catalogue/").get_data(as_text=True)
    assert titles(page) == {"Open Ward"}
    assert "1 department" in page


def test_placements_of_an_inactive_host_are_not_listed(client, federation, login):
    department(federation.host_lc, "Ward of an inactive NMO")
    federation.host.is_active = False
    db.session.commit()
    login(federation.student)
    page = client.get("/catalogue/").get_data(as_text=True)
    assert titles(page) == set()
    assert "No departments open yet" in page


def test_full_months_are_not_shown_as_free(client, federation, login):
    department(federation.host_lc, "Busy Ward", months={7: 2, 8: 1}, used={8: 1})
    db.session.commit()
    login(federation.student)
    page = client.get("/catalogue/").get_data(as_text=True)
    assert 'title="July"' in page
    assert 'title="August"' not in page


def test_a_placement_with_every_month_full_says_so(client, federation, login):
    department(federation.host_lc, "Full Ward", months={7: 1}, used={7: 1})
    db.session.commit()
    login(federation.student)
    page = client.get("/catalogue/").get_data(as_text=True)
    assert titles(page) == {"Full Ward"}
    assert ">Full</span>" in page


def test_pages_of_25(client, federation, login):
    for number in range(30):
        department(federation.host_lc, f"Ward {number:02d}")
    db.session.commit()
    login(federation.student)
    first = client.get("/catalogue/").get_data(as_text=True)
    assert "30 departments" in first
    assert "Page 1 of 2" in first
    assert len(titles(first)) == 25
    second = client.get("/catalogue/?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert len(titles(second)) == 5
    assert titles(first).isdisjoint(titles(second))


def test_score_lists_research_projects(client, federation, login):
    department(federation.host_lc, "Surgery Ward")
    project(federation.host_lc, "Biomarkers of early sepsis")
    db.session.commit()
    login(federation.student)
    score = client.get("/catalogue/?program=SCORE").get_data(as_text=True)
    assert titles(score) == {"Biomarkers of early sepsis"}
    assert "1 research project" in score
    assert "Dr. Ana Novak" in score
    assert "Clinical research with lab work" in score
    assert "8 weeks" in score
    assert 'href="/catalogue/SLOMSIC/SCORE"' in score
    scope = client.get("/catalogue/").get_data(as_text=True)
    assert titles(scope) == {"Surgery Ward"}


def test_host_page_shows_conditions_deadlines_and_apply_link(client, catalogue, login):
    conditions(catalogue.host)
    db.session.commit()
    login(catalogue.student)
    response = client.get("/catalogue/SLOMSIC/SCOPE")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "150.00 EUR" in page
    assert "3 to 6" in page
    assert "English, Slovenian" in page
    assert "Curriculum vitae" in page
    assert "Immunization record" in page
    assert "Student dormitory, shared room" in page
    assert "Lunch at the hospital canteen" in page
    assert "December, January" in page
    assert "4 weeks before the start" in page
    assert "Cancel 6 weeks before the start" in page
    # The first day of the month minus the lead time.
    deadlines = deadline_rows(page)
    assert deadlines["July 2026"] == ("3 June 2026", "Open")
    assert deadlines["August 2026"] == ("4 July 2026", "Open")
    assert deadlines["March 2027"] == ("1 February 2027", "Open")  # February has 28 days
    assert "December 2026" not in deadlines  # not hosted
    assert "January 2027" not in deadlines
    assert len(deadlines) == 10
    assert 'href="/applications/new?host=SLOMSIC&amp;program=SCOPE"' in page
    assert "Apply to SLOMSIC" in page
    # Only this host's placements, without the other host's.
    assert titles(page) == {"Cardiology Ward", "Neurology Ward"}
    assert "2 departments" in page


def test_host_page_filters_by_month_and_pages(client, catalogue, login):
    login(catalogue.student)
    page = client.get("/catalogue/SLOMSIC/SCOPE?month=12").get_data(as_text=True)
    assert titles(page) == {"Neurology Ward"}
    page = client.get("/catalogue/SLOMSIC/SCOPE?month=9").get_data(as_text=True)
    assert titles(page) == set()
    assert "No department in September" in page


def test_host_page_without_conditions_says_so(client, catalogue, login):
    login(catalogue.student)
    page = client.get("/catalogue/SLOMSIC/SCOPE").get_data(as_text=True)
    assert "SLOMSIC has not published its SCOPE exchange conditions for 2026/27 yet." in page
    assert titles(page) == {"Cardiology Ward", "Neurology Ward"}


def test_score_conditions_are_not_scope_conditions(client, catalogue, login):
    conditions(catalogue.host, "SCORE")
    db.session.commit()
    login(catalogue.student)
    assert "has not published" in client.get("/catalogue/SLOMSIC/SCOPE").get_data(as_text=True)
    assert "has not published" not in client.get("/catalogue/SLOMSIC/SCORE").get_data(as_text=True)


def test_officers_and_the_hosts_own_students_get_no_apply_button(client, catalogue, login):
    login(catalogue.national_officer)
    assert "Apply to SLOMSIC" not in client.get("/catalogue/SLOMSIC/SCOPE").get_data(as_text=True)
    client.post("/logout")
    login(catalogue.student)
    page = client.get("/catalogue/CROMSIC/SCOPE").get_data(as_text=True)
    assert "Apply to CROMSIC" not in page
    assert "your own NMO" in page


@pytest.mark.parametrize("url", ["/catalogue/NOPE/SCOPE", "/catalogue/SLOMSIC/NOPE"])
def test_unknown_codes_are_not_found(client, catalogue, login, url):
    login(catalogue.student)
    assert client.get(url).status_code == 404


def test_a_program_the_host_does_not_take_part_in_is_not_found(client, federation, login):
    builders.nmo("SCOPEONLY", "AT", "Austria", programs=("SCOPE",))
    db.session.commit()
    login(federation.student)
    assert client.get("/catalogue/SCOPEONLY/SCOPE").status_code == 200
    assert client.get("/catalogue/SCOPEONLY/SCORE").status_code == 404


def test_the_month_filter_leaves_out_placements_full_that_month(client, federation, login):
    department(federation.host_lc, "Full in July", months={7: 1, 8: 1}, used={7: 1})
    department(federation.host_lc, "Free in July", months={7: 2}, used={7: 1})
    db.session.commit()
    login(federation.student)
    page = client.get("/catalogue/?month=7").get_data(as_text=True)
    assert titles(page) == {"Free in July"}
    assert "1 department with places in July" in page
