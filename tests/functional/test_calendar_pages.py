"""The application pages keep to the calendar: they offer only open months and the start
dates allowed, say from when a later step is possible, keep a refused card of
confirmation as typed, and warn of a student booked twice."""

import re
from datetime import date
from decimal import Decimal

import time_machine
from sqlalchemy import select

from exchange import clock
from exchange.applications import services as cycle
from exchange.applications.models import Application, PointsChange
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.extensions import db
from tests import builders
from tests.functional.steps import accept, as_user, fill_in, nominate, start_application


def _on(day: str):
    return time_machine.travel(f"{day} 09:00Z", tick=False)


def _submitted(world, months=(7, 8)) -> Application:
    application = builders.application(
        world.student,
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=list(months),
    )
    db.session.commit()
    return application


def _month_options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option[^>]*value="(\d+)"', select_html)


def _flash(page: str) -> str:
    return " ".join(re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S))


def test_the_nominate_form_offers_only_months_that_have_not_begun(client, world):
    application = _submitted(world)
    with _on("2026-07-01"):
        as_user(client, world.home_neo)
        page = client.get(f"/applications/{application.code}").get_data(as_text=True)
        assert _month_options(page, "month") == ["8"]
        # A crafted POST of the begun month is refused by name, and nothing changes.
        page = nominate(client, world, application, month=7).get_data(as_text=True)
    assert "July 2026 began on 1 July 2026: nominations go only into months" in page
    db.session.refresh(application)
    assert application.state == State.SUBMITTED


def test_when_every_month_has_begun_nothing_is_offered(client, world):
    application = _submitted(world)
    with _on("2026-08-01"):
        as_user(client, world.home_neo)
        page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert 'name="month"' not in page
    assert "Every month the student can go (July, August) has begun" in page


def test_the_accept_form_suggests_the_first_allowed_start_and_shows_the_window(client, world):
    application = _submitted(world)
    cycle.nominate_application(world.home_neo, application, 8)
    db.session.commit()
    as_user(client, world.host_neo)
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    start_input = re.search(r'<input[^>]*name="starts_on"[^>]*>', page).group(0)
    assert 'value="2026-08-01"' in start_input
    assert 'min="2026-08-01"' in start_input and 'max="2026-08-31"' in start_input
    assert "Between 1 August 2026 and 31 August 2026" in page
    page = accept(client, world.host_neo, application, world.department, "2026-09-01")
    assert "start the exchange between 1 August 2026 and 31 August 2026" in page.get_data(
        as_text=True
    )
    db.session.refresh(application)
    assert application.state == State.NOMINATED


def _accepted(client, world) -> Application:
    application = _submitted(world)
    cycle.nominate_application(world.home_neo, application, 7)
    cycle.accept_application(
        world.host_neo, application, world.department, date(2026, 7, 1), "Dr. Kos", None
    )
    db.session.commit()
    return application


def test_a_refused_card_of_confirmation_keeps_what_was_typed(client, world):
    application = _accepted(client, world)
    as_user(client, world.student)
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert "Between 24 June 2026 and 4 July 2026" in page
    response = client.post(
        f"/applications/{application.code}/confirm",
        data={"arrival_local": "2026-06-20T10:30", "transport": "Flight OU 123 to Ljubljana"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "give an arrival between 24 June 2026 and 4 July 2026" in _flash(page)
    assert 'value="2026-06-20T10:30"' in page
    assert 'value="Flight OU 123 to Ljubljana"' in page
    db.session.refresh(application)
    assert application.state == State.ACCEPTED


def test_steps_after_acceptance_say_from_when_they_are_possible(client, world):
    application = _accepted(client, world)
    cycle.confirm_application(
        world.student, application, clock.now().replace(month=6, day=30, tzinfo=None), "Bus"
    )
    db.session.commit()
    as_user(client, world.host_leo)
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert "the arrival can be marked from 28 June 2026" in page
    assert "as arrived</button>" not in page
    # A crafted POST is refused with the same words.
    page = client.post(
        f"/applications/{application.code}/arrived",
        data={"arrived_on": "2026-04-15"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "the arrival can be marked from 28 June 2026" in _flash(page)
    with _on("2026-07-02"):
        as_user(client, world.host_leo)
        page = client.get(f"/applications/{application.code}").get_data(as_text=True)
        arrived_input = re.search(r'<input[^>]*name="arrived_on"[^>]*>', page).group(0)
        assert 'min="2026-06-28"' in arrived_input and 'max="2026-07-02"' in arrived_input
        client.post(f"/applications/{application.code}/arrived", data={"arrived_on": "2026-07-01"})
        as_user(client, world.student)
        page = client.get(f"/applications/{application.code}").get_data(as_text=True)
        assert "the evaluation form can be sent from 22 July 2026" in page
        assert 'name="overall"' not in page
    db.session.refresh(application)
    assert application.state == State.IN_PROGRESS
    assert application.arrived_at.date() == date(2026, 7, 1)


def test_the_application_form_offers_only_months_open_to_apply(client, world):
    code = start_application(client, world)
    page = client.get(f"/applications/{code}/edit").get_data(as_text=True)
    offered = re.findall(r'name="months"[^>]*value="(\d+)"', page) or re.findall(
        r'value="(\d+)"[^>]*name="months"', page
    )
    # 15 April, 8 weeks' lead: April has begun, May and June are past their deadline.
    assert offered == ["7", "8", "9", "10", "11", "12", "1", "2", "3"]
    page = fill_in(client, world, code, months=["6"]).get_data(as_text=True)
    assert "The deadline to apply for June 2026 was 6 April 2026" in page


def test_points_with_three_decimals_are_refused_and_changes_are_in_the_history(client, world):
    application = _submitted(world)
    as_user(client, world.home_neo)
    page = client.post(
        f"/applications/{application.code}/points",
        data={"points": "12.345"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Give points with at most 2 decimals: 12.345 has more" in page
    client.post(f"/applications/{application.code}/points", data={"points": "12.34"})
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert "Home NMO&#39;s points: none → 12.34" in page or "Home NMO's points: none → 12.34" in (
        page
    )
    change = db.session.scalar(select(PointsChange))
    assert (change.new_points, change.actor_id) == (Decimal("12.34"), world.home_neo.id)


def test_an_officer_is_warned_of_an_exchange_in_the_same_months(client, world):
    builders.contract(world.federation.home, world.federation.host, program_code="SCORE")
    scope = _submitted(world, months=(7,))
    cycle.nominate_application(world.home_neo, scope, 7)
    score = builders.application(
        world.student,
        world.federation.host,
        program_code="SCORE",
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7, 8],
    )
    score_neo = builders.user(
        Role.NATIONAL_OFFICER, nmo_=world.federation.home, program_code="SCORE"
    )
    db.session.commit()
    as_user(client, score_neo)
    page = client.get(f"/applications/{score.code}").get_data(as_text=True)
    assert f'also holds <a href="/applications/{scope.code}">{scope.code}</a> (SCOPE' in page
    page = client.post(
        f"/applications/{score.code}/nominate", data={"month": 7}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"also holds {scope.code} (SCOPE) in July" in page


def test_a_slot_of_a_begun_month_is_offered_to_no_substitute(client, world):
    cancelled = _submitted(world, months=(7,))
    cycle.nominate_application(world.home_neo, cancelled, 7)
    cycle.cancel_application(world.home_neo, cancelled, "Failed the exam")
    builders.application(
        builders.user(Role.STUDENT, lc_=world.federation.home_lc),
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7],
    )
    db.session.commit()
    as_user(client, world.home_neo)
    page = client.get(f"/applications/{cancelled.code}").get_data(as_text=True)
    assert 'name="substitute_id"' in page
    with _on("2026-07-01"):
        as_user(client, world.home_neo)
        page = client.get(f"/applications/{cancelled.code}").get_data(as_text=True)
    assert 'name="substitute_id"' not in page
    assert "July 2026 has begun: its slot can no longer go to a substitute." in page


def test_a_nomination_whose_month_has_begun_offers_no_acceptance(client, world):
    application = _submitted(world, months=(7,))
    cycle.nominate_application(world.home_neo, application, 7)
    db.session.commit()
    with _on("2026-07-02"):
        as_user(client, world.host_neo)
        page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert 'name="starts_on"' not in page
    assert "July 2026 has begun: the student can no longer be accepted for it." in page


def test_a_crafted_substitute_for_a_begun_month_is_refused_by_name(client, world):
    cancelled = _submitted(world, months=(7,))
    cycle.nominate_application(world.home_neo, cancelled, 7)
    cycle.cancel_application(world.home_neo, cancelled, "Failed the exam")
    substitute = builders.application(
        builders.user(Role.STUDENT, lc_=world.federation.home_lc),
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7],
    )
    db.session.commit()
    with _on("2026-07-01"):
        as_user(client, world.home_neo)
        page = client.post(
            f"/applications/{cancelled.code}/substitute",
            data={"substitute_id": substitute.id},
            follow_redirects=True,
        ).get_data(as_text=True)
    assert "July 2026 began on 1 July 2026: substitutes go only into months" in page
    db.session.refresh(substitute)
    assert substitute.state == State.SUBMITTED


def test_refused_points_stay_as_typed_and_cleared_points_say_so(client, world):
    application = _submitted(world)
    as_user(client, world.home_neo)
    response = client.post(f"/applications/{application.code}/points", data={"points": "12.345"})
    assert response.status_code == 422
    assert 'value="12.345"' in response.get_data(as_text=True)
    client.post(f"/applications/{application.code}/points", data={"points": "12"})
    page = client.post(
        f"/applications/{application.code}/points", data={"points": ""}, follow_redirects=True
    ).get_data(as_text=True)
    assert f"The points of {application.code} are cleared." in page


def test_a_draft_says_which_chosen_months_closed_and_saving_removes_them(client, world):
    code = start_application(client, world)
    fill_in(client, world, code, months=["7", "8"])
    with _on("2026-05-10"):  # the July deadline (6 May) has passed, August's has not
        as_user(client, world.student)
        page = client.get(f"/applications/{code}/edit").get_data(as_text=True)
        assert "July 2026 no longer takes applications, so it is not offered above" in page
        assert ">August 2026<" in page
    application = db.session.scalar(select(Application).where(Application.code == code))
    assert application.months == [7, 8]


def test_the_home_tile_of_late_cards_links_each_side_to_its_queue(client, world):
    application = _submitted(world)
    cycle.nominate_application(world.home_neo, application, 7)
    application.ca_late = True
    db.session.commit()
    as_user(client, world.home_neo)
    page = client.get("/").get_data(as_text=True)
    assert re.search(
        r"late or overdue cards:\s*<a[^>]*>0 incoming</a> ·\s*<a[^>]*>1 outgoing", page
    )
    listed = client.get(
        "/applications/?queue=outgoing&state=all&late=1&program=" + str(application.program_id)
    ).get_data(as_text=True)
    assert application.code in listed
