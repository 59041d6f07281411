"""People and their roles: users, and memberships that scope a role to an NMO, LC and program."""

import enum
import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.database import TimestampMixin, enum_column
from exchange.extensions import db

if TYPE_CHECKING:  # for the annotations only: auth imports no other domain package
    from exchange.organizations.models import NMO, LocalCommittee, Program


class Role(enum.StrEnum):
    STUDENT = "student"
    LOCAL_OFFICER = "local_officer"
    NATIONAL_OFFICER = "national_officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            Role.STUDENT: "Student",
            Role.LOCAL_OFFICER: "Local officer",
            Role.NATIONAL_OFFICER: "National officer",
            Role.ADMIN: "Admin",
        }[self]


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    year_of_study: Mapped[int | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # Carried by the session and the remember-me cookie, and raised at logout: a copy of
    # either cookie opens nothing once its user has logged out.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the owner of the address showed they read it (a registration's link, a password
    # link); an admin's new officer is confirmed when made. Unconfirmed accounts cannot log in.
    email_confirmed_at: Mapped[datetime | None]

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        CheckConstraint("year_of_study BETWEEN 1 AND 8", name="year_of_study_range"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
    )

    # Flask-Login reads is_active to refuse deactivated accounts; the column serves it.

    @property
    def password_fingerprint(self) -> str:
        """Changes whenever the password does; it never reveals the password hash."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        # The session and the remember-me cookie carry the password's fingerprint, so a
        # new password (changed or reset) logs out every other browser, and the session
        # version, so that a logout ends them on the server and not only in this browser.
        return f"{self.id}:{self.password_fingerprint}:{self.session_version}"

    def roles(self) -> set[Role]:
        return {membership.role for membership in self.memberships}

    def has_role(self, *roles: Role) -> bool:
        return any(membership.role in roles for membership in self.memberships)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def student_membership(self) -> "Membership | None":
        return next((m for m in self.memberships if m.role == Role.STUDENT), None)

    def officer_memberships(self) -> list["Membership"]:
        return [
            m for m in self.memberships if m.role in (Role.LOCAL_OFFICER, Role.NATIONAL_OFFICER)
        ]

    @property
    def primary_role(self) -> Role | None:
        """The role whose home page the user sees: the widest one they hold."""
        for role in (Role.ADMIN, Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER, Role.STUDENT):
            if self.has_role(role):
                return role
        return None

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Membership(TimestampMixin, db.Model):
    """One role held by one user, scoped as the role needs.

    student: an LC (and so its NMO); local officer: an LC and a program; national
    officer: an NMO and a program; admin: the whole federation.
    """

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, 20))
    nmo_id: Mapped[int | None] = mapped_column(ForeignKey("nmos.id"), index=True)
    lc_id: Mapped[int | None] = mapped_column(index=True)  # FK: see lc_in_nmo below
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"))

    user: Mapped[User] = relationship(back_populates="memberships")
    nmo: Mapped["NMO | None"] = relationship(
        "NMO", primaryjoin="foreign(Membership.nmo_id) == NMO.id", lazy="joined"
    )
    lc: Mapped["LocalCommittee | None"] = relationship(
        "LocalCommittee",
        primaryjoin="foreign(Membership.lc_id) == LocalCommittee.id",
        lazy="joined",
    )
    program: Mapped["Program | None"] = relationship("Program", lazy="joined")

    __table_args__ = (
        # The LC of a membership belongs to the membership's NMO.
        ForeignKeyConstraint(
            ["lc_id", "nmo_id"],
            ["local_committees.id", "local_committees.nmo_id"],
            name="fk_memberships_lc_in_nmo",
        ),
        CheckConstraint(
            "(role = 'admin' AND nmo_id IS NULL AND lc_id IS NULL AND program_id IS NULL)"
            " OR (role = 'student' AND nmo_id IS NOT NULL AND lc_id IS NOT NULL"
            " AND program_id IS NULL)"
            " OR (role = 'local_officer' AND nmo_id IS NOT NULL AND lc_id IS NOT NULL"
            " AND program_id IS NOT NULL)"
            " OR (role = 'national_officer' AND nmo_id IS NOT NULL AND lc_id IS NULL"
            " AND program_id IS NOT NULL)",
            name="scope_fits_role",
        ),
        Index("ix_memberships_role_nmo_program", "role", "nmo_id", "program_id"),
    )

    @property
    def title(self) -> str:
        """What officers call this role, e.g. "NEO of CROMSIC" or "LORE of LC Zagreb"."""
        if self.role == Role.NATIONAL_OFFICER:
            return f"{self.program.national_officer_title} of {self.nmo.acronym}"
        if self.role == Role.LOCAL_OFFICER:
            return f"{self.program.local_officer_title} of {self.lc.name}"
        if self.role == Role.STUDENT:
            return f"Student of {self.lc.name}, {self.nmo.acronym}"
        return "Admin of the federation"


class ApiToken(TimestampMixin, db.Model):
    """A personal token for the API: it acts as its user, until it expires, is revoked, or
    the user's password changes. Only the token's SHA-256 is kept; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so that a user can tell their tokens apart in the list.
    prefix: Mapped[str] = mapped_column(String(12))
    password_fingerprint: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
