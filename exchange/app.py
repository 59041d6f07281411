"""The web application: ``create_app`` builds it, the ``register_*`` helpers wire it."""

import logging
import os
from pathlib import Path

from flask import Flask, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_for
from exchange.web.errors import register_error_handlers
from exchange.web.filters import register_template_helpers
from exchange.web.headers import register_security_headers

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the app with ``config_class``, or the class that ``EXCHANGE_ENV`` names."""
    config_class = config_class or config_for(os.environ.get("EXCHANGE_ENV"))
    config_class.check()

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        instance_path=os.environ.get("EXCHANGE_INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
    )
    app.config.from_object(config_class)
    from exchange.web.arguments import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        database = Path(app.instance_path) / "exchange.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(Path(app.instance_path) / "uploads")

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_api(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_access_guard(app)
    register_security_headers(app)
    register_commands(app)
    return app


def register_logging(app: Flask) -> None:
    if not app.testing:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    # Alembic announces each of its plugins at INFO on every command; only its work matters.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection, connection_record):
    # SQLite ignores foreign keys unless each connection asks for them.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def register_extensions(app: Flask) -> None:
    from exchange import models  # noqa: F401  (every model, for Alembic and relationships)
    from exchange.extensions import bootstrap, cache, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    from exchange.auth.tokens import load_token_user
    from exchange.web.arguments import refuse_nul_characters

    # First of every hook: what no view takes goes no further; then the rate limiter and
    # CSRF ask who the caller is.
    app.before_request(refuse_nul_characters)
    app.before_request(load_token_user)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)
    if app.config["ENV_NAME"] == "production" and not app.config["RATELIMIT_ENABLED"]:
        logging.getLogger(__name__).warning(
            "RATE LIMITS ARE OFF (EXCHANGE_RATELIMIT_ENABLED=false): logins, registrations, "
            "password links, uploads and API tokens are not limited."
        )
    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_TYPE", "RedisCache")
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    cache.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from exchange.auth.services import load_user
    from exchange.organizations.queries import forget_seasons_and_programs

    login_manager.user_loader(load_user)

    @app.teardown_request
    def forget_loaded_user(exc):
        # Flask-Login caches the user in g. Where an app context outlives the request (the
        # test suite holds one open), the next request must load its own user, not this one.
        g.pop("_login_user", None)
        forget_seasons_and_programs()


def register_blueprints(app: Flask) -> None:
    from exchange.admin.organizations import bp as admin_organizations_bp
    from exchange.admin.views import bp as admin_bp
    from exchange.applications.routes import bp as applications_bp
    from exchange.auth.views import bp as auth_bp
    from exchange.catalogue.views import bp as catalogue_bp
    from exchange.conditions.views import bp as conditions_bp
    from exchange.contracts.views import bp as contracts_bp
    from exchange.feeds.views import bp as feeds_bp
    from exchange.main.views import bp as main_bp
    from exchange.matching.views import bp as matching_bp
    from exchange.organizations.registration import bp as registration_bp
    from exchange.organizations.views import bp as organizations_bp
    from exchange.placements.views import bp as placements_bp
    from exchange.privacy.views import bp as privacy_bp
    from exchange.reports.routes import bp as reports_bp
    from exchange.web.assets import bp as assets_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(admin_organizations_bp)
    app.register_blueprint(organizations_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(contracts_bp)
    app.register_blueprint(conditions_bp)
    app.register_blueprint(placements_bp)
    app.register_blueprint(matching_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(assets_bp)


def register_api(app: Flask) -> None:
    from exchange.api import init_api

    init_api(app)


def register_access_guard(app: Flask) -> None:
    from exchange.auth.decorators import refuse_undeclared_endpoints

    app.before_request(refuse_undeclared_endpoints)


def register_commands(app: Flask) -> None:
    from exchange.cli import exchange_cli

    app.cli.add_command(exchange_cli)
