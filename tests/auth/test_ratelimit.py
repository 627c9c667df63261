"""Sign-in rate limits: per address (Flask-Limiter) and per account and address (the database), for the API and
/login, with a clock the test controls."""

import time
from datetime import UTC, datetime

import limits.storage.memory
import pytest

from border_trade.auth.models import Role
from tests.factories import PASSWORD, make_user


class Clock:
    """Stands in for the `time` module inside the limiter's in-memory storage."""

    def __init__(self):
        self.now = time.time()

    def time(self):
        return self.now

    def utcnow(self):
        return datetime.fromtimestamp(self.now, UTC)

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch, app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    fake = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr("border_trade.auth.services.sessions.utcnow", fake.utcnow)
    return fake


def token_request(client, email, password, address="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_wrong_passwords_from_many_addresses_never_keep_the_owner_out(client, app, clock):
    assert app.config["LOGIN_RATE_LIMIT"] == "5 per minute"
    user = make_user(Role.EXPORTER)
    # a different address each time: no address reaches its limit, and the account has no limit of its own
    statuses = [token_request(client, user.email, "wrong-password", f"10.0.0.{n}").status_code for n in range(12)]
    assert statuses == [401] * 12
    assert token_request(client, user.email, PASSWORD, "10.0.0.99").status_code == 200


def test_six_wrong_passwords_from_one_address_are_429_then_the_right_one_works_after_the_window(client, clock):
    user = make_user(Role.EXPORTER)
    statuses = [token_request(client, user.email, "wrong-password", "10.0.0.1").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = token_request(client, user.email, PASSWORD, "10.0.0.1")
    assert refused.status_code == 429  # from this address even the right password waits for the window
    assert refused.json["code"] == 429 and refused.json["status"] == "Too Many Requests"
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    clock.advance(61)
    assert token_request(client, user.email, PASSWORD, "10.0.0.1").status_code == 200


def test_the_limit_follows_the_configuration(client, app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "2 per 10 seconds")
    user = make_user(Role.VIEWER)
    assert [token_request(client, user.email, "wrong-password").status_code for _ in range(3)] == [401, 401, 429]
    clock.advance(11)
    assert token_request(client, user.email, PASSWORD).status_code == 200


def test_one_address_trying_many_accounts_is_limited(client, clock):
    emails = [make_user(Role.VIEWER).email for _ in range(6)]
    statuses = [token_request(client, email, "wrong-password", "10.9.9.9").status_code for email in emails]
    assert statuses == [401] * 5 + [429]
    assert token_request(client, emails[0], PASSWORD, "10.9.9.10").status_code == 200  # another address


def test_successful_sign_ins_do_not_use_up_the_budget(client, clock):
    user = make_user(Role.VIEWER)
    assert {token_request(client, user.email, PASSWORD).status_code for _ in range(8)} == {200}


def test_account_and_address_budget_is_shared_by_the_api_and_the_login_page(client, app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "100 per minute")  # only the account-and-address lock
    user = make_user(Role.VIEWER)
    for _ in range(5):
        client.post("/login", data={"email": user.email, "password": "wrong"}, environ_base={"REMOTE_ADDR": "10.1.0.1"})
    assert token_request(client, user.email, PASSWORD, "10.1.0.1").status_code == 429
    assert token_request(client, user.email, PASSWORD, "10.2.0.1").status_code == 200


def test_login_page_answers_429_with_a_translated_message(client, clock):
    user = make_user(Role.VIEWER, locale=None)
    for _ in range(5):
        page = client.post("/login?lang=en", data={"email": user.email, "password": "wrong"})
        assert page.status_code == 200
    page = client.post("/login?lang=en", data={"email": user.email, "password": PASSWORD})
    assert page.status_code == 429 and "Retry-After" in page.headers
    html = page.get_data(as_text=True)
    assert "Too many sign-in attempts. Try again in" in html and 'name="password"' in html
    assert client.get("/account").status_code == 302  # not signed in
    clock.advance(61)
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_getting_the_login_page_is_never_limited(client, clock):
    user = make_user(Role.VIEWER)
    for _ in range(6):
        client.post("/login", data={"email": user.email, "password": "wrong"})
    assert client.get("/login").status_code == 200


def test_the_429_page_speaks_the_visitors_language(client, clock):
    import html
    import re

    from flask_babel import force_locale, ngettext

    user = make_user(Role.VIEWER, locale=None)
    for _ in range(6):
        page = client.post("/login?lang=vi", data={"email": user.email, "password": "wrong"})
    assert page.status_code == 429
    shown = html.unescape(re.search(r"data-rate-limited>([^<]+)<", page.get_data(as_text=True)).group(1))
    with force_locale("vi"):
        expected = {
            ngettext(
                "Too many sign-in attempts. Try again in %(num)d second.",
                "Too many sign-in attempts. Try again in %(num)d seconds.",
                n,
            )
            for n in range(1, 62)  # the limiter rounds the wait up: a 60 s window can say 61
        }
    assert shown in expected


def test_the_gate_event_endpoint_skips_the_limiter_and_others_do_not(client, token_for, monkeypatch):
    """The gate's events carry no rate limit, and are spared the limiter's lookups (extensions.UNLIMITED_ENDPOINTS,
    #20); every other endpoint still goes through them."""
    import uuid

    from border_trade.extensions import limiter
    from border_trade.shipments.models import ShipmentStatus
    from tests.factories import get_gate, make_shipment

    looked_up = []
    resolve = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(
        limiter.limit_manager, "resolve_limits", lambda *a, **k: looked_up.append(a[1]) or resolve(*a, **k)
    )
    auth = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
    shipment = make_shipment(
        make_user(Role.EXPORTER).organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI")
    )
    response = client.post(
        "/api/v1/gates/MOC-BAI/crossings",
        json={"shipment": shipment.reference, "event": "arrived"},
        headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.json
    assert looked_up == []
    assert client.get("/api/v1/gates/MOC-BAI/queue", headers=auth).status_code == 200
    assert looked_up == ["crossings_api.queue"]
