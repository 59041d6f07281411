"""Accounts through the real forms: register, log in and out, remember me, reset, account."""

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.outbox import OutboxMessage
from tests import builders
from tests.functional.conftest import log_in
from tests.functional.test_api_queries import counted


def _registration(federation, **changes):
    data = {
        "name": "Ana Horvat",
        "email": "Ana.Horvat@Example.org",
        "nmo_id": federation.home.id,
        "lc_id": federation.home_lc.id,
        "year_of_study": 4,
        "password": "a long enough password",
        "password_again": "a long enough password",
    }
    data.update(changes)
    return data


def test_a_student_registers_and_opens_the_account_from_the_mailed_link(client, federation):
    page = client.get("/register").get_data(as_text=True)
    assert "LC Zagreb" in page and f'data-nmo="{federation.home.id}"' in page

    response = client.post("/register", data=_registration(federation), follow_redirects=True)
    assert "Check your inbox: we sent a message to ana.horvat@example.org" in response.get_data(
        as_text=True
    )
    user = db.session.scalar(select(User).where(User.email == "ana.horvat@example.org"))
    assert user is not None and user.year_of_study == 4
    assert user.email_confirmed_at is None
    assert user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, "a long enough password")
    (membership,) = user.memberships
    assert (membership.role, membership.lc_id) == (Role.STUDENT, federation.home_lc.id)
    # Not open before the link: the password alone says only that a link is waiting.
    page = log_in(client, "ana.horvat@example.org", "a long enough password")
    assert page.status_code == 200
    assert "Confirm your address first" in page.get_data(as_text=True)

    link = _link_in_last_mail("ana.horvat@example.org")
    assert link.startswith("/register/confirm/")
    assert client.get(link).status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Hello, Ana Horvat" in home and "No applications yet" in home
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    client.post("/logout")
    assert log_in(client, "ana.horvat@example.org", "a long enough password").status_code == 302


def test_registering_a_known_address_answers_the_same_and_mails_its_owner(client, federation):
    known = client.post(
        "/register",
        data=_registration(federation, email=federation.student.email.upper()),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert f"Check your inbox: we sent a message to {federation.student.email}" in known
    assert "exists already" not in known
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == federation.student.email
    assert "already has one" in message.body and "/register/confirm/" not in message.body
    db.session.refresh(federation.student)
    assert federation.student.name != "Ana Horvat"  # nothing of the account changed


def test_a_second_registration_of_an_unconfirmed_address_replaces_the_first(client, federation):
    client.post("/register", data=_registration(federation, name="Someone Else"))
    first = _link_in_last_mail("ana.horvat@example.org")
    client.post(
        "/register",
        data=_registration(
            federation,
            password="the owner's password"[:22],
            password_again="the owner's password"[:22],
        ),
    )
    second = _link_in_last_mail("ana.horvat@example.org")
    assert first != second
    user = db.session.scalar(select(User).where(User.email == "ana.horvat@example.org"))
    db.session.refresh(user)
    assert user.name == "Ana Horvat"
    assert check_password_hash(user.password_hash, "the owner's password"[:22])
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.email == user.email))
        == 1
    )


def test_a_forged_or_stale_confirmation_link_opens_nothing(client, federation):
    response = client.get("/register/confirm/not-a-real-token", follow_redirects=True)
    assert "That link is too old" in response.get_data(as_text=True)
    assert "Hello," not in client.get("/").get_data(as_text=True)


def test_registration_errors_keep_what_was_typed(client, federation):
    response = client.post("/register", data=_registration(federation, lc_id=federation.host_lc.id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a local committee of the NMO you chose." in page
    assert 'value="Ana Horvat"' in page
    assert db.session.scalar(select(User).where(User.name == "Ana Horvat")) is None

    response = client.post(
        "/register", data=_registration(federation, password="short", password_again="short")
    )
    assert "at least 10" in response.get_data(as_text=True)


def test_login_logout_and_wrong_password(client, federation):
    response = log_in(client, federation.student.email, "wrong password")
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)

    assert log_in(client, federation.student.email).status_code == 302
    assert client.get("/account").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/account").headers["Location"].startswith("/login")


def test_login_follows_next_only_within_the_site(client, federation):
    response = client.post(
        "/login?next=/account",
        data={"email": federation.student.email, "password": builders.PASSWORD},
    )
    assert response.headers["Location"] == "/account"
    client.post("/logout")
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": federation.student.email, "password": builders.PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_deactivated_account_cannot_log_in(client, federation):
    federation.student.is_active = False
    db.session.commit()
    response = log_in(client, federation.student.email)
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)


def test_remember_me_sets_a_lasting_cookie(client, federation):
    log_in(client, federation.student.email, remember_me="y")
    assert client.get_cookie("remember_token") is not None
    client.post("/logout")
    log_in(client, federation.student.email)
    assert client.get_cookie("remember_token") is None


def _link_in_last_mail(to: str) -> str:
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.to_address == to)
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no mail to {to}"
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def test_forgotten_password_by_emailed_link(client, federation):
    email = federation.student.email
    response = client.post("/forgot-password", data={"email": email})
    assert response.status_code == 302
    link = _link_in_last_mail(email)

    assert client.get(link).status_code == 200
    response = client.post(
        link, data={"password": "my new password!", "password_again": "my new password!"}
    )
    assert response.headers["Location"] == "/login"
    assert log_in(client, email, "my new password!").status_code == 302
    client.post("/logout")

    # The link works once: the new password makes it stale.
    response = client.get(link)
    assert response.headers["Location"] == "/forgot-password"


def test_a_forged_host_header_cannot_send_the_reset_link_elsewhere(client, federation):
    email = federation.student.email
    response = client.post(
        "/forgot-password", data={"email": email}, headers={"Host": "evil.example"}
    )
    assert response.status_code == 302
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == email))
    assert "evil.example" not in message.body
    # The link is on EXCHANGE_PUBLIC_URL, which the suite sets to the test client's address.
    assert re.search(r"http://localhost/reset-password/\S+", message.body)


def test_forgotten_password_for_unknown_email_says_the_same_and_mails_no_link(client, app):
    response = client.post(
        "/forgot-password", data={"email": "Nobody@example.org"}, follow_redirects=True
    )
    assert "If Nobody@example.org belongs to an account" in response.get_data(as_text=True)
    # One message either way (issue 14: the answer's time must not tell), without a link.
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.to_address == "nobody@example.org"
    assert "No account uses this" in message.body
    assert "/reset-password/" not in message.body


def test_forgotten_password_takes_the_same_work_for_known_and_unknown_emails(client, federation):
    with counted() as known:
        client.post("/forgot-password", data={"email": federation.student.email})
    with counted() as unknown:
        client.post("/forgot-password", data={"email": "nobody@example.org"})
    # The same writes, so the same commit: one message into the outbox. (Reading a known
    # user's roles costs a SELECT or two more, a fraction of a millisecond.)
    writes = [
        [s for s in statements if not s.startswith("SELECT")] for statements in (known, unknown)
    ]
    assert writes[0] == writes[1]
    assert len(writes[0]) == 1 and writes[0][0].startswith("INSERT INTO outbox_messages")
    sent = db.session.scalars(select(OutboxMessage.to_address).order_by(OutboxMessage.id)).all()
    assert sent == [federation.student.email, "nobody@example.org"]


def test_account_page_changes_name_and_password(client, federation, login):
    login(federation.student)
    response = client.post("/account", data={"name-name": "Ana H.", "name-submit_name": "1"})
    assert response.status_code == 302
    db.session.refresh(federation.student)
    assert federation.student.name == "Ana H."

    response = client.post(
        "/account",
        data={
            "password-current_password": "not the password",
            "password-new_password": "another long one",
            "password-new_password_again": "another long one",
            "password-submit_password": "1",
        },
    )
    assert "The current password is not right." in response.get_data(as_text=True)

    response = client.post(
        "/account",
        data={
            "password-current_password": builders.PASSWORD,
            "password-new_password": "another long one",
            "password-new_password_again": "another long one",
            "password-submit_password": "1",
        },
    )
    assert response.status_code == 302
    client.post("/logout")
    assert log_in(client, federation.student.email, "another long one").status_code == 302


def test_in_development_mail_is_written_to_the_log(make_app, federation, caplog):
    client = make_app(MAIL_BACKEND="log").test_client()
    with caplog.at_level("WARNING", logger="exchange.outbox"):
        client.post("/forgot-password", data={"email": federation.student.email})
    assert "Reset your exchange password" in caplog.text
    assert "/reset-password/" in caplog.text
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is not None  # nothing left for an SMTP server to send


def test_registration_offers_only_nmos_with_a_local_committee(client, federation):
    builders.nmo("NOLCS", country_code="AT", country_name="Austria")
    db.session.commit()
    page = client.get("/register").get_data(as_text=True)
    assert f"{federation.home.country_name}: {federation.home.acronym}" in page
    assert "Austria: NOLCS" not in page
