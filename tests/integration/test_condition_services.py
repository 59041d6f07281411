"""Exchange conditions, called directly: who may publish them, for which NMO, program and
season, what they may say (``problems_with``), and how they are kept."""

import functools
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.states import CLOSED_STATES, HOLDS_CONTRACT_SLOT, State
from exchange.auth.models import Role
from exchange.conditions import services as conditions
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.queries import find_conditions
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from tests import builders
from tests.integration import steps
from tests.integration.steps import count

# Conditions that may be saved: accommodation and cancellation policy are required.
Data = functools.partial(
    conditions.ConditionsData,
    accommodation="Student dormitory",
    cancellation_policy="Tell us 8 weeks ahead.",
)


def save(officer, nmo, data, program_code="SCOPE", season_code="2026/27", **options):
    return conditions.save_exchange_conditions(
        officer, nmo, builders.program(program_code), builders.season(season_code), data, **options
    )


@pytest.fixture
def amsa(world):
    """A host without conditions yet, and its SCOPE national officer."""
    nmo = builders.nmo("AMSA", "AT", "Austria")
    officer = builders.user(Role.NATIONAL_OFFICER, email="amsa-neo@example.org", nmo_=nmo)
    return nmo, officer


def test_publishing_cleans_the_data_and_a_second_save_updates(world, amsa):
    nmo, officer = amsa
    data = Data(
        fee_amount=Decimal("150.00"),
        fee_currency="EUR",
        languages=[" German ", "english", "English", ""],
        required_documents=["photo", "cv", "cv"],
        months_not_hosted=[2, 12, 4],
        accommodation="  Dormitory  ",
        application_lead_weeks=10,
    )

    made, created = save(officer, nmo, data)

    assert created is True
    assert find_conditions(nmo.id, builders.program().id, builders.season().id) is made
    assert made.languages == ["German", "english"]
    assert made.required_documents == ["cv", "photo"]  # as DOCUMENT_KINDS lists them
    assert made.months_not_hosted == [4, 12, 2]  # as the season runs, from April
    assert made.accommodation == "Dormitory"
    assert (made.fee_amount, made.application_lead_weeks) == (Decimal("150.00"), 10)

    again, created = save(officer, nmo, Data(fee_amount=Decimal("0"), meals="Lunch"))

    assert (again, created) == (made, False)
    assert (made.fee_amount, made.meals, made.required_documents) == (Decimal("0"), "Lunch", [])
    assert count(ExchangeConditions, ExchangeConditions.nmo_id == nmo.id) == 1


def test_the_personal_data_required_is_kept_in_the_registrys_order(world, amsa):
    nmo, officer = amsa
    data = Data(required_personal_data=["phone", "passport_number", "phone", "date_of_birth"])

    made, _ = save(officer, nmo, data)

    assert made.required_personal_data == ["date_of_birth", "passport_number", "phone"]
    assert made.required_personal_data_labels == ["Date of birth", "Passport number", "Phone"]
    assert conditions.ConditionsData.of(made).required_personal_data == made.required_personal_data

    save(officer, nmo, Data())
    assert made.required_personal_data == []


def test_an_admin_publishes_for_any_nmo_and_program(world, amsa):
    nmo, _ = amsa

    _, created = save(world.admin, nmo, Data(), program_code="SCORE")

    assert created is True


@pytest.mark.parametrize(
    "who", ["student", "host_leo", "home_neo", "host officer of the other program"]
)
def test_only_the_nmos_national_officers_of_the_program(world, who):
    actor = (
        builders.user(Role.NATIONAL_OFFICER, nmo_=world.host, program_code="SCORE")
        if who == "host officer of the other program"
        else getattr(world, who)
    )

    with pytest.raises(NotAllowed) as refused:
        save(actor, world.host, Data(fee_amount=Decimal("99")))

    assert str(refused.value) == "You cannot change the exchange conditions of SLOMSIC."
    db.session.expire_all()
    assert world.conditions.fee_amount == Decimal("0")


def test_an_nmo_publishes_only_for_programs_it_takes_part_in(world):
    scope_only = builders.nmo("SCOPEONLY", "DE", "Germany", programs=("SCOPE",))

    with pytest.raises(DomainError, match=re.escape("SCOPEONLY does not take part in SCORE.")):
        save(world.admin, scope_only, Data(), program_code="SCORE")
    assert count(ExchangeConditions, ExchangeConditions.nmo_id == scope_only.id) == 0


def test_an_ended_season_keeps_its_conditions(world):
    past = builders.exchange_conditions(world.host, season_code="2025/26")

    with pytest.raises(DomainError) as refused:
        save(world.host_neo, world.host, Data(fee_amount=Decimal("10")), season_code="2025/26")

    assert str(refused.value) == "The 2025/26 season has ended; its conditions stay as they were."
    db.session.expire_all()
    assert past.fee_amount == Decimal("0")


def test_a_refusal_names_every_problem_and_leaves_the_conditions_as_they_were(world):
    data = Data(fee_amount=Decimal("-1"), min_study_year=6, max_study_year=4)

    with pytest.raises(DomainError) as refused:
        save(world.host_neo, world.host, data)

    assert str(refused.value) == (
        "The fee cannot be negative. The lowest year of study cannot be above the highest (6 > 4)."
    )
    db.session.expire_all()
    assert (world.conditions.min_study_year, world.conditions.max_study_year) == (3, 6)


def test_a_currency_off_the_list_is_kept_but_not_chosen_anew(world, amsa):
    world.conditions.fee_currency = "ISK"
    db.session.flush()

    kept, _ = save(world.host_neo, world.host, Data(fee_currency="ISK", fee_amount=Decimal("5")))
    assert (kept.fee_currency, kept.fee_amount) == ("ISK", Decimal("5"))

    nmo, officer = amsa
    with pytest.raises(
        DomainError, match=re.escape("Choose the fee's currency from the list, not 'ISK'.")
    ):
        save(officer, nmo, Data(fee_currency="ISK"))


# problems_with, rule by rule


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"fee_amount": Decimal("-0.01")}, "The fee cannot be negative."),
        ({"fee_amount": None}, "The fee cannot be negative."),
        ({"fee_amount": Decimal("100000000")}, "The fee is too large."),
        ({"fee_currency": "XYZ"}, "Choose the fee's currency from the list, not 'XYZ'."),
        ({"min_study_year": 0}, "The lowest year of study must be between 1 and 8."),
        ({"max_study_year": 9}, "The highest year of study must be between 1 and 8."),
        ({"max_study_year": None}, "The highest year of study must be between 1 and 8."),
        (
            {"min_study_year": 5, "max_study_year": 4},
            "The lowest year of study cannot be above the highest (5 > 4).",
        ),
        ({"languages": ["x" * 41]}, "A language name has at most 40 characters."),
        ({"required_documents": ["cv", "x-ray"]}, "Unknown document kind: x-ray."),
        (
            {"required_personal_data": ["phone", "shoe_size", "allergies"]},
            "Unknown personal data: shoe_size, allergies.",
        ),
        ({"months_not_hosted": [7, 13]}, "Months not hosted must be months of the year (1 to 12)."),
        ({"application_lead_weeks": -1}, "The application lead time must be 0 to 52 weeks."),
        ({"application_lead_weeks": 53}, "The application lead time must be 0 to 52 weeks."),
        ({"accommodation": "a" * 4001}, "Accommodation has at most 4000 characters."),
        ({"meals": "m" * 4001}, "Meals has at most 4000 characters."),
        (
            {"cancellation_policy": "c" * 4001},
            "The cancellation policy has at most 4000 characters.",
        ),
        ({"accommodation": ""}, conditions.ACCOMMODATION_REQUIRED),
        ({"accommodation": " \n\t "}, conditions.ACCOMMODATION_REQUIRED),
        ({"accommodation": None}, conditions.ACCOMMODATION_REQUIRED),
        ({"cancellation_policy": ""}, conditions.CANCELLATION_POLICY_REQUIRED),
        ({"cancellation_policy": "   "}, conditions.CANCELLATION_POLICY_REQUIRED),
        ({"notes": "n" * 4001}, "Notes has at most 4000 characters."),
    ],
)
def test_each_rule_names_its_problem(world, changes, problem):
    assert conditions.problems_with(Data(**changes)) == [problem]


def test_data_at_the_limits_has_no_problem(world):
    at_limits = Data(
        fee_amount=conditions.MAX_FEE,
        min_study_year=1,
        max_study_year=8,
        languages=["x" * 40],
        required_documents=["cv", "insurance"],
        months_not_hosted=[1, 12],
        application_lead_weeks=52,
        accommodation="a" * 4000,
        cancellation_policy="c" * 4000,
    )

    assert conditions.problems_with(at_limits) == []
    assert conditions.problems_with(Data(min_study_year=4, max_study_year=4)) == []
    assert conditions.problems_with(Data(fee_currency="ISK"), current_currency="ISK") == []
    assert conditions.problems_with(Data(accommodation="x", cancellation_policy="y")) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"accommodation": "  "}, conditions.ACCOMMODATION_REQUIRED),
        ({"cancellation_policy": ""}, conditions.CANCELLATION_POLICY_REQUIRED),
    ],
)
def test_saving_without_accommodation_or_cancellation_policy_is_refused(world, changes, problem):
    with pytest.raises(DomainError) as refused:
        save(world.host_neo, world.host, Data(fee_amount=Decimal("10"), **changes))

    assert str(refused.value) == problem
    db.session.expire_all()
    assert world.conditions.fee_amount == Decimal("0")
    assert world.conditions.accommodation == "Student dormitory"
    assert world.conditions.cancellation_policy == "Tell us 8 weeks ahead."


# Months not hosted while students hold contract slots in them


def slot_holder(
    world, state: State, month: int = 7, host=None, program_code="SCOPE", season_code="2026/27"
) -> Application:
    """An application of a new student in ``state``, holding (if its state does) the
    contract slot of ``month``: written straight to the table with every column any
    state after submission needs."""
    student = steps.another_student(world)
    day = builders.season().month_date(month)
    filled = {
        "submitted_at": clock.now(),
        "contract_id": world.contract.id,
        "exchange_month": month,
        "nominated_at": clock.now(),
        "ca_due_on": steps.ca_due_for(month),
        "placement_id": world.department.id,
        "starts_on": day,
        "ends_on": day + timedelta(weeks=4),
        "contact_person": "Dr. Maja Kos",
        "accepted_at": clock.now(),
        "cc_due_on": day - timedelta(weeks=4),
        "arrival_local": datetime(day.year, day.month, day.day, 10, 0),
        "arrival_transport": "Train",
        "confirmed_at": clock.now(),
        "arrived_at": clock.now(),
        "completed_at": clock.now(),
        "certified_at": clock.now(),
    }
    if state in CLOSED_STATES:
        filled |= {"closed_at": clock.now(), "closing_reason": "Changed plans."}
    if state == State.DRAFT:
        filled = {}
    return builders.application(
        student,
        host or world.host,
        program_code,
        season_code,
        state=state,
        months=[month],
        **filled,
    )


def close_months(world, months, **options):
    return save(world.host_neo, world.host, Data(months_not_hosted=months), **options)


def as_listed(holders) -> list[tuple[str, str, State, int]]:
    return [(h.code, h.student_name, h.state, h.month) for h in holders]


def test_closing_months_with_nominated_and_accepted_students_is_refused_listing_them(world):
    in_july = steps.nominated(world, month=7, student=steps.another_student(world, "a@x.org"))
    in_august = steps.accepted(world, month=8, student=steps.another_student(world, "b@x.org"))
    steps.submitted(world)  # holds no slot

    with pytest.raises(conditions.MonthsHeldByStudents) as refused:
        close_months(world, [8, 7, 1])

    assert as_listed(refused.value.holders) == [
        (in_july.code, in_july.student.name, State.NOMINATED, 7),
        (in_august.code, in_august.student.name, State.ACCEPTED, 8),
    ]
    assert str(refused.value) == (
        "July and August cannot be marked not hosted: students are nominated or accepted "
        f"for them ({in_july.code} {in_july.student.name}, nominated; {in_august.code} "
        f"{in_august.student.name}, accepted (CA issued)). Keep them hosted, or confirm that "
        "they are not hosted anyway; the nominated and accepted students stay as they are."
    )
    db.session.expire_all()
    assert world.conditions.months_not_hosted == []


def test_confirmed_closing_saves_and_leaves_the_applications_as_they_are(world):
    in_july = steps.nominated(world, month=7)
    in_august = steps.accepted(world, month=8)
    histories = {a.id: steps.history_of(a) for a in (in_july, in_august)}

    saved, created = close_months(world, [7, 8], not_hosted_anyway=True)

    assert created is False
    db.session.expire_all()
    assert saved.months_not_hosted == [7, 8]
    assert (steps.state_of(in_july), steps.state_of(in_august)) == (
        State.NOMINATED,
        State.ACCEPTED,
    )
    assert (in_july.exchange_month, in_august.exchange_month) == (7, 8)
    assert (in_july.contract_id, in_august.placement_id) == (
        world.contract.id,
        world.department.id,
    )
    assert {a.id: steps.history_of(a) for a in (in_july, in_august)} == histories


@pytest.mark.parametrize("state", list(State), ids=str)
def test_every_state_that_holds_a_contract_slot_counts_and_no_other(world, state):
    holder = slot_holder(world, state)

    if state in HOLDS_CONTRACT_SLOT:
        with pytest.raises(conditions.MonthsHeldByStudents) as refused:
            close_months(world, [7])
        assert [h.code for h in refused.value.holders] == [holder.code]
    else:
        saved, _ = close_months(world, [7])
        assert saved.months_not_hosted == [7]


def test_only_the_hosts_program_season_and_closed_months_count(world):
    other_host = builders.nmo("AMSA", "AT", "Austria")
    slot_holder(world, State.NOMINATED, month=7, host=other_host)
    slot_holder(world, State.NOMINATED, month=7, program_code="SCORE")
    slot_holder(world, State.NOMINATED, month=7, season_code="2027/28")
    slot_holder(world, State.ACCEPTED, month=8)

    saved, _ = close_months(world, [7, 1])
    assert saved.months_not_hosted == [7, 1]

    with pytest.raises(conditions.MonthsHeldByStudents) as refused:
        close_months(world, [7, 8])
    assert [h.month for h in refused.value.holders] == [8]


def test_a_month_closed_before_is_not_asked_about_again(world):
    in_july = slot_holder(world, State.NOMINATED, month=7)
    close_months(world, [7], not_hosted_anyway=True)

    # Another change of the conditions, July still closed: saved without asking.
    kept, _ = save(world.host_neo, world.host, Data(fee_amount=Decimal("5"), months_not_hosted=[7]))
    assert (kept.fee_amount, kept.months_not_hosted) == (Decimal("5"), [7])

    # Reopened and closed again, it is asked about again.
    close_months(world, [])
    with pytest.raises(conditions.MonthsHeldByStudents) as refused:
        close_months(world, [7])
    assert [h.code for h in refused.value.holders] == [in_july.code]


def test_first_conditions_of_a_program_are_checked_too(world):
    score = builders.program("SCORE")
    holder = slot_holder(world, State.NOMINATED, month=7, program_code="SCORE")

    with pytest.raises(conditions.MonthsHeldByStudents) as refused:
        save(world.admin, world.host, Data(months_not_hosted=[7]), program_code="SCORE")
    assert [h.code for h in refused.value.holders] == [holder.code]
    assert count(ExchangeConditions, ExchangeConditions.program_id == score.id) == 0


def test_the_holders_are_found_in_one_query(world, count_queries):
    for month in (7, 8, 7):
        slot_holder(world, State.NOMINATED, month=month)
    program, season = builders.program(), builders.season()

    with count_queries() as counted:
        holders = conditions.students_in_months(world.host, program, season, [7, 8])
        names = [h.student_name for h in holders]

    assert counted.value == 1
    assert [h.month for h in holders] == [7, 7, 8]
    assert all(names)
