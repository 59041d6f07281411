"""A user's calendar feed: started, replaced by a new address, stopped, and found again
from its address.

The address is ``/calendar/<secret>.ics`` where the secret is the feed's random key and
an HMAC of the key under the app's secret key. The key alone, as the table keeps it, opens
nothing; a new secret key of the app ends every address, as it ends every session.
"""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select

from exchange import clock
from exchange.auth.models import User
from exchange.extensions import db
from exchange.feeds import events, queries
from exchange.feeds.models import CalendarFeed

KEY_LENGTH = 32  # hexadecimal characters: 128 random bits
SECRET_LENGTH = 2 * KEY_LENGTH
# A feed's last fetch is written at most this often: calendar apps poll.
FETCH_NOTED_EVERY_SECONDS = 3600


def _signature(key: str) -> str:
    secret_key = current_app.config["SECRET_KEY"].encode()
    message = f"calendar-feed:{key}".encode()
    return hmac.new(secret_key, message, hashlib.sha256).hexdigest()[:KEY_LENGTH]


def secret_of(feed: CalendarFeed) -> str:
    return feed.key + _signature(feed.key)


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def start_feed(user: User) -> CalendarFeed:
    """The user's feed at a new address; an address given before stops working."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user=user)
        db.session.add(feed)
    feed.key = secrets.token_hex(KEY_LENGTH // 2)
    feed.created_at = clock.now()
    feed.last_fetched_at = None
    db.session.flush()
    return feed


def stop_feed(user: User) -> bool:
    """End the user's feed; whether there was one."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    return True


def feed_for_secret(secret: str) -> CalendarFeed | None:
    """The feed that ``secret`` opens, while its user is active; None otherwise."""
    if len(secret) != SECRET_LENGTH:
        return None
    key, signature = secret[:KEY_LENGTH], secret[KEY_LENGTH:]
    if not hmac.compare_digest(signature, _signature(key)):
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.key == key))
    if feed is None or not feed.user.is_active:
        return None
    return feed


def note_fetch(feed: CalendarFeed) -> None:
    now = clock.now()
    last = feed.last_fetched_at
    if last is None or (now - last).total_seconds() >= FETCH_NOTED_EVERY_SECONDS:
        feed.last_fetched_at = now


def events_for(user: User) -> list[events.FeedEvent]:
    """Everything the user's feed holds: their own applications as a student, and as an
    officer the cards awaited in their queues, their NMO's conditions and contracts."""
    found = []
    if user.student_membership is not None:
        applications = queries.student_applications(user)
        found += events.student_events(applications, queries.host_conditions_of(applications))
    if user.officer_memberships():
        found += events.card_events(queries.applications_awaiting_cards(user))
        found += events.conditions_events(queries.conditions_of_officer(user))
        contracts = queries.contracts_sending(user)
        found += events.contract_events(contracts, queries.host_conditions_of(contracts))
    return events.in_order(found)
