"""Reads that may come from a read replica: reports run their aggregates on `REPORTS_DATABASE_URL` when it is set.

The session routes by the flag `on_replica()` sets (SQLAlchemy's "custom vertical partitioning" pattern): inside
it, plain reads go to the "reports" engine; a flush and any INSERT/UPDATE/DELETE still go to the primary, so a
report request that also records something (a token's last use, an audit line) writes where it always does.
Without a replica configured, everything reads the primary as before. A replica lags the primary by seconds,
which reports (months of figures) can bear and which nothing that edits data may rely on.
"""

from __future__ import annotations

import contextlib
import functools

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

REPORTS_BIND = "reports"
_FLAG = "reads_from"


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending reads made inside `on_replica()` to the reports replica."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (
            bind is None
            and self.info.get(_FLAG) == REPORTS_BIND
            and not self._flushing
            and not isinstance(clause, sa.UpdateBase)  # INSERT, UPDATE, DELETE
        ):
            engine = self._db.engines.get(REPORTS_BIND)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@contextlib.contextmanager
def replica_reads():
    """Send the reads made inside this block to the reports replica, when one is configured."""
    from .extensions import db

    info = db.session.info
    previous = info.get(_FLAG)
    info[_FLAG] = REPORTS_BIND
    try:
        yield
    finally:
        if previous is None:
            info.pop(_FLAG, None)
        else:
            info[_FLAG] = previous


def on_replica(function):
    """Run a read-only use case (a report) with its reads on the reports replica."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper
