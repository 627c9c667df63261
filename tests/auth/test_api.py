"""`POST /api/v1/auth/token`, `GET /api/v1/auth/tokens`, `DELETE /api/v1/auth/tokens/{id}`."""

import io
from datetime import timedelta

import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import ApiToken, Role
from border_trade.auth.tokens import digest
from border_trade.extensions import db
from border_trade.types import utcnow
from tests.factories import PASSWORD, get_gate, get_province, make_user


def issue(client, user, password=PASSWORD, **extra):
    return client.post("/api/v1/auth/token", json={"email": user.email, "password": password, **extra})


def bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_token_is_issued_with_role_scope_and_expiry(client, app):
    user = make_user(Role.EXPORTER)
    before = utcnow()
    response = issue(client, user, name="erp")
    assert response.status_code == 200
    body = response.json
    assert body["role"] == "exporter"
    assert body["scope"] == {
        "all": False,
        "organisation": {"id": user.organisation.id, "name": user.organisation.name},
        "province": None,
        "provinces": [],
        "gates": [],
    }
    token = db.session.scalar(sa.select(ApiToken))
    assert token.token_hash == digest(body["token"]) and body["token"] not in token.token_hash  # stored hashed
    assert token.name == "erp" and token.id == body["id"]
    hours = app.config["API_TOKEN_TTL_HOURS"]
    assert before + timedelta(hours=hours) <= token.expires_at <= utcnow() + timedelta(hours=hours)
    assert client.get("/api/v1/gates", headers=bearer(body["token"])).status_code == 200
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.issue"))
    assert entry.actor_id == user.id and entry.object_type == "api_token" and entry.object_id == str(token.id)
    assert body["token"] not in str(entry.after)


def test_scope_of_a_province_officer_covers_merged_provinces(client):
    body = issue(client, make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH"))).json
    assert body["scope"]["province"] == "TAY-NINH"
    assert set(body["scope"]["provinces"]) == {"TAY-NINH", "LONG-AN"}
    assert {"MOC-BAI", "XA-MAT", "BINH-HIEP"} <= set(body["scope"]["gates"])  # BINH-HIEP was LONG-AN's


def test_scope_of_a_gate_officer_and_an_admin(client):
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT"), get_gate("MOC-BAI")])
    assert issue(client, officer).json["scope"]["gates"] == ["MOC-BAI", "XA-MAT"]
    assert issue(client, make_user(Role.ADMIN)).json["scope"]["all"] is True


def test_wrong_password_is_401_and_recorded(client):
    user = make_user(Role.VIEWER)
    response = issue(client, user, password="wrong-password")
    assert response.status_code == 401
    assert response.json["code"] == 401 and response.json["status"] == "Unauthorized" and response.json["message"]
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "auth.sign_in_failed" and entry.after == {"via": "api", "reason": "wrong_password"}
    assert entry.actor_email == user.email and entry.object_id == str(user.id)
    assert db.session.scalar(sa.select(ApiToken)) is None


def test_missing_password_is_422(client):
    response = client.post("/api/v1/auth/token", json={"email": "someone@example.test"})
    assert response.status_code == 422 and "password" in response.json["errors"]


def test_unknown_account_and_deactivated_account_are_401(client):
    response = client.post("/api/v1/auth/token", json={"email": "nobody@example.test", "password": PASSWORD})
    assert response.status_code == 401
    assert issue(client, make_user(Role.VIEWER, is_active_account=False)).status_code == 401
    reasons = [e.after["reason"] for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]
    assert reasons == ["unknown_account", "deactivated"]


def test_token_request_refuses_unknown_fields(client):
    user = make_user(Role.VIEWER)
    response = issue(client, user, remember=True)
    assert response.status_code == 422 and "remember" in response.json["errors"]


def test_message_follows_the_request_language(client):
    user = make_user(Role.VIEWER)
    response = client.post("/api/v1/auth/token?lang=en", json={"email": user.email, "password": "nope-nope"})
    assert response.json["message"] == "The e-mail address or the password is wrong."


def test_list_tokens_shows_only_the_callers_own(client, token_for):
    me = make_user(Role.EXPORTER)
    headers = token_for(me)
    token_for(me)
    token_for(make_user(Role.EXPORTER))
    body = client.get("/api/v1/auth/tokens", headers=headers).json
    assert body["total"] == 2 and {t["user_id"] for t in body["items"]} == {me.id}
    assert body["items"][0]["id"] > body["items"][1]["id"]  # newest first
    assert "token_hash" not in body["items"][0] and "token" not in body["items"][0]


def test_only_admins_list_another_users_tokens(client, token_for):
    owner = make_user(Role.EXPORTER)
    token_for(owner)
    other = token_for(make_user(Role.EXPORTER))
    assert client.get(f"/api/v1/auth/tokens?user={owner.id}", headers=other).status_code == 403
    admin = token_for(make_user(Role.ADMIN))
    body = client.get(f"/api/v1/auth/tokens?user={owner.id}", headers=admin).json
    assert body["total"] == 1 and body["items"][0]["user_id"] == owner.id


def test_owner_revokes_a_token_and_it_stops_working(client, token_for):
    me = make_user(Role.GATE_OFFICER)
    headers = token_for(me)
    token = db.session.scalar(sa.select(ApiToken))
    assert client.delete(f"/api/v1/auth/tokens/{token.id}", headers=headers).status_code == 204
    assert client.get("/api/v1/gates", headers=headers).status_code == 401
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "token.revoke"))
    assert entry.actor_id == me.id and entry.before == {"revoked_at": None} and entry.after["revoked_at"]


def test_someone_elses_token_is_404_but_an_admin_may_revoke_it(client, token_for):
    owner = make_user(Role.EXPORTER)
    owner_headers = token_for(owner)
    token = db.session.scalar(sa.select(ApiToken))
    stranger = token_for(make_user(Role.EXPORTER))
    assert client.delete(f"/api/v1/auth/tokens/{token.id}", headers=stranger).status_code == 404
    assert client.delete("/api/v1/auth/tokens/999999", headers=stranger).status_code == 404
    assert client.get("/api/v1/gates", headers=owner_headers).status_code == 200
    admin = token_for(make_user(Role.ADMIN))
    assert client.delete(f"/api/v1/auth/tokens/{token.id}", headers=admin).status_code == 204
    assert client.get("/api/v1/gates", headers=owner_headers).status_code == 401


def test_expired_token_is_refused(client, token_for):
    headers = token_for(make_user(Role.VIEWER))
    token = db.session.scalar(sa.select(ApiToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/gates", headers=headers).status_code == 401


def test_deactivation_revokes_tokens(client, token_for):
    from border_trade.auth import services

    user = make_user(Role.VIEWER)
    headers = token_for(user)
    services.deactivate_user(user.id, by=make_user(Role.ADMIN))
    services.activate_user(user.id)
    assert client.get("/api/v1/gates", headers=headers).status_code == 401


def test_oversized_body_is_a_json_413(client, app):
    big = b'{"email": "' + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b'"}'
    response = client.post("/api/v1/auth/token", data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.json["code"] == 413 and response.json["status"] == "Request Entity Too Large"


def test_oversized_form_on_a_page_is_a_413_page(client, app):
    response = client.post("/login", data={"email": "a" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert response.status_code == 413 and b"<html" in response.data


def test_oversized_upload_to_an_api_endpoint_is_a_json_413(client, app, token_for):
    from tests.factories import make_shipment

    exporter = make_user(Role.EXPORTER)
    shipment = make_shipment(exporter.organisation)
    scan = io.BytesIO(b"%PDF-1.4\n" + b"0" * app.config["MAX_CONTENT_LENGTH"])
    response = client.post(
        f"/api/v1/shipments/{shipment.id}/documents",
        data={"type": "packing_list", "number": "PL-1", "file": (scan, "big.pdf")},
        headers=token_for(exporter),
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert response.json["code"] == 413 and response.json["message"]
