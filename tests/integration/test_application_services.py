"""The application cycle's services, called directly: each refusal says why and changes
nothing, and nominations and acceptances take contract slots and places that closing
gives back (``ContractSlot.used``, ``PlacementCapacity.used``)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.applications import queries
from exchange.applications import services as cycle
from exchange.applications.calendar import MonthBegun
from exchange.applications.models import Application, Preference
from exchange.applications.states import State
from exchange.errors import CapacityExceeded, DomainError, InvalidTransition, NotAllowed
from exchange.extensions import db
from tests import builders
from tests.integration.steps import (
    accepted,
    another_student,
    attach_cv,
    ca_due_for,
    count,
    give_personal_data,
    history_of,
    nominated,
    research_project,
    state_of,
    subjects_mailed_to,
    submitted,
)


def apply(world, student=None, host=None, program_code="SCOPE") -> Application:
    return cycle.create_application(
        student or world.student,
        builders.program(program_code),
        builders.season(),
        host or world.host,
    )


def save(
    world,
    application,
    months=(7,),
    placements=None,
    student=None,
    study_year=4,
    motivation="  I want to learn cardiology.  ",
):
    cycle.update_draft(
        student or world.student,
        application,
        list(months),
        study_year,
        motivation,
        [world.department.id] if placements is None else placements,
    )


# create_application


def test_a_draft_takes_the_next_number_and_records_its_creation(world):
    first = apply(world)

    assert first.code == "P-2627-00001"
    assert first.state == State.DRAFT
    assert (first.home_nmo_id, first.home_lc_id, first.host_nmo_id) == (
        world.home.id,
        world.home_lc.id,
        world.host.id,
    )
    assert first.study_year == world.student.year_of_study
    assert history_of(first) == [("create", State.DRAFT)]
    assert apply(world, another_student(world)).code == "P-2627-00002"


def test_only_a_student_applies(world):
    with pytest.raises(NotAllowed, match=re.escape("Only students apply for exchanges.")):
        apply(world, student=world.home_neo)
    assert count(Application) == 0


def test_an_exchange_goes_abroad(world):
    with pytest.raises(DomainError, match="choose a host NMO other than your own"):
        apply(world, host=world.home)
    assert count(Application) == 0


def test_the_host_must_take_part_in_the_program(world):
    scope_only = builders.nmo("SCOPEONLY", "AT", "Austria", programs=("SCOPE",))
    builders.contract(world.home, scope_only, program_code="SCORE")

    with pytest.raises(DomainError, match=re.escape("SCOPEONLY does not host SCORE exchanges.")):
        apply(world, host=scope_only, program_code="SCORE")


@pytest.mark.parametrize("program_code", ["SCOPE", "SCORE"])
def test_without_a_contract_with_the_host_no_application_is_made(world, program_code):
    # The world's only contract is a SCOPE one with SLOMSIC.
    host = world.host if program_code == "SCORE" else builders.nmo("AMSA", "AT", "Austria")

    with pytest.raises(DomainError) as refused:
        apply(world, host=host, program_code=program_code)

    assert str(refused.value) == (
        f"CROMSIC has no {program_code} contract with {host.acronym} for 2026/27, so no "
        "student can be nominated there. Choose another host."
    )
    assert count(Application) == 0


def test_one_open_application_per_program_and_season(world):
    first = apply(world)
    elsewhere = builders.nmo("AMSA", "AT", "Austria")
    builders.contract(world.home, elsewhere)

    for host in (world.host, elsewhere):
        with pytest.raises(DomainError) as refused:
            apply(world, host=host)
        assert str(refused.value) == (
            f"You have application {first.code} for SCOPE 2026/27 already: a student has one "
            "application per program and season. Withdraw it first to apply elsewhere."
        )
    assert count(Application) == 1

    cycle.withdraw_application(world.student, first, "Changed my mind")
    second = apply(world, host=elsewhere)
    # The refusals used up no number.
    assert second.code == "P-2627-00002"


# update_draft


def test_saving_the_form_keeps_the_ranked_choices_in_order(world):
    application = apply(world)
    languages = [{"language": "Spanish", "level": "B2"}]
    application.languages = languages  # given on the personal data page
    save(world, application, months=(8, 7, 7), placements=[world.department.id, 0, 0])

    assert application.months == [7, 8]
    assert application.languages == languages  # not this form's: left as they were
    assert application.motivation == "I want to learn cardiology."
    assert [(p.rank, p.placement_id) for p in application.preferences] == [(1, world.department.id)]

    # Saving again re-ranks without tripping over the old ranks.
    save(world, application, placements=[world.other_department.id, world.department.id])
    db.session.expire_all()
    ranked = db.session.execute(
        select(Preference.rank, Preference.placement_id)
        .where(Preference.application_id == application.id)
        .order_by(Preference.rank)
    ).all()
    assert ranked == [(1, world.other_department.id), (2, world.department.id)]


def _refused_draft(world, application, error, message, **changes):
    with pytest.raises(error) as refused:
        save(world, application, **changes)
    assert message in str(refused.value)
    db.session.expire_all()
    assert application.months == []
    assert application.preferences == []


def test_months_the_host_does_not_host_are_refused(world):
    world.conditions.months_not_hosted = [8, 9]
    db.session.flush()

    _refused_draft(
        world,
        apply(world),
        DomainError,
        "SLOMSIC does not host in August, September.",
        months=(7, 8, 9),
    )


def test_a_month_must_be_a_month(world):
    _refused_draft(world, apply(world), DomainError, "Choose months from the list.", months=(13,))


def test_each_choice_is_a_different_placement(world):
    _refused_draft(
        world,
        apply(world),
        DomainError,
        "Each choice must be a different department: rank each one once.",
        placements=[world.department.id, world.department.id],
    )


def test_at_most_the_programs_number_of_preferences(world):
    extra = [builders.department(world.host_lc, f"Ward {n}").id for n in range(3)]

    _refused_draft(
        world,
        apply(world),
        DomainError,
        "Rank at most 4 departments: you ranked 5.",
        placements=[world.department.id, world.other_department.id, *extra],
    )


@pytest.mark.parametrize("which", ["of another NMO", "research project", "unknown"])
def test_only_departments_of_the_host(world, which):
    if which == "of another NMO":
        placement_id = builders.department(world.home_lc, "Neurology").id
    elif which == "research project":
        placement_id = research_project(world.host_lc).id
    else:
        placement_id = world.department.id + 1000
    db.session.flush()

    _refused_draft(
        world,
        apply(world),
        DomainError,
        "Choose open departments of SLOMSIC.",
        placements=[world.other_department.id, placement_id],
    )


def test_a_closed_department_is_named_for_the_student_to_remove(world):
    world.department.closed_at = clock.now()
    db.session.flush()

    _refused_draft(
        world,
        apply(world),
        cycle.DraftRefused,
        "Cardiology (Ljubljana) takes no students any more: remove it from your ranking.",
        placements=[world.other_department.id, world.department.id],
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"study_year": 0}, "study_year", "Give your year of study as a number from 1 to 8."),
        ({"study_year": 9}, "study_year", "Give your year of study as a number from 1 to 8."),
        (
            {"motivation": "x" * 4001},
            "motivation",
            "Keep your motivation to 4,000 characters; it has 4,001.",
        ),
        ({"months": (13,)}, "months", "Choose months from the list."),
    ],
    ids=["year-0", "year-9", "motivation-too-long", "month-13"],
)
def test_each_refusal_names_its_field(world, changes, field, message):
    with pytest.raises(cycle.DraftRefused) as refused:
        save(world, apply(world), **changes)
    assert refused.value.errors == {field: [message]}


def test_a_refused_draft_names_every_field_at_fault_at_once(world):
    world.conditions.months_not_hosted = [8]
    db.session.flush()
    application = apply(world)

    with pytest.raises(cycle.DraftRefused) as refused:
        save(
            world,
            application,
            months=(6, 8),
            study_year=12,
            placements=[world.department.id, world.department.id],
        )

    assert refused.value.errors == {
        "months": [
            "SLOMSIC does not host in August.",
            "The deadline to apply for June 2026 was 6 April 2026: choose a later month.",
        ],
        "study_year": ["Give your year of study as a number from 1 to 8."],
        "placement_ids": ["Each choice must be a different department: rank each one once."],
    }
    # Still a MonthBegun, as every refusal of a closed month is.
    assert isinstance(refused.value, MonthBegun)
    db.session.expire_all()
    assert (application.months, application.preferences) == ([], [])


def test_exactly_the_programs_limit_and_the_longest_motivation_are_saved(world):
    extra = [builders.department(world.host_lc, f"Ward {n}").id for n in range(2)]
    application = apply(world)

    save(
        world,
        application,
        placements=[world.department.id, world.other_department.id, *extra],
        study_year=8,
        motivation="x" * 4000,
    )

    assert len(application.preferences) == 4
    assert (application.study_year, len(application.motivation)) == (8, 4000)


def test_only_the_student_changes_their_draft_and_only_while_a_draft(world):
    application = apply(world)
    _refused_draft(
        world,
        application,
        NotAllowed,
        "Only the student changes their application.",
        student=another_student(world),
    )

    application = submitted(world, months=())
    with pytest.raises(DomainError, match="cannot be changed any more"):
        save(world, application, student=application.student)


# What the form shows: the free places of the host's placements


def test_free_places_of_every_placement_come_from_one_query(world, count_queries):
    application = apply(world)
    wards = [builders.department(world.host_lc, f"Ward {n}", capacity={7: 3}) for n in range(5)]
    wards[0].capacities[0].used = 2
    closed = builders.department(world.host_lc, "Closed ward", capacity={7: 5})
    closed.closed_at = clock.now()
    elsewhere = builders.department(world.home_lc, "At home", capacity={7: 5})
    next_season = builders.department(
        world.host_lc, "Later", capacity={7: 5}, season_code="2027/28"
    )
    db.session.commit()
    assert application.program.placement_kind  # loaded, as the page has it

    with count_queries() as counted:
        free = queries.free_places(application, [7, 8, 9])

    assert counted.value == 1
    assert free[world.department.id] == {7: 1, 8: 1}
    assert free[world.other_department.id] == {7: 1}
    assert free[wards[0].id] == {7: 1}
    assert all(free[ward.id] == {7: 3} for ward in wards[1:])
    # Closed, of another NMO or of another season: not on the form.
    assert {closed.id, elsewhere.id, next_season.id}.isdisjoint(free)
    assert queries.free_places(application, []) == {}


# submit_application


def test_a_complete_draft_is_submitted_and_the_home_officer_told(world):
    application = apply(world)
    save(world, application)
    give_personal_data(application)
    attach_cv(application)

    cycle.submit_application(world.student, application, clock.today())

    assert state_of(application) == State.SUBMITTED
    assert application.submitted_at is not None
    assert history_of(application) == [("create", State.DRAFT), ("submit", State.SUBMITTED)]
    assert subjects_mailed_to(world.home_neo.email) == [
        f"{application.code}: submitted, waiting for a nomination"
    ]
    assert subjects_mailed_to(world.host_neo.email) == []


def _refused_submission(world, application, message, student=None, error=DomainError):
    with pytest.raises(error) as refused:
        cycle.submit_application(student or world.student, application, clock.today())
    assert message in str(refused.value)
    assert state_of(application) == State.DRAFT
    assert history_of(application) == [("create", State.DRAFT)]
    return str(refused.value)


def test_submission_names_everything_that_is_missing(world):
    message = _refused_submission(world, apply(world), "cannot be submitted yet")

    for missing in (
        "Rank at least one department.",
        "Choose the months you can go.",
        "Attach your curriculum vitae.",
    ):
        assert missing in message
    assert "year of study" not in message
    # The languages are the personal data page's: asked for there, in its words.
    assert "List the languages you speak." not in message


def test_submission_needs_a_year_of_study_the_host_takes(world):
    application = apply(world)
    save(world, application, study_year=7)
    attach_cv(application)

    _refused_submission(world, application, "SLOMSIC takes students in years 3 to 6 of study.")


def test_submission_needs_the_hosts_conditions(world):
    application = apply(world)
    save(world, application)
    attach_cv(application)
    db.session.delete(world.conditions)
    db.session.flush()

    _refused_submission(
        world, application, "SLOMSIC has not published its exchange conditions yet."
    )


def test_only_the_student_submits(world):
    application = apply(world)
    save(world, application)
    attach_cv(application)

    _refused_submission(
        world,
        application,
        "Only the student submits their application.",
        student=world.home_neo,
        error=NotAllowed,
    )


# nominate_application


def test_nomination_takes_one_slot_in_a_bounded_number_of_statements(world, count_queries):
    application = submitted(world)
    db.session.commit()

    with count_queries() as counted:
        cycle.nominate_application(world.home_neo, application, 7)

    assert state_of(application) == State.NOMINATED
    assert (application.contract_id, application.exchange_month) == (world.contract.id, 7)
    assert application.ca_due_on == ca_due_for(7)
    assert (world.slot(7).used, world.slot(8).used) == (1, 0)
    assert history_of(application)[-1] == ("nominate", State.NOMINATED)
    assert subjects_mailed_to(application.student.email) == [
        f"{application.code}: nominated to SLOMSIC"
    ]
    # The state change, its history, the slot and two mails, with the look-ups they need:
    # a fixed number of statements, not one per contract month or per officer.
    assert counted.value <= 20, "\n".join(counted.statements)


def test_nominating_for_a_month_the_student_cannot_go_is_refused(world):
    application = submitted(world, months=(8,))

    with pytest.raises(DomainError) as refused:
        cycle.nominate_application(world.home_neo, application, 7)

    assert str(refused.value) == ("The student can go in August; nominate for one of those months.")
    assert state_of(application) == State.SUBMITTED
    assert world.slot(7).used == 0


def test_a_full_contract_month_refuses_and_the_rollback_leaves_the_slot_as_it_was(world):
    nominated(world, 7)
    late = submitted(world)
    db.session.commit()

    with pytest.raises(CapacityExceeded) as refused:
        cycle.nominate_application(world.home_neo, late, 7)

    assert str(refused.value) == (
        "The contract with SLOMSIC has no free slot in July (all 1 are used)."
    )
    # A refusal leaves nothing for the commit, and the request's rollback changes nothing.
    for _ in ("before", "after the rollback"):
        assert state_of(late) == State.SUBMITTED
        assert history_of(late) == []
        assert world.slot(7).used == 1
        assert subjects_mailed_to(late.student.email) == []
        db.session.rollback()


def test_a_month_without_slots_in_the_contract_has_no_free_slot(world):
    application = submitted(world, months=(9,))

    with pytest.raises(CapacityExceeded) as refused:
        cycle.nominate_application(world.home_neo, application, 9)

    assert str(refused.value) == "The contract with SLOMSIC has no free slot in September."


def test_no_nomination_without_a_contract(world):
    application = submitted(world)
    db.session.delete(world.contract)
    db.session.flush()

    with pytest.raises(DomainError, match=re.escape("There is no contract with SLOMSIC.")):
        cycle.nominate_application(world.home_neo, application, 7)
    assert state_of(application) == State.SUBMITTED


@pytest.mark.parametrize("who", ["host_neo", "host_leo", "student"])
def test_only_the_home_national_officer_nominates(world, who):
    application = submitted(world, student=world.student)

    with pytest.raises(
        InvalidTransition, match=re.escape("Only the home national officer may nominate.")
    ):
        cycle.nominate_application(getattr(world, who), application, 7)

    assert state_of(application) == State.SUBMITTED
    assert world.slot(7).used == 0


# accept_application


def accept(world, application, placement=None, starts_on=date(2026, 7, 6), officer=None, **kw):
    cycle.accept_application(
        officer or world.host_neo,
        application,
        placement or world.department,
        starts_on,
        kw.get("contact_person", "  Dr. Maja Kos "),
        kw.get("contact_email", " "),
    )


def test_acceptance_issues_the_card_and_takes_a_place(world):
    application = nominated(world, 7)

    accept(world, application)

    assert state_of(application) == State.ACCEPTED
    assert application.placement_id == world.department.id
    assert (application.starts_on, application.ends_on) == (date(2026, 7, 6), date(2026, 8, 3))
    assert (application.contact_person, application.contact_email) == ("Dr. Maja Kos", None)
    assert application.cc_due_on == date(2026, 6, 8)
    assert application.ca_late is False
    assert world.place(month=7).used == 1
    assert world.slot(7).used == 1  # the contract slot stays taken, and only once


def _refused_acceptance(world, application, error, message, **kw):
    with pytest.raises(error) as refused:
        accept(world, application, **kw)
    assert str(refused.value) == message
    assert state_of(application) == State.NOMINATED
    assert world.place(month=7).used == 0


def test_a_placement_of_another_nmo_is_refused(world):
    application = nominated(world, 7)
    neurology = builders.department(world.home_lc, "Neurology")

    # The host's officer may not place there at all; an admin may, but not this student.
    _refused_acceptance(
        world,
        application,
        NotAllowed,
        "You cannot place students in Neurology, LC Zagreb.",
        placement=neurology,
    )
    _refused_acceptance(
        world,
        application,
        DomainError,
        "Choose a department of SLOMSIC.",
        placement=neurology,
        officer=world.admin,
    )


def test_a_research_project_is_no_place_for_a_scope_student(world):
    application = nominated(world, 7)

    _refused_acceptance(
        world,
        application,
        DomainError,
        "Choose a department of SLOMSIC.",
        placement=research_project(world.host_lc),
    )


def test_a_closed_placement_is_refused(world):
    application = nominated(world, 7)
    world.department.closed_at = clock.now()
    db.session.flush()

    _refused_acceptance(world, application, DomainError, "Cardiology is closed.")


@pytest.mark.parametrize("starts_on", [date(2026, 8, 3), date(2026, 6, 29), date(2027, 7, 5)])
def test_the_exchange_starts_in_the_nominated_month_of_the_season(world, starts_on):
    application = nominated(world, 7)

    _refused_acceptance(
        world,
        application,
        DomainError,
        "The student is nominated for July 2026: start the exchange between 1 July 2026 and "
        "31 July 2026.",
        starts_on=starts_on,
    )


def test_the_card_names_a_contact_person(world):
    application = nominated(world, 7)

    _refused_acceptance(
        world,
        application,
        DomainError,
        "Name the contact person for the student.",
        contact_person="   ",
    )


def test_a_month_the_placement_does_not_offer_has_no_free_place(world):
    application = nominated(world, 8)

    with pytest.raises(CapacityExceeded) as refused:
        accept(world, application, placement=world.other_department, starts_on=date(2026, 8, 3))

    assert str(refused.value) == "Surgery has no free place in August."
    assert state_of(application) == State.NOMINATED
    assert history_of(application)[-1] == ("nominate", State.NOMINATED)


def test_a_full_placement_refuses_the_next_student(world):
    world.slot(7).slots = 2
    accepted(world, 7, department=world.other_department)
    application = nominated(world, 7)

    with pytest.raises(CapacityExceeded) as refused:
        accept(world, application, placement=world.other_department)

    assert str(refused.value) == "Surgery has no free place in July (all 1 are taken)."
    assert state_of(application) == State.NOMINATED
    assert world.place(world.other_department, 7).used == 1


# set_points


@pytest.mark.parametrize("points", [Decimal("-0.01"), Decimal("1000.01")])
def test_points_are_from_0_to_1000(world, points):
    application = submitted(world)

    with pytest.raises(DomainError, match=re.escape("Give points from 0 to 1000.")):
        cycle.set_points(world.home_neo, application, points)
    assert application.points is None


def test_the_home_officer_ranks_submitted_and_the_host_nominated_applications(world):
    application = submitted(world)
    refusal = "The home national officer ranks submitted applications, the host's nominated ones."

    for other in (world.host_neo, application.student, world.host_leo):
        with pytest.raises(NotAllowed) as refused:
            cycle.set_points(other, application, Decimal("10"))
        assert str(refused.value) == refusal
    cycle.set_points(world.home_neo, application, Decimal("1000"))
    assert application.points == Decimal("1000")

    cycle.nominate_application(world.home_neo, application, 7)
    with pytest.raises(NotAllowed):
        cycle.set_points(world.home_neo, application, Decimal("5"))
    cycle.set_points(world.host_neo, application, Decimal("42.5"))
    db.session.expire_all()
    assert (application.points, application.host_points) == (Decimal("1000"), Decimal("42.5"))

    cycle.set_points(world.host_neo, application, None)
    assert application.host_points is None


# Closing gives back what the application held


@pytest.mark.parametrize(
    ("step", "action", "who", "reached"),
    [
        (nominated, "withdraw", "student", State.WITHDRAWN),
        (accepted, "withdraw", "student", State.WITHDRAWN),
        (nominated, "cancel", "host_neo", State.CANCELLED),
        (accepted, "cancel", "host_leo", State.CANCELLED),
        (accepted, "cancel", "home_neo", State.CANCELLED),
        (nominated, "reject", "host_neo", State.REJECTED),
    ],
)
def test_closing_gives_back_the_slot_and_the_place(world, step, action, who, reached):
    application = step(world, 7)
    taken = (world.slot(7).used, world.place(month=7).used)
    actor = application.student if who == "student" else getattr(world, who)
    close = {
        "withdraw": cycle.withdraw_application,
        "cancel": cycle.cancel_application,
        "reject": cycle.reject_application,
    }[action]

    close(actor, application, "  Visa refused  ")

    assert taken == (1, 1 if step is accepted else 0)
    assert (world.slot(7).used, world.place(month=7).used) == (0, 0)
    assert state_of(application) == reached
    assert application.closing_reason == "Visa refused"
    assert application.closed_at is not None
    assert history_of(application)[-1] == (action, reached)
    # What was given back can be taken again.
    accepted(world, 7)
    assert (world.slot(7).used, world.place(month=7).used) == (1, 1)


def test_closing_an_application_that_holds_nothing_gives_back_nothing(world):
    holder = accepted(world, 7)
    waiting = submitted(world)

    cycle.cancel_application(world.home_neo, waiting, "Not selected")

    assert state_of(waiting) == State.CANCELLED
    assert (world.slot(7).used, world.place(month=7).used) == (1, 1)
    assert state_of(holder) == State.ACCEPTED


def test_closing_needs_a_reason_and_keeps_the_slot_without_one(world):
    application = nominated(world, 7)

    with pytest.raises(InvalidTransition, match=re.escape("Give a reason to withdraw.")):
        cycle.withdraw_application(application.student, application, "   ")

    assert state_of(application) == State.NOMINATED
    assert world.slot(7).used == 1


# substitute_application


@pytest.fixture
def cancelled(world) -> Application:
    """Nominated for July, then cancelled by the home officer: the July slot is free."""
    application = nominated(world, 7)
    cycle.cancel_application(world.home_neo, application, "Fell ill")
    return application


def test_a_substitute_takes_the_given_back_slot_once(world, cancelled):
    substitute = submitted(world, months=(7,))
    another = submitted(world, months=(7,))

    cycle.substitute_application(world.home_neo, cancelled, substitute)

    assert state_of(substitute) == State.NOMINATED
    assert substitute.substitute_for_id == cancelled.id
    assert (substitute.contract_id, substitute.exchange_month) == (world.contract.id, 7)
    assert world.slot(7).used == 1
    with pytest.raises(DomainError) as refused:
        cycle.substitute_application(world.home_neo, cancelled, another)
    assert str(refused.value) == f"{substitute.code} has taken over this slot already."
    assert state_of(another) == State.SUBMITTED
    assert world.slot(7).used == 1


def test_only_the_home_national_officer_chooses_a_substitute(world, cancelled):
    substitute = submitted(world, months=(7,))

    for other in (world.host_neo, world.host_leo, substitute.student):
        with pytest.raises(NotAllowed, match="Only the home national officer chooses"):
            cycle.substitute_application(other, cancelled, substitute)
    assert state_of(substitute) == State.SUBMITTED


def test_only_a_closed_nominated_exchange_gets_a_substitute(world):
    still_nominated = nominated(world, 7)
    never_nominated = submitted(world)
    cycle.cancel_application(world.home_neo, never_nominated, "Not selected")
    substitute = submitted(world, months=(7, 8))

    for original in (still_nominated, never_nominated):
        with pytest.raises(DomainError) as refused:
            cycle.substitute_application(world.home_neo, original, substitute)
        assert str(refused.value) == (
            "Only a cancelled or withdrawn nominated exchange gets a substitute."
        )
    assert state_of(substitute) == State.SUBMITTED


@pytest.mark.parametrize("why", ["draft", "not free in July", "another host", "nominated"])
def test_the_substitute_must_be_a_candidate(world, cancelled, why):
    if why == "draft":
        substitute = builders.application(another_student(world), world.host, months=[7])
    elif why == "not free in July":
        substitute = submitted(world, months=(8,))
    elif why == "another host":
        elsewhere = builders.nmo("AMSA", "AT", "Austria")
        builders.contract(world.home, elsewhere)
        substitute = builders.application(
            another_student(world),
            elsewhere,
            state=State.SUBMITTED,
            submitted_at=clock.now(),
            months=[7],
        )
    else:
        substitute = nominated(world, 8)

    with pytest.raises(DomainError) as refused:
        cycle.substitute_application(world.home_neo, cancelled, substitute)

    assert str(refused.value) == (
        "The substitute must be a submitted application of the same NMO to the same host, "
        "program and season, free in July."
    )
    assert substitute.substitute_for_id is None


def test_a_slot_nominated_away_meanwhile_cannot_go_to_a_substitute(world, cancelled):
    nominated(world, 7)  # an ordinary nomination takes the free July slot
    substitute = submitted(world, months=(7,))

    with pytest.raises(CapacityExceeded) as refused:
        cycle.substitute_application(world.home_neo, cancelled, substitute)

    assert str(refused.value) == (
        f"The slot of {cancelled.code} in July has been given to another nomination since."
    )
    assert state_of(substitute) == State.SUBMITTED
    assert substitute.substitute_for_id is None
    assert world.slot(7).used == 1
