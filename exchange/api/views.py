"""The API's own health check, for load balancers and monitoring."""

from sqlalchemy import text

from exchange.api.base import blueprint
from exchange.api.schemas import HealthSchema
from exchange.auth.decorators import public
from exchange.extensions import db

bp = blueprint("Health", "", "Whether the app answers and reaches its database.")


@bp.route("/health")
@public
@bp.response(200, HealthSchema)
def health():
    """The app answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
