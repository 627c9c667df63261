"""Start-up checks: a production app refuses to start with a setting that would make it unsafe or wrong."""

from pathlib import Path

# Secret keys published with the code (deploy/env.example, the test configuration): anyone could sign a session.
PUBLISHED_SECRET_KEYS = {"change-me-to-64-random-hex-characters", "testing-secret-key"}
MIN_SECRET_KEY_LENGTH = 32
REQUIRED_CATALOGUES = ("vi", "km")  # English is the source language: it needs no catalogue
NEW_SECRET = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def check_production(app):
    """Raise RuntimeError naming what to fix when a production configuration is unsafe; do nothing elsewhere."""
    if not app.config.get("IS_PRODUCTION"):
        return
    problems = [
        *secret_key_problems(app.config),
        *rate_limit_problems(app.config),
        *catalogue_problems(app.config),
        *sms_problems(app.config),
    ]
    if problems:
        raise RuntimeError("border-trade refuses to start in production:\n- " + "\n- ".join(problems))


def secret_key_problems(config):
    key = config.get("SECRET_KEY") or ""
    if not key:
        return [f"SECRET_KEY is not set. Set it to a long random value, e.g. the output of: {NEW_SECRET}"]
    if key in PUBLISHED_SECRET_KEYS or "change-me" in key.lower():
        return [
            "SECRET_KEY is the published example value: anyone could forge a session. "
            f"Replace it with a long random value, e.g. the output of: {NEW_SECRET}"
        ]
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return [
            f"SECRET_KEY has {len(key)} characters; use at least {MIN_SECRET_KEY_LENGTH} random ones, "
            f"e.g. the output of: {NEW_SECRET}"
        ]
    return []


def rate_limit_problems(config):
    storage = config.get("RATELIMIT_STORAGE_URI") or "memory://"
    workers = config.get("WEB_WORKERS", 1)
    if storage.startswith("memory://") and workers > 1:
        return [
            f"RATELIMIT_STORAGE_URI is {storage} (in memory) but gunicorn starts {workers} worker processes "
            "(GUNICORN_WORKERS), each of which would keep its own sign-in limits. Set RATELIMIT_STORAGE_URI="
            "redis://HOST:6379/0 (shared by every process and machine), or GUNICORN_WORKERS=1."
        ]
    return []


def catalogue_problems(config):
    directories = [Path(d) for d in str(config.get("BABEL_TRANSLATION_DIRECTORIES") or "translations").split(";")]
    missing = []
    for lang in REQUIRED_CATALOGUES:
        found = [d / lang / "LC_MESSAGES" / "messages.mo" for d in directories]
        if not any(path.is_file() for path in found):
            missing.append(str(found[0]))
    if missing:
        return [
            f"the compiled translations are missing ({', '.join(missing)}): every page and PDF would be in "
            "English. Run `make compile` (pybabel compile -d translations) before starting."
        ]
    return []


SMS_SENDERS = ("log", "http")


def sms_problems(config):
    """Drivers are told of their call by SMS: a production sender must know where to send."""
    sender = (config.get("SMS_SENDER") or "log").lower()
    if sender not in SMS_SENDERS:
        return [f"SMS_SENDER is {sender!r}; use one of: {', '.join(SMS_SENDERS)}."]
    if sender == "http" and not config.get("SMS_URL"):
        return [
            "SMS_SENDER=http but SMS_URL is not set: no driver would be told of a call. Set SMS_URL to the gateway's "
            "address (and SMS_TOKEN), or SMS_SENDER=log to only log the messages."
        ]
    return []
