"""Mail leaves through an outbox table, so a failing mail server never loses a message or
rolls back the change that caused it."""

import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from exchange.database import TimestampMixin, utcnow
from exchange.extensions import db

log = logging.getLogger(__name__)


class OutboxMessage(TimestampMixin, db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


def queue_email(to_address: str, subject: str, body: str) -> OutboxMessage:
    """Put a message in the outbox; it leaves with the transaction that queued it.

    With ``EXCHANGE_MAIL_BACKEND=log`` (development) it is written to the log at once and
    marked sent, so a developer can follow links such as a password reset.
    """
    message = OutboxMessage(to_address=to_address, subject=subject, body=body)
    db.session.add(message)
    if current_app.config["MAIL_BACKEND"] == "log":
        log.warning("Mail to %s: %s\n%s", to_address, subject, body)
        message.sent_at = utcnow()
        message.attempts = 1
    db.session.flush()
    return message


def pending_messages(limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
