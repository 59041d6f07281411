"""Links that leave the app, in mail: always to ``EXCHANGE_PUBLIC_URL``.

Never built from the request: its Host header is the client's to choose, and a forged
one would mail a password-reset link to another site. Commands, which have no request,
build the same links.
"""

from urllib.parse import urlsplit

from flask import current_app


def public_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` at the configured public URL."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, url_scheme=base.scheme or "https", script_name=base.path or "/"
    )
    return adapter.build(endpoint, values, force_external=True)
