"""Fixtures: one app and schema per session, every test starting from the reference data alone."""

import os
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The gates' day is Viet Nam's (UTC+7): "today" in the app is the local date, and so is `date.today()` in the tests,
# whatever the machine's zone (from 17:00 to 24:00 UTC the UTC date is still yesterday there).
os.environ["TZ"] = "Asia/Ho_Chi_Minh"
time.tzset()


def _worker_database():
    """Under pytest-xdist (`make test` runs two workers) each worker gets its own PostgreSQL database,
    `<TEST_DATABASE_URL's database>_<worker>`, created empty here and dropped at the end of the run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not worker or not base.startswith("postgresql"):
        return None
    url = sa.engine.make_url(base)
    name = f"{url.database}_{worker}"[:63]
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = url.set(database=name).render_as_string(hide_password=False)
    return url, name


_WORKER_DATABASE = _worker_database()  # before `config` is imported: TestingConfig reads TEST_DATABASE_URL

from border_trade import create_app  # noqa: E402
from border_trade.auth import remembered  # noqa: E402
from border_trade.extensions import db as _db  # noqa: E402
from border_trade.extensions import limiter  # noqa: E402
from config import TestingConfig  # noqa: E402

# tables that hold reference data loaded once per session; every other table is emptied after each test
REFERENCE_TABLES = {"countries", "provinces", "counterpart_gates", "gates", "hs_codes", "rule_sets"}


def pytest_unconfigure(config):
    if _WORKER_DATABASE is not None:
        url, name = _WORKER_DATABASE
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_report_header(config):
    return f"database: {os.environ.get('TEST_DATABASE_URL') or 'sqlite:// (in memory)'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    class Config(TestingConfig):
        UPLOAD_FOLDER = str(tmp_path_factory.mktemp("uploads"))

    app = create_app(Config)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        from border_trade.seed.reference import load_reference

        load_reference()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()


@pytest.fixture(autouse=True)
def _clean_database(request, app):
    """Give each test an app context and leave only the reference data behind it."""
    with app.app_context():
        yield
        _db.session.rollback()
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with _db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                # the audit trail refuses deletes (a trigger); only the test cleanup lifts it, for a moment
                from border_trade.audit.models import APPEND_ONLY_DDL, DROP_APPEND_ONLY_DDL

                for statement in DROP_APPEND_ONLY_DDL["sqlite"]:
                    connection.exec_driver_sql(statement)
                for table in tables:
                    connection.execute(table.delete())
                for statement in APPEND_ONLY_DDL["sqlite"]:
                    connection.exec_driver_sql(statement)
        limiter.reset()
        remembered.forget_all()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def token_for(app):
    """Return a function giving a bearer header for a user."""
    from border_trade.auth.tokens import new_token

    def make(user):
        raw, _record = new_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
def login_as(app):
    """Return `login_as(role_or_user, *, password=PASSWORD, **make_user_overrides)`: a test client signed in
    through the real /login form (as a new user of that role, or as the given user); `client.user` is the user."""
    import re

    from border_trade.auth.models import Role, User
    from tests.factories import PASSWORD, make_user

    def sign_in(role_or_user=Role.ADMIN, *, password=PASSWORD, **overrides):
        user = role_or_user if isinstance(role_or_user, User) else make_user(Role(role_or_user), **overrides)
        client = app.test_client()
        data = {"email": user.email, "password": password}
        if app.config.get("WTF_CSRF_ENABLED"):
            page = client.get("/login").get_data(as_text=True)
            data["csrf_token"] = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = client.post("/login", data=data)
        assert response.status_code == 302, f"signing in as {user.email} failed ({response.status_code})"
        client.user = user
        return client

    return sign_in
