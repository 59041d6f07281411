"""Placements (SCOPE departments, SCORE research projects): the lists officers keep, one
placement with its capacity per month, and adding, changing and closing them.

The scope is the placements page's: a national officer keeps their NMO's, a local officer
their LC's, an admin the NMO they name (``nmo``). The services decide as they do there.
"""

from flask import abort
from flask_login import current_user
from marshmallow import Schema, fields, validate

from exchange.api.base import PageArguments, blueprint, page_of, page_schema, refuse_fields
from exchange.api.schemas import PlacementDetailSchema, PlacementSchema
from exchange.auth.decorators import role_required
from exchange.auth.models import Role
from exchange.auth.permissions import can_manage_placement, is_admin
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.organizations.models import Program, Season
from exchange.organizations.queries import current_season, nmo_by_code, season_by_code
from exchange.placements import queries, services
from exchange.placements.models import Placement
from exchange.web.transaction import attempt

bp = blueprint("Placements", "/placements", "Departments and research projects, and their places.")

OFFICERS_AND_ADMINS = (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER, Role.ADMIN)
TEXT = validate.Length(max=200)  # the services check each column's own limit
LONG_TEXT = validate.Length(max=4000)


class PlacementArguments(PageArguments):
    program = fields.String(
        validate=validate.Length(max=8),
        metadata={"description": "SCOPE or SCORE; default: the caller's first program"},
    )
    nmo = fields.String(
        validate=validate.Length(max=16), metadata={"description": "An admin's NMO (its code)"}
    )
    q = fields.String(load_default="", validate=validate.Length(max=100))
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "closed", "all"]))


class SeasonArguments(Schema):
    season = fields.String(
        validate=validate.Length(max=16),
        metadata={"description": "The season of the capacities; default: the current one"},
    )


class CapacitySchema(Schema):
    month = fields.Integer(required=True, validate=validate.OneOf(SEASON_MONTHS))
    capacity = fields.Integer(required=True, validate=validate.Range(0, 1000))


class PlacementInputSchema(Schema):
    """What an officer sets. Fields left out of a PATCH keep their values; ``capacities``
    sets the months it names, in ``season`` (default: the current one)."""

    lc_id = fields.Integer(validate=validate.Range(1, 2**31 - 1))
    title = fields.String(validate=TEXT)
    field = fields.String(validate=TEXT)
    city = fields.String(validate=TEXT)
    address = fields.String(validate=validate.Length(max=500))
    description = fields.String(validate=LONG_TEXT)
    accommodation = fields.String(validate=LONG_TEXT)
    meals = fields.String(validate=LONG_TEXT)
    languages = fields.List(
        fields.String(validate=validate.Length(max=40)), validate=validate.Length(max=20)
    )
    hospital = fields.String(validate=TEXT, metadata={"description": "SCOPE"})
    supervisor = fields.String(validate=TEXT, metadata={"description": "SCORE"})
    project_type = fields.String(validate=TEXT, metadata={"description": "SCORE"})
    methods = fields.String(validate=LONG_TEXT, metadata={"description": "SCORE"})
    prerequisites = fields.String(validate=LONG_TEXT, metadata={"description": "SCORE"})
    expected_output = fields.String(validate=LONG_TEXT, metadata={"description": "SCORE"})
    weeks = fields.Integer(validate=validate.Range(1, 52))
    season = fields.String(validate=validate.Length(max=16))
    capacities = fields.List(fields.Nested(CapacitySchema), validate=validate.Length(max=12))


class NewPlacementSchema(PlacementInputSchema):
    program = fields.String(required=True, validate=validate.Length(max=8))
    lc_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    title = fields.String(required=True, validate=TEXT)


def _program(code: str | None) -> Program:
    programs = queries.officer_programs(current_user)
    if not programs:
        abort(403)
    if not code:
        return programs[0]
    program = next((p for p in programs if p.code == code.upper()), None)
    if program is None:
        refuse_fields({"program": [f"You keep no placements of {code}."]})
    return program


def _season(code: str | None) -> Season | None:
    if not code:
        return current_season()
    season = season_by_code(code)
    if season is None:
        refuse_fields({"season": [f"There is no season {code}."]})
    return season


def _placement_or_404(placement_id: int) -> Placement:
    placement = db.session.get(Placement, placement_id)
    # Another's placement is answered as missing: its existence is not the caller's.
    if placement is None or not can_manage_placement(
        current_user, placement, queries.program_of(placement)
    ):
        abort(404, f"There is no placement {placement_id} that you keep.")
    return placement


def _capacities(given: dict) -> dict[int, int] | None:
    if "capacities" not in given:
        return None
    months = [row["month"] for row in given["capacities"]]
    if len(set(months)) != len(months):
        refuse_fields({"capacities": ["Name each month once."]})
    return {row["month"]: row["capacity"] for row in given["capacities"]}


def _detail(placement: Placement, season: Season | None) -> dict:
    months = queries.capacities_of([placement.id], season).get(placement.id, {})
    return {
        "placement": placement,
        "season": season,
        "months": [
            {"month": month, "capacity": capacity, "used": used}
            for month, (capacity, used) in sorted(months.items())
        ],
    }


@bp.route("/")
@role_required(*OFFICERS_AND_ADMINS)
@bp.arguments(PlacementArguments, location="query")
@bp.response(200, page_schema(PlacementSchema))
def list_placements(arguments):
    """The placements the caller keeps in one program, by LC and title."""
    program = _program(arguments.get("program"))
    nmo = None
    if arguments.get("nmo") and is_admin(current_user):
        nmo = nmo_by_code(arguments["nmo"])
        if nmo is None:
            refuse_fields({"nmo": [f"There is no NMO {arguments['nmo']}."]})
    scope = queries.scope_for(current_user, program, nmo)
    statement = queries.placements_statement(scope, arguments["q"].strip(), arguments["status"])
    return page_of(statement, arguments)


@bp.route("/<int:placement_id>")
@role_required(*OFFICERS_AND_ADMINS)
@bp.arguments(SeasonArguments, location="query")
@bp.response(200, PlacementDetailSchema)
def get_placement(arguments, placement_id: int):
    """One placement the caller keeps, with its capacity and places taken per month."""
    placement = _placement_or_404(placement_id)
    return _detail(placement, _season(arguments.get("season")))


@bp.route("/", methods=["POST"])
@role_required(*OFFICERS_AND_ADMINS)
@bp.arguments(NewPlacementSchema)
@bp.response(201, PlacementDetailSchema)
def create_placement(given):
    """A new placement of an LC the caller keeps, with its capacities in a season."""
    program = _program(given.pop("program"))
    season = _season(given.pop("season", None))
    capacities = _capacities(given)
    given.pop("capacities", None)
    data = services.PlacementData(**given)
    with attempt():
        placement = services.create_placement(current_user, program, data, season, capacities)
    return _detail(placement, season)


@bp.route("/<int:placement_id>", methods=["PATCH"])
@role_required(*OFFICERS_AND_ADMINS)
@bp.arguments(PlacementInputSchema)
@bp.response(200, PlacementDetailSchema)
def update_placement(given, placement_id: int):
    """Change the fields given, and the capacities of the months given."""
    placement = _placement_or_404(placement_id)
    season = _season(given.pop("season", None))
    capacities = _capacities(given)
    given.pop("capacities", None)
    data = services.PlacementData.of(placement)
    for name, value in given.items():
        setattr(data, name, value)
    with attempt():
        services.update_placement(current_user, placement, data, season, capacities)
    return _detail(placement, season)


@bp.route("/<int:placement_id>/close", methods=["POST"])
@role_required(*OFFICERS_AND_ADMINS)
@bp.response(200, PlacementDetailSchema)
def close_placement(placement_id: int):
    """Students stop seeing it; the students already accepted keep their place."""
    placement = _placement_or_404(placement_id)
    with attempt():
        services.close_placement(current_user, placement)
    return _detail(placement, current_season())
