"""NMOs and their local committees: the federation's directory, for any signed-in caller."""

from flask import abort
from marshmallow import fields, validate

from exchange.api.base import PageArguments, blueprint, page_of, page_schema
from exchange.api.schemas import LocalCommitteeSchema, NMOSchema
from exchange.auth.decorators import login_required
from exchange.organizations import queries

bp = blueprint("NMOs", "/nmos", "The national member organizations and their LCs.")


class NMOArguments(PageArguments):
    q = fields.String(load_default="", validate=validate.Length(max=100))
    region = fields.String(
        load_default="", validate=validate.Length(max=60), metadata={"description": "Its name"}
    )
    program = fields.String(load_default="", validate=validate.Length(max=8))


class LCArguments(PageArguments):
    status = fields.String(load_default="active", validate=validate.OneOf(["active", "all"]))


def _nmo_or_404(code: str):
    nmo = queries.nmo_by_code(code)
    if nmo is None or not nmo.is_active:
        abort(404, f"There is no NMO {code}.")
    return nmo


@bp.route("/")
@login_required
@bp.arguments(NMOArguments, location="query")
@bp.response(200, page_schema(NMOSchema))
def list_nmos(arguments):
    """The active NMOs, by country; search by name, code or country."""
    region_id = program_id = None
    if arguments["region"]:
        region = next((r for r in queries.regions() if r.name == arguments["region"]), None)
        region_id = region.id if region else -1
    if arguments["program"]:
        program = queries.program_by_code(arguments["program"].upper())
        program_id = program.id if program else -1
    return page_of(queries.nmo_search(arguments["q"].strip(), region_id, program_id), arguments)


@bp.route("/<code>")
@login_required
@bp.response(200, NMOSchema)
def get_nmo(code: str):
    return _nmo_or_404(code)


@bp.route("/<code>/lcs")
@login_required
@bp.arguments(LCArguments, location="query")
@bp.response(200, page_schema(LocalCommitteeSchema))
def list_lcs(arguments, code: str):
    """The NMO's local committees, by name."""
    nmo = _nmo_or_404(code)
    statement = queries.lcs_of_nmo(nmo, active_only=arguments["status"] == "active")
    return page_of(statement, arguments)
