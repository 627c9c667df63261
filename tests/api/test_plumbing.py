"""Error bodies, health, the OpenAPI document and security headers."""

import re

import pytest

from border_trade import create_app
from border_trade.extensions import db
from config import TestingConfig


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["code"] == 404 and response.json["status"] == "Not Found"


def test_wrong_method_is_a_json_405(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.json["code"] == 405
    assert "GET" in response.headers["Allow"]


@pytest.fixture
def fragile_app(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'fragile.sqlite'}"
        PROPAGATE_EXCEPTIONS = False

    app = create_app(Config)

    @app.route("/api/v1/explode")
    def explode():
        raise RuntimeError("secret internals: /etc/passwd")

    @app.route("/explode")
    def explode_page():
        raise RuntimeError("secret internals: /etc/passwd")

    with app.app_context():
        db.create_all()
    app.config["TESTING"] = False
    return app


def test_server_error_hides_the_stack_trace(fragile_app):
    from border_trade.api import PUBLIC_ENDPOINTS

    PUBLIC_ENDPOINTS.add("explode")
    try:
        response = fragile_app.test_client().get("/api/v1/explode")
    finally:
        PUBLIC_ENDPOINTS.discard("explode")
    assert response.status_code == 500
    assert response.json["code"] == 500
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    page = fragile_app.test_client().get("/explode")
    assert page.status_code == 500 and b"secret" not in page.data and b"<html" in page.data


def test_health_reports_database_and_scheduler(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "scheduler": {"leader": None, "heartbeat_at": None}}


def test_health_is_503_when_the_database_is_unreachable(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite'}"

    response = create_app(Config).test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_openapi_document_lists_every_api_endpoint(app, client):
    spec = client.get("/api/openapi.json").json
    documented = {
        (path, method.upper())
        for path, ops in spec["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("explode"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is not in /api/openapi.json"
    gate_list = spec["paths"]["/api/v1/gates"]["get"]
    schema_ref = gate_list["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref.endswith("/GatePage")
    assert "GateSchema" in str(spec["components"]["schemas"]["GatePage"]) or "Gate" in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["paths"]["/api/v1/health"]["get"]["security"] == []


def test_api_docs_are_served_without_a_cdn(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert client.get("/api/docs/static/swagger-ui-bundle.js").status_code == 200


def test_security_headers(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_header_the_view_set_is_kept_and_not_doubled(client):
    board = client.get("/api/v1/public/gates/MOC-BAI/board", headers={"X-Request-ID": "abc123"})
    assert board.status_code == 200
    assert board.headers.getlist("Cache-Control") == ["public, max-age=15"]  # its own, not the API's no-store
    assert board.headers.getlist("X-Request-ID") == ["abc123"]
    assert board.headers.getlist("X-Frame-Options") == ["DENY"]
    api = client.get("/api/v1/health")
    assert api.headers.getlist("Cache-Control") == ["no-store"]


def test_a_database_lost_while_closing_the_session_leaves_the_answer_alone(tmp_path, monkeypatch, caplog):
    """PostgreSQL stopped right after a request's work: the ROLLBACK of closing its session fails, and the answer
    already made must still go out (it used to become gunicorn's HTML 500)."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'db.sqlite'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()

    def lost(self):
        raise sa.exc.OperationalError("ROLLBACK", {}, Exception("terminating connection due to administrator command"))

    monkeypatch.setattr(Session, "close", lost)
    client = app.test_client()
    first = client.get("/api/v1/health")
    assert first.status_code == 200 and first.json["database"] == "ok"
    assert "closing the database session failed" in caplog.text
    monkeypatch.undo()
    assert client.get("/api/v1/health").status_code == 200  # a fresh session for the next request
