"""Personal API tokens: made, listed, revoked, and turned back into their user.

A token is ``exq_`` and 43 random URL-safe characters. Only its SHA-256 is kept: the token
has 256 bits of entropy, so a plain hash is as strong as a slow one and costs nothing per
request. A token acts as its user while the user is active, it has not expired or been
revoked, and the user's password is the one it was made under.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, request
from sqlalchemy import select

from exchange import audit, clock
from exchange.auth.models import ApiToken, User
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db

TOKEN_PREFIX = "exq_"
MAX_NAME_LENGTH = 80
MAX_EXPIRY_DAYS = 3650
# A token's "last used" is written at most this often, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def create_token(user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its text, which is shown once and never again."""
    name = (name or "").strip()
    if not name:
        raise DomainError("Give the token a name, so that you know later what uses it.")
    if len(name) > MAX_NAME_LENGTH:
        raise DomainError(f"A token's name has at most {MAX_NAME_LENGTH} characters.")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise DomainError(f"A token expires in 1 to {MAX_EXPIRY_DAYS} days, or never.")
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        user=user,
        name=name,
        token_hash=_hash(text),
        prefix=text[: len(TOKEN_PREFIX) + 4],
        password_fingerprint=user.password_fingerprint,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token_created", user, f"token {token.id}", f"{name} ({token.prefix}…)")
    return token, text


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (they say when)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_of(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotAllowed("That token is not one of yours.")
    return token


def revoke_token(user: User, token: ApiToken) -> None:
    if token.user_id != user.id:
        raise NotAllowed("That token is not one of yours.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record("token_revoked", user, f"token {token.id}", f"{token.name} ({token.prefix}…)")
    db.session.flush()


def status_of(token: ApiToken, user: User, now: datetime) -> str:
    """ "active", "revoked", "expired", or "ended by a new password"."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    if token.password_fingerprint != user.password_fingerprint:
        return "ended by a new password"
    return "active"


def token_for_text(text: str) -> ApiToken | None:
    """The token that ``text`` is, while it may act for its user; None otherwise."""
    if not text.startswith(TOKEN_PREFIX) or len(text) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(text)))
    if token is None:
        return None
    user = token.user
    if not user.is_active or status_of(token, user, clock.now()) != "active":
        return None
    return token


def note_use(token: ApiToken) -> bool:
    """Set the token's last use to now, unless it was set in the last minute. Whether it
    changed, so that the caller commits it."""
    now = clock.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_EVERY:
        return False
    token.last_used_at = now
    return True


def load_token_user() -> None:
    """Before every request: on an API path, a bearer token decides who the caller is,
    ahead of any cookie the client also sends; a wrong one makes the caller anonymous.

    Flask-Login keeps the request's user in ``g._login_user``; setting it here means it
    never looks at the session for this request. The token stays in ``g.api_token``: it
    exempts the request from CSRF (a browser never sends it by itself) and its rate limit
    counts per token. Its last use is saved here, at the start of the request, so that
    the view's own commit or rollback is its own.
    """
    if not request.path.startswith("/api/"):
        return
    scheme, _, text = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return
    token = token_for_text(text.strip())
    if token is None:
        g._login_user = current_app.login_manager.anonymous_user()
        return
    if note_use(token):
        db.session.commit()
    g.api_token = token
    g._login_user = token.user
