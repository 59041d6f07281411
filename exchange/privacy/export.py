"""A person's copy of their data: one zip with data.json (their account, roles, API
tokens and calendar feed as listed on their page, applications with their preferences,
history and evaluation, and the messages sent to them) and the files of their documents.

Officers' internal notes on an application are not in it: they are the NMOs' working
notes and name other people; an NMO gives them on request.
"""

import io
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from exchange import clock
from exchange.applications.documents import document_path
from exchange.auth.models import User
from exchange.privacy import queries

# The application's own columns left out: ids the person has no use for.
_SKIPPED_COLUMNS = {"id", "student_id", "accepted_by_id", "fee_recorded_by_id"}


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _columns(record, skipped=frozenset()) -> dict:
    return {
        column.key: _plain(getattr(record, column.key))
        for column in record.__table__.columns
        if column.key not in skipped
    }


def _application(application) -> dict:
    data = _columns(application, _SKIPPED_COLUMNS)
    data |= {
        "program": application.program.code,
        "season": application.season.code,
        "home_nmo": application.home_nmo.code,
        "host_nmo": application.host_nmo.code,
        "preferences": [
            {"rank": p.rank, "placement": p.placement.title} for p in application.preferences
        ],
        "history": [
            {
                "action": step.action,
                "from": _plain(step.from_state),
                "to": _plain(step.to_state),
                "reason": step.reason,
                "at": _plain(step.created_at),
            }
            for step in application.history
        ],
        "evaluation": _columns(application.evaluation, {"id", "application_id"})
        if application.evaluation
        else None,
        "documents": [
            {
                "kind": d.kind,
                "file": _document_name(application, d),
                "uploaded_at": _plain(d.created_at),
            }
            for d in application.documents
        ],
    }
    return data


def _document_name(application, document) -> str:
    return f"documents/{application.code}/{document.kind}-{document.original_filename}"


def data_of(user: User, applications) -> dict:
    return {
        "made_at": _plain(clock.now()),
        "account": {
            "email": user.email,
            "name": user.name,
            "year_of_study": user.year_of_study,
            "active": user.is_active,
            "created_at": _plain(user.created_at),
            "last_login_at": _plain(user.last_login_at),
            "email_confirmed_at": _plain(user.email_confirmed_at),
            "roles": [m.title for m in user.memberships],
        },
        "applications": [_application(a) for a in applications],
        "messages": [
            {
                "subject": m.subject,
                "body": m.body,
                "queued_at": _plain(m.created_at),
                "sent_at": _plain(m.sent_at),
            }
            for m in queries.messages_to(user)
        ],
    }


def data_zip(user: User) -> bytes:
    """The zip of ``data_of`` the user and the files of their documents."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        applications = queries.applications_of(user)
        data = data_of(user, applications)
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for application in applications:
            for document in application.documents:
                path = document_path(document)
                if path.is_file():
                    archive.write(path, _document_name(application, document))
    return buffer.getvalue()
