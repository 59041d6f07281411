"""Security headers on every response."""

from flask import Flask

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


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
