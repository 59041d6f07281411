"""Documents are kept while they may be needed: an application's files go once it has
ended (rejected, withdrawn, cancelled or certified) and its season ended more than the
retention period ago (EXCHANGE_DOCUMENT_RETENTION_DAYS, 365 by default)."""

from datetime import date, timedelta

from sqlalchemy import select

from exchange.applications.documents import delete_document
from exchange.applications.models import Application, Document
from exchange.applications.states import TERMINAL_STATES
from exchange.extensions import db
from exchange.organizations.models import Season


def documents_past_retention(today: date, retention_days: int) -> list[Document]:
    ended_before = today - timedelta(days=retention_days)
    return list(
        db.session.scalars(
            select(Document)
            .join(Application, Application.id == Document.application_id)
            .join(Season, Season.id == Application.season_id)
            .where(Application.state.in_(TERMINAL_STATES), Season.ends_on < ended_before)
            .order_by(Document.id)
        )
    )


def purge_documents(today: date, retention_days: int) -> int:
    """Delete the documents past retention (rows now, files at commit); how many."""
    documents = documents_past_retention(today, retention_days)
    for document in documents:
        delete_document(document)
    return len(documents)
