"""The dashboards' figures: the federation's (admins), an NMO's (its national officers)
and an LC's (its officers), for a season and a program, with the dashboard pages' rules
and the same figures as their tables and downloads."""

from flask import abort
from flask_login import current_user
from marshmallow import Schema, fields, validate

from exchange.api.base import blueprint
from exchange.api.schemas import DashboardSchema
from exchange.auth.decorators import login_required
from exchange.reports import queries
from exchange.reports.figures import tables
from exchange.reports.selection import (
    FEDERATION,
    LC_KIND,
    NMO_KIND,
    Forbidden,
    NotFound,
    select_dashboard,
)

bp = blueprint("Reports", "/reports", "The dashboards' figures.")


class DashboardArguments(Schema):
    season = fields.String(
        load_default="",
        validate=validate.Length(max=16),
        metadata={"description": "Default: the current season"},
    )
    program = fields.String(
        load_default="",
        validate=validate.Length(max=8),
        metadata={"description": "Default: every program the caller reads"},
    )


def _dashboard(kind: str, key: str, arguments: dict) -> dict:
    try:
        selection = select_dashboard(
            current_user, kind, key, arguments["season"].strip(), arguments["program"].strip()
        )
    except NotFound as error:
        abort(404, str(error))
    except Forbidden as error:
        abort(403, str(error))
    return {
        "dashboard": kind,
        "title": selection.title,
        "season": selection.season.code if selection.season else None,
        "program": selection.program.code if selection.program else None,
        "figures": tables(queries.dashboard(selection)),
    }


@bp.route("/")
@login_required
@bp.arguments(DashboardArguments, location="query")
@bp.response(200, DashboardSchema)
def federation_dashboard(arguments):
    """The federation's figures: flows between countries, late cards, contract balance."""
    return _dashboard(FEDERATION, "", arguments)


@bp.route("/nmos/<code>")
@login_required
@bp.arguments(DashboardArguments, location="query")
@bp.response(200, DashboardSchema)
def nmo_dashboard(arguments, code: str):
    """One NMO's figures, for its national officers and the admins."""
    return _dashboard(NMO_KIND, code, arguments)


@bp.route("/lcs/<int:lc_id>")
@login_required
@bp.arguments(DashboardArguments, location="query")
@bp.response(200, DashboardSchema)
def lc_dashboard(arguments, lc_id: int):
    """One LC's figures, for its officers, its NMO's national officers and the admins."""
    return _dashboard(LC_KIND, str(lc_id), arguments)
