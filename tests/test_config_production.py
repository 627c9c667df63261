"""Production refuses unsafe settings (published or short SECRET_KEY, per-process rate limits under several
workers, missing catalogues, `seed --demo`), sends HSTS, and trusts exactly PROXY_COUNT proxies."""

import hashlib

import pytest
import sqlalchemy as sa

from border_trade import create_app
from border_trade.auth.models import User
from border_trade.extensions import db
from border_trade.production import catalogue_problems, rate_limit_problems, sms_problems
from config import ROOT, ProductionConfig

GOOD_KEY = "9f" * 32


def production(**settings):
    """A production configuration that passes every check, with `settings` changed."""

    class Production(ProductionConfig):
        SECRET_KEY = GOOD_KEY
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        RATELIMIT_STORAGE_URI = "memory://"
        WEB_WORKERS = 1
        METRICS_ENABLED = False
        TESTING = True  # keeps the test run's logging as it is
        BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")

    for name, value in settings.items():
        setattr(Production, name, value)
    return Production()


def test_a_sound_production_configuration_starts():
    assert create_app(production()).config["IS_PRODUCTION"]


@pytest.mark.parametrize("key", ["change-me-to-64-random-hex-characters", "testing-secret-key", "CHANGE-ME" * 8])
def test_a_published_secret_key_is_refused(key):
    with pytest.raises(RuntimeError, match="published example value") as refused:
        create_app(production(SECRET_KEY=key))
    assert "secrets.token_hex(32)" in str(refused.value)


def test_a_short_secret_key_is_refused():
    with pytest.raises(RuntimeError, match="SECRET_KEY has 31 characters; use at least 32"):
        create_app(production(SECRET_KEY="k" * 31))


def test_the_example_environment_files_key_is_refused():
    example = (ROOT / "deploy" / "env.example").read_text()
    key = next(line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY="))
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY=key))


def test_in_memory_rate_limits_with_several_workers_are_refused():
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI=redis://") as refused:
        create_app(production(WEB_WORKERS=5))
    assert "5 worker processes" in str(refused.value)


def test_in_memory_rate_limits_are_fine_for_one_process_and_redis_for_many():
    assert rate_limit_problems({"RATELIMIT_STORAGE_URI": "memory://", "WEB_WORKERS": 1}) == []
    assert rate_limit_problems({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "WEB_WORKERS": 9}) == []


def test_the_worker_count_follows_gunicorn_workers(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    try:
        assert importlib.reload(config).Config.WEB_WORKERS == 3
    finally:
        monkeypatch.delenv("GUNICORN_WORKERS")
        importlib.reload(config)


def test_missing_catalogues_are_refused(tmp_path):
    (tmp_path / "vi" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "vi" / "LC_MESSAGES" / "messages.mo").write_bytes(b"")
    with pytest.raises(RuntimeError, match="make compile") as refused:
        create_app(production(BABEL_TRANSLATION_DIRECTORIES=str(tmp_path)))
    assert "km/LC_MESSAGES/messages.mo" in str(refused.value) and "vi/LC_MESSAGES" not in str(refused.value)
    assert catalogue_problems({"BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations")}) == []


def test_every_problem_is_named_at_once():
    with pytest.raises(RuntimeError) as refused:
        create_app(production(SECRET_KEY="short", WEB_WORKERS=2))
    assert "SECRET_KEY" in str(refused.value) and "RATELIMIT_STORAGE_URI" in str(refused.value)


def test_development_and_tests_are_not_checked(app):
    assert app.config["IS_PRODUCTION"] is False and len(app.config["SECRET_KEY"]) < 32


def test_seed_demo_is_refused_in_production(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "IS_PRODUCTION", True)
    result = runner.invoke(args=["seed", "--demo"])
    assert result.exit_code == 2 and "--demo refused in production" in result.output
    assert "flask users create" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert runner.invoke(args=["seed"]).exit_code == 0  # the reference data still loads


def test_production_sends_strict_transport_security(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers  # development: plain HTTP
    response = create_app(production()).test_client().get("/no-such-page")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.parametrize(("count", "seen"), [(1, "203.0.113.5"), (2, "198.51.100.4")])
def test_only_proxy_count_proxies_are_trusted(count, seen):
    from flask import request
    from flask_limiter.util import get_remote_address

    app = create_app(production(PROXY_COUNT=count))

    @app.get("/_whoami")
    def whoami():
        identifier = app.login_manager._session_identifier_generator()
        return {"remote_addr": request.remote_addr, "limiter": get_remote_address(), "identifier": identifier}

    forwarded = {"X-Forwarded-For": "6.6.6.6, 198.51.100.4, 203.0.113.5", "User-Agent": "Tablet/1.0"}
    answer = app.test_client().get("/_whoami", headers=forwarded).json
    assert answer["remote_addr"] == seen and answer["limiter"] == seen
    # Flask-Login's strong protection hashes the proxied address, never the client-written header's first entry
    assert answer["identifier"] == hashlib.sha512(f"{seen}|Tablet/1.0".encode()).hexdigest()


def test_an_http_sms_sender_without_a_gateway_address_is_refused():
    with pytest.raises(RuntimeError, match="SMS_URL is not set"):
        create_app(production(SMS_SENDER="http", SMS_URL=None))
    with pytest.raises(RuntimeError, match="SMS_SENDER is 'carrier-pigeon'"):
        create_app(production(SMS_SENDER="carrier-pigeon"))


def test_the_log_sender_and_an_http_sender_with_its_address_are_fine():
    assert sms_problems({"SMS_SENDER": "log"}) == []
    assert sms_problems({"SMS_SENDER": "HTTP", "SMS_URL": "https://sms.example.vn/send"}) == []
