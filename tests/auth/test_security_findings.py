"""Issue #14, authentication findings: open redirects, tokens surviving a password change, sessions surviving
sign-out, an account locked for everyone, and the proxy headers Flask-Login trusted."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import ApiToken, Role, SignInFailure, User, UserSession
from border_trade.extensions import db, limiter
from border_trade.web import safe_redirect_target
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a-new-secret-2026"
EVIL = [
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example/",
    " //evil.example/",
    "\x00//evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    "\\\\evil.example/",
    "/\t\\evil.example/",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "http:evil.example",
    "http:/evil.example",
    "//evil.example@127.0.0.1/",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "/\x0b/evil.example/",
]


def actions():
    return [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def entries(action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


def bearer(client, raw):
    return client.get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {raw}"}).status_code


def new_token(user):
    from border_trade.auth.tokens import new_token as make

    raw, _record = make(user)
    db.session.commit()
    return raw


# --- finding 3: one safe-redirect helper, no open redirect -----------------------------------------------------


@pytest.mark.parametrize("target", EVIL)
def test_the_language_switch_never_redirects_to_another_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_reported_tab_trick_is_refused(client):
    response = client.get("/lang/en?next=/%09/evil.example/")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", EVIL)
def test_signing_in_never_redirects_to_another_site(client, target):
    user = make_user(Role.VIEWER)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    again = client.get("/login", query_string={"next": target})  # signed in already: straight on
    assert again.status_code == 302 and again.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/account", "/shipments?status=draft&page=2", "/gates/MOC-BAI", "/a//b"])
def test_paths_on_this_site_are_followed(client, target):
    assert client.get("/lang/km", query_string={"next": target}).headers["Location"] == target


@pytest.mark.parametrize("target", [*EVIL, None, ""])
def test_the_helper_gives_the_home_page_for_anything_but_a_local_path(app, target):
    with app.test_request_context("/"):
        assert safe_redirect_target(target) == "/"


# --- finding 7: API tokens end with the password ----------------------------------------------------------------


def test_changing_ones_password_revokes_ones_api_tokens(login_as, client):
    page = login_as(Role.EXPORTER, locale="en")
    raw = new_token(page.user)
    other = new_token(make_user(Role.EXPORTER))
    assert bearer(client, raw) == 200
    response = page.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Your other sessions were signed out and your API tokens revoked." in response.get_data(as_text=True)
    assert bearer(client, raw) == 401 and bearer(client, other) == 200
    (entry,) = entries("api_tokens.revoked")
    assert entry.after["count"] == 1 and entry.after["reason"] == "password_change"
    assert entry.actor_id == page.user.id and entry.object_id == str(page.user.id)


def test_an_administrators_reset_revokes_the_users_api_tokens(login_as, client):
    admin = login_as(Role.ADMIN, locale="en")
    user = make_user(Role.VIEWER)
    raws = [new_token(user), new_token(user)]
    response = admin.post(
        f"/admin/users/{user.id}/password",
        data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Their sessions were signed out and their API tokens revoked." in response.get_data(as_text=True)
    assert [bearer(client, raw) for raw in raws] == [401, 401]
    (entry,) = entries("api_tokens.revoked")
    assert entry.after["count"] == 2 and entry.after["reason"] == "password_reset" and entry.actor_id == admin.user.id


@pytest.mark.parametrize(
    ("command", "reason"),
    [(["set-password", "--password", NEW_PASSWORD], "password_reset"), (["deactivate"], "deactivated")],
)
def test_the_operators_commands_revoke_the_api_tokens(runner, client, command, reason):
    user = make_user(Role.GATE_OFFICER)
    raw = new_token(user)
    result = runner.invoke(args=["users", command[0], user.email, *command[1:]])
    assert result.exit_code == 0, result.output
    assert "API tokens were revoked" in result.output
    assert bearer(client, raw) == 401
    (entry,) = entries("api_tokens.revoked")
    assert entry.after["count"] == 1 and entry.after["reason"] == reason and entry.actor_email == "cli"


def test_a_reset_without_tokens_writes_no_revocation_entry(runner):
    user = make_user(Role.VIEWER)
    assert runner.invoke(args=["users", "set-password", user.email, "--password", NEW_PASSWORD]).exit_code == 0
    assert entries("api_tokens.revoked") == []


# --- finding 8: signing out ends the session on the server --------------------------------------------------------


def replay(app, cookie, **environ):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_a_session_cookie_copied_before_sign_out_opens_nothing_after(app, login_as):
    client = login_as(Role.GATE_OFFICER)
    stolen = client.get_cookie("session").value
    assert replay(app, stolen).get("/account").status_code == 200  # the copy works while the session lives
    client.post("/logout")
    thief = replay(app, stolen)
    response = thief.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert thief.get("/api/v1/auth/tokens").status_code == 401  # the API's session sign-in refuses it too
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_signing_out_ends_only_this_session(login_as):
    laptop = login_as(Role.VIEWER)
    tablet = login_as(laptop.user)
    laptop.post("/logout")
    assert laptop.get("/account").status_code == 302 and tablet.get("/account").status_code == 200


def test_signing_in_starts_a_new_session_keeping_only_the_chosen_language(app, client):
    user = make_user(Role.VIEWER)
    client.get("/lang/km")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["csrf_token"] = "fixed-by-an-attacker"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session and session.get("csrf_token") != "fixed-by-an-attacker"
        assert session["lang"] == "km" and session["_sid"]
    first = client.get_cookie("session").value
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert session["_sid"]
    assert client.get_cookie("session").value != first
    assert replay(app, first).get("/account").status_code == 302


def test_a_password_change_ends_the_other_sessions_on_the_server(app, login_as):
    client = login_as(Role.EXPORTER)
    other = login_as(client.user)
    copied = other.get_cookie("session").value
    client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert client.get("/account").status_code == 200
    assert replay(app, copied).get("/account").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1


def test_a_copied_cookie_cannot_pass_by_naming_its_owners_address(app, client):
    user = make_user(Role.VIEWER)
    owner = {"REMOTE_ADDR": "10.20.0.5"}
    headers = {"User-Agent": "Tablet/1.0"}
    client.post("/login", data={"email": user.email, "password": PASSWORD}, environ_base=owner, headers=headers)
    assert client.get("/account", environ_base=owner, headers=headers).status_code == 200
    stolen = client.get_cookie("session").value
    thief = replay(app, stolen)
    spoofed = {**headers, "X-Forwarded-For": "10.20.0.5"}  # PROXY_COUNT=0 here: no proxy is trusted
    response = thief.get("/account", environ_base={"REMOTE_ADDR": "192.0.2.66"}, headers=spoofed)
    assert response.status_code == 302


# --- finding 9: failures lock an account for one address, not for everyone -------------------------------------


class Clock:
    def __init__(self):
        self.now = datetime.now(UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch, app):
    fake = Clock()
    monkeypatch.setattr("border_trade.auth.services.sessions.utcnow", fake)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "1000 per minute")  # leave the per-address limit out
    return fake


def page_sign_in(client, email, password, address):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_an_attacker_failing_on_purpose_does_not_keep_the_owner_out(client, app, clock):
    user = make_user(Role.EXPORTER)
    for _ in range(8):
        page_sign_in(client, user.email, "guess", "203.0.113.9")
    assert page_sign_in(client, user.email, PASSWORD, "203.0.113.9").status_code == 429  # the attacker's pair
    owner = app.test_client()
    response = page_sign_in(owner, user.email, PASSWORD, "10.1.1.1")
    assert response.status_code == 302
    assert owner.get("/account", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200


def test_the_lock_grows_with_every_failure_after_it(client, clock):
    user = make_user(Role.VIEWER)
    statuses = [page_sign_in(client, user.email, "guess", "198.51.100.7").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]  # the page answers a wrong password with the form (200)
    waits = []
    for _ in range(3):
        refused = page_sign_in(client, user.email, "guess", "198.51.100.7")
        waits.append(int(refused.headers["Retry-After"]))
        clock.now += timedelta(seconds=waits[-1] + 2)
        assert page_sign_in(client, user.email, "guess", "198.51.100.7").status_code == 200  # tried, wrong
    # Flask-Limiter rewrites Retry-After as whole seconds from its own clock: a second may be cut off
    assert [wait in (expected - 1, expected) for wait, expected in zip(waits, [60, 120, 240], strict=True)] == [
        True
    ] * 3
    assert page_sign_in(client, user.email, PASSWORD, "198.51.100.7").status_code == 429
    clock.now += timedelta(hours=1)
    assert page_sign_in(client, user.email, PASSWORD, "198.51.100.7").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInFailure)) == 0  # a success clears it


def test_the_lock_is_kept_in_the_database_not_in_one_process(client, clock):
    user = make_user(Role.VIEWER)
    for _ in range(5):
        page_sign_in(client, user.email, "guess", "198.51.100.8")
    limiter.reset()  # what a process of its own would see of Flask-Limiter's memory
    assert page_sign_in(client, user.email, PASSWORD, "198.51.100.8").status_code == 429
    row = db.session.scalar(sa.select(SignInFailure))
    assert (row.email, row.address, row.failures) == (user.email, "198.51.100.8", 5) and row.locked_until


def test_a_locked_pair_is_refused_without_checking_the_password_and_on_the_api_too(client, clock):
    user = make_user(Role.VIEWER)
    for _ in range(5):
        page_sign_in(client, user.email, "guess", "198.51.100.9")
    before = actions().count("auth.sign_in_failed")
    answer = client.post(
        "/api/v1/auth/token",
        json={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )
    assert answer.status_code == 429 and answer.json["code"] == 429 and int(answer.headers["Retry-After"]) > 0
    assert actions().count("auth.sign_in_failed") == before and "auth.sign_in" not in actions()


def test_unknown_accounts_are_throttled_like_real_ones(client, clock):
    statuses = [page_sign_in(client, "nobody@example.test", "guess", "198.51.100.10").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_an_operators_reset_lifts_the_lock(client, runner, clock):
    user = make_user(Role.VIEWER)
    for _ in range(5):
        page_sign_in(client, user.email, "guess", "198.51.100.11")
    runner.invoke(args=["users", "set-password", user.email, "--password", NEW_PASSWORD])
    assert page_sign_in(client, user.email, NEW_PASSWORD, "198.51.100.11").status_code == 302


def test_old_failures_are_forgotten(client, clock):
    user = make_user(Role.VIEWER)
    for _ in range(4):
        page_sign_in(client, user.email, "guess", "198.51.100.12")
    clock.now += timedelta(days=2)
    page_sign_in(client, "someone@example.test", "guess", "198.51.100.13")  # any failure sweeps the stale rows
    assert db.session.scalar(sa.select(SignInFailure.email)) == "someone@example.test"
    for _ in range(4):
        assert page_sign_in(client, user.email, "guess", "198.51.100.12").status_code == 200
    assert db.session.scalar(sa.select(SignInFailure.failures).where(SignInFailure.email == user.email)) == 4


def test_deactivating_ends_sessions_and_tokens(login_as, client):
    user_client = login_as(Role.VIEWER)
    raw = new_token(user_client.user)
    admin = login_as(Role.ADMIN)
    admin.post(f"/admin/users/{user_client.user.id}/deactivate")
    assert user_client.get("/account").status_code == 302 and bearer(client, raw) == 401
    assert db.session.get(User, user_client.user.id).is_active_account is False
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None
    assert "api_tokens.revoked" in actions()
