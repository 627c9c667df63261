"""The gate event's one read before it writes: the shipment locked, with what the event needs in the same round trip.

`SELECT shipments.*, <the key's stored answer>, <earlier arrivals>, <waiting booking>, nextval(<events>)
FROM shipments LEFT JOIN idempotency_keys ON (user, key) WHERE reference = … FOR UPDATE OF shipments`:

- the Idempotency-Key's stored answer (a replay answers from it and writes nothing); read in the statement's
  snapshot, so a request with the same key committed while this one waited for the lock is not seen here: that
  one is refused afterwards (the shipment has moved on) or fails on the key's INSERT, and both paths read the key
  again (services.record_gate_event);
- for `arrived`, the e-queue's facts (equeue.arrivals.arrival_facts): the earlier arrivals of the local day at
  the gate and direction, and whether a booking waits for the truck (then, and only then, it is read and locked);
- on PostgreSQL the event's id, taken from its sequence, so that the event's INSERT can go with the other writes
  in one statement (writes.py); a replay or a refusal leaves a gap in the ids, as a rolled-back INSERT would;
- for a caller remembered by the worker (auth.remembered), whether it still holds: its token, its user's row
  version and the user's place at the gate, read in the same snapshot as the rest.
"""

import functools
from dataclasses import dataclass

import sqlalchemy as sa

from ..auth.remembered import confirmed_column
from ..equeue.arrivals import WAITING_LOADED, ArrivalFacts, arrival_facts, arrival_parameters, waiting_booking_locked
from ..equeue.checkpoints import is_late, ticket_lateral
from ..equeue.models import Booking
from ..extensions import db
from ..idempotency import IdempotencyKey
from ..rows import loaded
from ..shipments.models import Shipment
from ..types import utcnow

# the columns a gate event reads (its checks, the response, the webhooks' payload); any other is loaded when read
LOADED = (
    "id", "reference", "organisation_id", "status", "status_before_hold", "direction", "gate_id", "lane", "version",
    "arrived_at", "crossed_at", "vehicle_plate",
)  # fmt: skip
EVENT_ID_SEQUENCE = "shipment_events_id_seq"  # the serial of shipment_events.id (tests/crossings check the name)


@dataclass
class Locked:
    shipment: Shipment | None
    stored: tuple | None  # (request hash, status, body) stored under the key, or None
    facts: tuple | None  # (earlier arrivals, waiting booking's id) for `arrived`, else None
    event_id: int | None  # the next event id (PostgreSQL), else None
    caller_confirmed: bool = False  # the remembered caller holds (auth.remembered), when one was given


def lock_shipment(user, key, reference, event, occurred_at, *, caller=None, gate=None):
    """Lock the shipment of `reference` (None when there is none) and read the rest in the same statement; with a
    `caller` (auth.remembered.CallerCheck), confirm it, at `gate`."""
    arrival = event == "arrived"
    sequence = db.session.get_bind().dialect.name == "postgresql"
    now = utcnow()
    parameters = {"reference": reference.strip().upper(), "user_id": user.id, "key": key}
    if arrival:
        parameters.update(arrival_parameters(occurred_at))
    if caller is not None:
        parameters.update(caller.parameters(now, gate.id))
    late = arrival and is_late(occurred_at, now)  # counted in full, by its time (equeue.checkpoints)
    statement = _statement(arrival, sequence, late, caller is not None)
    row = db.session.connection().execute(statement, parameters).first()
    if row is None:
        return Locked(None, None, None, None)
    # the statement reads plain columns (Core): the ORM's loading per execution cost more than its round trip
    shipment = loaded(Shipment, dict(zip(LOADED, row, strict=False)))
    stored = (row.request_hash, row.response_status, row.response_body) if row.request_hash is not None else None
    facts = None
    if arrival and sequence:  # the booking waiting for the truck read and locked with the shipment
        columns = row._mapping
        values = {name: columns[f"booking_{name}"] for name in WAITING_LOADED}
        waiting = loaded(Booking, values) if values["id"] is not None else None
        facts = ArrivalFacts(row.earlier_arrivals, waiting is not None, True, waiting, row.booked_plate)
    elif arrival:
        facts = ArrivalFacts(row.earlier_arrivals, row.waiting_booking is not None)
    confirmed = caller is not None and bool(row.caller_confirmed)
    return Locked(shipment, stored, facts, row.event_id if sequence else None, confirmed)


@functools.cache
def _statement(arrival, sequence, late=False, confirm=False):
    """Return the statement, built once per variant at first use: the shipment's columns of LOADED first, then the
    key's answer, for an arrival the earlier arrivals and (PostgreSQL) the waiting booking's columns of
    WAITING_LOADED (labelled booking_<name>) and its plate, or (elsewhere) its id; the event's id; the caller's
    check."""
    shipments = Shipment.__table__
    keys = IdempotencyKey.__table__
    mapper = Shipment.__mapper__
    columns = [mapper.column_attrs[name].columns[0] for name in LOADED]
    columns += [keys.c.request_hash, keys.c.response_status, keys.c.response_body]
    waiting = ticket = None
    if arrival and sequence and not late:  # a live arrival on PostgreSQL: its queue ticket (equeue.checkpoints)
        ticket = ticket_lateral(shipments, keys)
    if arrival:
        column = ticket.c.ticket if ticket is not None else None
        earlier, waiting_id = arrival_facts(shipments, checkpoints=sequence, ticket=column)
        columns.append(earlier)
        if sequence:  # PostgreSQL: the waiting booking itself, locked, from a LATERAL subquery
            waiting = waiting_booking_locked(shipments)
            columns += [waiting.c[name].label(f"booking_{name}") for name in WAITING_LOADED]
            columns.append(waiting.c.booked_plate)
        else:
            columns.append(waiting_id)
    if sequence:
        columns.append(sa.func.nextval(sa.literal_column(f"'{EVENT_ID_SEQUENCE}'")).label("event_id"))
    if confirm:
        columns.append(confirmed_column())
    statement = (
        sa.select(*columns)
        .select_from(shipments)
        .outerjoin(keys, sa.and_(keys.c.user_id == sa.bindparam("user_id"), keys.c.key == sa.bindparam("key")))
    )
    if ticket is not None:
        statement = statement.outerjoin(ticket, sa.true())
    if waiting is not None:
        statement = statement.outerjoin(waiting, sa.true())
    return statement.where(shipments.c.reference == sa.bindparam("reference")).with_for_update(of=shipments)
