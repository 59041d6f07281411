"""The JSON API under /api/v1. Errors here are ``application/problem+json``."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from exchange.auth.decorators import public
from exchange.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.route("/health")
@public
def health():
    """For load balancers and monitoring: the app answers and reaches its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
