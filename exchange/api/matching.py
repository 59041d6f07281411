"""Matching runs: the matcher's proposal for an NMO's outgoing allocation or incoming
placement, read with its explanations, changed by hand, approved or discarded, with the
matching page's rules."""

from flask import abort
from flask_login import current_user
from marshmallow import Schema, fields, validate

from exchange.api.base import PageArguments, blueprint, page_of, page_schema, refuse_fields
from exchange.api.schemas import MatchingRunDetailSchema, MatchingRunSchema
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_manage_nmo
from exchange.extensions import db
from exchange.matching import services
from exchange.matching.models import MatchingKind, MatchingRun, Ranking
from exchange.organizations.queries import nmo_by_code, program_by_code, season_by_code
from exchange.web.transaction import attempt

bp = blueprint("Matching", "/matching", "The matcher's proposals, and their approval.")

OFFICERS = (Role.NATIONAL_OFFICER, Role.ADMIN)
CONFLICT = "The proposal changed a moment ago: read it again."


class NewRunSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in MatchingKind]))
    nmo = fields.String(required=True, validate=validate.Length(max=16))
    program = fields.String(required=True, validate=validate.Length(max=8))
    season = fields.String(required=True, validate=validate.Length(max=16))
    ranking = fields.String(
        load_default=Ranking.POINTS.value, validate=validate.OneOf([r.value for r in Ranking])
    )


class AssignmentSchema(Schema):
    application = fields.String(required=True, validate=validate.Length(max=32))
    slot = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "A slot's key, or null to place the student nowhere"},
    )


def _run_or_404(run_id: int) -> MatchingRun:
    run = db.session.get(MatchingRun, run_id)
    if run is None or not can_manage_nmo(current_user, run.nmo_id, run.program_id):
        abort(404, f"There is no matching run {run_id} of yours.")
    return run


def _detail(run: MatchingRun) -> dict:
    ids = [row["application_id"] for row in run.proposal]
    codes = {a.id: a.code for a in services.applications_of_run(ids)}
    summary = services.summarize(run)
    return {
        "run": run,
        "summary": summary,
        "slots": [
            {**slot, "key": key, "taken": summary.taken.get(key, 0)}
            for key, slot in run.slots.items()
        ],
        "rows": [
            {
                "application": codes.get(row["application_id"], ""),
                "slot": row["slot"],
                "rank": row["rank"],
                "placed": services.describe(run, row),
                "refusals": [
                    {**refusal, "held_by": [codes.get(i, "") for i in refusal["held_by"]]}
                    for refusal in row["refusals"]
                ],
                "changed": bool(row.get("changed")),
            }
            for row in run.proposal
        ],
    }


@bp.route("/")
@role_required(*OFFICERS)
@bp.arguments(PageArguments, location="query")
@bp.response(200, page_schema(MatchingRunSchema))
def list_runs(arguments):
    """The runs of the caller's NMOs and programs (every run for admins), newest first."""
    scopes = None
    if not current_user.is_admin:
        scopes = [
            (m.nmo, m.program) for m in current_user.memberships if m.role == Role.NATIONAL_OFFICER
        ]
    statement = services.runs_statement(scopes).order_by(MatchingRun.id.desc())
    return page_of(statement, arguments)


@bp.route("/", methods=["POST"])
@role_required(*OFFICERS)
@bp.arguments(NewRunSchema)
@bp.response(201, MatchingRunDetailSchema)
def create_run(given):
    """Run the matcher: a new proposal, which replaces an open one of the same scope."""
    nmo = nmo_by_code(given["nmo"])
    program = program_by_code(given["program"].upper())
    season = season_by_code(given["season"].replace("-", "/"))
    errors = {}
    if nmo is None or not nmo.is_active:
        errors["nmo"] = [f"There is no NMO {given['nmo']}."]
    if program is None:
        errors["program"] = [f"There is no program {given['program']}."]
    if season is None:
        errors["season"] = [f"There is no season {given['season']}."]
    if errors:
        refuse_fields(errors)
    with attempt():
        run = services.run_matching(
            current_user,
            MatchingKind(given["kind"]),
            nmo,
            program,
            season,
            Ranking(given["ranking"]),
        )
    return _detail(run)


@bp.route("/<int:run_id>")
@role_required(*OFFICERS)
@bp.response(200, MatchingRunDetailSchema)
def get_run(run_id: int):
    """A proposal: where each student goes and why, each slot and what it takes."""
    return _detail(_run_or_404(run_id))


@bp.route("/<int:run_id>/assign", methods=["POST"])
@role_required(*OFFICERS)
@bp.arguments(AssignmentSchema)
@bp.response(200, MatchingRunDetailSchema)
def assign(given, run_id: int):
    """Move one student of the proposal to another slot, or to none."""
    run = _run_or_404(run_id)
    rows = services.applications_of_run([row["application_id"] for row in run.proposal])
    application = next((a for a in rows if a.code == given["application"]), None)
    if application is None:
        refuse_fields({"application": [f"{given['application']} is not in this proposal."]})
    with attempt(conflict=CONFLICT):
        services.change_assignment(current_user, run, application.id, given["slot"])
    return _detail(run)


@bp.route("/<int:run_id>/approve", methods=["POST"])
@role_required(*OFFICERS)
@bp.response(200, MatchingRunDetailSchema)
def approve(run_id: int):
    """Nominate (outgoing) or accept and issue the CAs (incoming): all or nothing."""
    run = _run_or_404(run_id)
    with attempt(conflict=CONFLICT):
        services.approve_run(current_user, run)
    return _detail(run)


@bp.route("/<int:run_id>/discard", methods=["POST"])
@role_required(*OFFICERS)
@bp.response(200, MatchingRunDetailSchema)
def discard(run_id: int):
    """Drop the proposal; nothing changes."""
    run = _run_or_404(run_id)
    with attempt():
        services.discard_run(current_user, run)
    return _detail(run)
