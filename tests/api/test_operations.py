"""Operations: 503 (not 500) while the database is down, /metrics, request ids, proxy headers."""

from border_trade import create_app
from config import TestingConfig


def test_api_answers_503_json_while_the_database_is_unreachable(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite'}"

    client = create_app(Config).test_client()
    response = client.get("/api/v1/gates", headers={"Authorization": "Bearer bt_whatever"})
    assert response.status_code == 503
    assert response.json["code"] == 503 and response.headers["Retry-After"] == "5"
    page = client.get("/")
    assert page.status_code == 503 and b"<html" in page.data


def test_metrics_count_requests_per_endpoint(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'metrics.sqlite'}"
        METRICS_ENABLED = True

    app = create_app(Config)
    client = app.test_client()
    client.get("/api/v1/health")
    client.get("/api/v1/health")
    body = client.get("/metrics").get_data(as_text=True)
    assert "border_trade_http_request_duration_seconds" in body
    assert 'endpoint="health_api.health"' in body
    assert "border_trade_crossings_total" in body or "# HELP" in body


def test_request_id_is_echoed_or_made(client):
    assert client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/api/v1/health").headers["X-Request-ID"]) == 32


def test_forwarded_headers_are_trusted_only_behind_a_configured_proxy(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'proxy.sqlite'}"
        PROXY_COUNT = 1

    app = create_app(Config)

    @app.route("/whoami")
    def whoami():
        from flask import request

        return {"addr": request.remote_addr, "scheme": request.scheme}

    seen = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen.json == {"addr": "203.0.113.9", "scheme": "https"}
