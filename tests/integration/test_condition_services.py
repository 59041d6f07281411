"""Exchange conditions, called directly: who may publish them, for which NMO, program and
season, what they may say (``problems_with``), and how they are kept."""

import re
from decimal import Decimal

import pytest

from exchange.auth.models import Role
from exchange.conditions import services as conditions
from exchange.conditions.models import ExchangeConditions
from exchange.conditions.queries import find_conditions
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from tests import builders
from tests.integration.steps import count

Data = conditions.ConditionsData


def save(officer, nmo, data, program_code="SCOPE", season_code="2026/27"):
    return conditions.save_exchange_conditions(
        officer, nmo, builders.program(program_code), builders.season(season_code), data
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
        ({"months_not_hosted": [7, 13]}, "Months not hosted must be months of the year (1 to 12)."),
        ({"application_lead_weeks": -1}, "The application lead time must be 0 to 52 weeks."),
        ({"application_lead_weeks": 53}, "The application lead time must be 0 to 52 weeks."),
        ({"meals": "m" * 4001}, "Meals has at most 4000 characters."),
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
        cancellation_policy="c" * 4000,
    )

    assert conditions.problems_with(at_limits) == []
    assert conditions.problems_with(Data(min_study_year=4, max_study_year=4)) == []
    assert conditions.problems_with(Data(fee_currency="ISK"), current_currency="ISK") == []
