"""The reports blueprint, and what its view modules share: the dashboard a request asks
for, or the 403 or 404 it gets instead."""

from flask import Blueprint, abort, request
from flask_login import current_user

from exchange.reports.selection import Forbidden, NotFound, Selection, select_dashboard

bp = Blueprint("reports", __name__)


def selection_or_abort(kind: str, key: str) -> Selection:
    """The dashboard of the URL (``kind``, ``key``) for the request's ``?season=`` and
    ``?program=``, if the viewer may read it."""
    try:
        return select_dashboard(
            current_user,
            kind,
            key,
            request.args.get("season", "").strip(),
            request.args.get("program", "").strip(),
        )
    except NotFound as error:
        abort(404, str(error))
    except Forbidden as error:
        abort(403, str(error))


def dashboard_routes(suffix: str = "", **options):
    """Register a view at the federation's, an NMO's and an LC's URL ending in ``suffix``;
    it receives ``kind`` and ``key`` (the NMO's code or the LC's id, "" for the federation),
    and ``url_for(endpoint, kind=..., key=...)`` builds the one that fits."""

    def decorator(view):
        bp.add_url_rule(
            f"/reports/{suffix}",
            view_func=view,
            defaults={"kind": "federation", "key": ""},
            **options,
        )
        bp.add_url_rule(
            f"/reports/nmos/<key>{'/' + suffix if suffix else ''}",
            view_func=view,
            defaults={"kind": "nmo"},
            **options,
        )
        bp.add_url_rule(
            f"/reports/lcs/<key>{'/' + suffix if suffix else ''}",
            view_func=view,
            defaults={"kind": "lc"},
            **options,
        )
        return view

    return decorator
