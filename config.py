"""Configuration classes; the only module that reads os.environ."""

import multiprocessing
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("BORDER_TRADE_INSTANCE", ROOT / "instance"))


def _development_secret():
    """Return a secret key kept under instance/, generating it on first run."""
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'border_trade.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS = {}  # border_trade.engine_options: the pool, its liveness check, the statement timeout
    # A read replica for the report aggregates (PostgreSQL streaming replica); unset: reports read the primary
    REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL") or None
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    LANGUAGES = ("vi", "km", "en")
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or str(INSTANCE / "uploads")
    # CSV/XLSX imports: the file, its data rows, and (XLSX) all its members once unpacked; see spreadsheets/common.py
    IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(5 * 1024 * 1024)))
    IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "1000"))
    IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(24 * 1024 * 1024)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "720"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "5 per minute")  # failures per address, any account
    # failed sign-ins for one account from one address lock that pair: after this many, for LOGIN_LOCK_SECONDS,
    # doubled by each further failure up to LOGIN_LOCK_MAX_SECONDS (failures quiet that long are forgotten)
    LOGIN_FAILURES_BEFORE_LOCK = int(os.environ.get("LOGIN_FAILURES_BEFORE_LOCK", "5"))
    LOGIN_LOCK_SECONDS = int(os.environ.get("LOGIN_LOCK_SECONDS", "60"))
    LOGIN_LOCK_MAX_SECONDS = int(os.environ.get("LOGIN_LOCK_MAX_SECONDS", str(24 * 3600)))
    # the web processes gunicorn.conf.py starts (same variable, same default): in-memory limits need exactly one
    WEB_WORKERS = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
    IS_PRODUCTION = False
    HSTS_SECONDS = 0
    BOOTSTRAP_SERVE_LOCAL = True
    # flask-smorest / OpenAPI
    API_TITLE = "border-trade"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_REDOC_PATH = None
    OPENAPI_SWAGGER_UI_PATH = None
    SCHEDULER_LEASE_SECONDS = int(os.environ.get("SCHEDULER_LEASE_SECONDS", "45"))
    SCHEDULER_RENEW_SECONDS = int(os.environ.get("SCHEDULER_RENEW_SECONDS", "15"))
    SCHEDULER_HEARTBEAT_SECONDS = int(os.environ.get("SCHEDULER_HEARTBEAT_SECONDS", "0")) or None
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") in ("1", "true", "yes")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "border-trade <no-reply@border-trade.local>")
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
    # a webhook delivery (DNS, connect, TLS, request, answer) is cut after this much wall-clock time
    WEBHOOK_DEADLINE_SECONDS = float(os.environ.get("WEBHOOK_DEADLINE_SECONDS", "10"))
    # a send_notices run starts no new delivery after this long; organisations take turns
    WEBHOOK_RUN_BUDGET_SECONDS = float(os.environ.get("WEBHOOK_RUN_BUDGET_SECONDS", "30"))
    WEBHOOK_MAX_PER_ORGANISATION = int(os.environ.get("WEBHOOK_MAX_PER_ORGANISATION", "10"))
    WEBHOOK_ALLOWED_PORTS = tuple(int(p) for p in os.environ.get("WEBHOOK_ALLOWED_PORTS", "80,443").split(",") if p)
    # the only way to let webhooks reach loopback/private/reserved addresses (and any port): development, tests
    WEBHOOK_ALLOW_PRIVATE_NETWORKS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "") in ("1", "true", "yes")
    WEBHOOK_REQUIRE_HTTPS = os.environ.get("WEBHOOK_REQUIRE_HTTPS", "") in ("1", "true", "yes")
    # "system" (DNS), "offline" (no name resolves) or, in tests, a function (host, port) -> addresses
    WEBHOOK_RESOLVER = os.environ.get("WEBHOOK_RESOLVER", "system")
    # e-queue (#17): minutes a called truck has to arrive before it is marked late
    CALL_WINDOW_MINUTES = int(os.environ.get("CALL_WINDOW_MINUTES", "20"))
    # SMS to drivers: "log" (writes the log; development, tests) or "http" (POST JSON to SMS_URL, bearer SMS_TOKEN,
    # through the webhooks' SSRF guard; SMS_ALLOW_PRIVATE_NETWORKS lets it reach a loopback/private gateway)
    SMS_SENDER = os.environ.get("SMS_SENDER", "log")
    SMS_URL = os.environ.get("SMS_URL")
    SMS_TOKEN = os.environ.get("SMS_TOKEN")
    SMS_TIMEOUT_SECONDS = float(os.environ.get("SMS_TIMEOUT_SECONDS", "5"))
    SMS_ALLOW_PRIVATE_NETWORKS = os.environ.get("SMS_ALLOW_PRIVATE_NETWORKS", "") in ("1", "true", "yes")
    SMS_REQUIRE_HTTPS = os.environ.get("SMS_REQUIRE_HTTPS", "") in ("1", "true", "yes")
    # the public gate board (page and JSON), per address
    BOARD_RATE_LIMIT = os.environ.get("BOARD_RATE_LIMIT", "60 per minute")
    # receipt by the buyer (#18): days a receipt link lives (a confirmed one stays readable as long again),
    # the largest photo, photos per goods line, and the public page's and API's limit per address
    RECEIPT_LINK_DAYS = int(os.environ.get("RECEIPT_LINK_DAYS", "30"))
    RECEIPT_PHOTO_MAX_BYTES = int(os.environ.get("RECEIPT_PHOTO_MAX_BYTES", str(5 * 1024 * 1024)))
    RECEIPT_PHOTOS_PER_LINE = int(os.environ.get("RECEIPT_PHOTOS_PER_LINE", "3"))
    RECEIPT_RATE_LIMIT = os.environ.get("RECEIPT_RATE_LIMIT", "30 per minute")
    # days after `crossed` without an answer on the origin proof before the trader is asked (ATIGA OCP's period for
    # the importing customs: reported as 60 days, unconfirmed; docs/rules.md)
    ORIGIN_PROOF_FOLLOW_UP_DAYS = int(os.environ.get("ORIGIN_PROOF_FOLLOW_UP_DAYS", "60"))
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    METRICS_ENABLED = os.environ.get("METRICS_ENABLED", "1") not in ("0", "false", "no")
    # PostgreSQL: no statement may run longer than this (milliseconds); reports get their own, longer limit
    STATEMENT_TIMEOUT_MS = int(os.environ.get("STATEMENT_TIMEOUT_MS", "15000"))
    REPORTS_STATEMENT_TIMEOUT_MS = int(os.environ.get("REPORTS_STATEMENT_TIMEOUT_MS", "60000"))


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret()


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    METRICS_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    UPLOAD_FOLDER = os.environ.get("TEST_UPLOAD_FOLDER") or str(INSTANCE / "test-uploads")
    WEBHOOK_RESOLVER = "offline"  # no test sends a DNS query; a test that needs names sets a fake resolver


class ProductionConfig(Config):
    """Production settings; `border_trade.production.check_production` refuses to start an unsafe one."""

    IS_PRODUCTION = True
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    WEBHOOK_REQUIRE_HTTPS = os.environ.get("WEBHOOK_REQUIRE_HTTPS", "1") in ("1", "true", "yes")
    SMS_REQUIRE_HTTPS = os.environ.get("SMS_REQUIRE_HTTPS", "1") in ("1", "true", "yes")

    def __init__(self):
        if not self.SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set in production")


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_from_env():
    """Pick the configuration class named by BORDER_TRADE_ENV (default: development)."""
    name = os.environ.get("BORDER_TRADE_ENV", "development")
    cls = CONFIGS[name]
    return cls() if cls is ProductionConfig else cls
