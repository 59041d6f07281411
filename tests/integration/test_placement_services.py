"""Departments and research projects, called directly: who may create, change, close and
reopen them, what they must say, and capacities that never fall below the students
accepted (``PlacementCapacity.used``)."""

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from exchange import clock
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.placements import services
from exchange.placements.models import Placement, PlacementCapacity, PlacementKind, ProjectType
from tests import builders
from tests.integration.steps import accepted, count, state_of

Data = services.PlacementData


def department_data(lc, **changes) -> services.PlacementData:
    values = {
        "lc_id": lc.id,
        "title": " Neurology ",
        "field": "Neurology",
        "hospital": "University Medical Centre",
        "languages": ["English", " slovene ", "Slovene"],
    }
    return Data(**(values | changes))


def project_data(lc, **changes) -> services.PlacementData:
    values = {
        "lc_id": lc.id,
        "title": "Gut microbiome",
        "field": "Microbiology",
        "supervisor": "Prof. Ana Novak",
        "project_type": "  basic RESEARCH ",
        "weeks": 8,
        "methods": "PCR",
    }
    return Data(**(values | changes))


def create(officer, data, program_code="SCOPE", capacities=None):
    return services.create_placement(
        officer, builders.program(program_code), data, builders.season(), capacities
    )


def capacities_in_database(placement) -> dict[int, tuple[int, int]]:
    """month -> (capacity, used), as stored."""
    return {
        row.month: (row.capacity, row.used)
        for row in db.session.scalars(
            select(PlacementCapacity)
            .where(PlacementCapacity.placement_id == placement.id)
            .execution_options(populate_existing=True)
        )
    }


def score_officer(world):
    return builders.user(Role.NATIONAL_OFFICER, nmo_=world.host, program_code="SCORE")


# create_placement


def test_a_local_officer_creates_a_department_of_their_lc(world):
    made = create(world.host_leo, department_data(world.host_lc), capacities={7: 2, 8: 0, 9: 1})

    assert made.kind == PlacementKind.DEPARTMENT
    assert (made.nmo_id, made.lc_id) == (world.host.id, world.host_lc.id)
    assert (made.title, made.city, made.weeks) == ("Neurology", "Ljubljana", 4)
    assert made.languages == ["English", "slovene"]
    assert capacities_in_database(made) == {7: (2, 0), 9: (1, 0)}


def test_a_national_officer_creates_a_research_project_in_any_lc_of_the_nmo(world):
    made = create(score_officer(world), project_data(world.other_lc), "SCORE", {7: 1})

    assert made.kind == PlacementKind.RESEARCH_PROJECT
    assert (made.lc_id, made.city) == (world.other_lc.id, "Maribor")
    assert (made.project_type, made.weeks, made.supervisor) == (
        ProjectType.BASIC,
        8,
        "Prof. Ana Novak",
    )


def test_a_placement_keeps_its_address_and_its_own_accommodation_and_meals(world):
    made = create(
        world.host_leo,
        department_data(
            world.host_lc,
            address=" Zaloška cesta 2, 1000 Ljubljana ",
            accommodation="\nA room in the nurses' home\n",
            meals="",
        ),
    )

    assert made.address == "Zaloška cesta 2, 1000 Ljubljana"
    assert (made.accommodation, made.meals) == ("A room in the nurses' home", "")
    assert Data.of(made).address == "Zaloška cesta 2, 1000 Ljubljana"


def test_a_change_of_address_accommodation_or_meals_is_a_change(world):
    for changes in ({"address": "Njegoševa 4"}, {"accommodation": "Hostel"}, {"meals": "None"}):
        assert services.update_placement(
            world.host_leo, world.department, cardiology_data(world, **changes)
        )
    assert (world.department.address, world.department.accommodation) == (
        "Njegoševa 4",
        "Hostel",
    )
    assert world.department.meals == "None"
    assert not services.update_placement(
        world.host_leo, world.department, cardiology_data(world, meals=" None ")
    )


@pytest.mark.parametrize(
    ("own", "conditions", "expected"),
    [
        (("", ""), ("Dormitory", "Lunch"), ("Dormitory", "Lunch", False, False)),
        (("Nurses' home", ""), ("Dormitory", "Lunch"), ("Nurses' home", "Lunch", True, False)),
        (("  ", "Canteen"), ("Dormitory", "Lunch"), ("Dormitory", "Canteen", False, True)),
        (("Nurses' home", "Canteen"), None, ("Nurses' home", "Canteen", True, True)),
        (("", ""), None, ("", "", False, False)),
    ],
)
def test_the_card_prints_the_placements_own_stay_else_the_conditions(
    world, own, conditions, expected
):
    world.department.accommodation, world.department.meals = own
    if conditions is not None:
        world.conditions.accommodation, world.conditions.meals = conditions

    stay = services.accommodation_and_meals(
        world.department, world.conditions if conditions is not None else None
    )

    assert (
        stay.accommodation,
        stay.meals,
        stay.accommodation_by_placement,
        stay.meals_by_placement,
    ) == expected


def _refused_creation(world, error, message, officer, data, program_code="SCOPE", **kw):
    before = count(Placement)
    with pytest.raises(error) as refused:
        create(officer, data, program_code, **kw)
    assert str(refused.value) == message
    assert count(Placement) == before


@pytest.mark.parametrize("lc_id", [None, 0, 999999])
def test_a_placement_needs_an_lc(world, lc_id):
    _refused_creation(
        world,
        DomainError,
        "Choose the LC that offers it.",
        world.host_neo,
        department_data(world.host_lc, lc_id=lc_id),
    )


@pytest.mark.parametrize(
    ("who", "lc", "program_code", "message"),
    [
        ("host_leo", "other_lc", "SCOPE", "You cannot keep the departments of LC Maribor."),
        ("home_neo", "host_lc", "SCOPE", "You cannot keep the departments of LC Ljubljana."),
        ("student", "home_lc", "SCOPE", "You cannot keep the departments of LC Zagreb."),
        (
            "host_neo",
            "host_lc",
            "SCORE",
            "You cannot keep the research projects of LC Ljubljana.",
        ),
    ],
)
def test_only_officers_who_keep_the_lc_in_the_program(world, who, lc, program_code, message):
    data = (department_data if program_code == "SCOPE" else project_data)(getattr(world, lc))

    _refused_creation(world, NotAllowed, message, getattr(world, who), data, program_code)


def test_an_nmo_offers_only_placements_of_its_programs(world):
    scope_only = builders.nmo("SCOPEONLY", "DE", "Germany", programs=("SCOPE",))

    _refused_creation(
        world,
        DomainError,
        "SCOPEONLY does not take part in SCORE.",
        world.admin,
        project_data(builders.lc(scope_only, "LC Berlin", "Berlin")),
        "SCORE",
    )


@pytest.mark.parametrize(
    ("changes", "program_code", "message"),
    [
        (
            {"title": " ", "field": "", "hospital": ""},
            "SCOPE",
            "Give the title. Give the field or specialty. Give the hospital.",
        ),
        ({"title": "t" * 201}, "SCOPE", "The title has at most 200 characters."),
        ({"address": "a" * 301}, "SCOPE", "The address has at most 300 characters."),
        (
            {"accommodation": "a" * 4001},
            "SCOPE",
            "The accommodation has at most 4000 characters.",
        ),
        ({"meals": "m" * 4001}, "SCORE", "The meals have at most 4000 characters."),
        ({"description": "d" * 4001}, "SCOPE", "The description has at most 4000 characters."),
        ({"languages": ["l" * 41]}, "SCOPE", "A language name has at most 40 characters."),
        ({"supervisor": ""}, "SCORE", "Name the supervisor."),
        (
            {"project_type": "", "weeks": 6},
            "SCORE",
            "Choose the project type. A research project lasts 4 or 8 weeks.",
        ),
        (
            {"project_type": "applied"},
            "SCORE",
            "Unknown project type 'applied': use one of basic, clinical_with_lab, "
            "clinical_without_lab.",
        ),
        ({"weeks": None}, "SCORE", "A research project lasts 4 or 8 weeks."),
        (
            {"expected_output": "e" * 4001},
            "SCORE",
            "The expected output has at most 4000 characters.",
        ),
    ],
)
def test_what_a_placement_must_say(world, changes, program_code, message):
    if program_code == "SCOPE":
        officer, data = world.host_neo, department_data(world.host_lc, **changes)
    else:
        officer, data = score_officer(world), project_data(world.host_lc, **changes)

    _refused_creation(world, DomainError, message, officer, data, program_code)


@pytest.mark.parametrize(
    ("capacities", "message"),
    [
        ({7: -1}, "The capacity for July cannot be negative."),
        ({8: 1001}, "The capacity for August is at most 1000."),
        (
            {7: -1, 8: 1001},
            "The capacity for July cannot be negative. The capacity for August is at most 1000.",
        ),
    ],
)
def test_capacities_are_from_0_to_1000(world, capacities, message):
    _refused_creation(
        world,
        DomainError,
        message,
        world.host_leo,
        department_data(world.host_lc),
        capacities=capacities,
    )


# update_placement


def cardiology_data(world, **changes) -> services.PlacementData:
    """What Cardiology says now, with ``changes``."""
    return replace(Data.of(world.department), **changes)


@pytest.mark.parametrize("who", ["home_neo", "host_leo", "student"])
def test_only_those_who_keep_a_placement_change_it(world, who):
    surgery = world.other_department  # in LC Maribor: not the host LEO's LC

    with pytest.raises(NotAllowed) as refused:
        services.update_placement(
            getattr(world, who),
            surgery,
            replace(Data.of(surgery), title="Trauma surgery"),
        )

    assert str(refused.value) == "You cannot change Surgery."
    db.session.expire_all()
    assert surgery.title == "Surgery"


def test_a_placement_moves_only_to_an_lc_of_its_nmo_that_the_officer_keeps(world):
    with pytest.raises(DomainError, match=re.escape("Choose an LC of SLOMSIC.")):
        services.update_placement(
            world.admin, world.department, cardiology_data(world, lc_id=world.home_lc.id)
        )
    with pytest.raises(NotAllowed, match=re.escape("departments of LC Maribor")):
        services.update_placement(
            world.host_leo, world.department, cardiology_data(world, lc_id=world.other_lc.id)
        )
    db.session.expire_all()
    assert world.department.lc_id == world.host_lc.id

    changed = services.update_placement(
        world.host_neo,
        world.department,
        cardiology_data(world, lc_id=world.other_lc.id, city=""),
    )

    assert changed is True
    assert (world.department.lc_id, world.department.city) == (world.other_lc.id, "Maribor")


def test_a_refused_change_leaves_the_placement_as_it_was(world):
    with pytest.raises(DomainError, match=re.escape("Give the hospital.")):
        services.update_placement(
            world.host_leo, world.department, cardiology_data(world, title="ICU", hospital=" ")
        )

    db.session.expire_all()
    assert (world.department.title, world.department.hospital) == (
        "Cardiology",
        "University Hospital Ljubljana",
    )


def test_an_update_says_whether_anything_changed(world):
    def update(capacities=None, **changes) -> bool:
        return services.update_placement(
            world.host_leo,
            world.department,
            cardiology_data(world, **changes),
            builders.season(),
            capacities,
        )

    assert update() is False
    assert update({7: 1, 8: 1}) is False
    assert update({7: 3}) is True
    assert update(field="Cardiac care") is True
    assert capacities_in_database(world.department) == {7: (3, 0), 8: (1, 0)}
    assert world.department.field == "Cardiac care"


def test_capacity_never_goes_below_the_students_accepted(world):
    application = accepted(world, 7)  # takes Cardiology's one July place
    season = builders.season()

    with pytest.raises(services.CapacityBelowUsed) as refused:
        services.update_placement(
            world.host_leo, world.department, cardiology_data(world), season, {7: 0, 8: 0}
        )

    assert str(refused.value) == "July has 1 student accepted; capacity cannot go below 1."
    assert (refused.value.month, refused.value.used) == (7, 1)
    assert capacities_in_database(world.department) == {7: (1, 1), 8: (1, 0)}

    services.update_placement(
        world.host_leo, world.department, cardiology_data(world), season, {7: 1, 8: 0, 9: 2}
    )
    assert capacities_in_database(world.department) == {7: (1, 1), 8: (0, 0), 9: (2, 0)}
    assert state_of(application) == State.ACCEPTED


# close_placement and reopen_placement


def test_closing_keeps_the_students_accepted_and_reopening_opens_again(world):
    application = accepted(world, 7)

    services.close_placement(world.host_leo, world.department)

    assert not world.department.is_open
    assert abs(world.department.closed_at - clock.now()) < timedelta(minutes=1)
    assert state_of(application) == State.ACCEPTED
    assert capacities_in_database(world.department)[7] == (1, 1)
    with pytest.raises(DomainError) as refused:
        services.close_placement(world.host_leo, world.department)
    assert str(refused.value) == "Cardiology is already closed."

    services.reopen_placement(world.host_neo, world.department)

    assert world.department.is_open
    with pytest.raises(DomainError) as refused:
        services.reopen_placement(world.host_leo, world.department)
    assert str(refused.value) == "Cardiology is already open."


@pytest.mark.parametrize("who", ["home_neo", "host_leo", "student"])
def test_only_those_who_keep_a_placement_close_or_reopen_it(world, who):
    surgery = world.other_department
    officer = getattr(world, who)

    with pytest.raises(NotAllowed, match=re.escape("You cannot close Surgery.")):
        services.close_placement(officer, surgery)
    assert surgery.is_open

    services.close_placement(world.host_neo, surgery)
    with pytest.raises(NotAllowed, match=re.escape("You cannot reopen Surgery.")):
        services.reopen_placement(officer, surgery)
    db.session.expire_all()
    assert not surgery.is_open


def test_a_deactivated_lc_offers_no_new_placement(world):
    world.host_lc.is_active = False
    with pytest.raises(DomainError, match="LC Ljubljana is deactivated"):
        create(world.host_neo, department_data(world.host_lc))
