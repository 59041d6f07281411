"""Route decorators: every endpoint declares who may use it, or it refuses everyone.

``public``, ``login_required`` and ``role_required(...)`` set ``view.access``; the
``refuse_undeclared_endpoints`` hook answers 403 for a view that declared nothing, so a
forgotten decorator fails closed. API clients get 401/403 JSON; browsers are sent to log in.
"""

import functools
import logging

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from exchange.auth.models import Role

log = logging.getLogger(__name__)

PUBLIC = "public"
ANY_USER = "any user"
# Endpoints of extensions that serve files and declare no access themselves.
EXTENSION_ENDPOINTS = {"static", "bootstrap.static", "api-docs.openapi_json"}


def public(view):
    view.access = PUBLIC
    return view


def _refuse_anonymous():
    if request.path.startswith("/api/"):
        abort(401)
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _refuse_anonymous()
        return view(*args, **kwargs)

    wrapped.access = ANY_USER
    return wrapped


def role_required(*roles: Role):
    """Only users who hold one of ``roles`` (in any scope) may use the view."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return _refuse_anonymous()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = frozenset(roles)
        return wrapped

    return decorator


def refuse_undeclared_endpoints():
    endpoint = request.endpoint
    if endpoint is None or endpoint in EXTENSION_ENDPOINTS:
        return None
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "access", None) is None:
        log.error("Endpoint %s declares no access rule; refusing it", endpoint)
        abort(403)
    return None
