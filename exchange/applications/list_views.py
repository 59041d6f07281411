"""The lists of applications: a student's own, and the officers' queues, on the page and
as CSV and XLSX files of what the page shows."""

from flask import (
    Response,
    abort,
    render_template,
    request,
)
from flask_login import current_user

from exchange import audit, clock
from exchange.applications import exports
from exchange.applications.deadlines import late_cards
from exchange.applications.pages import bp
from exchange.applications.queues import OPEN, QUEUES, queue_page
from exchange.applications.reminders import REMINDER_DAYS_AHEAD
from exchange.applications.states import OPEN_STATES, State
from exchange.auth.decorators import login_required
from exchange.auth.models import Role
from exchange.spreadsheets import MIME_TYPE as XLSX_MIME_TYPE
from exchange.web.transaction import attempt

# Lists


def _queue() -> str:
    """The queue the request asks for; a student's own list, else an officer's incoming."""
    default = "mine" if current_user.primary_role == Role.STUDENT else "incoming"
    queue = request.args.get("queue") or default
    if queue not in QUEUES:
        abort(404)
    return queue


@bp.route("/")
@login_required
def index():
    """The viewer's applications: a student's own, an officer's queues."""
    queue = _queue()
    page, options = queue_page(current_user, queue, request.args)
    return render_template(
        "applications/index.html",
        queue=queue,
        queues=QUEUES,
        page=page,
        options=options,
        states=list(State),
        open_value=OPEN,
        open_states=OPEN_STATES,
        today=clock.today(),
        late_cards=late_cards,
        reminder_days=REMINDER_DAYS_AHEAD,
    )


def _download(body, mimetype: str, extension: str, queue: str) -> Response:
    filename = exports.filename(queue, extension)
    # Students' names and emails leave the site: the audit log says who took which list.
    with attempt():
        audit.record("data_exported", current_user, f"{queue} applications", filename)
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            # Names and emails: no cache keeps a copy.
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/export.csv")
@login_required
def export_csv():
    """The list the query string describes, every matching row, as CSV."""
    queue = _queue()
    return _download(exports.queue_csv(current_user, queue, request.args), "text/csv", "csv", queue)


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    """The list the query string describes, every matching row, as XLSX."""
    queue = _queue()
    body = exports.queue_xlsx(current_user, queue, request.args)
    return _download(body, XLSX_MIME_TYPE, "xlsx", queue)
