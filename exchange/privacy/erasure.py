"""An admin erases a student's personal data, as the student has the right to ask.

The account is anonymised and closed (name, address, password), each application loses
its personal data (passport, contacts, health, motivation, the exchange's contact and
arrival details) and its documents (rows now, files at commit), and the messages sent to
the student are emptied. What the reports count stays: the applications keep their
states, NMOs, LCs, programs, seasons, months and dates, so every figure is unchanged.
"""

import secrets

from exchange import audit, clock
from exchange.applications import personal
from exchange.applications.documents import delete_document
from exchange.auth.models import Role, User
from exchange.auth.permissions import is_admin
from exchange.auth.services import hash_password
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.privacy import queries

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: no mail is ever delivered there
# Free text an application holds about its student, beside the personal data fields:
# emptied where it may be, else (where a state's check needs a value) "Erased".
_EMPTIED = ("contact_email", "tutor", "meeting_point")
_MARKED = ("contact_person", "arrival_transport", "closing_reason")


def erased_email(user: User) -> str:
    return f"erased-{user.id}@{ERASED_DOMAIN}"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user)


def erase_student(admin: User, student: User) -> None:
    """Remove or anonymise ``student``'s personal data for good. Flushes."""
    if not is_admin(admin):
        raise NotAllowed("Only admins erase personal data.")
    if not student.has_role(Role.STUDENT) or student.officer_memberships() or student.is_admin:
        raise DomainError(
            "Only a student's account is erased here; remove an officer's roles first."
        )
    if is_erased(student):
        raise DomainError("This account's personal data is erased already.")
    old_email = student.email
    audit.record("data_erased", admin, f"user {student.id}")
    for application in queries.applications_of(student):
        for field in personal.FIELDS:
            setattr(application, field.key, "" if field.key in personal.NOTES else None)
        for column in _EMPTIED:
            setattr(application, column, None)
        for column in _MARKED:
            if getattr(application, column) is not None:
                setattr(application, column, "Erased")
        application.motivation, application.languages = "", []
        if application.evaluation is not None:
            application.evaluation.comments = ""
        for document in list(application.documents):
            delete_document(document)
    for message in queries.messages_to(student, old_email):
        message.to_address = erased_email(student)
        message.subject, message.body = "Erased", ""
    student.name = f"Erased student {student.id}"
    student.email = erased_email(student)
    student.password_hash = hash_password(secrets.token_urlsafe(32))
    student.is_active = False
    student.session_version += 1
    student.last_login_at = None
    student.email_confirmed_at = student.email_confirmed_at or clock.now()
    db.session.flush()
