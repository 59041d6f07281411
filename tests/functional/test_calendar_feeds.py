"""Calendar feeds: made, renewed and stopped on the account page, read by calendar apps
with no session, parsed here with icalendar, and holding only what their owner may see."""

import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from exchange.applications.states import CLOSED_STATES, HOLDS_PLACE, NOMINATED_OR_LATER, State
from exchange.auth.models import Role
from exchange.contracts.models import Contract, ContractStatus
from exchange.extensions import db
from tests import builders

ADDRESS = re.compile(r'id="calendar-address" readonly value="http://localhost(/calendar/\w+\.ics)"')
_names = itertools.count(1)


def _contract(home, host, columns) -> Contract:
    """The confirmed contract home → host of the application's program, made if missing."""
    program = builders.program(columns.get("program_code", "SCOPE"))
    found = db.session.scalar(
        select(Contract).where(
            Contract.sending_nmo_id == home.id,
            Contract.host_nmo_id == host.id,
            Contract.program_id == program.id,
        )
    )
    return found or builders.contract(home, host, slots={7: 5}, program_code=program.code)


def _application(student, host, state: State, **columns):
    """An application in ``state`` with every column the state's checks need, filled with
    plain values that ``columns`` may replace."""
    reached = {
        "submitted": state not in (State.DRAFT,),
        "nominated": state in NOMINATED_OR_LATER,
        "accepted": state in HOLDS_PLACE,
        "confirmed": state in HOLDS_PLACE[1:],
        "arrived": state in HOLDS_PLACE[2:],
        "completed": state in HOLDS_PLACE[3:],
    }
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    values = {"state": state}
    if reached["submitted"]:
        values["submitted_at"] = at
    if reached["nominated"]:
        if "contract_id" not in columns:
            contract = _contract(student.student_membership.nmo, host, columns)
            columns["contract_id"] = contract.id
        values |= {"exchange_month": 7, "nominated_at": at}
        values["ca_due_on"] = date(2026, 5, 6)
    if reached["accepted"]:
        department = builders.department(builders.lc(host, f"LC {next(_names)}", "Town"))
        values |= {
            "placement_id": department.id,
            "starts_on": date(2026, 7, 1),
            "ends_on": date(2026, 7, 28),
            "contact_person": "Dr. Novak",
            "accepted_at": at,
            "cc_due_on": date(2026, 6, 3),
        }
    if reached["confirmed"]:
        values |= {"arrival_local": datetime(2026, 7, 1, 10), "arrival_transport": "Train"}
        values["confirmed_at"] = at
    if reached["arrived"]:
        values["arrived_at"] = at
    if reached["completed"]:
        values["completed_at"] = at
    if state == State.CERTIFIED:
        values["certified_at"] = at
    if state in CLOSED_STATES:
        values |= {"closed_at": at, "closing_reason": "Changed plans"}
    return builders.application(student, host, **(values | columns))


def _start_feed(client) -> str:
    response = client.post("/account/calendar")
    assert response.status_code == 302
    return ADDRESS.search(client.get("/account").get_data(as_text=True)).group(1)


def _events(client, address: str) -> dict[str, dict]:
    """The feed's events by UID: summary, first day and the day after the last."""
    response = client.get(address)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    calendar = Calendar.from_ical(response.data)
    return {
        str(event["UID"]): {
            "summary": str(event["SUMMARY"]),
            "start": event.decoded("DTSTART"),
            "end": event.decoded("DTEND"),
        }
        for event in calendar.walk("VEVENT")
    }


@pytest.fixture
def outsider(federation):
    """A student of the same LC, whose applications no one else's feed may show."""
    made = builders.user(Role.STUDENT, email="other-student@example.org", lc_=federation.home_lc)
    db.session.commit()
    return made


def test_the_account_page_makes_an_address_that_calendar_apps_read_without_a_session(
    login, federation, client
):
    client = login(federation.student)
    page = client.get("/account").get_data(as_text=True)
    assert "You have no calendar feed yet." in page
    address = _start_feed(client)
    page = client.get("/account").get_data(as_text=True)
    assert "not read by a calendar app yet" in page

    client.post("/logout")
    assert _events(client, address) == {}
    assert "last read by a calendar app" in login(federation.student).get("/account").get_data(
        as_text=True
    )


def test_a_students_feed_holds_their_deadlines_cc_exchange_and_certificate(
    login, federation, outsider
):
    host = federation.host
    # One live application per program and season: a draft for next season, this season's
    # SCOPE exchange accepted, and its SCORE one certified.
    builders.exchange_conditions(host, season_code="2027/28", lead_weeks=8, months_not_hosted=(8,))
    draft = builders.application(federation.student, host, season_code="2027/28", months=[7, 8, 9])
    accepted = _application(federation.student, host, State.ACCEPTED)
    certified = _application(
        federation.student,
        host,
        State.CERTIFIED,
        program_code="SCORE",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 28),
        cc_due_on=date(2026, 4, 3),
        certified_at=datetime(2026, 4, 14, 12, 0, tzinfo=UTC),
    )
    withdrawn = _application(federation.student, host, State.WITHDRAWN)
    theirs = _application(outsider, host, State.ACCEPTED)
    db.session.commit()

    events = _events(login(federation.student), _start_feed(login(federation.student)))

    # The draft: July and September (August is not hosted), 8 weeks before each.
    assert events[f"{draft.code}-apply-7@exchange"]["start"] == date(2027, 5, 6)
    assert events[f"{draft.code}-apply-9@exchange"]["start"] == date(2027, 7, 7)
    assert f"{draft.code}-apply-8@exchange" not in events
    assert "Last day to submit" in events[f"{draft.code}-apply-7@exchange"]["summary"]
    cc = events[f"{accepted.code}-cc-due@exchange"]
    assert (cc["start"], cc["end"]) == (date(2026, 6, 3), date(2026, 6, 4))
    stay = events[f"{accepted.code}-exchange@exchange"]
    assert (stay["start"], stay["end"]) == (date(2026, 7, 1), date(2026, 7, 29))
    assert events[f"{certified.code}-certificate@exchange"]["start"] == date(2026, 4, 14)
    # A CC already sent is no longer a deadline.
    assert f"{certified.code}-cc-due@exchange" not in events
    assert not [uid for uid in events if withdrawn.code in uid or theirs.code in uid]
    assert federation.student.name not in str(events)


def test_an_officers_feed_holds_their_queues_cards_conditions_and_contracts(
    login, federation, outsider
):
    home, host = federation.home, federation.host
    third = builders.nmo("AMSA", "AT", "Austria")
    sending = builders.contract(home, host, slots={7: 2, 8: 0})
    builders.contract(home, third, slots={7: 1}, status=ContractStatus.PROPOSED)
    elsewhere_contract = builders.contract(third, host, slots={7: 1})
    builders.exchange_conditions(host, lead_weeks=10)
    builders.exchange_conditions(third, lead_weeks=6)
    home_conditions = builders.exchange_conditions(home, lead_weeks=12, months_not_hosted=(1, 2))
    nominated = _application(outsider, host, State.NOMINATED, contract_id=sending.id)
    accepted = _application(federation.student, host, State.ACCEPTED, contract_id=sending.id)
    # A draft is the student's alone.
    draft = builders.application(federation.student, host, season_code="2027/28")
    elsewhere_student = builders.user(
        Role.STUDENT, email="austrian@example.org", lc_=builders.lc(third, "LC Wien", "Wien")
    )
    not_theirs = _application(
        elsewhere_student, host, State.NOMINATED, contract_id=elsewhere_contract.id
    )
    db.session.commit()

    client = login(federation.national_officer)
    events = _events(client, _start_feed(client))

    assert events[f"{nominated.code}-ca-due@exchange"]["start"] == date(2026, 5, 6)
    assert events[f"{accepted.code}-cc-due@exchange"]["start"] == date(2026, 6, 3)
    assert "CROMSIC → SLOMSIC" in events[f"{nominated.code}-ca-due@exchange"]["summary"]
    ec = [uid for uid in events if uid.startswith(f"ec-{home_conditions.id}-")]
    assert len(ec) == 10  # twelve months less January and February
    assert events[f"ec-{home_conditions.id}-7@exchange"]["start"] == date(2026, 4, 8)
    # July under the confirmed contract, by the host's 10-week deadline; August has no slots.
    assert events[f"contract-{sending.id}-7@exchange"]["start"] == date(2026, 4, 22)
    assert "2 slots" in events[f"contract-{sending.id}-7@exchange"]["summary"]
    assert {uid for uid in events if uid.startswith("contract-")} == {
        f"contract-{sending.id}-7@exchange"
    }
    assert not [uid for uid in events if draft.code in uid or not_theirs.code in uid]
    assert not [uid for uid in events if uid.startswith("ec-") and uid not in ec]


def test_events_keep_their_uid_when_a_date_moves(login, federation):
    application = _application(federation.student, federation.host, State.ACCEPTED)
    db.session.commit()
    client = login(federation.student)
    address = _start_feed(client)
    before = _events(client, address)

    application.starts_on += timedelta(days=14)
    application.ends_on += timedelta(days=14)
    application.cc_due_on += timedelta(days=14)
    db.session.commit()
    after = _events(client, address)

    assert set(before) == set(after)
    uid = f"{application.code}-exchange@exchange"
    assert after[uid]["start"] == before[uid]["start"] + timedelta(days=14)
    uid = f"{application.code}-cc-due@exchange"
    assert after[uid]["start"] == date(2026, 6, 17)


def test_a_new_address_ends_the_old_one_and_stopping_ends_both(login, federation):
    client = login(federation.student)
    first = _start_feed(client)
    second = _start_feed(client)
    assert first != second
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200

    response = client.post("/account/calendar/stop", follow_redirects=True)
    assert "Your calendar feed is stopped" in response.get_data(as_text=True)
    assert client.get(second).status_code == 404
    assert "You have no calendar feed yet." in client.get("/account").get_data(as_text=True)


def test_an_address_is_refused_when_forged_or_its_user_is_deactivated(login, federation):
    client = login(federation.student)
    address = _start_feed(client)
    secret = address.removeprefix("/calendar/").removesuffix(".ics")
    forged = secret[:32] + ("0" if secret[32] != "0" else "1") + secret[33:]
    assert client.get(f"/calendar/{forged}.ics").status_code == 404
    assert client.get(f"/calendar/{secret[:32]}.ics").status_code == 404

    federation.student.is_active = False
    db.session.commit()
    assert client.get(address).status_code == 404


def test_the_feed_buttons_need_the_csrf_token(app, login, federation, monkeypatch):
    client = login(federation.student)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/account/calendar").status_code == 400
    assert "You have no calendar feed yet." in client.get("/account").get_data(as_text=True)


def test_the_command_prints_the_address_the_account_page_shows(app, login, federation):
    runner = app.test_cli_runner()
    command = ["exchange", "calendar-feed", "--email", "student@example.org", "--base-url", "x"]
    printed = runner.invoke(args=command)
    assert printed.exit_code == 0, printed.output
    address = printed.output.strip().removeprefix("x")
    assert runner.invoke(args=command).output.strip().removeprefix("x") == address
    client = login(federation.student)
    assert ADDRESS.search(client.get("/account").get_data(as_text=True)).group(1) == address
    assert client.get(address).status_code == 200

    renewed = runner.invoke(args=[*command, "--new"]).output.strip().removeprefix("x")
    assert renewed != address
    assert client.get(address).status_code == 404
    refused = runner.invoke(args=["exchange", "calendar-feed", "--email", "nobody@example.org"])
    assert refused.exit_code != 0
    assert "No active account" in refused.output
