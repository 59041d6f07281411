"""Who belongs where: a student joining an LC, and the scope (NMO, LC, program) that an
officer's role needs. Accounts themselves are ``exchange.auth``'s; this is where they meet
the organizations, so that auth imports no other domain package."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exchange.auth.models import Membership, Role, User
from exchange.auth.services import (
    check_password_rules,
    create_user,
    find_user_by_email,
    hash_password,
    mail_existing_account,
    new_user,
    send_confirmation,
)
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program


def register_student(
    email: str, name: str, password: str, nmo_id: int, lc_id: int, year_of_study: int
) -> None:
    """A student signs up as a member of an LC of their NMO, and is mailed a link that
    confirms the address and opens the account. Whether the address has an account
    already, the answer is the same: its owner is mailed that it has one. An account never
    confirmed takes what this registration says, and a new link: its first registration
    may not have been the owner's."""
    lc = db.session.get(LocalCommittee, lc_id)
    if lc is None or lc.nmo_id != nmo_id:
        raise DomainError("Choose a local committee of the NMO you chose.")
    check_password_rules(password)
    user = find_user_by_email(email)
    if user is not None and (user.email_confirmed_at is not None or not user.is_active):
        mail_existing_account(user)
        return
    if user is not None:
        user.name, user.year_of_study = name.strip(), year_of_study
        user.password_hash = hash_password(password)
        membership = user.student_membership
        membership.nmo_id, membership.lc_id = nmo_id, lc_id
        db.session.flush()
    else:
        try:
            with db.session.begin_nested():
                user = new_user(email, name, password, year_of_study)
                user.memberships.append(Membership(role=Role.STUDENT, nmo_id=nmo_id, lc_id=lc_id))
                db.session.flush()
        except IntegrityError:
            # The same address registered at the same moment, and that one's link is on
            # its way: this answer is the same as any other.
            return
    send_confirmation(user)


def _program_by_code(code: str | None) -> Program | None:
    if not code:
        return None
    program = db.session.scalar(select(Program).where(func.upper(Program.code) == code.upper()))
    if program is None:
        raise DomainError(f"There is no program {code}; use SCOPE or SCORE.")
    return program


def _nmo_by_code(code: str | None) -> NMO | None:
    if not code:
        return None
    nmo = db.session.scalar(select(NMO).where(func.upper(NMO.code) == code.upper()))
    if nmo is None:
        raise DomainError(f"There is no NMO with the code {code}.")
    return nmo


def build_membership(
    role: Role,
    nmo: NMO | None = None,
    lc: LocalCommittee | None = None,
    program: Program | None = None,
) -> Membership:
    """A membership with the scope its role needs, or a DomainError that names what is missing."""
    if role == Role.ADMIN:
        return Membership(role=role)
    if role in (Role.STUDENT, Role.LOCAL_OFFICER):
        if lc is None:
            raise DomainError(f"A {role.label.lower()} belongs to a local committee: choose one.")
        if nmo is not None and lc.nmo_id != nmo.id:
            raise DomainError(f"{lc.name} is not a local committee of {nmo.acronym}.")
        nmo = lc.nmo
    if nmo is None:
        raise DomainError(f"A {role.label.lower()} belongs to an NMO: choose one.")
    if role == Role.STUDENT:
        return Membership(role=role, nmo_id=nmo.id, lc_id=lc.id)
    if program is None:
        raise DomainError(f"A {role.label.lower()} works in one program: choose SCOPE or SCORE.")
    membership = Membership(role=role, nmo_id=nmo.id, program_id=program.id)
    if role == Role.LOCAL_OFFICER:
        membership.lc_id = lc.id
    return membership


def create_user_from_codes(
    email: str,
    name: str,
    password: str,
    role: str,
    nmo_code: str | None = None,
    lc_name: str | None = None,
    program_code: str | None = None,
) -> User:
    """``create_user`` for the command line, where scopes are given by code."""
    try:
        role = Role(role)
    except ValueError:
        raise DomainError(
            f"There is no role {role!r}; use one of {', '.join(r.value for r in Role)}."
        ) from None
    nmo = _nmo_by_code(nmo_code)
    lc = None
    if lc_name:
        if nmo is None:
            raise DomainError("Give --nmo with --lc: LC names are unique within an NMO.")
        lc = db.session.scalar(
            select(LocalCommittee).where(
                LocalCommittee.nmo_id == nmo.id, LocalCommittee.name == lc_name
            )
        )
        if lc is None:
            raise DomainError(f"{nmo.acronym} has no local committee called {lc_name!r}.")
    membership = build_membership(role, nmo=nmo, lc=lc, program=_program_by_code(program_code))
    return create_user(None, email, name, password, membership)
