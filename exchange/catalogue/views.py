"""The catalogue students browse: host NMOs' exchange conditions and their placements."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from exchange import clock
from exchange.applications.documents import DOCUMENT_KINDS
from exchange.auth.decorators import login_required
from exchange.catalogue import queries
from exchange.catalogue.queries import PlacementFilters
from exchange.conditions.queries import find_conditions
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import Program
from exchange.organizations.queries import current_season, programs
from exchange.web.paging import page_of

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

DEFAULT_PROGRAM = "SCOPE"


def _month_arg() -> int | None:
    month = request.args.get("month", type=int)
    return month if month in SEASON_MONTHS else None


def _placement_page(program: Program, season, filters: PlacementFilters):
    """One page of the filtered placements and the free months of those on it."""
    page = page_of(queries.open_placements(program, season, filters))
    free = queries.free_months([placement.id for placement in page.items], season)
    return page, free


@bp.route("/")
@login_required
def index():
    all_programs = programs()
    program_code = request.args.get("program", DEFAULT_PROGRAM)
    program = next((p for p in all_programs if p.code == program_code), None)
    if program is None:
        program = next(p for p in all_programs if p.code == DEFAULT_PROGRAM)
    season = current_season()
    filters = PlacementFilters(
        region_id=request.args.get("region", type=int),
        nmo_code=request.args.get("country", "").strip(),
        field=request.args.get("field", "").strip(),
        month=_month_arg(),
        language=request.args.get("language", "").strip(),
        text=request.args.get("q", "").strip(),
    )
    page, free = _placement_page(program, season, filters)
    return render_template(
        "catalogue/index.html",
        program=program,
        programs=all_programs,
        season=season,
        filters=filters,
        page=page,
        free_months=free,
        regions=queries.regions(),
        hosts=queries.participating_hosts(program),
        fields=queries.fields_of(program),
        languages=queries.languages_of(program),
        months=SEASON_MONTHS,
    )


@bp.route("/<nmo_code>/<program_code>")
@login_required
def host(nmo_code: str, program_code: str):
    nmo = queries.host_by_code(nmo_code)
    program = queries.program_by_code(program_code)
    if nmo is None or program is None or program not in nmo.programs:
        abort(404)
    season = current_season()
    conditions = find_conditions(nmo.id, program.id, season.id) if season else None
    deadlines = queries.application_deadlines(conditions, season) if conditions else []
    filters = PlacementFilters(nmo_code=nmo.code, month=_month_arg())
    page, free = _placement_page(program, season, filters)
    membership = current_user.student_membership
    return render_template(
        "catalogue/host.html",
        nmo=nmo,
        program=program,
        season=season,
        conditions=conditions,
        deadlines=deadlines,
        filters=filters,
        page=page,
        free_months=free,
        months=SEASON_MONTHS,
        document_kinds=DOCUMENT_KINDS,
        today=clock.today(),
        # Only students apply, and never to their own NMO.
        can_apply=membership is not None and membership.nmo_id != nmo.id,
        own_nmo=membership is not None and membership.nmo_id == nmo.id,
    )
