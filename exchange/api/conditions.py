"""Exchange conditions (the EC): what each host NMO publishes for a program and season,
with each month's application deadline. Students read them in the catalogue, so any
signed-in caller reads them here; officers change them on their pages."""

from flask import abort
from marshmallow import fields, validate

from exchange.api.base import PageArguments, blueprint, page_of, page_schema, refuse_fields
from exchange.api.schemas import ConditionsSchema
from exchange.auth.decorators import login_required
from exchange.conditions.queries import conditions_of_season, find_conditions
from exchange.organizations.queries import (
    current_season,
    nmo_by_code,
    program_by_code,
    season_by_code,
)

bp = blueprint("Conditions", "/conditions", "Host NMOs' exchange conditions and deadlines.")


class ConditionsArguments(PageArguments):
    season = fields.String(
        validate=validate.Length(max=16), metadata={"description": "Default: the current season"}
    )
    program = fields.String(validate=validate.Length(max=8))
    nmo = fields.String(validate=validate.Length(max=16), metadata={"description": "A host's code"})


def _season(code: str | None):
    season = season_by_code(code.replace("-", "/")) if code else current_season()
    if season is None:
        refuse_fields({"season": [f"There is no season {code}." if code else "Name a season."]})
    return season


@bp.route("/")
@login_required
@bp.arguments(ConditionsArguments, location="query")
@bp.response(200, page_schema(ConditionsSchema))
def list_conditions(arguments):
    """The season's exchange conditions of active NMOs, by country and program."""
    season = _season(arguments.get("season"))
    program = nmo = None
    if arguments.get("program"):
        program = program_by_code(arguments["program"].upper())
        if program is None:
            refuse_fields({"program": [f"There is no program {arguments['program']}."]})
    if arguments.get("nmo"):
        nmo = nmo_by_code(arguments["nmo"])
        if nmo is None:
            refuse_fields({"nmo": [f"There is no NMO {arguments['nmo']}."]})
    statement = conditions_of_season(season, program, nmo)
    return page_of(statement, arguments)


@bp.route("/<nmo_code>/<program_code>/<season_code>")
@login_required
@bp.response(200, ConditionsSchema)
def get_conditions(nmo_code: str, program_code: str, season_code: str):
    """One host's conditions; the season as in its URLs (2026-27) or its code."""
    nmo = nmo_by_code(nmo_code)
    program = program_by_code(program_code.upper())
    season = season_by_code(season_code.replace("-", "/"))
    conditions = None
    if nmo is not None and nmo.is_active and program is not None and season is not None:
        conditions = find_conditions(nmo.id, program.id, season.id)
    if conditions is None:
        abort(404, f"{nmo_code} has published no {program_code} conditions for {season_code}.")
    return conditions
