"""Matching runs: the officer runs the matcher, reads the proposal, adjusts, approves."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_manage_nmo
from exchange.extensions import db
from exchange.matching import services
from exchange.matching.forms import RunForm
from exchange.matching.models import MatchingKind, MatchingRun, Ranking, RunStatus
from exchange.months import month_name
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import active_nmos, current_season, open_seasons, programs
from exchange.web.arguments import as_id
from exchange.web.forms import ConfirmForm
from exchange.web.paging import page_of
from exchange.web.transaction import attempt

bp = Blueprint("matching", __name__, url_prefix="/matching")

OFFICERS = (Role.NATIONAL_OFFICER, Role.ADMIN)


def _scopes() -> list[tuple[NMO, Program]]:
    """The (NMO, program) pairs whose matching the user runs."""
    if current_user.is_admin:
        nmos = active_nmos()
        every_program = programs()  # once, not once per NMO
        return [(nmo, program) for nmo in nmos for program in every_program]
    return [(m.nmo, m.program) for m in current_user.memberships if m.role == Role.NATIONAL_OFFICER]


def _run_form(scopes: list[tuple[NMO, Program]]) -> RunForm:
    form = RunForm()
    form.scope.choices = [
        SelectChoice(
            f"{nmo.id}:{program.id}", f"{nmo.acronym} ({nmo.country_name}), {program.code}"
        )
        for nmo, program in scopes
    ]
    form.season_id.choices = [SelectChoice(s.id, s.code) for s in open_seasons()]
    if request.method == "GET":
        season = current_season()
        form.season_id.data = season.id if season else None
    return form


@bp.route("/")
@role_required(*OFFICERS)
def index():
    scopes = _scopes()
    form = _run_form(scopes)
    page = page_of(services.runs_statement(None if current_user.is_admin else scopes))
    return render_template("matching/index.html", form=form, page=page)


@bp.route("/run", methods=["POST"])
@role_required(*OFFICERS)
def run():
    form = _run_form(_scopes())
    if not form.validate_on_submit():
        flash("Choose what to match, the NMO and program, and the season.", "danger")
        return redirect(url_for("matching.index"))
    nmo_id, program_id = (int(part) for part in form.scope.data.split(":"))
    with attempt() as outcome:
        matching_run = services.run_matching(
            current_user,
            MatchingKind(form.kind.data),
            db.session.get(NMO, nmo_id),
            db.session.get(Program, program_id),
            db.session.get(Season, form.season_id.data),
            Ranking(form.ranking.data),
        )
    if not outcome.ok:
        return redirect(url_for("matching.index"))
    return redirect(url_for("matching.show", run_id=matching_run.id))


def _run_or_404(run_id: int) -> MatchingRun:
    matching_run = db.session.get(MatchingRun, run_id)
    if matching_run is None or not can_manage_nmo(
        current_user, matching_run.nmo_id, matching_run.program_id
    ):
        abort(404)
    return matching_run


@bp.route("/<int:run_id>")
@role_required(*OFFICERS)
def show(run_id: int):
    matching_run = _run_or_404(run_id)
    ids = [row["application_id"] for row in matching_run.proposal]
    applications = {a.id: a for a in services.applications_of_run(ids)}
    choices, begun = {}, {}
    if matching_run.status == RunStatus.PROPOSED:
        begun = services.begun_slots(matching_run)
        choices = {
            application.id: services.assignable_slots(matching_run, application, begun)
            for application in applications.values()
        }
    return render_template(
        "matching/show.html",
        run=matching_run,
        applications=applications,
        choices=choices,
        begun=begun,
        summary=services.summarize(matching_run),
        ordinal=services.ordinal,
        moved_note=services.moved_note,
        month_name=month_name,
        RunStatus=RunStatus,
        MatchingKind=MatchingKind,
        csrf_form=ConfirmForm(),
    )


def _back(matching_run: MatchingRun):
    return redirect(url_for("matching.show", run_id=matching_run.id))


@bp.route("/<int:run_id>/assign", methods=["POST"])
@role_required(*OFFICERS)
def assign(run_id: int):
    matching_run = _run_or_404(run_id)
    application_id = as_id(request.form.get("application_id", ""))
    slot = request.form.get("slot") or None
    with attempt("The proposal is changed; approve it when it is right."):
        services.change_assignment(current_user, matching_run, application_id, slot)
    return _back(matching_run)


@bp.route("/<int:run_id>/approve", methods=["POST"])
@role_required(*OFFICERS)
def approve(run_id: int):
    matching_run = _run_or_404(run_id)
    verb = "nominated" if matching_run.kind == MatchingKind.OUTGOING else "accepted (CAs issued)"
    with attempt() as outcome:
        done = services.approve_run(current_user, matching_run)
        outcome.message = f"{done} application{'s' if done != 1 else ''} {verb}."
    return _back(matching_run)


@bp.route("/<int:run_id>/discard", methods=["POST"])
@role_required(*OFFICERS)
def discard(run_id: int):
    matching_run = _run_or_404(run_id)
    with attempt() as outcome:
        services.discard_run(current_user, matching_run)
    if outcome.ok:
        flash("The proposal is discarded; nothing changed.", "info")
    return redirect(url_for("matching.index"))
