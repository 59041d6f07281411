"""The WSGI entry point: ``gunicorn wsgi:app``; the config comes from ``EXCHANGE_ENV``."""

from exchange.app import create_app

app = create_app()
