"""Accounts: registration, login, password resets, and officers created by admins."""

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from exchange import audit, clock
from exchange.auth.models import Membership, Role, User
from exchange.auth.permissions import can_manage_users
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.links import public_url
from exchange.outbox import queue_email

MIN_PASSWORD_LENGTH = 10
# A hash of a random password, checked when the email is unknown, so that a login
# takes as long for an unknown address as for a wrong password.
_DUMMY_HASH = generate_password_hash("no-such-user-password")


def load_user(session_id: str) -> User | None:
    """The user of a session made by ``User.get_id``, while active, with the password and
    session version it was made under."""
    user_id, _, rest = session_id.partition(":")
    fingerprint, _, version = rest.partition(":")
    user = None
    if user_id.isdigit() and len(user_id) < 11:
        # One SELECT for the user, their roles and each role's NMO, LC and program: every
        # page reads them (the layout's menu), and a query costs more than its rows.
        user = db.session.get(User, int(user_id), options=[joinedload(User.memberships)])
    if user is None or not user.is_active or user.password_fingerprint != fingerprint:
        return None
    if version != str(user.session_version):
        return None
    return user


def end_sessions(user: User) -> None:
    """At logout: every session and remember-me cookie of the user stops working, the
    copies of them too."""
    user.session_version += 1
    audit.record("logout", user, f"user {user.id}")
    db.session.flush()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.")


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def new_user(
    email: str,
    name: str,
    password: str,
    year_of_study: int | None = None,
    confirmed: bool = False,
) -> User:
    email = normalize_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(f"An account with the email {email} exists already. Log in instead.")
    check_password_rules(password)
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        year_of_study=year_of_study,
        email_confirmed_at=clock.now() if confirmed else None,
    )
    db.session.add(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        audit.record("login_failed", detail=f"Unknown address {normalize_email(email)[:254]}")
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        reason = "wrong password" if user.is_active else "deactivated account"
        audit.record("login_failed", user, f"user {user.id}", reason)
        return None
    user.last_login_at = clock.now()
    audit.record("login", user, f"user {user.id}")
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, current_password):
        raise DomainError("The current password is not right.")
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    audit.record("password_changed", user, f"user {user.id}")
    db.session.flush()


def change_name(user: User, name: str) -> None:
    name = name.strip()
    if not name:
        raise DomainError("Your name cannot be empty.")
    user.name = name
    db.session.flush()


# Password reset: a signed, timed token that also carries a fingerprint of the current
# password hash, so a link stops working once it (or any other) has been used.


INVITATION_MAX_AGE = 14 * 24 * 3600  # an admin's new officer has two weeks to set a password


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def make_reset_token(user: User, invitation: bool = False) -> str:
    payload = {"id": user.id, "pw": user.password_fingerprint, "invite": invitation}
    return _reset_serializer().dumps(payload)


def user_for_reset_token(token: str) -> User | None:
    """The user a password link is for, while the link is fresh and unused."""
    try:
        data, signed_at = _reset_serializer().loads(
            token, max_age=INVITATION_MAX_AGE, return_timestamp=True
        )
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    if not data.get("invite"):
        age = (clock.now() - signed_at).total_seconds()
        if age > current_app.config["PASSWORD_RESET_MAX_AGE"]:
            return None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.is_active or data.get("pw") != user.password_fingerprint:
        return None
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if the address belongs to an active account; otherwise mail the
    address that it has none. Both ways one message goes through the outbox, so the answer
    takes as long whether or not the address has an account: its time tells no one who."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        queue_email(
            normalize_email(email),
            "Your exchange password",
            render_template(
                "auth/email/reset_without_account.txt",
                email=normalize_email(email),
                inactive=user is not None,
                register_link=public_url("registration.register"),
            ),
        )
        return
    link = public_url("auth.reset_password", token=make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    queue_email(
        user.email,
        "Reset your exchange password",
        render_template("auth/email/reset_password.txt", user=user, link=link, minutes=minutes),
    )


def reset_password(user: User, new_password: str) -> None:
    check_password_rules(new_password)
    user.password_hash = hash_password(new_password)
    # The link came by mail: whoever followed it reads the address.
    user.email_confirmed_at = user.email_confirmed_at or clock.now()
    audit.record("password_reset", user, f"user {user.id}")
    db.session.flush()


# A student's own registration: confirmed by a link mailed to the address, so that the
# page answers the same whether or not the address has an account (the owner of an
# address that has one gets a mail saying so instead).

CONFIRMATION_MAX_AGE = 7 * 24 * 3600


def _confirmation_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-email")


def send_confirmation(user: User) -> None:
    """Mail the address a link that confirms it and opens the new account."""
    # The password's fingerprint binds the link to this registration: a later one of the
    # same address (with its own password) makes it stale.
    payload = {"id": user.id, "email": user.email, "pw": user.password_fingerprint}
    token = _confirmation_serializer().dumps(payload)
    queue_email(
        user.email,
        "Confirm your exchange account",
        render_template(
            "auth/email/confirm_account.txt",
            user=user,
            link=public_url("registration.confirm", token=token),
            days=CONFIRMATION_MAX_AGE // (24 * 3600),
        ),
    )


def mail_existing_account(user: User) -> None:
    """Someone registered with the address of an account that exists: tell its owner."""
    queue_email(
        user.email,
        "Your exchange account",
        render_template(
            "auth/email/already_registered.txt",
            user=user,
            login_link=public_url("auth.login"),
            reset_link=public_url("auth.forgot_password"),
        ),
    )


def confirm_account(token: str) -> User | None:
    """The account a registration link is for, now confirmed; None for a link that is
    forged, too old, replaced by a later registration, or for an address the account no
    longer has."""
    try:
        data = _confirmation_serializer().loads(token, max_age=CONFIRMATION_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    user = db.session.get(User, data["id"])
    if user is None or not user.is_active or user.email != data.get("email"):
        return None
    if data.get("pw") != user.password_fingerprint:
        return None
    user.email_confirmed_at = user.email_confirmed_at or clock.now()
    db.session.flush()
    return user


# Officers and admins


def create_user(
    actor: User | None, email: str, name: str, password: str, membership: Membership
) -> User:
    """An admin creates an account with one role (``exchange.organizations.memberships`` builds it).

    ``actor`` None means the command line, where whoever runs it is trusted.
    """
    if actor is not None and not can_manage_users(actor):
        raise NotAllowed("Only admins create accounts for officers and admins.")
    user = new_user(email, name, password, confirmed=True)
    user.memberships.append(membership)
    db.session.flush()
    if actor is not None:
        send_invitation(user, actor)
    return user


def send_invitation(user: User, actor: User) -> None:
    """Mail a new officer or admin a link to choose their own password."""
    link = public_url("auth.reset_password", token=make_reset_token(user, invitation=True))
    queue_email(
        user.email,
        "Your exchange account",
        render_template(
            "auth/email/invitation.txt",
            user=user,
            actor=actor,
            link=link,
            days=INVITATION_MAX_AGE // 86400,
        ),
    )


def add_membership(actor: User, user: User, membership: Membership) -> None:
    if not can_manage_users(actor):
        raise NotAllowed("Only admins change roles.")
    for existing in user.memberships:
        if (existing.role, existing.nmo_id, existing.lc_id, existing.program_id) == (
            membership.role,
            membership.nmo_id,
            membership.lc_id,
            membership.program_id,
        ):
            raise DomainError("The user holds this role already.")
    user.memberships.append(membership)
    db.session.flush()
    audit.record("role_added", actor, f"user {user.id}", membership.title)


def remove_membership(actor: User, membership: Membership) -> None:
    if not can_manage_users(actor):
        raise NotAllowed("Only admins change roles.")
    if membership.role == Role.ADMIN and membership.user_id == actor.id:
        raise DomainError("You cannot take away your own admin role; ask another admin.")
    if len(membership.user.memberships) == 1:
        raise DomainError("This is the user's only role; deactivate the account instead.")
    audit.record("role_removed", actor, f"user {membership.user_id}", membership.title)
    db.session.delete(membership)
    db.session.flush()


def set_user_active(actor: User, user: User, active: bool) -> None:
    if not can_manage_users(actor):
        raise NotAllowed("Only admins activate and deactivate accounts.")
    if user.id == actor.id and not active:
        raise DomainError("You cannot deactivate your own account.")
    if user.is_active != active:
        audit.record("reactivated" if active else "deactivated", actor, f"user {user.id}")
    user.is_active = active
    db.session.flush()
