"""Pages: sign-in and sign-out, CSRF, the account pages, the menu per role and user administration."""

import re

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import ApiToken, Role, User
from border_trade.auth.passwords import check_password
from border_trade.extensions import db
from tests.factories import PASSWORD, get_gate, make_organisation, make_user

ALL_ROLES = list(Role)


def actions():
    return [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def csrf_token(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_login_page_has_the_named_fields(client, csrf_on):
    html = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html and 'name="csrf_token"' in html


def test_sign_in_and_out(client):
    user = make_user(Role.EXPORTER)
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD, "next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = client.get("/account").get_data(as_text=True)
    assert user.email in page and user.organisation.name in page
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302  # back to /login
    assert actions() == ["auth.sign_in", "auth.sign_out"]


def test_wrong_password_shows_the_form_again_and_is_recorded(client):
    user = make_user(Role.VIEWER)
    response = client.post("/login?lang=en", data={"email": user.email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "The e-mail address or the password is wrong." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "auth.sign_in_failed" and entry.actor_email == user.email
    assert entry.object_type == "user" and entry.object_id == str(user.id)
    assert entry.after == {"via": "web", "reason": "wrong_password"} and entry.address == "127.0.0.1"


def test_deactivated_account_cannot_sign_in(client):
    user = make_user(Role.VIEWER, is_active_account=False)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200 and client.get("/account").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"])
def test_sign_in_never_redirects_off_site(client, target):
    user = make_user(Role.VIEWER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_lax(client):
    user = make_user(Role.VIEWER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    class Production(ProductionConfig):
        SECRET_KEY = "x" * 32

    config = Production()
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.SESSION_COOKIE_SAMESITE == "Lax"


def test_login_without_csrf_token_is_refused(client, csrf_on):
    user = make_user(Role.VIEWER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and client.get("/account").status_code == 200


def test_logout_needs_the_csrf_token(login_as, csrf_on):
    client = login_as(Role.VIEWER)
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 302


def test_logout_is_post_only(login_as):
    assert login_as(Role.VIEWER).get("/logout").status_code == 405


def test_change_password_signs_out_other_sessions(login_as, app):
    client = login_as(Role.EXPORTER)
    other = login_as(client.user)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a-new-secret-2026", "confirm": "a-new-secret-2026"},
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # this session goes on
    assert other.get("/account").status_code == 302  # the other one ended
    assert check_password(db.session.get(User, client.user.id).password_hash, "a-new-secret-2026")
    assert "user.password_change" in actions()


def test_change_password_refuses_a_wrong_current_password_and_a_short_one(login_as):
    client = login_as(Role.EXPORTER, locale="en")
    page = client.post(
        "/account/password", data={"current_password": "nope", "new_password": "x" * 12, "confirm": "x" * 12}
    )
    assert page.status_code == 200 and "The current password is wrong." in page.get_data(as_text=True)
    page = client.post(
        "/account/password", data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"}
    )
    assert "Use at least 10 characters." in page.get_data(as_text=True)
    assert check_password(db.session.get(User, client.user.id).password_hash, PASSWORD)


def test_tokens_page_creates_shows_once_and_revokes(login_as):
    client = login_as(Role.GATE_OFFICER)
    page = client.post("/account/tokens", data={"name": "tablet 2"}).get_data(as_text=True)
    raw = re.search(r'id="new-token">(bt_[^<]+)<', page).group(1)
    token = db.session.scalar(sa.select(ApiToken))
    assert token.name == "tablet 2" and token.user_id == client.user.id and raw.startswith(token.prefix)
    assert raw not in client.get("/account/tokens").get_data(as_text=True)  # shown only once
    assert client.get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert actions()[-2:] == ["token.issue", "token.revoke"]


def test_someone_elses_token_cannot_be_revoked_from_the_page(login_as, token_for):
    owner = make_user(Role.EXPORTER)
    token_for(owner)
    token = db.session.scalar(sa.select(ApiToken))
    client = login_as(Role.EXPORTER)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/audit", "/audit.csv"])
@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r is not Role.ADMIN])
def test_admin_pages_are_forbidden_to_other_roles(login_as, role, path):
    assert login_as(role).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/admin/users", "/audit", "/account", "/account/tokens", "/account/password"])
def test_pages_send_strangers_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


MENU = {
    Role.ADMIN: {"users", "audit", "reports"},
    Role.EXPORTER: {"products", "shipments"},
    Role.GATE_OFFICER: {"gate"},
    Role.PROVINCE_OFFICER: {"reports"},
    Role.VIEWER: {"reports"},
}
EVERY_ITEM = {"products", "shipments", "gate", "reports", "users", "audit"}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_sees_its_own_menu(login_as, role):
    html = login_as(role).get("/gates").get_data(as_text=True)
    shown = set(re.findall(r'data-nav="([a-z-]+)"', html)) & EVERY_ITEM
    assert shown == MENU[role]
    assert 'data-nav="sign-out"' in html and 'data-nav="tokens"' in html


def test_strangers_see_only_the_sign_in_link(client):
    html = client.get("/").get_data(as_text=True)
    assert set(re.findall(r'data-nav="([a-z-]+)"', html)) == {"sign-in"}


def test_admin_creates_a_gate_officer(login_as):
    admin = login_as(Role.ADMIN)
    assert admin.get("/admin/users/new").status_code == 200
    response = admin.post(
        "/admin/users/new",
        data={
            "email": "New.Officer@Example.test",
            "name": "Đặng Văn Hùng",
            "role": "gate_officer",
            "gates": ["XA-MAT", "TAN-NAM"],
            "organisation": "",
            "province": "",
            "locale": "vi",
            "password": "first-password-1",
            "confirm": "first-password-1",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "new.officer@example.test"))
    assert user.role is Role.GATE_OFFICER and [g.code for g in user.gates] == ["TAN-NAM", "XA-MAT"]
    assert user.organisation is None and user.province is None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert entry.actor_id == admin.user.id and entry.after["gates"] == ["TAN-NAM", "XA-MAT"]
    assert "first-password-1" not in str(entry.after)
    listing = admin.get("/admin/users?q=new.officer").get_data(as_text=True)
    assert 'data-email="new.officer@example.test"' in listing and f'data-email="{admin.user.email}"' not in listing


def test_admin_create_form_names_the_missing_scope(login_as):
    admin = login_as(Role.ADMIN, locale="en")
    page = admin.post(
        "/admin/users/new",
        data={
            "email": "exp@example.test",
            "name": "X",
            "role": "exporter",
            "locale": "vi",
            "password": "first-password-1",
            "confirm": "first-password-1",
        },
    )
    assert page.status_code == 200 and "Choose the exporter&#39;s organisation." in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "exp@example.test")) is None


def test_admin_changes_role_and_scope_and_it_is_audited(login_as):
    admin = login_as(Role.ADMIN)
    target = make_user(Role.EXPORTER)
    assert admin.get(f"/admin/users/{target.id}").status_code == 200
    response = admin.post(
        f"/admin/users/{target.id}",
        data={"email": target.email, "name": target.name, "role": "province_officer", "province": "TAY-NINH"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    target = db.session.get(User, target.id)
    assert target.role is Role.PROVINCE_OFFICER and target.province.code == "TAY-NINH" and target.organisation is None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.role_change"))
    assert entry.before["role"] == "exporter" and entry.after["role"] == "province_officer"
    assert entry.before["province"] is None and entry.after["province"] == "TAY-NINH"
    assert entry.after["organisation_id"] is None and entry.before["organisation_id"] is not None


def test_admin_deactivates_activates_and_resets_password(login_as):
    admin = login_as(Role.ADMIN)
    target_client = login_as(Role.EXPORTER)
    target = target_client.user
    assert admin.post(f"/admin/users/{target.id}/deactivate").status_code == 302
    assert target_client.get("/account").status_code == 302
    assert db.session.get(User, target.id).is_active is False
    assert admin.post(f"/admin/users/{target.id}/activate").status_code == 302
    response = admin.post(
        f"/admin/users/{target.id}/password", data={"password": "reset-by-admin-1", "confirm": "reset-by-admin-1"}
    )
    assert response.status_code == 302
    assert check_password(db.session.get(User, target.id).password_hash, "reset-by-admin-1")
    assert [a for a in actions() if a.startswith("user.")] == [
        "user.deactivate",
        "user.activate",
        "user.password_reset",
    ]


def test_admin_cannot_deactivate_or_demote_themselves(login_as):
    admin = login_as(Role.ADMIN)
    assert admin.post(f"/admin/users/{admin.user.id}/deactivate").status_code in (302, 409)
    assert db.session.get(User, admin.user.id).is_active
    admin.post(
        f"/admin/users/{admin.user.id}",
        data={"email": admin.user.email, "name": admin.user.name, "role": "viewer", "province": "TAY-NINH"},
    )
    assert db.session.get(User, admin.user.id).role is Role.ADMIN


def test_admin_sees_and_revokes_a_users_token(login_as, token_for):
    admin = login_as(Role.ADMIN)
    target = make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])
    token_for(target)
    token = db.session.scalar(sa.select(ApiToken))
    page = admin.get(f"/admin/users/{target.id}").get_data(as_text=True)
    assert token.prefix in page
    assert admin.post(f"/account/tokens/{token.id}/revoke?next=/admin/users/{target.id}").status_code == 302
    assert db.session.get(ApiToken, token.id).revoked_at is not None


def test_exporter_account_page_shows_only_their_organisation(login_as):
    other = make_organisation(name="Someone Else Ltd")
    client = login_as(Role.EXPORTER)
    page = client.get("/account").get_data(as_text=True)
    assert client.user.organisation.name in page and other.name not in page
