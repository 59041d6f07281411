"""``flask exchange send-mail`` against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

import asyncio
import os
import socket
import subprocess
import sys
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from exchange.extensions import db
from exchange.outbox import OutboxMessage, queue_email

SENDER = "exchange@federation.example"
REFUSED = "nobody@example.org"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every message it receives, and refuses REFUSED."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def smtp_app(make_app, port: int):
    return make_app(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_SENDER=SENDER,
        MAIL_TIMEOUT=5,
    )


def outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_send_mail_delivers_the_pending_messages(app, make_app, smtp_server):
    controller, handler = smtp_server
    mail_app = smtp_app(make_app, controller.port)
    with mail_app.app_context():
        queue_email("ana@example.org", "Your card of acceptance", "Welcome to Ljubljana!")
        queue_email("neo@example.org", "Application P-2627-00042 accepted", "Ana was placed.")
        db.session.commit()
        assert [message.sent_at for message in outbox()] == [None, None]

        result = mail_app.test_cli_runner().invoke(args=["exchange", "send-mail"])

        assert result.exit_code == 0, result.output
        assert "Sent 2 messages; 0 failed." in result.output
        messages = outbox()
        assert all(message.sent_at is not None for message in messages)
        assert [message.attempts for message in messages] == [1, 1]
        assert [message.last_error for message in messages] == [None, None]

        again = mail_app.test_cli_runner().invoke(args=["exchange", "send-mail"])
        assert "Sent 0 messages; 0 failed." in again.output  # nothing is sent twice

    assert len(handler.received) == 2
    received = {
        rcpt_tos[0]: (mail_from, message) for mail_from, rcpt_tos, message in handler.received
    }
    mail_from, card = received["ana@example.org"]
    assert mail_from == SENDER
    assert card["From"] == SENDER
    assert card["To"] == "ana@example.org"
    assert card["Subject"] == "Your card of acceptance"
    assert card.get_content().strip() == "Welcome to Ljubljana!"
    assert card["Date"] and card["Message-ID"].endswith("@federation.example>")
    _, notice = received["neo@example.org"]
    assert notice["Subject"] == "Application P-2627-00042 accepted"
    assert notice.get_content().strip() == "Ana was placed."


def test_send_mail_respects_the_limit(app, make_app, smtp_server):
    controller, handler = smtp_server
    mail_app = smtp_app(make_app, controller.port)
    with mail_app.app_context():
        for number in range(3):
            queue_email(f"student{number}@example.org", f"Message {number}", "Hello")
        db.session.commit()

        result = mail_app.test_cli_runner().invoke(args=["exchange", "send-mail", "--limit", "2"])

        assert result.exit_code == 0, result.output
        assert "Sent 2 messages; 0 failed." in result.output
        assert [message.sent_at is not None for message in outbox()] == [True, True, False]
    assert [message["Subject"] for _, _, message in handler.received] == ["Message 0", "Message 1"]


def test_a_refused_message_waits_while_the_others_leave(app, make_app, smtp_server):
    controller, handler = smtp_server
    mail_app = smtp_app(make_app, controller.port)
    with mail_app.app_context():
        queue_email(REFUSED, "Lost", "Nobody reads this.")
        queue_email("ana@example.org", "Found", "Ana reads this.")
        db.session.commit()

        result = mail_app.test_cli_runner().invoke(args=["exchange", "send-mail"])

        assert result.exit_code != 0
        assert "Sent 1 messages; 1 failed." in result.output
        refused, sent = outbox()
        assert refused.sent_at is None
        assert refused.attempts == 1
        assert "No such user here" in refused.last_error
        assert sent.sent_at is not None
    assert [message["Subject"] for _, _, message in handler.received] == ["Found"]


def test_without_a_mail_server_the_messages_wait(app, make_app):
    mail_app = smtp_app(make_app, free_port())  # nothing listens there
    with mail_app.app_context():
        queue_email("ana@example.org", "Your card of acceptance", "Welcome!")
        queue_email("neo@example.org", "Accepted", "Ana was placed.")
        db.session.commit()

        result = mail_app.test_cli_runner().invoke(args=["exchange", "send-mail"])

        assert result.exit_code != 0
        assert "Sent 0 messages; 2 failed." in result.output
        messages = outbox()
        assert [message.sent_at for message in messages] == [None, None]
        assert [message.attempts for message in messages] == [1, 1]
        for message in messages:
            assert "Could not connect to the mail server 127.0.0.1" in message.last_error


def test_messages_that_waited_go_on_the_next_run(app, make_app):
    port = free_port()
    mail_app = smtp_app(make_app, port)
    with mail_app.app_context():
        queue_email("ana@example.org", "Your card of acceptance", "Welcome!")
        db.session.commit()
        runner = mail_app.test_cli_runner()
        # The mail server is down: the message waits.
        assert "Sent 0 messages; 1 failed." in runner.invoke(args=["exchange", "send-mail"]).output
        handler = Collector()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            # It is back: the next run sends what waited, once.
            assert (
                "Sent 1 messages; 0 failed." in runner.invoke(args=["exchange", "send-mail"]).output
            )
            third = runner.invoke(args=["exchange", "send-mail"]).output
            assert "Sent 0 messages; 0 failed." in third
        finally:
            controller.stop()
        (message,) = outbox()
        assert message.sent_at is not None and message.attempts == 2
    assert [m["Subject"] for _, _, m in handler.received] == ["Your card of acceptance"]


class SlowCollector(Collector):
    """A mail server that takes a few milliseconds a message, so that two senders overlap."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.005)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.postgres
def test_two_send_mail_processes_at_once_send_each_message_once(app, database_url):
    handler = SlowCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for number in range(300):
            queue_email(f"student{number}@example.org", f"Message {number}", "Hello.")
        db.session.commit()
        env = {key: value for key, value in os.environ.items() if not key.startswith("EXCHANGE_")}
        env |= {
            "EXCHANGE_ENV": "development",
            "EXCHANGE_DATABASE_URL": database_url,
            "EXCHANGE_MAIL_BACKEND": "smtp",
            "EXCHANGE_MAIL_SERVER": "127.0.0.1",
            "EXCHANGE_MAIL_PORT": str(controller.port),
            "EXCHANGE_MAIL_SENDER": SENDER,
            "EXCHANGE_INSTANCE_PATH": app.instance_path,
            "FLASK_APP": "wsgi.py",
        }
        command = [sys.executable, "-m", "flask", "exchange", "send-mail", "--limit", "200"]
        senders = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) for _ in "ab"
        ]
        outputs = [sender.communicate(timeout=120)[0] for sender in senders]
    finally:
        controller.stop()
    sent = sorted(int(o.split()[1]) for o in outputs)
    assert sum(sent) == 300, outputs
    assert sent[0] > 0, f"the two senders did not overlap: {outputs}"
    subjects = [message["Subject"] for _, _, message in handler.received]
    assert len(subjects) == len(set(subjects)) == 300
    assert all(message.sent_at is not None for message in outbox())
