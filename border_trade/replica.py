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

from .db_routing import READS_FROM, REPORTS_BIND
from .extensions import db

__all__ = ["REPORTS_BIND", "on_replica", "replica_reads"]


@contextlib.contextmanager
def replica_reads():
    """Send the reads made inside this block to the reports replica, when one is configured."""
    info = db.session.info
    previous = info.get(READS_FROM)
    info[READS_FROM] = REPORTS_BIND
    try:
        yield
    finally:
        if previous is None:
            info.pop(READS_FROM, None)
        else:
            info[READS_FROM] = previous


def on_replica(function):
    """Run a read-only use case (a report) with its reads on the reports replica."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return function(*args, **kwargs)

    return wrapper
