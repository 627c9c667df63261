"""The pool's liveness check (border_trade/db_pool.py): a ping only for a connection that sat idle."""

import os

import pytest
import sqlalchemy as sa

from border_trade import db_pool
from border_trade.extensions import db


def _counting(monkeypatch, engine):
    """The connections `engine` pings, in order."""
    seen = []
    ping = engine.dialect.do_ping

    def counted(dbapi_connection):
        seen.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return seen


def _use(engine):
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1


def _clock(monkeypatch, seconds):
    monkeypatch.setattr(db_pool.time, "monotonic", lambda: seconds)


def test_the_app_checks_its_connections_only_when_they_sat_idle(app, monkeypatch):
    assert db.engine.pool._pre_ping is False  # not SQLAlchemy's ping at every checkout
    pings = _counting(monkeypatch, db.engine)
    _clock(monkeypatch, 0.0)  # before any check-in: no pooled connection has been idle
    _use(db.engine)
    _use(db.engine)
    assert pings == []
    _clock(monkeypatch, 1e9)  # long after every check-in
    _use(db.engine)
    assert len(pings) == 1


def test_a_connection_back_a_moment_ago_is_not_pinged_one_idle_for_longer_is(tmp_path, monkeypatch):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'pool.db'}", pool_size=1, max_overflow=0)
    db_pool.ping_when_idle(engine)
    pings = _counting(monkeypatch, engine)
    try:
        _use(engine)  # a new connection: not pinged
        _use(engine)
        _use(engine)
        assert pings == []
        now = db_pool.time.monotonic()
        _clock(monkeypatch, now + db_pool.ALIVE_BYPASS_SECONDS + 0.1)
        _use(engine)
        assert len(pings) == 1
    finally:
        engine.dispose()


def _postgres_engine():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("a server that goes away: PostgreSQL (set TEST_DATABASE_URL)")
    engine = sa.create_engine(url, pool_size=1, max_overflow=0)
    return engine


def _terminate(engine):
    """Kill the pooled connection's backend from another connection, as a server restart would."""
    with engine.connect() as connection:
        pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    killer = sa.create_engine(engine.url, poolclass=sa.pool.NullPool)
    with killer.connect() as connection:
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    killer.dispose()
    return pid


def test_a_dead_connection_that_sat_idle_is_replaced_before_use():
    engine = _postgres_engine()
    db_pool.ping_when_idle(engine, window=0.0)  # every checkout counts as idle
    try:
        killed = _terminate(engine)
        with engine.connect() as connection:  # no error: the ping found it dead, the pool connected again
            assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != killed
    finally:
        engine.dispose()


def test_within_the_window_a_dead_connection_fails_its_first_statement():
    """The price of the window: the request fails, which the app answers 503 with Retry-After (OperationalError:
    tests/api/test_operations.py), and the pool connects afresh for the next."""
    engine = _postgres_engine()
    db_pool.ping_when_idle(engine, window=3600.0)
    try:
        killed = _terminate(engine)
        with pytest.raises(sa.exc.OperationalError), engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar() != killed
    finally:
        engine.dispose()
