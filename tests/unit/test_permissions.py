"""The pure permission functions, as tables of (user, object) pairs. No app, no database."""

from types import SimpleNamespace as Obj

import pytest

from exchange.applications.permissions import actors_for, can_view_application
from exchange.applications.states import Actor, State
from exchange.auth.models import Role
from exchange.auth.permissions import (
    can_manage_lc,
    can_manage_nmo,
    can_manage_users,
    can_view_nmo_people,
)

SCOPE, SCORE = 1, 2
HOME, HOST, OTHER = 10, 20, 30  # NMO ids
HOME_LC, HOST_LC, OTHER_LC = 100, 200, 300


def person(user_id, *memberships):
    return Obj(id=user_id, is_authenticated=True, memberships=list(memberships))


def member(role, nmo_id=None, lc_id=None, program_id=None):
    return Obj(role=role, nmo_id=nmo_id, lc_id=lc_id, program_id=program_id)


ANONYMOUS = Obj(id=None, is_authenticated=False, memberships=[])
ADMIN = person(1, member(Role.ADMIN))
STUDENT = person(2, member(Role.STUDENT, HOME, HOME_LC))
OTHER_STUDENT = person(3, member(Role.STUDENT, HOME, HOME_LC))
HOME_NEO = person(4, member(Role.NATIONAL_OFFICER, HOME, program_id=SCOPE))
HOME_NORE = person(5, member(Role.NATIONAL_OFFICER, HOME, program_id=SCORE))
HOST_NEO = person(6, member(Role.NATIONAL_OFFICER, HOST, program_id=SCOPE))
HOME_LEO = person(7, member(Role.LOCAL_OFFICER, HOME, HOME_LC, SCOPE))
HOST_LEO = person(8, member(Role.LOCAL_OFFICER, HOST, HOST_LC, SCOPE))
OTHER_LEO = person(9, member(Role.LOCAL_OFFICER, HOST, OTHER_LC, SCOPE))
STRANGER_NEO = person(10, member(Role.NATIONAL_OFFICER, OTHER, program_id=SCOPE))

APPLICATION = Obj(
    state=State.ACCEPTED,
    student_id=STUDENT.id,
    program_id=SCOPE,
    home_nmo_id=HOME,
    home_lc_id=HOME_LC,
    host_nmo_id=HOST,
    submitted_at="submitted",
    contract_id=1,
    placement=Obj(lc_id=HOST_LC),
    preferences=[Obj(placement=Obj(lc_id=OTHER_LC))],
)
# Nominated, not placed: the host LCs are those of the ranked placements.
UNPLACED = Obj(**{**vars(APPLICATION), "placement": None, "state": State.NOMINATED})
REJECTED_BY_HOST = Obj(**{**vars(UNPLACED), "state": State.REJECTED})
NOT_NOMINATED = Obj(**{**vars(UNPLACED), "contract_id": None})
DRAFT = Obj(**{**vars(NOT_NOMINATED), "submitted_at": None})


@pytest.mark.parametrize(
    ("user", "application", "expected"),
    [
        (ANONYMOUS, APPLICATION, set()),
        (ADMIN, APPLICATION, {Actor.ADMIN}),
        (STUDENT, APPLICATION, {Actor.STUDENT}),
        (OTHER_STUDENT, APPLICATION, set()),
        (HOME_NEO, APPLICATION, {Actor.HOME_NATIONAL_OFFICER}),
        (HOME_NORE, APPLICATION, set()),  # another program
        (HOST_NEO, APPLICATION, {Actor.HOST_NATIONAL_OFFICER}),
        (HOME_LEO, APPLICATION, {Actor.HOME_LOCAL_OFFICER}),
        (HOST_LEO, APPLICATION, {Actor.HOST_LOCAL_OFFICER}),
        (HOST_LEO, UNPLACED, set()),  # ranked no placement of their LC
        (OTHER_LEO, UNPLACED, {Actor.HOST_LOCAL_OFFICER}),  # ranked one of theirs
        (OTHER_LEO, NOT_NOMINATED, set()),  # the host sees nothing before nomination
        (OTHER_LEO, REJECTED_BY_HOST, set()),  # ranked, but no longer to be placed
        (HOST_NEO, NOT_NOMINATED, set()),
        (HOME_NEO, NOT_NOMINATED, {Actor.HOME_NATIONAL_OFFICER}),
        (HOME_NEO, DRAFT, set()),  # a draft is the student's alone
        (HOME_LEO, DRAFT, set()),
        (STUDENT, DRAFT, {Actor.STUDENT}),
        (OTHER_LEO, APPLICATION, set()),  # placed in another LC
        (STRANGER_NEO, APPLICATION, set()),
    ],
)
def test_actors_for_application(user, application, expected):
    assert actors_for(user, application) == expected
    assert can_view_application(user, application) == bool(expected)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (ANONYMOUS, False),
        (ADMIN, True),
        (STUDENT, False),
        (HOME_NEO, False),
        (HOME_LEO, False),
    ],
)
def test_only_admins_manage_users(user, expected):
    assert can_manage_users(user) is expected


@pytest.mark.parametrize(
    ("user", "nmo_id", "program_id", "expected"),
    [
        (ADMIN, HOME, SCOPE, True),
        (HOME_NEO, HOME, SCOPE, True),
        (HOME_NEO, HOME, SCORE, False),
        (HOME_NEO, HOST, SCOPE, False),
        (HOME_NORE, HOME, SCORE, True),
        (HOME_LEO, HOME, SCOPE, False),
        (STUDENT, HOME, SCOPE, False),
        (ANONYMOUS, HOME, SCOPE, False),
    ],
)
def test_can_manage_nmo(user, nmo_id, program_id, expected):
    assert can_manage_nmo(user, nmo_id, program_id) is expected


@pytest.mark.parametrize(
    ("user", "lc_id", "expected"),
    [
        (ADMIN, HOST_LC, True),
        (HOST_NEO, HOST_LC, True),
        (HOST_LEO, HOST_LC, True),
        (OTHER_LEO, HOST_LC, False),
        (HOME_NEO, HOST_LC, False),
        (STUDENT, HOST_LC, False),
    ],
)
def test_can_manage_lc(user, lc_id, expected):
    assert can_manage_lc(user, HOST, lc_id, SCOPE) is expected


@pytest.mark.parametrize(
    ("user", "expected"),
    [(ADMIN, True), (HOST_NEO, True), (HOST_LEO, True), (HOME_NEO, False), (STUDENT, False)],
)
def test_can_view_nmo_people(user, expected):
    assert can_view_nmo_people(user, Obj(id=HOST)) is expected
