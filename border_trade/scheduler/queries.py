"""Read the scheduler's state for health checks and pages."""

import sqlalchemy as sa

from ..extensions import db
from .models import SchedulerLease

LEASE_NAME = "scheduler"


def get_leader(now):
    """Return {"leader", "heartbeat_at"} of the live scheduler lease (leader None when nobody leads)."""
    lease = db.session.scalar(sa.select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME))
    if lease is None:
        return {"leader": None, "heartbeat_at": None}
    alive = lease.expires_at is not None and lease.expires_at > now
    return {"leader": lease.holder if alive else None, "heartbeat_at": lease.heartbeat_at}
