"""The lists of applications: a student's own, and the officers' queues."""

from flask import (
    abort,
    render_template,
    request,
)
from flask_login import current_user

from exchange import clock
from exchange.applications.deadlines import late_cards
from exchange.applications.pages import bp
from exchange.applications.queues import QUEUES, queue_page
from exchange.applications.reminders import REMINDER_DAYS_AHEAD
from exchange.applications.states import State
from exchange.auth.decorators import login_required
from exchange.auth.models import Role

# Lists


@bp.route("/")
@login_required
def index():
    """The viewer's applications: a student's own, an officer's queues."""
    default = "mine" if current_user.primary_role == Role.STUDENT else "incoming"
    queue = request.args.get("queue") or default
    if queue not in QUEUES:
        abort(404)
    page, options = queue_page(current_user, queue, request.args)
    return render_template(
        "applications/index.html",
        queue=queue,
        queues=QUEUES,
        page=page,
        options=options,
        states=list(State),
        today=clock.today(),
        late_cards=late_cards,
        reminder_days=REMINDER_DAYS_AHEAD,
    )
