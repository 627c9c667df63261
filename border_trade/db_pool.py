"""The pool's liveness check: a pooled connection is pinged before reuse only when it sat idle for a while.

SQLAlchemy's `pool_pre_ping` sends a `SELECT 1` at every checkout, one round trip more for every request. Like
HikariCP's `aliveBypassWindowMs` (500 ms), a connection checked in less than ALIVE_BYPASS_SECONDS ago is handed out
without one: a server that went away in so short a time (a restart, a terminated backend) fails the request's
first statement instead, which the app answers 503 with Retry-After (errors.py) while SQLAlchemy invalidates the
pool's connections; a connection idle for longer is pinged, and when the ping finds it dead, every connection pooled
before it is dropped too (as SQLAlchemy's own pre-ping does) and the pool connects again. A connection just opened is
not pinged (neither is it by SQLAlchemy).
"""

import time

import sqlalchemy as sa

ALIVE_BYPASS_SECONDS = 0.5
IDLE_SINCE = "border_trade.idle_since"  # key of the connection record's info: when it was last checked in


def install(app, db):
    """Install the check on every engine of `db` (Flask-SQLAlchemy, after `init_app`; engine_options turned SQLAlchemy's
    own pre-ping off)."""
    with app.app_context():
        for engine in db.engines.values():
            ping_when_idle(engine)


def ping_when_idle(engine, window=ALIVE_BYPASS_SECONDS):
    """Install the check on `engine`."""
    dialect = engine.dialect

    @sa.event.listens_for(engine, "checkin")
    def _idle_since(dbapi_connection, record):
        if dbapi_connection is not None:  # None: the connection was invalidated, the record reconnects at checkout
            record.info[IDLE_SINCE] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        since = record.info.get(IDLE_SINCE)  # None: just connected (a record's info is cleared when it reconnects)
        if since is None or time.monotonic() - since < window:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise sa.exc.InvalidatePoolError(str(error)) from error  # the pool reconnects and checks out again
            raise
