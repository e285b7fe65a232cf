"""Configuration read from the environment, with safe development defaults.

`create_app()` picks the class named by `APP_ENV` (development, test, production).
Production refuses to start without the settings a real deployment must choose.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# The development key is public (it is in this file): production refuses it.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'pledges.sqlite'}"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value in (None, ""):
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def database_url_from_environment(default: str) -> str:
    """The SQLAlchemy URL: `DATABASE_URL`, with a plain postgres URL given the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL") or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url_from_environment(DEFAULT_DATABASE_URL)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # The six-month review (stage 2) is due this many calendar months after stage 1 sign-off.
    REVIEW_INTERVAL_MONTHS = _int("REVIEW_INTERVAL_MONTHS", 6)

    # The scheduler runs the review sweep once a day at this time, Europe/London (not 01:00 to
    # 03:00, which daylight saving moves or skips).
    SCHEDULER_DAILY_AT = os.environ.get("SCHEDULER_DAILY_AT", "07:00")

    # Mail: in development messages go to the log unless MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "pledges@localhost")
    # The task queue (mail, exports): empty for SQLite in the instance folder, or
    # sqlite:///file, postgresql://..., redis://... (see core/queue.py).
    HUEY_URL = os.environ.get("HUEY_URL", "")
    HUEY_NAME = os.environ.get("HUEY_NAME", "pledges")
    HUEY_IMMEDIATE = False
    # Export files: where they are kept (shared by every web and worker machine), for how long,
    # and how long one export may run.
    EXPORT_DIR = os.environ.get("EXPORT_DIR", "")
    EXPORT_RETENTION_DAYS = _int("EXPORT_RETENTION_DAYS", 7)
    EXPORT_TIME_LIMIT_SECONDS = _int("EXPORT_TIME_LIMIT_SECONDS", 30 * 60)
    EXPORT_HEARTBEAT_SECONDS = _int("EXPORT_HEARTBEAT_SECONDS", 15)
    EXPORT_STALE_SECONDS = _int("EXPORT_STALE_SECONDS", 3 * 60)
    # The reconcile frees an email left "sending" this long, and queues again one pending this long.
    # Seconds before the 2nd, 3rd, ... attempt at a failing email (then it is marked failed).
    MAIL_RETRY_AFTER_SECONDS = tuple(
        int(part)
        for part in os.environ.get("MAIL_RETRY_AFTER_SECONDS", "30,120,600,3600,21600").split(",")
    )
    MAIL_SENDING_STALE_SECONDS = _int("MAIL_SENDING_STALE_SECONDS", 5 * 60)
    MAIL_REQUEUE_AFTER_SECONDS = _int("MAIL_REQUEUE_AFTER_SECONDS", 2 * 60)
    # The public address of the service: links (in pages, emails and prompts) are built on it,
    # as Flask's SERVER_NAME and PREFERRED_URL_SCHEME (core/links.py).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # The host names requests may name (Flask's TRUSTED_HOSTS); any other Host is refused with
    # 400. None: any host (development). Production falls back to BASE_URL's host.
    TRUSTED_HOSTS = _list("TRUSTED_HOSTS")
    TRUSTED_HOSTS_FROM_BASE_URL = False

    # A record's free text is generous but bounded: 10,000 characters a field.
    FIELD_MAX_CHARACTERS = 10_000
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # A county's workforce in one CSV: 20,000 people at about 200 bytes a row.
    LARGER_UPLOADS = {"admin.upload_people": 16 * 1024 * 1024}
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = 8 * 60 * 60  # a working day: forms left open over lunch still save
    DEMO_PASSWORD_ALLOWED = True
    # A signed-in session ends after this long without activity, and this long after signing in
    # (OWASP ASVS level 2); the page warns this many minutes before, with a way to stay.
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    SESSION_WARNING_MINUTES = _int("SESSION_WARNING_MINUTES", 5)
    # Proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none).
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    # Failed sign-ins allowed per account and per source address in 15 minutes.
    SIGN_IN_FAILURES_PER_ACCOUNT = _int("SIGN_IN_FAILURES_PER_ACCOUNT", 5)
    SIGN_IN_FAILURES_PER_ADDRESS = _int("SIGN_IN_FAILURES_PER_ADDRESS", 30)
    # Minutes between the queue worker's refreshes of the figures kept current in the background
    # (core/summaries.py reads <KIND>_SUMMARY_MINUTES): the dashboard's and the impact report's.
    DASHBOARD_SUMMARY_MINUTES = _int("DASHBOARD_SUMMARY_MINUTES", 5)
    IMPACT_SUMMARY_MINUTES = _int("IMPACT_SUMMARY_MINUTES", 5)


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    SECRET_KEY = "test-secret-key"
    # The test client's requests name this host, as pages and emails do.
    BASE_URL = "http://localhost"
    # Most tests post forms directly; the CSRF tests turn protection back on.
    WTF_CSRF_ENABLED = False
    # Queued tasks (mail, exports) run at once in the process that queues them, so tests can
    # check their result; the queue tests run real worker processes on real storage.
    HUEY_IMMEDIATE = True
    # Argon2 at full strength makes each sign-in in a test cost ~50 ms; keep it light in tests.
    PASSWORD_HASH_FAST = True


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    DEMO_PASSWORD_ALLOWED = False
    # The README's deployment puts one TLS-terminating proxy in front of gunicorn.
    PROXY_COUNT = _int("PROXY_COUNT", 1)
    # A request naming any host but these (by default BASE_URL's) is refused.
    TRUSTED_HOSTS_FROM_BASE_URL = True

    @staticmethod
    def check(settings) -> None:
        """Refuse to run with settings that are only safe on a developer's machine."""
        problems = []
        secret = settings.get("SECRET_KEY") or ""
        if secret == DEVELOPMENT_SECRET_KEY or len(secret) < 32:
            problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
        if settings.get("SQLALCHEMY_DATABASE_URI") == DEFAULT_DATABASE_URL:
            problems.append("DATABASE_URL must name the production database")
        if problems:
            raise RuntimeError("Refusing to start: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    name = os.environ.get("APP_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
