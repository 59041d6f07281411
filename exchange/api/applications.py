"""Applications: the caller's lists (a student's own, an officer's queues), one
application, a new draft, and each step of the cycle as a POST on the application.

Each step calls the service the application's page calls, with the same checks: the
caller may see only what the page would show them, and do only what it would offer.
"""

from flask_login import current_user
from marshmallow import Schema, fields, validate

from exchange import clock
from exchange.api.base import PageArguments, blueprint, page_of, page_schema, refuse_fields
from exchange.api.schemas import ApplicationDetailSchema, ApplicationSchema
from exchange.applications import services
from exchange.applications.models import Application
from exchange.applications.pages import application_or_404
from exchange.applications.queues import (
    API_ROW_OPTIONS,
    OPEN,
    QUEUES,
    queue_statement,
    read_filters,
)
from exchange.applications.states import State
from exchange.auth.decorators import login_required, role_required
from exchange.auth.models import Role
from exchange.extensions import db
from exchange.organizations.queries import (
    current_season,
    nmo_by_code,
    program_by_code,
    season_by_code,
    seasons_open_for_applications,
)
from exchange.placements.models import Placement
from exchange.web.transaction import attempt

bp = blueprint("Applications", "/applications", "Students' applications and their steps.")

OFFICERS = (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER)
SHORT_TEXT = validate.Length(max=200)


class ApplicationArguments(PageArguments):
    queue = fields.String(
        validate=validate.OneOf(list(QUEUES)),
        metadata={
            "description": "mine (a student's own; the default for students), "
            "outgoing or incoming (an officer's; incoming is their default)"
        },
    )
    state = fields.String(
        validate=validate.OneOf([OPEN, "all", *(s.value for s in State)]),
        metadata={
            "description": "open (every state not closed), all, or one state; default: the queue's"
        },
    )
    season = fields.String(
        validate=validate.Length(max=16),
        metadata={"description": "A season's code, or all; default: the current season"},
    )
    program = fields.String(validate=validate.Length(max=8))
    host = fields.String(validate=validate.Length(max=16), metadata={"description": "NMO code"})
    home = fields.String(validate=validate.Length(max=16), metadata={"description": "NMO code"})
    q = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "In the code, the student's name or the host's acronym"},
    )
    late = fields.Boolean(metadata={"description": "Only those whose CA or CC is late"})


def _filter_args(arguments: dict) -> dict:
    """The list's arguments as the queue pages read them, with ids for the codes of a
    season and a program; a code that names none is refused by field."""
    args = {name: arguments[name] for name in ("state", "q", "host", "home") if name in arguments}
    if args.get("state") == "all":
        args["state"] = ""
    if arguments.get("late"):
        args["late"] = "1"
    errors = {}
    season_code = arguments.get("season")
    if season_code == "all":
        args["season"] = "all"
    elif season_code:
        season = season_by_code(season_code)
        if season is None:
            errors["season"] = [f"There is no season {season_code}."]
        else:
            args["season"] = str(season.id)
    if arguments.get("program"):
        program = program_by_code(arguments["program"].upper())
        if program is None:
            errors["program"] = [f"There is no program {arguments['program']}."]
        else:
            args["program"] = str(program.id)
    if errors:
        refuse_fields(errors)
    return args


@bp.route("/")
@login_required
@bp.arguments(ApplicationArguments, location="query")
@bp.response(200, page_schema(ApplicationSchema))
def list_applications(arguments):
    """A student's own applications, or an officer's queue, in the queue's order."""
    default = "mine" if current_user.primary_role == Role.STUDENT else "incoming"
    queue = arguments.get("queue") or default
    filters = read_filters(current_user, queue, _filter_args(arguments), current_season())
    statement = queue_statement(current_user, filters).options(*API_ROW_OPTIONS)
    return page_of(statement, arguments)


@bp.route("/<code>")
@login_required
@bp.response(200, ApplicationDetailSchema)
def get_application(code: str):
    """One application the caller may see, and what they may do to it now."""
    return application_or_404(code)


class DraftSchema(Schema):
    program = fields.String(required=True, validate=validate.Length(max=8))
    host = fields.String(required=True, validate=validate.Length(max=16))
    season = fields.String(
        validate=validate.Length(max=16),
        metadata={"description": "Default: the first season open for applications"},
    )


@bp.route("/", methods=["POST"])
@role_required(Role.STUDENT)
@bp.arguments(DraftSchema)
@bp.response(201, ApplicationDetailSchema)
def create_draft(draft):
    """A new draft application of the calling student to a host NMO."""
    program = program_by_code(draft["program"].upper())
    host = nmo_by_code(draft["host"])
    if draft.get("season"):
        season = season_by_code(draft["season"])
    else:
        season = next(iter(seasons_open_for_applications()), None)
    errors = {}
    if program is None:
        errors["program"] = [f"There is no program {draft['program']}."]
    if host is None or not host.is_active:
        errors["host"] = [f"There is no NMO {draft['host']}."]
    if season is None:
        errors["season"] = ["No season is open for applications."]
    if errors:
        refuse_fields(errors)
    with attempt():
        application = services.create_application(current_user, program, season, host)
    return application


# The steps. Each answers the application as it now is.


class NoArguments(Schema):
    pass


class NominationSchema(Schema):
    month = fields.Integer(required=True, validate=validate.Range(1, 12))


class AcceptanceSchema(Schema):
    placement_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    starts_on = fields.Date(required=True)
    contact_person = fields.String(required=True, validate=SHORT_TEXT)
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))
    tutor = fields.String(load_default="", validate=SHORT_TEXT)
    meeting_point = fields.String(load_default="", validate=validate.Length(max=2000))


class ConfirmationSchema(Schema):
    arrival_local = fields.NaiveDateTime(
        required=True, metadata={"description": "Local time at the destination"}
    )
    transport = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ArrivalSchema(Schema):
    arrived_on = fields.Date(metadata={"description": "Default: today"})


RATING = validate.Range(1, 5)


class EvaluationSchema(Schema):
    overall = fields.Integer(required=True, validate=RATING)
    placement = fields.Integer(required=True, validate=RATING)
    supervision = fields.Integer(required=True, validate=RATING)
    accommodation = fields.Integer(required=True, validate=RATING)
    comments = fields.String(load_default="", validate=validate.Length(max=4000))


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=1000))


def _step(code: str, take) -> Application:
    """Take one step on the application, committed whole or not at all."""
    application = application_or_404(code)
    with attempt():
        take(application)
    return application


def _placement(placement_id: int) -> Placement:
    placement = db.session.get(Placement, placement_id)
    if placement is None:
        refuse_fields({"placement_id": [f"There is no placement {placement_id}."]})
    return placement


@bp.route("/<code>/submit", methods=["POST"])
@role_required(Role.STUDENT)
@bp.response(200, ApplicationDetailSchema)
def submit(code: str):
    """The student submits their complete application to their NMO."""
    return _step(code, lambda a: services.submit_application(current_user, a, clock.today()))


@bp.route("/<code>/nominate", methods=["POST"])
@role_required(Role.NATIONAL_OFFICER)
@bp.arguments(NominationSchema)
@bp.response(200, ApplicationDetailSchema)
def nominate(step, code: str):
    """The home NMO nominates the student to the host, in a month of its contract."""
    return _step(code, lambda a: services.nominate_application(current_user, a, step["month"]))


@bp.route("/<code>/accept", methods=["POST"])
@role_required(*OFFICERS)
@bp.arguments(AcceptanceSchema)
@bp.response(200, ApplicationDetailSchema)
def accept(step, code: str):
    """The host places the student and issues the card of acceptance."""
    placement = _placement(step["placement_id"])
    return _step(
        code,
        lambda a: services.accept_application(
            current_user,
            a,
            placement,
            step["starts_on"],
            step["contact_person"],
            step["contact_email"],
            tutor=step["tutor"],
            meeting_point=step["meeting_point"],
        ),
    )


@bp.route("/<code>/confirm", methods=["POST"])
@role_required(Role.STUDENT)
@bp.arguments(ConfirmationSchema)
@bp.response(200, ApplicationDetailSchema)
def confirm(step, code: str):
    """The student sends the card of confirmation: their arrival and transport."""
    return _step(
        code,
        lambda a: services.confirm_application(
            current_user, a, step["arrival_local"], step["transport"]
        ),
    )


@bp.route("/<code>/arrive", methods=["POST"])
@role_required(*OFFICERS)
@bp.arguments(ArrivalSchema)
@bp.response(200, ApplicationDetailSchema)
def arrive(step, code: str):
    """The host marks the student as arrived."""
    arrived_on = step.get("arrived_on") or clock.today()
    return _step(code, lambda a: services.mark_arrived(current_user, a, arrived_on))


@bp.route("/<code>/evaluate", methods=["POST"])
@role_required(Role.STUDENT)
@bp.arguments(EvaluationSchema)
@bp.response(200, ApplicationDetailSchema)
def evaluate(step, code: str):
    """The student sends the evaluation form of their exchange."""
    return _step(
        code,
        lambda a: services.submit_evaluation(
            current_user,
            a,
            step["overall"],
            step["placement"],
            step["supervision"],
            step["accommodation"],
            step["comments"],
        ),
    )


@bp.route("/<code>/certify", methods=["POST"])
@role_required(*OFFICERS)
@bp.response(200, ApplicationDetailSchema)
def certify(code: str):
    """The host issues the certificate of the completed exchange."""
    return _step(code, lambda a: services.certify_application(current_user, a))


@bp.route("/<code>/withdraw", methods=["POST"])
@role_required(Role.STUDENT)
@bp.arguments(ReasonSchema)
@bp.response(200, ApplicationDetailSchema)
def withdraw(step, code: str):
    """The student withdraws their application."""
    return _step(code, lambda a: services.withdraw_application(current_user, a, step["reason"]))


@bp.route("/<code>/cancel", methods=["POST"])
@role_required(*OFFICERS, Role.ADMIN)
@bp.arguments(ReasonSchema)
@bp.response(200, ApplicationDetailSchema)
def cancel(step, code: str):
    """An officer (or an admin) cancels the exchange; its slot and place are given back."""
    return _step(code, lambda a: services.cancel_application(current_user, a, step["reason"]))


@bp.route("/<code>/reject", methods=["POST"])
@role_required(*OFFICERS)
@bp.arguments(ReasonSchema)
@bp.response(200, ApplicationDetailSchema)
def reject(step, code: str):
    """The home or the host refuses the application."""
    return _step(code, lambda a: services.reject_application(current_user, a, step["reason"]))
