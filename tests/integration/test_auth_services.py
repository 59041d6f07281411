"""Accounts, called directly: registration, login, passwords and their links, and the
admins' work on accounts and roles. Each refusal says why and saves nothing."""

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select
from werkzeug.security import check_password_hash

from exchange import clock
from exchange.auth import services as accounts
from exchange.auth.models import Membership, Role, User
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.organizations.memberships import build_membership, register_student
from tests import builders
from tests.integration.steps import count, subjects_mailed_to

LONG_ENOUGH = "x" * accounts.MIN_PASSWORD_LENGTH


def register(world, email="ana.horvat@example.org", password=LONG_ENOUGH, nmo=None, lc_id=None):
    """Register, and return the account the address has afterwards (None: none)."""
    register_student(
        email,
        " Ana Horvat ",
        password,
        (nmo or world.home).id,
        world.home_lc.id if lc_id is None else lc_id,
        3,
    )
    return accounts.find_user_by_email(email)


def users_with(email: str) -> int:
    return count(User, User.email == email)


# Registration


def test_a_student_registers_into_an_lc_of_their_nmo(world):
    user = register(world, email="  Ana.Horvat@Example.ORG ")

    assert (user.email, user.name, user.year_of_study) == (
        "ana.horvat@example.org",
        "Ana Horvat",
        3,
    )
    assert [(m.role, m.nmo_id, m.lc_id, m.program_id) for m in user.memberships] == [
        (Role.STUDENT, world.home.id, world.home_lc.id, None)
    ]
    assert user.password_hash != LONG_ENOUGH
    assert check_password_hash(user.password_hash, LONG_ENOUGH)
    # The account waits for its address to be confirmed, by the link mailed to it.
    assert user.email_confirmed_at is None
    assert subjects_mailed_to("ana.horvat@example.org") == ["Confirm your exchange account"]
    assert accounts.authenticate("ana.horvat@example.org", LONG_ENOUGH) is user


@pytest.mark.parametrize("lc", ["of another NMO", "unknown"])
def test_registration_needs_an_lc_of_the_chosen_nmo(world, lc):
    lc_id = world.host_lc.id if lc == "of another NMO" else world.host_lc.id + 1000

    with pytest.raises(
        DomainError, match=re.escape("Choose a local committee of the NMO you chose.")
    ):
        register(world, lc_id=lc_id)
    assert users_with("ana.horvat@example.org") == 0


def test_an_email_has_one_account_whatever_its_case(world):
    before = (world.student.name, world.student.password_hash)
    assert register(world, email=" STUDENT@example.org") is world.student

    # Nothing of the account changes; its owner is told that someone tried.
    assert (world.student.name, world.student.password_hash) == before
    assert users_with("student@example.org") == 1
    assert subjects_mailed_to("student@example.org") == ["Your exchange account"]


def test_a_password_has_a_minimum_length(world):
    with pytest.raises(DomainError) as refused:
        register(world, password=LONG_ENOUGH[:-1])

    assert str(refused.value) == (
        f"Choose a password of at least {accounts.MIN_PASSWORD_LENGTH} characters."
    )
    assert users_with("ana.horvat@example.org") == 0
    assert register(world, password=LONG_ENOUGH) is not None


# Logging in


def test_authenticate_knows_the_password_and_records_the_login(world):
    student = world.student
    assert student.last_login_at is None

    assert accounts.authenticate(" Student@Example.org ", builders.PASSWORD) is student
    assert student.last_login_at is not None
    assert abs(student.last_login_at - clock.now()) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("student@example.org", "not the password"),
        ("student@example.org", ""),
        ("nobody@example.org", builders.PASSWORD),
    ],
)
def test_authenticate_refuses_a_wrong_password_or_an_unknown_email(world, email, password):
    assert accounts.authenticate(email, password) is None
    assert world.student.last_login_at is None


def test_a_deactivated_account_does_not_log_in_or_stay_logged_in(world):
    session_id = world.student.get_id()
    assert accounts.load_user(session_id) is world.student

    accounts.set_user_active(world.admin, world.student, False)

    assert accounts.authenticate("student@example.org", builders.PASSWORD) is None
    assert accounts.load_user(session_id) is None
    accounts.set_user_active(world.admin, world.student, True)
    assert accounts.load_user(session_id) is world.student


# Passwords and their links


def test_a_new_password_needs_the_current_one_and_ends_other_sessions(world):
    student = world.student
    session_id = student.get_id()
    with pytest.raises(DomainError, match=re.escape("The current password is not right.")):
        accounts.change_password(student, "wrong password", "a brand new password")
    with pytest.raises(DomainError, match="at least 10 characters"):
        accounts.change_password(student, builders.PASSWORD, "short")
    assert accounts.load_user(session_id) is student

    accounts.change_password(student, builders.PASSWORD, "a brand new password")

    assert accounts.authenticate(student.email, builders.PASSWORD) is None
    assert accounts.authenticate(student.email, "a brand new password") is student
    assert accounts.load_user(session_id) is None
    assert accounts.load_user(student.get_id()) is student


def test_a_name_cannot_be_empty(world):
    with pytest.raises(DomainError, match=re.escape("Your name cannot be empty.")):
        accounts.change_name(world.student, "   ")
    accounts.change_name(world.student, "  Ivana Kovač ")
    assert world.student.name == "Ivana Kovač"


def test_a_reset_link_works_once(world):
    token = accounts.make_reset_token(world.student)
    assert accounts.user_for_reset_token(token) is world.student

    accounts.reset_password(world.student, "another long password")

    assert accounts.user_for_reset_token(token) is None
    assert accounts.user_for_reset_token("not-a-token") is None


def test_a_reset_link_lasts_an_hour_and_an_invitation_two_weeks(world, app):
    reset = accounts.make_reset_token(world.student)
    invitation = accounts.make_reset_token(world.student, invitation=True)
    hour = app.config["PASSWORD_RESET_MAX_AGE"]

    with time_machine.travel(clock.now() + timedelta(seconds=hour + 60)):
        assert accounts.user_for_reset_token(reset) is None
        assert accounts.user_for_reset_token(invitation) is world.student
    with time_machine.travel(clock.now() + timedelta(seconds=accounts.INVITATION_MAX_AGE + 60)):
        assert accounts.user_for_reset_token(invitation) is None


def test_reset_links_go_only_to_active_accounts(world):
    accounts.set_user_active(world.admin, world.home_neo, False)

    for email in ("nobody@example.org", world.home_neo.email, " Student@example.org"):
        accounts.request_password_reset(email)

    # Every address gets one message (its time tells no one which has an account), and
    # only the active account's holds a link.
    assert subjects_mailed_to("nobody@example.org") == ["Your exchange password"]
    assert subjects_mailed_to(world.home_neo.email) == ["Your exchange password"]
    assert subjects_mailed_to(world.student.email) == ["Reset your exchange password"]


# Accounts made by admins


def officer_membership(world) -> Membership:
    return build_membership(
        Role.NATIONAL_OFFICER, nmo=world.host, program=builders.program("SCORE")
    )


@pytest.mark.parametrize("who", ["home_neo", "host_leo", "student"])
def test_only_admins_create_accounts(world, who):
    with pytest.raises(NotAllowed) as refused:
        accounts.create_user(
            getattr(world, who), "nore@example.org", "Nora", LONG_ENOUGH, officer_membership(world)
        )

    assert str(refused.value) == "Only admins create accounts for officers and admins."
    assert users_with("nore@example.org") == 0
    assert subjects_mailed_to("nore@example.org") == []


def test_an_admin_creates_an_officer_who_is_invited_to_choose_a_password(world):
    made = accounts.create_user(
        world.admin, " NORE@example.org", "Nora", LONG_ENOUGH, officer_membership(world)
    )

    assert made.email == "nore@example.org"
    assert [(m.role, m.nmo_id, m.program_id) for m in made.memberships] == [
        (Role.NATIONAL_OFFICER, world.host.id, builders.program("SCORE").id)
    ]
    assert subjects_mailed_to("nore@example.org") == ["Your exchange account"]


def test_the_command_line_creates_an_account_without_inviting(world):
    made = accounts.create_user(
        None, "nore@example.org", "Nora", LONG_ENOUGH, officer_membership(world)
    )

    assert made.id is not None
    assert subjects_mailed_to("nore@example.org") == []


def test_an_admin_cannot_create_a_second_account_for_an_email(world):
    with pytest.raises(DomainError, match="exists already"):
        accounts.create_user(
            world.admin, "neo@example.org", "Twin", LONG_ENOUGH, officer_membership(world)
        )
    assert users_with("neo@example.org") == 1


# Roles and activation


def test_only_admins_add_roles_and_never_the_same_twice(world):
    with pytest.raises(NotAllowed, match=re.escape("Only admins change roles.")):
        accounts.add_membership(world.home_neo, world.home_neo, officer_membership(world))
    with pytest.raises(DomainError, match=re.escape("The user holds this role already.")):
        accounts.add_membership(
            world.admin,
            world.home_neo,
            build_membership(
                Role.NATIONAL_OFFICER, nmo=world.home, program=builders.program("SCOPE")
            ),
        )
    assert len(world.home_neo.memberships) == 1

    accounts.add_membership(world.admin, world.home_neo, officer_membership(world))
    assert len(world.home_neo.memberships) == 2


def test_only_admins_remove_roles(world):
    accounts.add_membership(world.admin, world.home_neo, officer_membership(world))
    second = world.home_neo.memberships[1]

    with pytest.raises(NotAllowed, match=re.escape("Only admins change roles.")):
        accounts.remove_membership(world.home_neo, second)

    assert count(Membership, Membership.user_id == world.home_neo.id) == 2


def test_a_users_only_role_stays(world):
    (only,) = world.home_neo.memberships

    with pytest.raises(DomainError) as refused:
        accounts.remove_membership(world.admin, only)

    assert str(refused.value) == ("This is the user's only role; deactivate the account instead.")
    assert count(Membership, Membership.user_id == world.home_neo.id) == 1


def test_an_admin_keeps_their_own_admin_role_but_may_take_another_admins(world):
    accounts.add_membership(world.admin, world.admin, officer_membership(world))
    other_admin = builders.user(Role.ADMIN)
    accounts.add_membership(world.admin, other_admin, officer_membership(world))
    own = next(m for m in world.admin.memberships if m.role == Role.ADMIN)
    theirs = next(m for m in other_admin.memberships if m.role == Role.ADMIN)

    with pytest.raises(DomainError) as refused:
        accounts.remove_membership(world.admin, own)
    assert str(refused.value) == ("You cannot take away your own admin role; ask another admin.")

    accounts.remove_membership(world.admin, theirs)
    db.session.expire_all()
    roles = db.session.scalars(
        select(Membership.role).where(Membership.user_id == other_admin.id)
    ).all()
    assert roles == [Role.NATIONAL_OFFICER]
    assert Role.ADMIN in world.admin.roles()


def test_only_admins_deactivate_and_never_themselves(world):
    with pytest.raises(
        NotAllowed, match=re.escape("Only admins activate and deactivate accounts.")
    ):
        accounts.set_user_active(world.home_neo, world.student, False)
    with pytest.raises(DomainError, match=re.escape("You cannot deactivate your own account.")):
        accounts.set_user_active(world.admin, world.admin, False)
    db.session.expire_all()
    assert world.student.is_active and world.admin.is_active

    accounts.set_user_active(world.admin, world.admin, True)  # a no-op, not a refusal
    assert world.admin.is_active
