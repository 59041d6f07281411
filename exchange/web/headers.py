"""Security headers on every response."""

from flask import Flask, request
from flask_login import current_user

# Every asset is served by the app itself, so the policy allows nothing from elsewhere;
# Bootstrap's CSS draws its icons from data: URIs. No page may be framed (clickjacking on
# one-click confirmations), and no URL (a reset link's token) leaks to another site.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


# The app's own files, the same for everyone: browsers may keep them.
SHARED_ENDPOINTS = ("static", "bootstrap.static", "assets.")


def _is_shared_file() -> bool:
    endpoint = request.endpoint or ""
    return endpoint == "static" or endpoint.startswith(SHARED_ENDPOINTS)


def register_security_headers(app: Flask) -> None:
    hsts_seconds = app.config["HSTS_SECONDS"]

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if hsts_seconds:
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"
            )
        # What a signed-in page shows (and its PDFs and exports) is that person's: no
        # browser or proxy keeps a copy that the next user of the computer could open. A
        # view that chose otherwise (the dashboards' data, "private, max-age=60") keeps it.
        if current_user.is_authenticated and not _is_shared_file():
            response.headers.setdefault("Cache-Control", "no-store")
        return response
