"""Configuration read from environment variables, with safe development defaults."""

from __future__ import annotations

import math
import os
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from portal.common.crypto import fernet_keys
from portal.domain.asset_map import tile_origin

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"  # noqa: S105 - refused in production below # nosec B105
# A fixed Fernet key for development and tests only; production must set ENCRYPTION_KEY.
DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="
# The audit log's HMAC key for development and tests only; production must set AUDIT_HMAC_KEY.
DEV_AUDIT_HMAC_KEY = "dev-only-audit-hmac-key-not-for-production"  # noqa: S105 - refused in production below
# The key of the hashes that find a person by their mobile number, for development and tests only.
DEV_LOOKUP_HMAC_KEY = "dev-only-lookup-hmac-key-not-for-production"  # noqa: S105 - refused in production below
MAKE_A_SECRET = 'python3 -c "import secrets; print(secrets.token_hex(32))"'  # noqa: S105 - how to make one # nosec B105
MAKE_A_FERNET_KEY = 'python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
STRONG_SECRET_BITS = 120


def estimated_bits(secret: str) -> float:
    """A rough strength: the secret's length times the entropy of its own characters. 'x' * 48 scores 0, a
    32-byte hex or url-safe token well over 120."""
    counts = Counter(secret)
    per_character = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values()) if secret else 0
    return per_character * len(secret)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def trusted_hosts(base_url: str, more: str = "") -> list[str]:
    """The host names the portal answers to: SERVER_BASE_URL's, and any in the comma-separated list `more`."""
    names = [urlsplit(base_url).hostname or "", *(name.strip().lower() for name in more.split(","))]
    return list(dict.fromkeys(name for name in names if name))


def _sqlite_default() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'instance' / 'portal.db'}"


class Config:
    """Development settings: everything works on a laptop with nothing configured."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY", DEV_ENCRYPTION_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", _sqlite_default())
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    PROGRAMME_NAME = os.environ.get("PROGRAMME_NAME", "Small Sparks")
    FEEDBACK_URL = os.environ.get("FEEDBACK_URL", "mailto:feedback@smallsparks.example")
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Behind a load balancer or reverse proxy: how many of them set X-Forwarded-For and X-Forwarded-Proto.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", DEV_AUDIT_HMAC_KEY)
    # Mobile numbers are stored encrypted and found by a keyed hash (HMAC-SHA256 with this key), so a copy of the
    # database alone cannot be searched for a number. Changing it loses the way to those accounts: never rotate it.
    LOOKUP_HMAC_KEY = os.environ.get("LOOKUP_HMAC_KEY", DEV_LOOKUP_HMAC_KEY)
    AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE", "")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    # With Redis out of reach, limits fail open (pages and open data still serve) and sign-in fails closed
    # (accounts/routes.py); neither waits long for a Redis that does not answer.
    RATELIMIT_SWALLOW_ERRORS = True
    # Counters start with the queue's name, as the page cache's keys do, so several portals can share one Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("JOBS_QUEUE_NAME", "small-sparks")
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Public pages kept whole for visitors not signed in (portal/common/page_cache.py); in Redis with REDIS_URL.
    PUBLIC_PAGE_CACHE = _bool("PUBLIC_PAGE_CACHE", True)
    # At most this many pages are kept (each language of a page counts once).
    PUBLIC_PAGE_CACHE_SIZE = int(os.environ.get("PUBLIC_PAGE_CACHE_SIZE", "1000"))

    # Mail: MAIL_BACKEND is "outbox" (stored in the database, shown at /dev/outbox) or "smtp".
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Small Sparks <hello@smallsparks.example>")
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "30"))
    SHOW_DEV_OUTBOX = _bool("SHOW_DEV_OUTBOX", True)
    # The neighbourhoods' maps: a tile server's address ("https://tiles.example.org/{z}/{x}/{y}.png") and the credit
    # its owner asks for. Empty (the default): the lists alone, and no page asks any other server for anything.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
    # Texts: TEXT_BACKEND is "outbox" (stored, shown at /dev/outbox beside emails), "notify" (GOV.UK Notify) or
    # "off" (nobody is offered texts: sign-in and news by email only).
    TEXT_BACKEND = os.environ.get("TEXT_BACKEND", "outbox")
    # GOV.UK Notify (TEXT_BACKEND=notify, and MAIL_BACKEND=notify for email): the API key, and the general
    # templates the portal's words are put into (portal/common/notify.py says what each holds).
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TEXT_TEMPLATE_ID = os.environ.get("NOTIFY_TEXT_TEMPLATE_ID", "")
    NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
    NOTIFY_EMAIL_FILE_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_FILE_TEMPLATE_ID", "")
    NOTIFY_TEXT_SENDER_ID = os.environ.get("NOTIFY_TEXT_SENDER_ID", "")  # optional: Notify's default sender
    NOTIFY_EMAIL_REPLY_TO_ID = os.environ.get("NOTIFY_EMAIL_REPLY_TO_ID", "")  # optional
    # What one text fragment costs, in whole pence, for the estimate programme officers see (Notify's price per
    # fragment beyond its yearly free allowance, rounded up).
    TEXT_FRAGMENT_PENCE = int(os.environ.get("TEXT_FRAGMENT_PENCE", "2"))

    # Background jobs: "redis" when REDIS_URL is set, else "sqlite" (a queue file beside the database, worked by
    # the worker `make run` starts); tests use "immediate" (a job runs as soon as its transaction commits).
    JOBS_BACKEND = os.environ.get("JOBS_BACKEND", "")
    JOBS_SQLITE_PATH = os.environ.get("JOBS_SQLITE_PATH", "")
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME", "small-sparks")
    # Background work with no sign of life for this long is taken to be abandoned by a stopped worker and queued
    # again (portal/common/stalled.py). Longer than any file or photo takes between two signs of life.
    STALLED_WORK_SECONDS = int(os.environ.get("STALLED_WORK_SECONDS", "600"))

    SIGN_IN_LINK_MINUTES = int(os.environ.get("SIGN_IN_LINK_MINUTES", "30"))
    DRAFT_KEEP_DAYS = int(os.environ.get("DRAFT_KEEP_DAYS", "60"))
    DRAFT_REMINDER_DAYS_BEFORE = int(os.environ.get("DRAFT_REMINDER_DAYS_BEFORE", "7"))
    IDLE_TIMEOUT_MINUTES = int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))  # however busy, sign in again after this
    SIGN_IN_LINKS_PER_DAY = int(os.environ.get("SIGN_IN_LINKS_PER_DAY", "20"))  # per email address
    STAFF_CODE_TRIES = 5  # wrong one-time codes before a staff member starts again from the password
    SESSION_COOKIE_NAME = "sparks_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_DURATION = 0
    # A little above the 10 MB a photo may be, so a photo just too big is explained on its own page.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(12 * 1024 * 1024)))
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session, so a slow resident loses nothing
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    SERVER_BASE_URL = os.environ.get("SERVER_BASE_URL", "http://127.0.0.1:5000")

    # Story photos: a folder on this machine, or an S3-compatible object store when S3_BUCKET is set (several app
    # servers then share one store).
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(PROJECT_ROOT / "instance" / "uploads"))
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    S3_REGION = os.environ.get("S3_REGION", "eu-west-2")
    STORY_REMINDER_DAYS = int(os.environ.get("STORY_REMINDER_DAYS", "14"))

    BABEL_DEFAULT_LOCALE = "en"
    # Times are stored in UTC and shown in UK time, through Flask-Babel's date filters (dateformat, datetimeformat).
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    LANGUAGES = {"en": "English", "cy": "Cymraeg", "ar": "العربية"}
    RTL_LANGUAGES = frozenset({"ar"})

    FORCE_HTTPS = False
    HSTS = False
    # Drawing a PDF or calling the file store while a database transaction is open: "raise" (development and
    # tests) or "log" (production: the fault is logged as an error and the work goes on).
    OUTSIDE_WORK_IN_TRANSACTION = "raise"


class TestConfig(Config):
    """Settings for the test suite: the database comes from TEST_DATABASE_URL or a temporary SQLite file."""

    ENV_NAME = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_PAGE_CACHE = False  # the tests of public pages check the database; tests/integration/pages turn it on
    PAGE_CACHE_DIR = os.path.join(tempfile.gettempdir(), f"small-sparks-test-page-cache-{os.getpid()}")
    MAIL_BACKEND = "outbox"
    JOBS_BACKEND = "immediate"
    SERVER_BASE_URL = "http://localhost"
    UPLOAD_FOLDER = os.path.join(tempfile.gettempdir(), "small-sparks-test-uploads")


class ProductionConfig(Config):
    """Production: secure cookies, HSTS, SMTP mail, and no start without real secrets."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SHOW_DEV_OUTBOX = False
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    TEXT_BACKEND = os.environ.get("TEXT_BACKEND", "off")
    HSTS = True
    OUTSIDE_WORK_IN_TRANSACTION = "log"
    # Only the portal's own names (SERVER_BASE_URL's, and any more in TRUSTED_HOSTS, such as the name a load
    # balancer's health check uses): a request for any other Host is refused with 400, so a forged one never
    # reaches a page.
    TRUSTED_HOSTS = trusted_hosts(os.environ.get("SERVER_BASE_URL", ""), os.environ.get("TRUSTED_HOSTS", ""))

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a development, weak or missing secret, or without the shared services production
        needs; raises RuntimeError naming what is wrong and how to put it right."""
        for name, development in (
            ("SECRET_KEY", DEV_SECRET_KEY),
            ("AUDIT_HMAC_KEY", DEV_AUDIT_HMAC_KEY),
            ("LOOKUP_HMAC_KEY", DEV_LOOKUP_HMAC_KEY),
        ):
            secret = os.environ.get(name, "")
            if not secret or secret == development or len(secret) < 32 or estimated_bits(secret) < STRONG_SECRET_BITS:
                raise RuntimeError(
                    f"{name} must be a random value of at least 32 characters in production. Make one with: "
                    + MAKE_A_SECRET
                )
        key = os.environ.get("ENCRYPTION_KEY", "")
        if not key or DEV_ENCRYPTION_KEY in key:
            raise RuntimeError(
                f"ENCRYPTION_KEY must be set to Fernet keys in production. Make one with: {MAKE_A_FERNET_KEY}"
            )
        fernet_keys(key)  # raises RuntimeError for anything that is not a real Fernet key
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production.")
        base_url = urlsplit(os.environ.get("SERVER_BASE_URL", ""))
        if base_url.scheme not in ("http", "https") or not base_url.hostname:
            raise RuntimeError(
                "SERVER_BASE_URL must be set in production to the portal's address, such as "
                "https://smallsparks.example.gov.uk: links in emails, pages and files start with it, and only its "
                "host name (and any in TRUSTED_HOSTS) is answered."
            )
        cls.TRUSTED_HOSTS = trusted_hosts(os.environ["SERVER_BASE_URL"], os.environ.get("TRUSTED_HOSTS", ""))
        cls.check_notify()
        if os.environ.get("MAP_TILE_URL") and tile_origin(os.environ["MAP_TILE_URL"]) is None:
            raise RuntimeError("MAP_TILE_URL must be an http(s) address with {z}, {x} and {y} in it, or empty.")
        if not os.environ.get("REDIS_URL"):
            raise RuntimeError(
                "REDIS_URL must be set in production: rate limits and background jobs are shared between servers there."
            )

    @classmethod
    def check_notify(cls) -> None:
        """With texts or email going through GOV.UK Notify, its key and templates must be set."""
        mail, texts = os.environ.get("MAIL_BACKEND", "smtp"), os.environ.get("TEXT_BACKEND", "off")
        if mail not in ("smtp", "notify", "outbox"):
            raise RuntimeError('MAIL_BACKEND must be "smtp", "notify" or "outbox".')
        if texts not in ("notify", "off", "outbox"):
            raise RuntimeError('TEXT_BACKEND must be "notify", "outbox" or "off".')
        needed = ["NOTIFY_API_KEY"] if "notify" in (mail, texts) else []
        needed += ["NOTIFY_TEXT_TEMPLATE_ID"] if texts == "notify" else []
        needed += ["NOTIFY_EMAIL_TEMPLATE_ID", "NOTIFY_EMAIL_FILE_TEMPLATE_ID"] if mail == "notify" else []
        missing = [name for name in needed if not os.environ.get(name)]
        if missing:
            raise RuntimeError(
                f"{', '.join(missing)} must be set to send through GOV.UK Notify (README: Texts and GOV.UK Notify)."
            )


def config_from_environment() -> type[Config]:
    """Pick the configuration named by PORTAL_ENV (development, production)."""
    name = os.environ.get("PORTAL_ENV", "development")
    if name == "production":
        ProductionConfig.check()
        return ProductionConfig
    return Config
