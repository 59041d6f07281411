"""The ``/api/v1`` blueprints: the same services as the pages, answered as JSON, and
described at ``/api/v1/openapi.json``.

Owns no tables. It may import every domain package's services; none imports it.
"""

from flask import Flask


def init_api(app: Flask) -> None:
    from exchange.api import (
        applications,
        conditions,
        contracts,
        docs,
        documents,
        matching,
        organizations,
        placements,
        reports,
        views,
    )
    from exchange.api.base import ExchangeApi
    from exchange.api.schemas import MonthDeadlineSchema

    app.config.setdefault("API_TITLE", "exchange")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "components": {
                "securitySchemes": {
                    "token": {"type": "http", "scheme": "bearer", "description": "A personal token"}
                }
            },
            "security": [{"token": []}],
        },
    )
    # One per app (the suite makes several): each holds its own description.
    api = ExchangeApi(app)
    api.register_blueprint(views.bp)
    api.register_blueprint(organizations.bp)
    api.register_blueprint(applications.bp)
    api.register_blueprint(documents.bp)
    api.register_blueprint(placements.bp)
    api.register_blueprint(contracts.bp)
    api.register_blueprint(conditions.bp)
    api.register_blueprint(matching.bp)
    api.register_blueprint(reports.bp)
    # Named in ConditionsSchema's deadlines, which a function computes.
    api.spec.components.schema("MonthDeadline", schema=MonthDeadlineSchema)
    app.register_blueprint(docs.bp)
