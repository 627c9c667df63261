"""Queue-number checkpoints: an arrival's place among the day's arrivals without counting the whole day.

An arrival's queue number is 1 + the arrivals recorded earlier that local day at its gate and direction (arrivals.py).
Counted from the shipments, that count grows with the day: a busy gate's thousandth truck reads a thousand index
entries and their rows. On PostgreSQL the job `queue_checkpoints` (every minute) stores, per gate, direction and
day, the arrivals before `upto` = now − 2 × MARGIN; an arrival then adds the arrivals from `upto` to its own time,
a minute or two of them. The number is the same as the full count, as long as every arrival before `upto` was
committed when the checkpoint was counted:

- an arrival recorded live (its `occurred_at` within MARGIN of the moment it is recorded) commits within MARGIN of
  that moment (statements are cut at STATEMENT_TIMEOUT_MS, 15 s), so one still in flight when the job counts has
  `occurred_at` ≥ the job's now − 2 × MARGIN = `upto`: it is counted live, never missed;
- an arrival recorded late (a tablet's outbox syncing an older `occurred_at`) takes the gate and direction's
  advisory lock and deletes the day's checkpoint in its own transaction: until the job counts again (under the same
  lock, so after that arrival committed) numbers are counted in full.

Nothing is locked for a live arrival: tablets never wait on each other or on the job. SQLite counts in full.
"""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ..extensions import db
from ..gates.models import Gate
from ..shipments.models import Shipment
from ..types import utcnow
from .models import QueueCheckpoint
from .slots import local_day_and_minute, local_start

MARGIN = timedelta(minutes=1)
LOCK_CLASS = 20_017  # pg_advisory_xact_lock(LOCK_CLASS, gate_id * 2 + direction): one key per gate and direction
_DIRECTIONS = {"export": 0, "import": 1}

_SHIPMENTS = Shipment.__table__
_CHECKPOINTS = QueueCheckpoint.__table__


def enabled():
    return db.session.get_bind().dialect.name == "postgresql"


def checkpoint_columns(shipments):
    """Two scalar subqueries correlated to `shipments` (the caller's Shipment table): the `upto` and `arrivals` of the
    checkpoint of its gate, direction and the day (bind parameter `day`) that an arrival at `occurred_at` may start
    from (`upto` ≤ occurred_at), NULL when there is none."""
    where = (
        _CHECKPOINTS.c.gate_id == shipments.c.gate_id,
        _CHECKPOINTS.c.direction == shipments.c.direction,
        _CHECKPOINTS.c.day == sa.bindparam("day"),
        _CHECKPOINTS.c.upto <= sa.bindparam("occurred_at"),
    )
    # correlated explicitly: `upto` sits inside the count's subquery, whose own FROM has no `shipments`
    upto = sa.select(_CHECKPOINTS.c.upto).where(*where).correlate(shipments).scalar_subquery()
    arrivals = sa.select(_CHECKPOINTS.c.arrivals).where(*where).correlate(shipments).scalar_subquery()
    return upto, arrivals


def is_late(occurred_at, now):
    """An arrival recorded more than MARGIN after it happened: it may fall before a checkpoint's `upto`."""
    return occurred_at < now - MARGIN


def forget_checkpoint(gate_id, direction, occurred_at):
    """A late arrival: take the gate and direction's advisory lock and delete the day's checkpoint (PostgreSQL; in
    the caller's transaction, so the job counts again only after it committed)."""
    if not enabled():
        return
    connection = db.session.connection()
    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_CLASS, _key(gate_id, direction))))
    day = local_day_and_minute(occurred_at)[0]
    connection.execute(_FORGET, {"gate_id": gate_id, "direction": str(direction), "day": day})


_FORGET = _CHECKPOINTS.delete().where(
    _CHECKPOINTS.c.gate_id == sa.bindparam("gate_id"),
    _CHECKPOINTS.c.direction == sa.bindparam("direction"),
    _CHECKPOINTS.c.day == sa.bindparam("day"),
)


def _key(gate_id, direction):
    return gate_id * 2 + _DIRECTIONS[str(direction)]


def refresh_checkpoints(now=None):
    """The job: count today's arrivals before now − 2 × MARGIN for every gate and direction that had one, each under
    its advisory lock in a transaction of its own; drop the checkpoints of past days. Returns how many were written."""
    if not enabled():
        return 0
    now = now or utcnow()
    upto = now - 2 * MARGIN
    day = local_day_and_minute(upto)[0]
    start = local_start(day, 0)
    db.session.execute(_CHECKPOINTS.delete().where(_CHECKPOINTS.c.day < day))
    db.session.commit()
    written = 0
    # per gate and direction: a range of ix_shipments_gate_direction_arrived each (no scan of the table)
    for gate_id in db.session.scalars(sa.select(Gate.id).order_by(Gate.id)).all():
        for direction in _DIRECTIONS:
            written += _refresh(gate_id, direction, day, start, upto, now)
    return written


def _refresh(gate_id, direction, day, start, upto, now):
    db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_CLASS, _key(gate_id, direction))))
    arrivals = db.session.scalar(
        sa.select(sa.func.count()).where(
            _SHIPMENTS.c.gate_id == gate_id,
            _SHIPMENTS.c.direction == direction,
            _SHIPMENTS.c.arrived_at >= start,
            _SHIPMENTS.c.arrived_at < upto,
        )
    )
    if not arrivals:  # the full count of nothing is cheap: no checkpoint
        db.session.commit()
        return 0
    values = {"gate_id": gate_id, "direction": direction, "day": day, "upto": upto, "arrivals": arrivals}
    statement = pg_insert(_CHECKPOINTS).values(**values, refreshed_at=now)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["gate_id", "direction", "day"],
            set_={"upto": upto, "arrivals": arrivals, "refreshed_at": now},
        )
    )
    db.session.commit()
    return 1
