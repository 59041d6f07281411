"""Mail leaves through an outbox table, so a failing mail server never loses a message or
rolls back the change that caused it."""

import logging
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from exchange import clock
from exchange.database import TimestampMixin
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
        message.sent_at = clock.now()
        message.attempts = 1
    db.session.flush()
    return message


# What the server may answer when one message is refused: the others can still be sent.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send up to ``limit`` pending messages over one SMTP connection; return (sent, failed).

    A message sent is marked sent; one that fails keeps waiting, with its attempts counted
    and the error kept in ``last_error``. Flushes; the caller commits.
    """
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
            # Two senders running at once (e.g. an overlapping cron job) never take the
            # same message on PostgreSQL; SQLite ignores this and locks the whole file.
            .with_for_update(skip_locked=True)
        )
    )
    if not messages:
        return 0, 0
    config = current_app.config
    server = f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    try:
        connection = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        log.error("Could not connect to the mail server %s: %s", server, error)
        _failed(messages, f"Could not connect to the mail server {server}: {error}")
        return 0, len(messages)

    sent = 0
    try:
        for position, message in enumerate(messages):
            message.attempts += 1
            try:
                connection.send_message(_email(message, config["MAIL_SENDER"]))
            except (*_MESSAGE_ERRORS, ValueError) as error:  # ValueError: a bad header
                message.last_error = _describe(error)
                log.warning("Mail %s to %s was refused: %s", message.id, message.to_address, error)
            except (OSError, smtplib.SMTPException) as error:
                # The connection is gone: this message and the rest wait for the next run.
                message.last_error = _describe(error)
                _failed(messages[position + 1 :], f"Connection to {server} lost: {error}")
                log.error("Connection to the mail server %s lost: %s", server, error)
                break
            else:
                message.sent_at = clock.now()
                message.last_error = None
                sent += 1
    finally:
        _close(connection)
    db.session.flush()
    return sent, len(messages) - sent


def _connect(config) -> smtplib.SMTP:
    connection = smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    )
    try:
        if config["MAIL_USE_TLS"]:
            connection.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
    except BaseException:
        connection.close()
        raise
    return connection


def _close(connection: smtplib.SMTP) -> None:
    """Say QUIT and close; the messages are sent already, whatever the server answers."""
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        connection.close()


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at or clock.now())
    # The same Message-ID on every attempt, so a receiver can drop a message sent twice
    # (sent, but the commit that marks it sent failed).
    domain = sender.rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<outbox-{message.id}-{_stamp(message)}@{domain}>"
    email.set_content(message.body)
    return email


def _stamp(message: OutboxMessage) -> str:
    return message.created_at.strftime("%Y%m%d%H%M%S") if message.created_at else "0"


def _failed(messages: list[OutboxMessage], error: str) -> None:
    for message in messages:
        message.attempts += 1
        message.last_error = error
    db.session.flush()


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]
