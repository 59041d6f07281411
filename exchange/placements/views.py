"""Departments and research projects with capacity per month: lists, editor, CSV in and out."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_manage_placement, is_admin
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.queries import (
    active_nmos,
    current_season,
    nmo_by_code,
    open_seasons,
    seasons_newest_first,
)
from exchange.placements import csv_io, queries, services, transfer
from exchange.placements.forms import DepartmentForm, ImportForm, ResearchProjectForm
from exchange.placements.models import Placement, PlacementKind, ProjectType
from exchange.web.arguments import id_arg
from exchange.web.errors import safe_referrer
from exchange.web.forms import ConfirmForm
from exchange.web.paging import page_of
from exchange.web.transaction import attempt
from exchange.web.uploads import fits

bp = Blueprint("placements", __name__, url_prefix="/placements")

OFFICERS_AND_ADMINS = (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER, Role.ADMIN)
STATUSES = {"open": "Open", "closed": "Closed", "all": "Open and closed"}


def _program() -> tuple[Program, list[Program]]:
    """The program asked for (``?program=SCOPE``) among the user's, else their first."""
    programs = queries.officer_programs(current_user)
    if not programs:
        abort(403)
    wanted = request.args.get("program", "").upper()
    return next((p for p in programs if p.code == wanted), programs[0]), programs


def _chosen_nmo() -> NMO | None:
    """The NMO an admin works on (``?nmo=CODE``); officers' NMOs come from their roles."""
    if not is_admin(current_user):
        return None
    code = request.args.get("nmo", "").strip()
    return nmo_by_code(code) if code else None


def _season(choices: list[Season]) -> Season | None:
    """The season asked for (``?season=2026/27``) among ``choices``, else the current one."""
    wanted = request.args.get("season", "")
    chosen = next((s for s in choices if s.code == wanted), None)
    if chosen is None:
        current = current_season()
        chosen = current if current in choices else (choices[0] if choices else None)
    return chosen


def _all_seasons() -> list[Season]:
    return seasons_newest_first()[::-1]  # oldest first


def _admin_needs_nmo(program: Program):
    flash("Choose the NMO whose placements you want to work on.", "info")
    return redirect(url_for("placements.index", program=program.code))


def _list_args(program: Program, nmo: NMO | None, **more) -> dict:
    args = {"program": program.code, **more}
    if nmo is not None:
        args["nmo"] = nmo.code
    return args


@bp.route("/")
@role_required(*OFFICERS_AND_ADMINS)
def index():
    program, programs = _program()
    nmo = _chosen_nmo()
    scope = queries.scope_for(current_user, program, nmo)
    seasons = _all_seasons()
    season = _season(seasons)
    text = request.args.get("q", "").strip()
    status = request.args.get("status", "open")
    status = status if status in STATUSES else "open"
    page = page_of(queries.placements_statement(scope, text, status))
    return render_template(
        "placements/index.html",
        program=program,
        programs=programs,
        nmo=nmo,
        nmos=active_nmos() if is_admin(current_user) else [],
        admin=is_admin(current_user),
        scope=scope,
        seasons=seasons,
        season=season,
        text=text,
        status=status,
        statuses=STATUSES,
        page=page,
        capacities=queries.capacities_of([p.id for p in page.items], season),
        months=SEASON_MONTHS,
        list_args=_list_args(program, nmo),
        confirm_form=ConfirmForm(),
    )


def _lc_choices(
    scope: queries.Scope, nmo_id: int | None = None, keep_lc_id: int | None = None
) -> list[SelectChoice]:
    """The LCs a placement can belong to: active ones, and the placement's own."""
    lcs = [
        lc
        for lc in scope.local_committees()
        if scope.program in lc.nmo.programs
        and (nmo_id is None or lc.nmo_id == nmo_id)
        and (lc.is_active or lc.id == keep_lc_id)
    ]
    several_nmos = len({lc.nmo_id for lc in lcs}) > 1
    choices = [
        SelectChoice(
            lc.id, (f"{lc.nmo.acronym}: " if several_nmos else "") + f"{lc.name} ({lc.city})"
        )
        for lc in lcs
    ]
    if len(choices) != 1:
        choices.insert(0, SelectChoice(0, "Choose the LC…"))
    return choices


def _form_for(kind: PlacementKind):
    return DepartmentForm() if kind == PlacementKind.DEPARTMENT else ResearchProjectForm()


def _capacity_refused(form, error: services.CapacityBelowUsed) -> None:
    field = form[f"capacity_{error.month}"]
    field.errors = [*field.errors, str(error)]


@bp.route("/new", methods=["GET", "POST"])
@role_required(*OFFICERS_AND_ADMINS)
def new():
    program, _ = _program()
    nmo = _chosen_nmo()
    if is_admin(current_user) and nmo is None:
        return _admin_needs_nmo(program)
    scope = queries.scope_for(current_user, program, nmo)
    seasons = open_seasons()
    season = _season(seasons)
    form = _form_for(scope.kind)
    form.lc_id.choices = _lc_choices(scope)
    if scope.empty or not any(choice.value for choice in form.lc_id.choices):
        flash(f"You keep no LC of an NMO that takes part in {program.code}.", "warning")
        return redirect(url_for("placements.index", **_list_args(program, nmo)))
    if request.method == "GET":
        form.fill_from(services.PlacementData(lc_id=form.lc_id.choices[0].value, weeks=4))
        if isinstance(form, ResearchProjectForm):
            form.project_type.data = ProjectType.BASIC.value
        form.fill_capacities({})
    elif form.validate_on_submit():
        with attempt() as outcome:
            placement = services.create_placement(
                current_user, program, form.to_data(), season, form.capacities()
            )
            outcome.message = f"{placement.title} is added."
        if outcome.ok:
            return _to_list_in_season(program, nmo, season)
    else:
        flash("Nothing is saved yet: correct the fields marked below.", "danger")
    return _editor(form, program, nmo, None, season, seasons, {})


def _editor(form, program, nmo, placement, season, seasons, used):
    """The editor page, for a new placement (``placement`` None) or an existing one."""
    return render_template(
        "placements/edit.html",
        form=form,
        program=program,
        nmo=nmo,
        placement=placement,
        season=season,
        seasons=seasons,
        used=used,
        list_args=_list_args(program, nmo),
        confirm_form=ConfirmForm(),  # close and reopen, on an existing placement
    )


def _to_list_in_season(program, nmo, season):
    season_code = season.code if season else None
    return redirect(url_for("placements.index", **_list_args(program, nmo, season=season_code)))


def _placement_or_404(placement_id: int) -> tuple[Placement, Program]:
    placement = db.session.get(Placement, placement_id)
    if placement is None:
        abort(404)
    program = queries.program_of(placement)
    if not can_manage_placement(current_user, placement, program):
        abort(403)
    return placement, program


@bp.route("/<int:placement_id>/edit", methods=["GET", "POST"])
@role_required(*OFFICERS_AND_ADMINS)
def edit(placement_id: int):
    placement, program = _placement_or_404(placement_id)
    nmo = placement.nmo if is_admin(current_user) else None
    scope = queries.scope_for(current_user, program, nmo)
    seasons = open_seasons()
    season = _season(seasons)
    months = queries.capacities_of([placement.id], season).get(placement.id, {})
    form = _form_for(placement.kind)
    form.lc_id.choices = _lc_choices(scope, placement.nmo_id, placement.lc_id)
    if request.method == "GET":
        form.fill_from(services.PlacementData.of(placement))
        form.fill_capacities(months)
    elif form.validate_on_submit():
        with attempt(flash_error=False) as outcome:
            services.update_placement(
                current_user,
                placement,
                form.to_data(),
                season,
                form.capacities() if season else None,
            )
            outcome.message = f"{placement.title} is saved."
        if outcome.ok:
            return _to_list_in_season(program, nmo, season)
        if isinstance(outcome.error, services.CapacityBelowUsed):
            _capacity_refused(form, outcome.error)
            flash(f"Nothing is saved: {outcome.error}", "danger")
        else:
            flash(str(outcome.error), "danger")
    else:
        flash("Nothing is saved yet: correct the fields marked below.", "danger")
    used = {month: used for month, (_, used) in months.items() if used}
    return _editor(form, program, nmo, placement, season, seasons, used)


def _back_to_list(placement: Placement, program: Program):
    nmo = placement.nmo if is_admin(current_user) else None
    return redirect(safe_referrer() or url_for("placements.index", **_list_args(program, nmo)))


@bp.route("/<int:placement_id>/close", methods=["POST"])
@role_required(*OFFICERS_AND_ADMINS)
def close(placement_id: int):
    placement, program = _placement_or_404(placement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    closed = (
        f"{placement.title} is closed: students no longer see it; "
        "the students already accepted keep their place."
    )
    with attempt(closed):
        services.close_placement(current_user, placement)
    return _back_to_list(placement, program)


@bp.route("/<int:placement_id>/reopen", methods=["POST"])
@role_required(*OFFICERS_AND_ADMINS)
def reopen(placement_id: int):
    placement, program = _placement_or_404(placement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with attempt(f"{placement.title} is open again: students see it in the catalogue."):
        services.reopen_placement(current_user, placement)
    return _back_to_list(placement, program)


@bp.route("/export.csv")
@role_required(*OFFICERS_AND_ADMINS)
def export():
    """The placements the user keeps as CSV; an admin's of one NMO (``?nmo=CODE``) or of
    every NMO; ``?lc=<id>`` keeps to one of the LCs among them (a report's export)."""
    program, _ = _program()
    nmo = _chosen_nmo()
    if is_admin(current_user) and nmo is None and request.args.get("nmo", "").strip():
        abort(404, f"There is no NMO {request.args['nmo'].strip()}.")
    season = _season(_all_seasons())
    if season is None:
        abort(404)
    if is_admin(current_user) and nmo is None:
        scope = queries.federation_scope(program)
    else:
        scope = queries.scope_for(current_user, program, nmo)
    lc = None
    if "lc" in request.args:
        lc_id = id_arg(request.args, "lc")
        lc = None if lc_id is None else db.session.get(LocalCommittee, lc_id)
        if lc is None:
            abort(404, "There is no such local committee.")
        scope = scope.narrowed_to_lc(lc)
    text = transfer.export_placements(scope, season)
    parts = [
        "placements",
        program.code,
        *([nmo.code] if nmo else []),
        *([f"lc-{lc.id}"] if lc else []),
        season.code.replace("/", "-"),
    ]
    # The byte order mark makes spreadsheets read the file as UTF-8; the import accepts it.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{"-".join(parts)}.csv"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@role_required(*OFFICERS_AND_ADMINS)
def import_csv():
    program, _ = _program()
    nmo = _chosen_nmo()
    if is_admin(current_user) and nmo is None:
        return _admin_needs_nmo(program)
    scope = queries.scope_for(current_user, program, nmo)
    seasons = open_seasons()
    form = ImportForm()
    form.season_id.choices = [SelectChoice(s.id, s.code) for s in seasons]
    if request.method == "GET":
        chosen = _season(seasons)
        form.season_id.data = chosen.id if chosen else None
    report = None
    if seasons and form.validate_on_submit() and fits(form.file, csv_io.MAX_BYTES):
        season = db.session.get(Season, form.season_id.data)
        content = form.file.data.read(csv_io.MAX_BYTES + 1)
        with attempt(flash_error=False) as outcome:
            report = transfer.import_placements(current_user, scope, season, content)
            outcome.message = (
                f"The file is imported: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
        if outcome.ok:
            return redirect(
                url_for("placements.index", **_list_args(program, nmo, season=season.code))
            )
        if isinstance(outcome.error, transfer.ImportRefused):
            report = outcome.error.report
        else:
            flash(str(outcome.error), "danger")
    return render_template(
        "placements/import.html",
        form=form,
        program=program,
        nmo=nmo,
        seasons=seasons,
        report=report,
        columns=csv_io.columns(scope.kind),
        max_bytes=csv_io.MAX_BYTES,
        list_args=_list_args(program, nmo),
        project_types=list(ProjectType),
    )
