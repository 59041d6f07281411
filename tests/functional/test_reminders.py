"""Reminders of late cards: ``flask exchange send-reminders``, and the officers' home page
counting the same cards, each count linked to a list of applications."""

import html
import re
from datetime import timedelta

from sqlalchemy import func, select

from exchange import clock
from exchange.applications.codes import CODE_PATTERN
from exchange.applications.models import Application, CardReminder
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.contracts.models import Contract
from exchange.extensions import db
from exchange.outbox import OutboxMessage
from tests import builders
from tests.functional.steps import as_user


def nominated(world, ca_due_on) -> Application:
    """A July nomination to SLOMSIC, of a new CROMSIC student, with its CA due then."""
    federation = world.federation
    now = clock.now()
    return builders.application(
        builders.user(Role.STUDENT, lc_=federation.home_lc),
        federation.host,
        state=State.NOMINATED,
        months=[7],
        submitted_at=now,
        contract_id=db.session.scalar(select(Contract.id)),
        exchange_month=7,
        nominated_at=now,
        ca_due_on=ca_due_on,
    )


def accepted(world, cc_due_on) -> Application:
    """Accepted into Cardiology, Ljubljana, with its CC due then."""
    today = clock.today()
    application = nominated(world, today - timedelta(days=30))
    columns = {
        "state": State.ACCEPTED,
        "placement_id": world.department.id,
        "starts_on": today + timedelta(days=60),
        "ends_on": today + timedelta(days=88),
        "contact_person": "Dr. Maja Kos",
        "accepted_at": clock.now(),
        "cc_due_on": cc_due_on,
    }
    for name, value in columns.items():
        setattr(application, name, value)
    db.session.flush()
    return application


def test_send_reminders_mails_the_host_officer_and_the_student_once_a_day(app, world):
    today = clock.today()
    ca = nominated(world, today + timedelta(days=3))
    cc = accepted(world, today - timedelta(days=1))
    nominated(world, today + timedelta(days=8))  # not yet
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["exchange", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sent 2 reminders about 2 cards.\n"
    mails = db.session.execute(
        select(OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.body).where(
            OutboxMessage.subject.not_like("%: nominated to %")
        )
    ).all()
    assert sorted((to, subject) for to, subject, _ in mails) == sorted(
        [
            (world.host_neo.email, "Cards of acceptance to issue: 1 due within 7 days"),
            (cc.student.email, f"{cc.code}: your card of confirmation is overdue"),
        ]
    )
    assert any(ca.code in body for to, _, body in mails if to == world.host_neo.email)
    recorded = db.session.scalar(select(func.count()).select_from(CardReminder))
    assert recorded == 2

    again = runner.invoke(args=["exchange", "send-reminders"])
    assert again.exit_code == 0, again.output
    assert again.output == "Nothing to remind today.\n"
    assert db.session.scalar(select(func.count()).select_from(CardReminder)) == 2


def _stat(page: str, name: str) -> tuple[int, list[str], str]:
    """The count of a due-cards figure on the home page, its links, and its text."""
    match = re.search(
        rf'data-due-cards="{name}"><div class="stat[^"]*">(\d+)</div>(.*?)</div></div>',
        page,
        re.S,
    )
    assert match, name
    links = [html.unescape(href) for href in re.findall(r'href="([^"]+)"', match.group(2))]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(2))).strip()
    return int(match.group(1)), links, text


def _codes(client, url: str) -> set[str]:
    page = client.get(url).get_data(as_text=True)
    return set(re.findall(rf'href="/applications/({CODE_PATTERN})"', page))


def test_the_officers_home_counts_the_cards_due_and_overdue_with_links(client, world):
    today = clock.today()
    ca_soon = nominated(world, today + timedelta(days=7))
    nominated(world, today + timedelta(days=8))
    ca_overdue = nominated(world, today - timedelta(days=1))
    cc_soon = accepted(world, today)
    cc_overdue = accepted(world, today - timedelta(days=3))
    db.session.commit()

    as_user(client, world.host_neo)
    page = client.get("/").get_data(as_text=True)
    count, (link,), text = _stat(page, "ca-soon")
    assert (count, text) == (1, "CA due within 7 days")
    assert _codes(client, link) == {ca_soon.code}

    count, (link,), text = _stat(page, "ca-overdue")
    assert (count, text) == (1, "CA overdue")
    assert _codes(client, link) == {ca_overdue.code}

    count, (incoming, _), text = _stat(page, "cc-soon")
    assert (count, text) == (1, "CC due within 7 days: 1 incoming · 0 outgoing")
    assert _codes(client, incoming) == {cc_soon.code}

    count, (incoming, _), text = _stat(page, "cc-overdue")
    assert (count, text) == (1, "CC overdue: 1 incoming · 0 outgoing")
    assert _codes(client, incoming) == {cc_overdue.code}

    # The home side sees its students' CCs as outgoing, and owes no CA.
    as_user(client, world.home_neo)
    page = client.get("/").get_data(as_text=True)
    assert _stat(page, "ca-soon")[0] == _stat(page, "ca-overdue")[0] == 0
    count, (_, outgoing), text = _stat(page, "cc-soon")
    assert (count, text) == (1, "CC due within 7 days: 0 incoming · 1 outgoing")
    assert _codes(client, outgoing) == {cc_soon.code}
    count, (_, outgoing), text = _stat(page, "cc-overdue")
    assert (count, text) == (1, "CC overdue: 0 incoming · 1 outgoing")
    assert _codes(client, outgoing) == {cc_overdue.code}
