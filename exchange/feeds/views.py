"""The calendar feed: its address on the account page (started, renewed, stopped) and the
feed itself, which calendar apps fetch with no session: the address is the key."""

from flask import Blueprint, Response, abort, redirect, url_for
from flask_login import current_user

from exchange import clock
from exchange.auth.decorators import login_required, public
from exchange.feeds import ics, services
from exchange.web.forms import ConfirmForm
from exchange.web.transaction import attempt

bp = Blueprint("feeds", __name__)


@bp.app_template_global()
def calendar_feed() -> dict | None:
    """For the account page: the current user's feed address and when it was made."""
    feed = services.feed_of(current_user)
    if feed is None:
        return None
    secret = services.secret_of(feed)
    return {
        "address": url_for("feeds.calendar", secret=secret, _external=True),
        "created_at": feed.created_at,
        "last_fetched_at": feed.last_fetched_at,
    }


@bp.route("/calendar/<secret>.ics")
@public
def calendar(secret: str):
    feed = services.feed_for_secret(secret)
    if feed is None:
        abort(404)
    user = feed.user
    with attempt():
        services.note_fetch(feed)
        body = ics.calendar_file(
            f"Exchange: {user.name}",
            services.events_for(user),
            clock.now(),
            lambda code: url_for("applications.show", code=code, _external=True),
        )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="exchange.ics"'
    # The address is a secret: no shared cache may keep what it answers.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/account/calendar", methods=["POST"])
@login_required
def start():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    had_one = services.feed_of(current_user) is not None
    message = (
        "Your calendar has a new address: the old one no longer works."
        if had_one
        else "Your calendar address is ready: add it to your calendar app."
    )
    with attempt(message):
        services.start_feed(current_user)
    return redirect(url_for("auth.account", _anchor="calendar-feed"))


@bp.route("/account/calendar/stop", methods=["POST"])
@login_required
def stop():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt("Your calendar feed is stopped: its address no longer works."):
        services.stop_feed(current_user)
    return redirect(url_for("auth.account", _anchor="calendar-feed"))
