"""The cycle's services keep to the calendar: no begun month is taken, no step after
acceptance comes before the exchange's dates allow, points changes are kept, and a
student is warned of when booked twice. Time is frozen at each day that matters."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from exchange import clock
from exchange.applications import queries
from exchange.applications import services as cycle
from exchange.applications.calendar import MonthBegun, TooEarly
from exchange.applications.models import Application, PointsChange
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.errors import DomainError
from exchange.extensions import db
from tests import builders
from tests.integration.steps import (
    accepted,
    another_student,
    count,
    nominated,
    research_project,
    submitted,
)


def _on(day: str):
    return time_machine.travel(f"{day} 09:00Z", tick=False)


# Nominations


def test_a_begun_month_takes_no_nomination_and_the_refusal_names_it(world):
    application = submitted(world, months=(7, 8))
    with _on("2026-07-01"):
        assert cycle.nomination_months(application, clock.today()) == [8]
        with pytest.raises(MonthBegun) as refused:
            cycle.nominate_application(world.home_neo, application, 7)
        assert str(refused.value) == (
            "July 2026 began on 1 July 2026: nominations go only into months that have not "
            "begun yet. Choose a later month."
        )
        assert world.slot(7).used == 0 and application.state == State.SUBMITTED
        cycle.nominate_application(world.home_neo, application, 8)
    assert (application.state, application.exchange_month) == (State.NOMINATED, 8)


def test_the_day_before_a_month_begins_it_still_takes_a_nomination(world):
    application = submitted(world, months=(7,))
    with _on("2026-06-30"):
        cycle.nominate_application(world.home_neo, application, 7)
    assert application.state == State.NOMINATED


# Acceptances


def test_an_acceptance_starts_inside_the_nominated_month_and_not_in_a_begun_one(world):
    application = nominated(world, 8)
    season = builders.season()
    with _on("2026-08-01"), pytest.raises(MonthBegun) as refused:
        cycle.accept_application(
            world.host_neo, application, world.department, date(2026, 8, 10), "Dr. Kos", None
        )
    assert str(refused.value) == (
        "August 2026 began on 1 August 2026: acceptances go only into months that have not "
        "begun yet. Reject or cancel the nomination to give the contract slot back."
    )
    assert world.place(month=8).used == 0
    with _on("2026-07-31"):
        cycle.accept_application(
            world.host_neo, application, world.department, season.month_date(8), "Dr. Kos", None
        )
    assert application.starts_on == date(2026, 8, 1)
    assert application.ends_on == date(2026, 8, 29)  # 4 weeks


def test_a_score_project_lasts_its_own_length(world):
    project = research_project(world.host_lc, capacity={7: 1})
    project.weeks = 8
    builders.contract(world.home, world.host, slots={7: 1}, program_code="SCORE")
    application = builders.application(
        another_student(world),
        world.host,
        program_code="SCORE",
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7],
    )
    home_neo = builders.user(Role.NATIONAL_OFFICER, nmo_=world.home, program_code="SCORE")
    host_neo = builders.user(Role.NATIONAL_OFFICER, nmo_=world.host, program_code="SCORE")
    cycle.nominate_application(home_neo, application, 7)
    cycle.accept_application(host_neo, application, project, date(2026, 7, 13), "Prof. Novak", None)
    assert application.ends_on == date(2026, 9, 7)


# The steps after acceptance


def _confirmed(world) -> Application:
    """Accepted for 1 July 2026 (ending 29 July), and the CC sent."""
    application = accepted(world, 7)
    cycle.confirm_application(
        application.student, application, datetime(2026, 6, 30, 14, 0), "Train"
    )
    return application


def test_the_card_of_confirmation_gives_an_arrival_around_the_start(world):
    application = accepted(world, 7)
    for too_early_or_late in (datetime(2026, 6, 23, 23, 0), datetime(2026, 7, 5, 8, 0)):
        with pytest.raises(DomainError) as refused:
            cycle.confirm_application(application.student, application, too_early_or_late, "Train")
        assert str(refused.value) == (
            "The exchange starts on 1 July 2026: give an arrival between 24 June 2026 and "
            "4 July 2026."
        )
    assert application.state == State.ACCEPTED
    cycle.confirm_application(application.student, application, datetime(2026, 7, 4, 9), "Bus")
    assert application.state == State.CONFIRMED


def test_the_arrival_is_marked_from_three_days_before_the_start_never_in_the_future(world):
    application = _confirmed(world)
    # 15 April: months ahead of the exchange. Refused, saying from when.
    with pytest.raises(TooEarly) as refused:
        cycle.mark_arrived(world.host_leo, application)
    assert str(refused.value) == (
        "The exchange starts on 1 July 2026: the arrival can be marked from 28 June 2026."
    )
    with _on("2026-06-27"), pytest.raises(TooEarly):
        cycle.mark_arrived(world.host_leo, application)
    with _on("2026-06-29"):
        with pytest.raises(DomainError, match="30 June 2026 is in the future"):
            cycle.mark_arrived(world.host_leo, application, date(2026, 6, 30))
        assert application.state == State.CONFIRMED
    with _on("2026-07-02"):
        cycle.mark_arrived(world.host_leo, application, date(2026, 6, 30))
    assert application.state == State.IN_PROGRESS
    assert application.arrived_at.date() == date(2026, 6, 30)


def test_the_evaluation_comes_from_seven_days_before_the_end(world):
    application = _confirmed(world)
    with _on("2026-07-01"):
        cycle.mark_arrived(world.host_leo, application)
    with _on("2026-07-21"), pytest.raises(TooEarly, match="can be sent from 22 July 2026"):
        cycle.submit_evaluation(application.student, application, 5, 5, 5, 5, "")
    assert application.state == State.IN_PROGRESS
    with _on("2026-07-22"):
        cycle.submit_evaluation(application.student, application, 5, 4, 5, 3, "")
    assert application.state == State.COMPLETED


def test_the_certificate_comes_only_after_the_end(world):
    application = _confirmed(world)
    with _on("2026-07-01"):
        cycle.mark_arrived(world.host_leo, application)
    with _on("2026-07-29"):
        cycle.submit_evaluation(application.student, application, 5, 5, 5, 5, "")
        with pytest.raises(TooEarly) as refused:
            cycle.certify_application(world.host_leo, application)
        assert str(refused.value) == (
            "The exchange ends on 29 July 2026: the certificate can be issued from 30 July 2026."
        )
    with _on("2026-07-30"):
        cycle.certify_application(world.host_leo, application)
    assert application.state == State.CERTIFIED
    assert application.certified_at.date() == date(2026, 7, 30)


def test_the_page_knows_from_when_each_step_is_possible(world):
    application = _confirmed(world)
    today = clock.today()
    opens = cycle.steps_not_open_yet(application, today)
    assert {action.value: day for action, day in opens.items()} == {
        "mark_arrived": date(2026, 6, 28),
        "submit_evaluation": date(2026, 7, 22),
        "certify": date(2026, 7, 30),
    }
    assert cycle.steps_not_open_yet(application, date(2026, 7, 30)) == {}


def test_the_windows_are_settings(world, app):
    application = _confirmed(world)
    app.config["ARRIVAL_DAYS_BEFORE_START"] = 10
    try:
        with _on("2026-06-21"):
            cycle.mark_arrived(world.host_leo, application)
    finally:
        app.config["ARRIVAL_DAYS_BEFORE_START"] = 3
    assert application.state == State.IN_PROGRESS


# Substitutes


def test_no_substitute_goes_into_a_begun_month(world):
    cancelled = nominated(world, 7)
    cycle.cancel_application(world.home_neo, cancelled, "Failed the exam")
    substitute = submitted(world, months=(7,))
    assert cycle.substitute_candidates(cancelled) == [substitute]
    with _on("2026-07-01"):
        assert cycle.substitute_candidates(cancelled) == []
        with pytest.raises(MonthBegun, match="substitutes go only into months"):
            cycle.substitute_application(world.home_neo, cancelled, substitute)
    assert substitute.state == State.SUBMITTED


# The application form


def test_the_form_takes_only_months_open_to_apply(world):
    application = cycle.create_application(
        world.student, builders.program(), builders.season(), world.host
    )
    # The host asks 8 weeks ahead: on 15 April, May and June are past their deadlines.
    assert cycle.months_open_to_apply(application, clock.today()) == [7, 8, 9, 10, 11, 12, 1, 2, 3]
    with pytest.raises(MonthBegun) as refused:
        cycle.update_draft(world.student, application, [6, 7], 4, "", [])
    assert str(refused.value) == (
        "The deadline to apply for June 2026 was 6 April 2026: choose a later month."
    )
    with _on("2027-03-31"):
        assert cycle.months_open_to_apply(application, clock.today()) == []
        with pytest.raises(MonthBegun, match="March 2027 began on 1 March 2027"):
            cycle.update_draft(world.student, application, [3], 4, "", [])
    assert application.months == []  # as before: nothing was saved


def test_submission_names_a_month_that_has_begun(world):
    application = submitted(world, months=(7,))
    application.state = State.DRAFT
    world.conditions.application_lead_weeks = 0
    with _on("2026-07-01"):
        assert "July 2026 has begun; remove that month." in cycle.missing_for_submission(
            application, clock.today()
        )


# One live application


def test_a_second_live_application_is_refused_by_name(world):
    first = cycle.create_application(
        world.student, builders.program(), builders.season(), world.host
    )
    with pytest.raises(DomainError, match=f"You have application {first.code} for SCOPE"):
        cycle.create_application(world.student, builders.program(), builders.season(), world.host)
    assert count(Application) == 1


# Points


def test_each_change_of_points_is_kept_with_who_old_and_new(world):
    application = submitted(world)
    cycle.set_points(world.home_neo, application, Decimal("12.5"))
    cycle.set_points(world.home_neo, application, Decimal("12.5"))  # no change: not kept
    cycle.set_points(world.home_neo, application, Decimal("14.25"))
    cycle.set_points(world.home_neo, application, None)
    changes = queries.points_history(application)
    assert [(c.side, c.old_points, c.new_points, c.actor_id) for c in changes] == [
        ("home", None, Decimal("12.50"), world.home_neo.id),
        ("home", Decimal("12.50"), Decimal("14.25"), world.home_neo.id),
        ("home", Decimal("14.25"), None, world.home_neo.id),
    ]
    cycle.nominate_application(world.home_neo, application, 7)
    cycle.set_points(world.host_neo, application, Decimal("3"))
    assert queries.points_history(application)[-1].side == "host"


@pytest.mark.parametrize("points", ["12.345", "0.001", "999.999"])
def test_points_with_more_than_two_decimals_are_refused(world, points):
    application = submitted(world)
    with pytest.raises(DomainError) as refused:
        cycle.set_points(world.home_neo, application, Decimal(points))
    assert str(refused.value) == (
        f"Give points with at most 2 decimals: {points} has more, and would be rounded."
    )
    assert application.points is None and count(PointsChange) == 0


@pytest.mark.parametrize("points", ["NaN", "sNaN", "Infinity", "-1", "1000.01"])
def test_points_outside_the_range_are_refused(world, points):
    with pytest.raises(DomainError, match="Give points from 0 to 1000"):
        cycle.set_points(world.home_neo, submitted(world), Decimal(points))


# Booked twice


def test_an_exchange_in_the_same_months_in_the_other_program_is_found(world):
    scope = nominated(world, 7)
    builders.contract(world.home, world.host, slots={7: 1, 8: 1}, program_code="SCORE")
    score = builders.application(
        scope.student,
        world.host,
        program_code="SCORE",
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=[7, 8],
    )
    assert queries.exchanges_in_the_same_months(score, [7, 8]) == [scope]
    assert queries.exchanges_in_the_same_months(score, [8]) == []
    cycle.withdraw_application(scope.student, scope, "Going for research instead")
    db.session.flush()
    assert queries.exchanges_in_the_same_months(score, [7, 8]) == []


def test_no_application_for_a_season_whose_every_month_has_begun(world):
    world.conditions.application_lead_weeks = 0  # only the months' first days count here
    with _on("2027-03-01"), pytest.raises(DomainError) as refused:
        cycle.create_application(world.student, builders.program(), builders.season(), world.host)
    assert str(refused.value) == "Every month of 2026/27 has begun: apply for a season to come."
    with _on("2027-02-28"):
        cycle.create_application(world.student, builders.program(), builders.season(), world.host)


def test_no_application_to_a_host_whose_every_month_is_closed(world):
    # 8 weeks' lead: on 5 January 2027 the March deadline (4 January) has passed.
    with _on("2027-01-05"), pytest.raises(DomainError) as refused:
        cycle.create_application(world.student, builders.program(), builders.season(), world.host)
    assert str(refused.value) == (
        "SLOMSIC takes no more SCOPE applications for 2026/27: every month it hosts has begun "
        "or its deadline has passed. Choose another host."
    )
    assert count(Application) == 0
    with _on("2027-01-04"):
        cycle.create_application(world.student, builders.program(), builders.season(), world.host)


def test_a_crafted_nomination_for_a_begun_month_names_it_first(world):
    application = submitted(world, months=(8,))
    with _on("2026-08-02"), pytest.raises(MonthBegun, match="July 2026 began on 1 July 2026"):
        cycle.nominate_application(world.home_neo, application, 7)  # not even one of its months
