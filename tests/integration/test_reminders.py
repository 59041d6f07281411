"""Reminders of cards due soon or overdue (exchange.applications.reminders), against the
real database. The world's July nomination has its CA due on 6 May 2026, its August one
on 6 June; a July acceptance (start 1 July) has its CC due on 3 June."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select, text

from exchange import clock
from exchange.applications import services as cycle
from exchange.applications.models import CardReminder
from exchange.applications.reminders import (
    CA,
    CC,
    REMINDER_DAYS_AHEAD,
    RemindersSent,
    send_card_reminders,
)
from exchange.auth.models import Role
from exchange.extensions import db
from exchange.outbox import OutboxMessage
from tests import builders
from tests.integration import steps

JULY_CA_DUE = date(2026, 5, 6)
JULY_CC_DUE = date(2026, 6, 3)


def on(day: date):
    """Travel to 09:00 UTC of ``day``, the clock standing still."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=UTC), tick=False)


def remind() -> tuple[RemindersSent, dict[str, list[OutboxMessage]]]:
    """Run the reminders; return what they say and the mails they queued, by address."""
    before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    sent = send_card_reminders()
    mails: dict[str, list[OutboxMessage]] = {}
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id)
    ):
        mails.setdefault(message.to_address, []).append(message)
    return sent, mails


def test_the_window_is_a_week():
    assert REMINDER_DAYS_AHEAD == 7


def test_a_ca_due_in_seven_days_is_reminded_and_one_due_in_eight_is_not(world):
    application = steps.nominated(world, month=7)
    assert application.ca_due_on == JULY_CA_DUE

    with on(JULY_CA_DUE - timedelta(days=8)):
        sent, mails = remind()
    assert (sent, mails) == (RemindersSent(0, 0), {})
    assert str(sent) == "Nothing to remind today."

    with on(JULY_CA_DUE - timedelta(days=7)):
        sent, mails = remind()
    assert str(sent) == "Sent 1 reminder about 1 card."
    # The host's national officer, who places the student; neither the home side nor the
    # host LC's officer, who has no student placed yet.
    assert list(mails) == [world.host_neo.email]
    (mail,) = mails[world.host_neo.email]
    assert mail.subject == "Cards of acceptance to issue: 1 due within 7 days"
    assert f"- {application.code}: " in mail.body
    assert "from CROMSIC to SLOMSIC, July 2026; the CA is due by 6 May 2026." in mail.body
    assert f"http://localhost/applications/{application.code}" in mail.body
    assert "Overdue:" not in mail.body


def test_an_overdue_ca_is_reminded_in_the_same_mail_as_one_due_soon(world):
    july = steps.nominated(world, month=7)
    august = steps.nominated(world, month=8)
    second_neo = builders.user(Role.NATIONAL_OFFICER, nmo_=world.host)
    builders.user(Role.NATIONAL_OFFICER, nmo_=world.host, active=False)
    builders.user(Role.NATIONAL_OFFICER, nmo_=world.host, program_code="SCORE")

    with on(date(2026, 6, 1)):
        sent, mails = remind()
    assert str(sent) == "Sent 2 reminders about 2 cards."
    assert sorted(mails) == sorted([world.host_neo.email, second_neo.email])
    (mail,) = mails[world.host_neo.email]
    assert mail.subject == "Cards of acceptance to issue: 1 overdue, 1 due within 7 days"
    overdue, soon = mail.body.index("Overdue:"), mail.body.index("Due within 7 days:")
    assert overdue < mail.body.index(july.code) < soon < mail.body.index(august.code)
    assert "the CA is overdue since 6 May 2026 (26 days ago)." in mail.body
    assert "the CA is due by 6 June 2026." in mail.body


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(world):
    application = steps.nominated(world, month=7)
    with on(JULY_CA_DUE):
        assert str(remind()[0]) == "Sent 1 reminder about 1 card."
        assert remind() == (RemindersSent(0, 0), {})
    recorded = db.session.scalars(select(CardReminder)).all()
    assert [(r.application_id, r.card, r.recipient_id, r.sent_on) for r in recorded] == [
        (application.id, CA, world.host_neo.id, JULY_CA_DUE)
    ]

    with on(JULY_CA_DUE + timedelta(days=1)):
        sent, mails = remind()
    assert sent == RemindersSent(1, 1)
    assert "the CA is overdue since 6 May 2026 (1 day ago)." in mails[world.host_neo.email][0].body
    assert len(db.session.scalars(select(CardReminder)).all()) == 2


def test_a_reminder_another_run_recorded_today_is_not_mailed_again(world):
    application = steps.nominated(world, month=7)
    second_neo = builders.user(Role.NATIONAL_OFFICER, nmo_=world.host)
    with on(JULY_CA_DUE):
        # What a run at the same moment recorded, and is mailing itself.
        db.session.add(
            CardReminder(
                application_id=application.id,
                card=CA,
                recipient_id=world.host_neo.id,
                sent_on=clock.today(),
            )
        )
        db.session.flush()
        sent, mails = remind()
    assert sent == RemindersSent(1, 1)
    assert list(mails) == [second_neo.email]


def test_a_withdrawn_or_accepted_application_is_no_longer_reminded_of_its_ca(world):
    withdrawn = steps.nominated(world, month=7)
    accepted = steps.nominated(world, month=8)
    with on(date(2026, 6, 1)):
        assert remind()[0] == RemindersSent(1, 2)
    with on(date(2026, 6, 2)):
        cycle.withdraw_application(withdrawn.student, withdrawn, "I found another exchange.")
        cycle.accept_application(
            world.host_neo,
            accepted,
            world.department,
            builders.season().month_date(8),
            "Dr. Maja Kos",
            None,
        )
        # The CC of the August acceptance is due on 4 July: not within a week.
        assert remind() == (RemindersSent(0, 0), {})


def test_the_student_is_reminded_of_the_cc_until_it_is_sent(world):
    application = steps.accepted(world, month=7)
    assert application.cc_due_on == JULY_CC_DUE

    with on(JULY_CC_DUE - timedelta(days=8)):
        assert remind() == (RemindersSent(0, 0), {})

    with on(JULY_CC_DUE - timedelta(days=7)):
        sent, mails = remind()
    assert sent == RemindersSent(1, 1)
    assert list(mails) == [application.student.email]
    (mail,) = mails[application.student.email]
    assert mail.subject == f"{application.code}: your card of confirmation is due"
    assert (
        f"{application.code}: SLOMSIC accepted you at Cardiology, Ljubljana, from 1 July 2026. "
        "The CC is due by 3 June 2026." in mail.body
    )
    assert f"http://localhost/applications/{application.code}" in mail.body

    with on(JULY_CC_DUE + timedelta(days=2)):
        sent, mails = remind()
        assert mails[application.student.email][0].subject == (
            f"{application.code}: your card of confirmation is overdue"
        )
        assert "The CC is overdue since 3 June 2026 (2 days ago)." in (
            mails[application.student.email][0].body
        )
        assert db.session.scalars(select(CardReminder.card)).all() == [CC, CC]
        cycle.confirm_application(
            application.student, application, datetime(2026, 6, 30, 15, 0), "Train from Zagreb"
        )
    with on(JULY_CC_DUE + timedelta(days=3)):
        assert remind() == (RemindersSent(0, 0), {})


def test_the_statements_do_not_grow_with_the_cards(world, count_queries):
    steps.nominated(world, month=7)
    with on(JULY_CA_DUE), count_queries() as one_card:
        assert remind()[0] == RemindersSent(1, 1)
    steps.nominated(world, month=8)
    with on(date(2026, 6, 1)), count_queries() as two_cards:
        assert remind()[0] == RemindersSent(1, 2)
    assert two_cards.value == one_card.value


@pytest.mark.postgres
def test_two_runs_at_the_same_moment_mail_each_reminder_once(app):
    """The second run waits on the first's uncommitted reminder row, then records and
    mails nothing: the unique constraint decides, not a look-up that both could pass."""
    world = steps.make_world()
    steps.nominated(world, month=7)
    db.session.commit()
    first_recorded, first_may_commit = threading.Event(), threading.Event()
    results, errors = {}, []

    def run(name):
        try:
            with app.app_context():
                if name == "second":
                    first_recorded.wait(timeout=30)
                results[name] = send_card_reminders()
                if name == "first":
                    first_recorded.set()
                    first_may_commit.wait(timeout=30)
                db.session.commit()
        except Exception as error:  # reported below: a thread cannot fail the test itself
            errors.append(error)
            first_recorded.set()

    with on(JULY_CA_DUE):
        threads = [threading.Thread(target=run, args=(name,)) for name in ("first", "second")]
        for thread in threads:
            thread.start()
        first_recorded.wait(timeout=30)
        with db.engine.connect() as watcher:
            for _ in range(200):
                waiting = watcher.scalar(
                    text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
                )
                watcher.rollback()  # the statistics are read once per transaction
                if waiting:
                    break
                time.sleep(0.05)
        first_may_commit.set()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    assert waiting == 1
    assert results == {"first": RemindersSent(1, 1), "second": RemindersSent(0, 0)}
    reminders = [s for s in steps.subjects_mailed_to(world.host_neo.email) if s.startswith("Cards")]
    assert reminders == ["Cards of acceptance to issue: 1 due within 7 days"]
    assert steps.count(CardReminder) == 1
