"""Configuration classes, read from ``EXCHANGE_*`` environment variables.

Pick one with ``EXCHANGE_ENV`` (development, testing, production); ``create_app`` also
accepts a class directly. Every setting the README lists is read here and nowhere else.
"""

import os


def env(name: str, default: str | None = None) -> str | None:
    """Read ``EXCHANGE_<name>`` from the environment."""
    return os.environ.get(f"EXCHANGE_{name}", default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None else int(value)


class ConfigurationError(RuntimeError):
    """The configuration cannot run: the message names the variable to set."""


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_RECORD_QUERIES = False

    # Redis backs rate limits (and caches) where it is configured; memory otherwise.
    REDIS_URL = env("REDIS_URL")
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute")
    UPLOAD_RATE_LIMIT = env("UPLOAD_RATE_LIMIT", "60 per hour")
    # Each API token (and each address, for cookie sessions on the API) has its own count.
    API_RATE_LIMIT = env("API_RATE_LIMIT", "300 per minute")

    # Mail leaves through the outbox table; "log" writes it to the log, "smtp" sends it.
    MAIL_BACKEND = env("MAIL_BACKEND", "log")
    MAIL_SENDER = env("MAIL_SENDER", "exchange@localhost")
    MAIL_SERVER = env("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USERNAME = env("MAIL_USERNAME")
    MAIL_PASSWORD = env("MAIL_PASSWORD")
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 30)  # seconds to wait for the SMTP server

    # How many reverse proxies stand in front (their X-Forwarded-For gives the client's
    # address, which rate limits count by). 0 when the app faces clients directly.
    PROXY_COUNT = env_int("PROXY_COUNT", 0)

    # The address people reach the app at. Every link in mail is built on it, never on a
    # request's Host header, which the client chooses (exchange/links.py).
    PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:5000")

    # The steps after acceptance keep to the exchange's dates (applications/calendar.py):
    # the host marks the arrival from N days before the start; the student sends the
    # evaluation form from N days before the end; the CC's arrival falls between N days
    # before and N days after the start.
    ARRIVAL_DAYS_BEFORE_START = env_int("ARRIVAL_DAYS_BEFORE_START", 3)
    EVALUATION_DAYS_BEFORE_END = env_int("EVALUATION_DAYS_BEFORE_END", 7)
    CC_ARRIVAL_DAYS_BEFORE_START = env_int("CC_ARRIVAL_DAYS_BEFORE_START", 7)
    CC_ARRIVAL_DAYS_AFTER_START = env_int("CC_ARRIVAL_DAYS_AFTER_START", 3)

    PASSWORD_RESET_MAX_AGE = env_int("PASSWORD_RESET_MAX_AGE", 3600)
    UPLOAD_FOLDER = env("UPLOAD_FOLDER")  # default: <instance>/uploads
    # An ended application's documents are deleted this long after its season ended
    # (`flask exchange purge-documents`, from cron).
    DOCUMENT_RETENTION_DAYS = env_int("DOCUMENT_RETENTION_DAYS", 365)
    # The most one request may carry. Each form keeps its own, smaller limit and says it
    # beside the field (a document 4 MB, a CSV import 1 MB); a request over this one is
    # answered by the 413 page, which names the limit.
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    PAGE_SIZE = env_int("PAGE_SIZE", 25)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_ENABLED = True

    # Bootstrap-Flask serves Bootstrap 5 from the app itself: no CDN.
    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_SIZE = "md"

    # Strict-Transport-Security on every response: browsers then refuse plain HTTP to the
    # site for this long. Production only, where the site is served over HTTPS.
    HSTS_SECONDS = 0

    @classmethod
    def check(cls) -> None:
        """Refuse a configuration that cannot run safely."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False  # `flask run --debug` turns the debugger on where wanted
    SECRET_KEY = env("SECRET_KEY", "development-only-not-secret")
    # None: create_app puts the SQLite file in the instance folder.
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL")


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-not-secret"
    SQLALCHEMY_DATABASE_URI = env("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_BACKEND = "outbox"
    PASSWORD_HASH_METHOD = "scrypt:16384:8:1"  # lighter work factor: the suite hashes a lot
    PUBLIC_URL = "http://localhost"  # where the test client sends its requests


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    MAIL_BACKEND = env("MAIL_BACKEND", "smtp")
    HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)

    @classmethod
    def check(cls) -> None:
        missing = []
        if cls.RATELIMIT_ENABLED and not cls.REDIS_URL:
            # Each worker's memory would count on its own: with 4 workers, 4 times the
            # attempts get through, and a restart forgets them.
            missing.append(
                "EXCHANGE_REDIS_URL (rate limits are counted in Redis, shared by every "
                "worker; to run without any limits, set EXCHANGE_RATELIMIT_ENABLED=false)"
            )
        if not cls.SECRET_KEY or len(cls.SECRET_KEY) < 32:
            missing.append(
                "EXCHANGE_SECRET_KEY (a random string of at least 32 characters, e.g. "
                'python -c "import secrets; print(secrets.token_hex(32))")'
            )
        if not cls.SQLALCHEMY_DATABASE_URI:
            missing.append(
                "EXCHANGE_DATABASE_URL (e.g. postgresql+psycopg://user:password@host/exchange)"
            )
        if missing:
            raise ConfigurationError(
                "Production configuration is incomplete. Set " + "; and ".join(missing) + "."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    """The configuration class called ``name`` (default: development)."""
    name = (name or "development").lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigurationError(
            f"EXCHANGE_ENV={name!r} is not known; use one of {', '.join(CONFIGS)}."
        ) from None
