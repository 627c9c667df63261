"""Browser journeys: a live server on a seeded file database, headless Chromium, and a way to sign in.

Fixtures for any journey:

- `live_server` (session): the app served on 127.0.0.1 at a free port from a thread, on its own SQLite file
  seeded like `flask seed --demo`, with CSRF protection on. `live_server.url`, `live_server.app`
  (use `with live_server.app.app_context():` to read or prepare its database).
- `browser` (session): headless Chromium (Debian's /usr/bin/chromium). Skipped when Chromium is missing,
  except under CI=true, where that is a failure.
- `page` (per test): a fresh browser context (no cookies), English, whose relative URLs go to the live server.
- `sign_in(page, who, password=DEMO_PASSWORD)`: sign in through /login as a demo user (`"admin"`, `"exporter"`,
  `"exporter2"`, `"gate_officer"`, `"gate_officer_xamat"`, `"province_officer"`, or an e-mail address) and
  wait for the user menu; returns the page.
- `sign_out(page)`: sign out through the user menu.
"""

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from border_trade import create_app
from border_trade.auth.models import User
from border_trade.extensions import db
from border_trade.seed.demo import DEMO_PASSWORD, load_demo
from border_trade.seed.reference import load_reference
from config import TestingConfig

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]

DEMO_LOGINS = {
    "admin": "admin@demo.test",
    "exporter": "exporter@demo.test",
    "exporter2": "exporter2@demo.test",
    "gate_officer": "officer.mocbai@demo.test",
    "gate_officer_xamat": "officer.xamat@demo.test",
    "province_officer": "province.tayninh@demo.test",
}


# The browser tests drive their own live server on a SQLite file (below), whatever TEST_DATABASE_URL says: on the
# PostgreSQL run of `.ci/run` they would repeat the SQLite run's journeys exactly, so they run once, on SQLite
# (BROWSER_TESTS_EVERY_RUN=1 runs them anyway).
SKIP_ON_POSTGRESQL = pytest.mark.skip(reason="browser tests use their own SQLite live server: run on SQLite")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    repeat = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") and not os.environ.get(
        "BROWSER_TESTS_EVERY_RUN"
    )
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if repeat:
                item.add_marker(SKIP_ON_POSTGRESQL)


@dataclass
class LiveServer:
    url: str
    app: object

    def __call__(self, path=""):
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live-server")

    class LiveConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'border_trade.sqlite'}"
        UPLOAD_FOLDER = str(folder / "uploads")
        WTF_CSRF_ENABLED = True
        PROPAGATE_EXCEPTIONS = False

    app = create_app(LiveConfig)
    with app.app_context():
        db.create_all()
        load_reference()
        load_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="session")
def demo_locales(live_server):
    """Each demo account's stored language as the demo made it (tests share one live server)."""
    with live_server.app.app_context():
        locales = dict(db.session.execute(sa.select(User.email, User.locale)).all())
        db.session.remove()
    return locales


@pytest.fixture
def sign_in(live_server, demo_locales):
    def sign_in(page, who, password=DEMO_PASSWORD):
        email = DEMO_LOGINS.get(who, who)
        # an explicit language choice in an earlier test became the account's preference: start from the demo's
        if email in demo_locales:
            with live_server.app.app_context():
                db.session.execute(sa.update(User).where(User.email == email).values(locale=demo_locales[email]))
                db.session.commit()
                db.session.remove()
        page.goto("/login")
        page.fill('#login-form input[name="email"]', email)
        page.fill('#login-form input[name="password"]', password)
        with page.expect_navigation():
            page.click('#login-form [type="submit"]')
        page.wait_for_selector(f'[data-user-menu="{email}"]', state="attached")
        return page

    return sign_in


@pytest.fixture
def sign_out():
    def sign_out(page):
        page.click("#user-menu")
        with page.expect_navigation():
            page.click('[data-nav="sign-out"]')
        page.wait_for_selector('[data-nav="sign-in"]', state="attached")
        return page

    return sign_out


def eventually(page, expression, seconds=10):
    """Poll an expression from here: the page's CSP forbids the eval that wait_for_function's polling needs."""
    deadline = time.monotonic() + seconds
    while (value := page.evaluate(expression)) is False or value is None:
        assert time.monotonic() < deadline, expression
        time.sleep(0.1)
    return value
