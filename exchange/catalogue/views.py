"""The catalogue students browse: host NMOs' exchange conditions and their placements,
in a season (``?season=2026/27``, the current one unless another is chosen), listing only
the months that have not begun."""

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from exchange import clock
from exchange.applications.calendar import open_months
from exchange.applications.documents import DOCUMENT_KINDS
from exchange.auth.decorators import login_required
from exchange.catalogue import queries
from exchange.catalogue.queries import PlacementFilters
from exchange.conditions.queries import find_conditions
from exchange.months import SEASON_MONTHS
from exchange.numbers import whole_number
from exchange.organizations.models import Program, Season
from exchange.organizations.queries import current_season, open_seasons, programs
from exchange.placements.models import Placement
from exchange.web.arguments import id_arg
from exchange.web.paging import page_by_id

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")

DEFAULT_PROGRAM = "SCOPE"


@dataclass(frozen=True)
class SeasonShown:
    """The season the catalogue shows, the seasons it offers, and the ``season`` argument
    that links within the catalogue carry (None for the default, to keep links plain)."""

    season: Season | None
    choices: list[Season]
    arg: str | None
    today: date

    @property
    def open_months(self) -> list[int]:
        """The season's months that have not begun: the only ones the catalogue offers."""
        return open_months(self.season, self.today) if self.season else []

    @property
    def later_seasons(self) -> list[Season]:
        """The seasons on offer that start after the one shown."""
        if self.season is None:
            return []
        return [s for s in self.choices if s.starts_on > self.season.starts_on]


def _season_shown() -> SeasonShown:
    """The season asked for among those that have not ended, else the current one; an
    unknown or ended code falls back to the current season."""
    default = current_season()
    choices = open_seasons()
    if default is not None and default not in choices:
        choices = [default, *choices]  # every season has ended: show the latest one
    wanted = request.args.get("season", "")
    season = next((s for s in choices if s.code == wanted), default)
    arg = season.code if season is not None and season != default else None
    return SeasonShown(season, choices, arg, clock.today())


def _month_arg(shown: SeasonShown) -> tuple[int | None, date | None]:
    """The month filter if it names an open month of the season shown; else no filter,
    and the first day of the begun month asked for, so that the page can say why."""
    month = whole_number(request.args.get("month", ""))
    if month in shown.open_months:
        return month, None
    if month in SEASON_MONTHS and shown.season is not None:
        return None, shown.season.month_date(month)
    return None, None


def _placement_page(program: Program, shown: SeasonShown, filters: PlacementFilters):
    """One page of the filtered placements and the free months of those on it."""
    statement = queries.open_placements(program, shown.season, filters)
    key = queries.kept_key(program, shown.season, filters)
    keep = None if key is None else (queries.CATALOGUE, key)
    page = page_by_id(statement, Placement.id, queries.placements_by_id, keep)
    free = queries.free_months(
        [placement.id for placement in page.items], program, shown.season, shown.today
    )
    return page, free


@bp.route("/")
@login_required
def index():
    all_programs = programs()
    program_code = request.args.get("program", DEFAULT_PROGRAM)
    program = next((p for p in all_programs if p.code == program_code), None)
    if program is None:
        program = next(p for p in all_programs if p.code == DEFAULT_PROGRAM)
    shown = _season_shown()
    month, begun_month = _month_arg(shown)
    filters = PlacementFilters(
        region_id=id_arg(request.args, "region"),
        nmo_code=request.args.get("country", "").strip(),
        field=request.args.get("field", "").strip(),
        month=month,
        language=request.args.get("language", "").strip(),
        text=request.args.get("q", "").strip(),
    )
    page, free = _placement_page(program, shown, filters)
    facets = queries.facets(program)
    return render_template(
        "catalogue/index.html",
        program=program,
        programs=all_programs,
        season=shown.season,
        shown=shown,
        begun_month=begun_month,
        filters=filters,
        page=page,
        free_months=free,
        regions=facets.regions,
        hosts=facets.hosts,
        fields=facets.fields,
        languages=facets.languages,
    )


@bp.route("/<nmo_code>/<program_code>")
@login_required
def host(nmo_code: str, program_code: str):
    nmo = queries.host_by_code(nmo_code)
    program = queries.program_by_code(program_code)
    if nmo is None or program is None or program not in nmo.programs:
        abort(404)
    shown = _season_shown()
    season = shown.season
    conditions = find_conditions(nmo.id, program.id, season.id) if season else None
    deadlines = queries.application_deadlines(conditions, season, shown.today) if conditions else []
    month, begun_month = _month_arg(shown)
    filters = PlacementFilters(nmo_code=nmo.code, month=month)
    page, free = _placement_page(program, shown, filters)
    membership = current_user.student_membership
    no_month_left = bool(conditions) and not any(d.takes_applications for d in deadlines)
    return render_template(
        "catalogue/host.html",
        nmo=nmo,
        program=program,
        season=season,
        shown=shown,
        begun_month=begun_month,
        conditions=conditions,
        deadlines=deadlines,
        filters=filters,
        page=page,
        free_months=free,
        months=SEASON_MONTHS,
        document_kinds=DOCUMENT_KINDS,
        # Only students apply, never to their own NMO, and only while a month takes
        # applications.
        can_apply=membership is not None and membership.nmo_id != nmo.id and not no_month_left,
        no_month_left=no_month_left,
        # The host's month filter offers the months it still takes applications for.
        host_months=[d.month for d in deadlines if d.takes_applications] if conditions else None,
        own_nmo=membership is not None and membership.nmo_id == nmo.id,
    )
