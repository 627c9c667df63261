"""Queue-number checkpoints and tickets: an arrival's place among the day's arrivals without counting the whole day.

An arrival's queue number is 1 + the arrivals recorded earlier that local day at its gate and direction (arrivals.py).
Counted from the shipments, that count grows with the day: a busy gate's thousandth truck reads a thousand index
entries and their rows. On PostgreSQL the job `queue_checkpoints` (every minute), per gate, direction and day, under
the gate and direction's advisory lock:

- creates the sequence of queue tickets `queue_numbers_<gate id>_<direction>` if it is missing, reads the last
  ticket it handed out (`seq_value`), then counts the day's committed arrivals (`recorded`);
- counts the arrivals before `upto` = now − 2 × MARGIN (`arrivals`);
- writes the checkpoint, also when no truck has arrived yet (zeros): the day's first trucks take tickets at once.

A **live** arrival (recorded within MARGIN of its time) takes the next ticket in its lock statement (never on a
replay) and is numbered `recorded + (ticket − seq_value)`: nothing is counted, nothing is locked. Numbers then
follow the order arrivals are recorded in; they can be one off until the next run (a minute) when an arrival was
in flight while the job counted, and a refused arrival (409, 422) leaves a gap until then.
A **late** arrival (a tablet's outbox syncing an older time), an arrival before the day's first checkpoint, and
every arrival on SQLite are counted by their arrival times: from the checkpoint's `arrivals` at `upto` when their
time is after it (an arrival recorded live commits within MARGIN of its time, as statements are cut at
STATEMENT_TIMEOUT_MS, 15 s: one in flight when the job counted is after `upto`), else over the whole day. A late
arrival also takes the advisory lock and deletes the day's checkpoint in its own transaction, so the job counts
it (after it committed) before numbers come from a checkpoint again.
"""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ..extensions import db
from ..gates.models import Gate
from ..shipments.models import Shipment
from ..types import utcnow
from .models import QueueCheckpoint
from .slots import local_day_and_minute, local_start

MARGIN = timedelta(minutes=1)
SEQUENCE_PREFIX = "queue_numbers_"  # + gate id + "_" + direction: the tickets of a gate and direction
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
    started = _CHECKPOINTS.c.upto <= sa.bindparam("occurred_at")
    return _of_today(shipments, (_CHECKPOINTS.c.upto, _CHECKPOINTS.c.arrivals), started)


def ticket_lateral(shipments, keys):
    """A LATERAL subquery (`queue_ticket.ticket`) that takes the next ticket of the shipment's gate and direction's
    sequence, once per row, unless the request is a replay (`keys`: the idempotency key joined to it) or the
    sequence does not exist yet (the job creates it): NULL then."""
    name = sequence_name(shipments)
    ticket = sa.case(
        (
            sa.and_(keys.c.request_hash.is_(None), sa.func.to_regclass(name).is_not(None)),
            sa.func.nextval(sa.cast(name, REGCLASS)),
        )
    )
    return sa.select(ticket.label("ticket")).correlate(shipments, keys).lateral("queue_ticket")


def sequence_name(shipments):
    return sa.func.concat(SEQUENCE_PREFIX, shipments.c.gate_id, "_", sa.cast(shipments.c.direction, sa.String))


def ticket_columns(shipments):
    """The `recorded` and `seq_value` of today's checkpoint of the shipment's gate and direction (bind parameter
    `day`), correlated to `shipments`."""
    return _of_today(shipments, (_CHECKPOINTS.c.recorded, _CHECKPOINTS.c.seq_value))


def _of_today(shipments, columns, *also):
    """One scalar subquery per column of today's checkpoint (bind parameter `day`) of the shipment's gate and
    direction, correlated explicitly to `shipments` (some sit inside a subquery whose own FROM has no shipments)."""
    where = (
        _CHECKPOINTS.c.gate_id == shipments.c.gate_id,
        _CHECKPOINTS.c.direction == shipments.c.direction,
        _CHECKPOINTS.c.day == sa.bindparam("day"),
        *also,
    )
    return tuple(sa.select(column).where(*where).correlate(shipments).scalar_subquery() for column in columns)


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
    """The job: count today's arrivals before now − 2 × MARGIN for every gate and direction (none yet: a checkpoint
    of zero), each under its advisory lock in a transaction of its own; drop the checkpoints of past days. Returns how
    many were written."""
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
    name = f"{SEQUENCE_PREFIX}{int(gate_id)}_{direction}"  # an integer and one of _DIRECTIONS: safe to inline
    assert direction in _DIRECTIONS
    db.session.execute(sa.text(f"CREATE SEQUENCE IF NOT EXISTS {name}"))
    # the sequence first, then the count: a ticket taken in between is counted twice until the next run, one taken
    # before and committed after the count is missed until then (numbers are then one off for a minute)
    last_value, is_called = db.session.execute(sa.text(f"SELECT last_value, is_called FROM {name}")).one()  # noqa: S608
    seq_value = last_value if is_called else last_value - 1
    # one range of ix_shipments_gate_direction_arrived: the day's arrivals, and those before upto
    recorded, arrivals = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(_SHIPMENTS.c.arrived_at < upto)).where(
            _SHIPMENTS.c.gate_id == gate_id,
            _SHIPMENTS.c.direction == direction,
            _SHIPMENTS.c.arrived_at >= start,
            _SHIPMENTS.c.arrived_at < local_start(day, 24 * 60),
        )
    ).one()
    # written with no arrival too: the day's first trucks then take tickets at once instead of being counted until
    # the run after them (a minute of a busy morning's arrivals, each counting all before it)
    values = {"upto": upto, "arrivals": arrivals, "recorded": recorded, "seq_value": seq_value, "refreshed_at": now}
    statement = pg_insert(_CHECKPOINTS).values(gate_id=gate_id, direction=direction, day=day, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["gate_id", "direction", "day"], set_=values))
    db.session.commit()
    return 1
