"""`GET /api/v1/audit` and `/api/v1/audit.csv`: newest first, filtered, paginated, admins only."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from border_trade.auth import services
from border_trade.auth.models import Role
from tests.factories import PASSWORD, make_user

KEYS = {"id", "at", "actor", "actor_id", "action", "object_type", "object_id", "address", "before", "after"}


@pytest.fixture
def admin(token_for):
    user = make_user(Role.ADMIN)
    return token_for(user)


def test_failed_sign_in_and_role_change_are_in_the_trail(client, admin):
    target = make_user(Role.EXPORTER)
    client.post("/api/v1/auth/token", json={"email": target.email, "password": "wrong"})
    client.post("/login", data={"email": target.email, "password": "also-wrong"})
    by = make_user(Role.ADMIN)
    services.update_user(target.id, by=by, role="viewer", province="TAY-NINH")

    body = client.get("/api/v1/audit", headers=admin).json
    assert body["total"] == 3 and body["next_cursor"] is None
    assert [e["action"] for e in body["items"]] == ["user.role_change", "auth.sign_in_failed", "auth.sign_in_failed"]
    change, failed_web, failed_api = body["items"]
    assert set(change) == KEYS
    assert change["actor"] == by.email and change["object_type"] == "user" and change["object_id"] == str(target.id)
    assert change["before"]["role"] == "exporter" and change["after"]["role"] == "viewer"
    assert datetime.fromisoformat(change["at"]).tzinfo is not None
    assert failed_api["actor"] == target.email and failed_api["address"] == "127.0.0.1"
    assert failed_api["after"]["via"] == "api" and failed_web["after"]["via"] == "web"


def test_filters(client, admin):
    one = make_user(Role.VIEWER)
    two = make_user(Role.VIEWER)
    client.post("/api/v1/auth/token", json={"email": one.email, "password": PASSWORD})
    client.post("/api/v1/auth/token", json={"email": two.email, "password": "wrong"})

    def actions(query):
        response = client.get(f"/api/v1/audit?{query}", headers=admin)
        assert response.status_code == 200, response.json
        return [e["action"] for e in response.json["items"]]

    assert actions(f"actor={one.email.upper()}") == ["token.issue"]
    assert actions(f"actor={one.id}") == ["token.issue"]
    assert actions("action=auth") == ["auth.sign_in_failed"]
    assert actions("action=auth.sign_in_failed") == ["auth.sign_in_failed"]
    assert actions("action=auth.sign") == []  # a family is a whole dotted prefix
    assert actions(f"object=user:{two.id}") == ["auth.sign_in_failed"]
    assert actions("object=api_token") == ["token.issue"]
    today = datetime.now(UTC).date()
    assert len(actions(f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}")) == 2
    assert actions(f"to={today - timedelta(days=2)}") == []
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "%2B00:00")
    assert actions(f"from={future}") == []


@pytest.mark.parametrize("query", ["from=yesterday", "to=2026-13-01", "from=2026-03-14T08:00:00", "colour=red"])
def test_bad_filters_are_422(client, admin, query):
    response = client.get(f"/api/v1/audit?{query}", headers=admin)
    assert response.status_code == 422 and response.json["errors"]


def test_pages_follow_the_cursor_newest_first(client, admin):
    user = make_user(Role.VIEWER)
    for _ in range(5):
        services.sign_out(user)
    first = client.get("/api/v1/audit?limit=2", headers=admin).json
    assert first["total"] == 5 and len(first["items"]) == 2 and first["next_cursor"]
    seen = [e["id"] for e in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"/api/v1/audit?limit=2&cursor={cursor}", headers=admin).json
        seen += [e["id"] for e in page["items"]]
        cursor = page["next_cursor"]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admins_read_the_trail(client, token_for, role):
    headers = token_for(make_user(role))
    assert client.get("/api/v1/audit", headers=headers).status_code == 403
    assert client.get("/api/v1/audit.csv", headers=headers).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401


def test_csv_export_is_filtered_newest_first_and_defused(client, admin):
    client.post("/api/v1/auth/token", json={"email": "=HYPERLINK(1)@x.test", "password": "wrong"})
    user = make_user(Role.VIEWER)
    services.sign_out(user)
    response = client.get("/api/v1/audit.csv", headers=admin)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["auth.sign_out", "auth.sign_in_failed"]
    assert rows[1]["actor"] == "'=hyperlink(1)@x.test"  # a spreadsheet shows it, never runs it
    assert rows[1]["after"] == '{"reason": "unknown_account", "via": "api"}'
    filtered = client.get("/api/v1/audit.csv?action=auth.sign_out", headers=admin).get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(filtered)))) == 1


def test_audit_endpoints_are_documented(client):
    spec = client.get("/api/openapi.json").json
    params = {p["name"] for p in spec["paths"]["/api/v1/audit"]["get"]["parameters"]}
    assert {"actor", "action", "object", "from", "to", "limit", "cursor"} <= params
    assert "/api/v1/audit.csv" in spec["paths"]
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_a_csv_download_abandoned_unread_disturbs_nothing_after_it(app, client, admin, db):
    """A client that hangs up before reading: the unread export held the request's contexts until the garbage
    collector closed it, inside whatever ran next ("Popped wrong app context", the next commit broken)."""
    import gc
    import sys

    from flask import current_app

    from border_trade.audit.services import record

    response = client.get("/api/v1/audit.csv", headers=admin)
    assert response.status_code == 200
    ignored = []
    previous_hook, sys.unraisablehook = sys.unraisablehook, ignored.append
    try:
        with app.app_context() as later:  # the next request or test, while the unread download is collected
            del response
            gc.collect()
            assert current_app._get_current_object() is later.app
            record("test.after_abandoned_export", object_type="test", object_id="1")
            db.session.commit()
    finally:
        sys.unraisablehook = previous_hook
    assert [str(u.exc_value) for u in ignored] == []
    rows = client.get("/api/v1/audit.csv?action=test", headers=admin).get_data(as_text=True).splitlines()
    assert len(rows) == 2 and "test.after_abandoned_export" in rows[1]
