"""The audit log: who did what that matters for security and for personal data, written in
the same transaction as the action, so that an entry exists exactly when the action was
saved. Admins read it at /admin/audit; nothing in the app edits or deletes an entry, and
the database refuses to change one (a trigger on UPDATE, migration 0016)."""

from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import DDL, ForeignKey, String, Text, event, or_, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from exchange import clock
from exchange.extensions import db

# What is recorded, by the words the log shows.
ACTIONS = {
    "login": "Logged in",
    "login_failed": "Failed login",
    "logout": "Logged out",
    "password_reset": "Password reset by link",
    "password_changed": "Password changed",
    "role_added": "Role added",
    "role_removed": "Role removed",
    "deactivated": "Account deactivated",
    "reactivated": "Account reactivated",
    "data_exported": "Data downloaded (own data, or a list of applications)",
    "data_erased": "Personal data erased",
    "token_created": "API token created",
    "token_revoked": "API token revoked",
    "contract_confirmed": "Contract confirmed",
    "matching_approved": "Matching proposal approved",
}


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str | None] = mapped_column(String(64))  # the client's IP address

    actor: Mapped["User | None"] = relationship("User")  # noqa: F821

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)


def record(action: str, actor=None, target: str = "", detail: str = "") -> AuditEntry:
    """Add an entry for ``action`` by ``actor`` (a User, or None when no one is logged in)
    to the session: it is saved with the change it records, or not at all."""
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not an audited action")
    entry = AuditEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        target=target[:200],
        detail=detail,
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


# The database itself refuses to change an entry, whatever code tries. (Deleting is left
# to the database's owner: the test suite empties every table between tests.)
_NO_UPDATE_SQLITE = DDL(
    "CREATE TRIGGER audit_entries_are_final BEFORE UPDATE ON audit_entries "
    "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
)
_NO_UPDATE_FUNCTION_POSTGRESQL = DDL(
    "CREATE OR REPLACE FUNCTION audit_entries_are_final() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit entries cannot be changed'; END; $$ LANGUAGE plpgsql"
)
_NO_UPDATE_POSTGRESQL = DDL(
    "CREATE TRIGGER audit_entries_are_final BEFORE UPDATE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_are_final()"
)
event.listen(AuditEntry.__table__, "after_create", _NO_UPDATE_SQLITE.execute_if(dialect="sqlite"))
for _ddl in (_NO_UPDATE_FUNCTION_POSTGRESQL, _NO_UPDATE_POSTGRESQL):
    event.listen(AuditEntry.__table__, "after_create", _ddl.execute_if(dialect="postgresql"))


def entries_statement(action: str = "", text: str = ""):
    """The log, newest first: of one action, and whose actor's name or email, target or
    detail holds ``text``."""
    from exchange.auth.models import User

    statement = select(AuditEntry).options(joinedload(AuditEntry.actor))
    if action in ACTIONS:
        statement = statement.where(AuditEntry.action == action)
    if text:
        actors = select(User.id).where(
            or_(
                User.name.icontains(text, autoescape=True),
                User.email.icontains(text, autoescape=True),
            )
        )
        statement = statement.where(
            or_(
                AuditEntry.actor_id.in_(actors),
                AuditEntry.target.icontains(text, autoescape=True),
                AuditEntry.detail.icontains(text, autoescape=True),
            )
        )
    return statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
