"""Look-ups of accounts for lists and notifications."""

from sqlalchemy import Select, or_, select

from exchange.auth.models import Membership, Role, User
from exchange.extensions import db


def users_statement(query: str, role: str, nmo_id: int | None, status: str) -> Select:
    """The admins' list of accounts: a search on name and email, and filters."""
    statement = select(User).order_by(User.name, User.id)
    if query:
        statement = statement.where(
            or_(
                User.email.icontains(query, autoescape=True),
                User.name.icontains(query, autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        statement = statement.where(User.memberships.any(Membership.role == role))
    if nmo_id:
        statement = statement.where(User.memberships.any(Membership.nmo_id == nmo_id))
    if status == "active":
        statement = statement.where(User.is_active)
    elif status == "inactive":
        statement = statement.where(~User.is_active)
    return statement


def officers_of(nmo_id: int, program_id: int, role: Role, lc_id: int | None = None) -> list[User]:
    """The active officers of an NMO (or of one of its LCs) for a program."""
    conditions = [
        Membership.role == role,
        Membership.nmo_id == nmo_id,
        Membership.program_id == program_id,
        User.is_active,
    ]
    if lc_id is not None:
        conditions.append(Membership.lc_id == lc_id)
    statement = select(User).join(Membership).where(*conditions).order_by(User.id)
    return list(db.session.scalars(statement))


def officer_roles_of_nmo(nmo_id: int) -> list:
    """(membership, user) of the NMO's active national and local officers, national first."""
    return list(
        db.session.execute(
            select(Membership, User)
            .join(User)
            .where(
                Membership.nmo_id == nmo_id,
                Membership.role.in_([Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER]),
                User.is_active,
            )
            .order_by(Membership.role.desc(), User.name)
        ).all()
    )
