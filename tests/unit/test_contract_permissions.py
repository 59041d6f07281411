"""Who answers a proposed contract, and who sees a partner NMO's officers: the pure
functions as tables. No app, no database."""

from types import SimpleNamespace as Obj

import pytest

from exchange.auth.models import Role
from exchange.auth.permissions import (
    can_answer_contract,
    can_view_nmo_people,
    can_view_partner_officers,
    partner_nmo_id,
)
from tests.unit.test_permissions import (
    ADMIN,
    ANONYMOUS,
    HOME,
    HOME_LEO,
    HOME_NEO,
    HOME_NORE,
    HOST,
    HOST_LEO,
    HOST_NEO,
    OTHER,
    SCOPE,
    STRANGER_NEO,
    STUDENT,
    member,
    person,
)

# Sending HOME, hosting HOST, SCOPE: proposed by one side, by none recorded.
BY_HOME = Obj(sending_nmo_id=HOME, host_nmo_id=HOST, program_id=SCOPE, proposed_by_nmo_id=HOME)
BY_HOST = Obj(**{**vars(BY_HOME), "proposed_by_nmo_id": HOST})
BY_NONE = Obj(**{**vars(BY_HOME), "proposed_by_nmo_id": None})
BOTH_SIDES_NEO = person(
    11,
    member(Role.NATIONAL_OFFICER, HOME, program_id=SCOPE),
    member(Role.NATIONAL_OFFICER, HOST, program_id=SCOPE),
)


@pytest.mark.parametrize(
    ("contract", "partner"), [(BY_HOME, HOST), (BY_HOST, HOME), (BY_NONE, None)]
)
def test_the_partner_is_the_side_that_did_not_propose(contract, partner):
    assert partner_nmo_id(contract) == partner


@pytest.mark.parametrize(
    ("user", "by_home", "by_host", "by_none"),
    [
        (HOST_NEO, True, False, True),
        (HOME_NEO, False, True, True),
        (BOTH_SIDES_NEO, True, True, True),
        (HOME_NORE, False, False, False),  # the other program
        (HOST_LEO, False, False, False),  # local officers do not answer
        (HOME_LEO, False, False, False),
        (STRANGER_NEO, False, False, False),
        (ADMIN, False, False, False),  # admins do not answer for an NMO
        (STUDENT, False, False, False),
        (ANONYMOUS, False, False, False),
    ],
)
def test_only_the_partners_national_officers_of_the_program_answer(user, by_home, by_host, by_none):
    assert can_answer_contract(user, BY_HOME) is by_home
    assert can_answer_contract(user, BY_HOST) is by_host
    assert can_answer_contract(user, BY_NONE) is by_none


HOST_NMO, OTHER_NMO = Obj(id=HOST), Obj(id=OTHER)


@pytest.mark.parametrize(
    ("user", "partners", "sees_host", "sees_other"),
    [
        (HOME_NEO, {HOST}, True, False),
        (HOME_NORE, {HOST}, True, False),
        (HOME_LEO, {HOST}, True, False),
        (HOME_NEO, set(), False, False),  # no contract with anyone
        (STUDENT, {HOST}, False, False),  # students are no officers
        (ANONYMOUS, {HOST}, False, False),
    ],
)
def test_officers_see_the_officers_of_their_partner_nmos_only(
    user, partners, sees_host, sees_other
):
    assert can_view_partner_officers(user, HOST_NMO, partners) is sees_host
    assert can_view_partner_officers(user, OTHER_NMO, partners) is sees_other


def test_the_rule_for_other_nmos_people_is_unchanged():
    assert not can_view_nmo_people(HOME_NEO, HOST_NMO)
    assert can_view_nmo_people(HOST_NEO, HOST_NMO) and can_view_nmo_people(ADMIN, HOST_NMO)
