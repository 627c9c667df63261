"""The e-queue's part of a truck's `arrived` gate event (called by crossings inside the event's transaction).

A booked shipment: the plate the officer reads on the truck must be the booking's vehicle once both are written
canonically (`70h 12345`, `70H-123.45` and Khmer digits are one plate), else 409 naming `plate` unless the officer
gives `override_reason` (audited as `booking.plate_override`); the booking becomes `arrived`.
A walk-in (no booking holding a place): recorded as any arrival; the plate is optional.

Every arrival gets `queue_number`: its place among today's arrivals at the gate in its direction (1 = first),
counted from the shipments' recorded arrival times. No counter row is locked, so tablets never wait on each other;
two trucks recorded in the very same instant may both be told the same number, which the queue (ordered by arrival
time, then id) settles. On PostgreSQL a live arrival is numbered from the day's checkpoint and its queue ticket
instead of a count (checkpoints.py).
"""

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from .. import writes
from ..audit.services import record
from ..errors import Conflict, Invalid
from ..extensions import db
from ..fleet.models import Vehicle
from ..fleet.plates import PlateError, canonical_plate
from ..shipments.models import Shipment
from ..types import utcnow
from .checkpoints import checkpoint_columns, forget_checkpoint, is_late, ticket_columns
from .models import Booking, BookingStatus
from .noshow import no_show_grace
from .slots import local_day_and_minute, local_start

# a booking in one of these still waits for its truck
EXPECTING = (BookingStatus.UNCONFIRMED, BookingStatus.CONFIRMED, BookingStatus.CALLED, BookingStatus.LATE)


def _canonical_or_422(text):
    try:
        return canonical_plate(text)
    except PlateError:
        raise Invalid(
            _("Some fields are invalid."),
            errors={"plate": [_("This is not a plate of Viet Nam or Cambodia.")]},
        ) from None


def expecting_booking(shipment, occurred_at=None):
    """Return the shipment's booking at its gate that waits for the truck (locked), or None (a walk-in).

    A booking the no-show job marked while the truck had in fact arrived in time (the arrival recorded later, from
    a tablet's outbox: `occurred_at` before the slot's end plus the no-show grace) still counts as waiting.
    """
    if occurred_at is None:
        return db.session.scalar(_waiting_booking(False), {"shipment_id": shipment.id, "gate_id": shipment.gate_id})
    parameters = {"shipment_id": shipment.id, "gate_id": shipment.gate_id, "ended_after": occurred_at - no_show_grace()}
    return db.session.scalar(_waiting_booking(True), parameters)


def _waiting(shipment_id, gate_id, *, or_in_time=True):
    """The conditions of a booking that waits for the shipment's truck at its gate: expecting it, or (`or_in_time`)
    marked no-show by the job while the truck had arrived within the grace (bind parameter ended_after)."""
    also = ()
    if or_in_time:
        also = (sa.and_(Booking.status == BookingStatus.NO_SHOW, Booking.slot_end > sa.bindparam("ended_after")),)
    return (
        Booking.shipment_id == shipment_id,
        Booking.gate_id == gate_id,
        # `=` per status rather than IN: an IN list is an expanding parameter, rendered into the SQL at every execution
        sa.or_(*(Booking.status == status for status in EXPECTING), *also),
    )


@functools.cache
def _waiting_booking(or_in_time):
    """The statement of expecting_booking, built once per variant (every arrival runs it) at its first use: built at
    import, its eager load would configure the mappers before every model is imported."""
    return (
        sa.select(Booking)
        .where(*_waiting(sa.bindparam("shipment_id"), sa.bindparam("gate_id"), or_in_time=or_in_time))
        .options(joinedload(Booking.vehicle, innerjoin=True))  # the booked plate in the same round trip
        .order_by(Booking.slot_start)
        .limit(1)
        .with_for_update(of=Booking)
    )


def queue_number(shipment, occurred_at):
    """Return 1 + the arrivals already recorded at the shipment's gate and direction on the local day of
    `occurred_at`, before it (a plain count: nothing locked)."""
    day = local_day_and_minute(occurred_at)[0]
    parameters = {
        "gate_id": shipment.gate_id,
        "direction": shipment.direction,
        "shipment_id": shipment.id,
        "day_start": local_start(day, 0),
        "day_end": local_start(day, 24 * 60),
        "occurred_at": occurred_at,
    }
    return db.session.scalar(_EARLIER_ARRIVALS, parameters) + 1


_SHIPMENTS = Shipment.__table__
# built once (every arrival counts), on the table: a plain count needs no ORM
_EARLIER_ARRIVALS = sa.select(sa.func.count()).where(
    _SHIPMENTS.c.gate_id == sa.bindparam("gate_id"),
    _SHIPMENTS.c.direction == sa.bindparam("direction"),
    _SHIPMENTS.c.id != sa.bindparam("shipment_id"),
    _SHIPMENTS.c.arrived_at >= sa.bindparam("day_start"),
    _SHIPMENTS.c.arrived_at < sa.bindparam("day_end"),
    sa.or_(
        _SHIPMENTS.c.arrived_at < sa.bindparam("occurred_at"),
        sa.and_(_SHIPMENTS.c.arrived_at == sa.bindparam("occurred_at"), _SHIPMENTS.c.id < sa.bindparam("shipment_id")),
    ),
)


def arrival_facts(shipments, *, checkpoints=False, ticket=None):
    """Two scalar subqueries, correlated to `shipments` (the Shipment table of the caller's statement), that let
    the caller read in its own round trip what an arrival needs: the earlier arrivals (as `queue_number` counts
    them; bind parameters day, day_start, day_end, occurred_at) and the id of a booking waiting for the truck, if any
    (bind parameter ended_after, as `expecting_booking`). Labelled `earlier_arrivals` and `waiting_booking`.

    With `checkpoints` (PostgreSQL) the earlier arrivals start from the day's checkpoint when there is one
    (equeue.checkpoints): its count, plus the arrivals from its `upto` on. With a `ticket` (the arrival's number
    from its gate and direction's sequence, checkpoints.ticket_lateral) and a checkpoint that read that sequence,
    nothing is counted: the checkpoint's arrivals plus the tickets taken since."""
    earlier = _SHIPMENTS.alias("earlier")
    start = sa.bindparam("day_start")
    if checkpoints:
        upto, base = checkpoint_columns(shipments)
        start = sa.func.coalesce(upto, start)
    count = (
        sa.select(sa.func.count())
        .where(
            earlier.c.gate_id == shipments.c.gate_id,
            earlier.c.direction == shipments.c.direction,
            earlier.c.id != shipments.c.id,
            earlier.c.arrived_at >= start,
            earlier.c.arrived_at < sa.bindparam("day_end"),
            sa.or_(
                earlier.c.arrived_at < sa.bindparam("occurred_at"),
                sa.and_(earlier.c.arrived_at == sa.bindparam("occurred_at"), earlier.c.id < shipments.c.id),
            ),
        )
        .scalar_subquery()
    )
    if checkpoints:
        count = sa.func.coalesce(base, 0) + count
    if ticket is not None:
        recorded, seq_value = ticket_columns(shipments)
        since = recorded + ticket - seq_value - 1
        count = sa.case((sa.and_(ticket.is_not(None), seq_value.is_not(None)), since), else_=count)
    booking = sa.select(Booking.id).where(*_waiting(shipments.c.id, shipments.c.gate_id)).limit(1).scalar_subquery()
    return count.label("earlier_arrivals"), booking.label("waiting_booking")


# the booking's columns an arrival reads (check_in: its code, status and version; the audit entry: its id); any other
# is loaded when read. Fewer columns: a shorter statement (psycopg parses one over 4 kB on every execution) and
# fewer to describe and load
WAITING_LOADED = ("id", "code", "status", "version", "shipment_id", "organisation_id", "gate_id")


def waiting_booking_locked(shipments):
    """PostgreSQL: a LATERAL subquery, correlated to `shipments`, that reads and locks (FOR UPDATE OF bookings) the
    booking waiting for the truck, its columns of WAITING_LOADED with its vehicle's plate (`booked_plate`), as
    `expecting_booking` does, in the caller's round trip. Its bind parameter: ended_after."""
    bookings, vehicles = Booking.__table__, Vehicle.__table__
    return (
        sa.select(*(bookings.c[name] for name in WAITING_LOADED), vehicles.c.plate.label("booked_plate"))
        .join(vehicles, vehicles.c.id == bookings.c.vehicle_id)
        .where(*_waiting(shipments.c.id, shipments.c.gate_id))
        .order_by(bookings.c.slot_start)
        .limit(1)
        .with_for_update(of=bookings)
        .lateral("waiting")
    )


@dataclass
class ArrivalFacts:
    """What an arrival needs, read by the caller under the shipment's lock (see `arrival_facts`)."""

    earlier: int  # earlier arrivals of the local day at the gate and direction
    waiting: bool  # a booking waits for the truck
    read: bool = False  # the booking (or None) and its plate were read and locked with them (PostgreSQL)
    booking: Booking | None = None
    booked_plate: str | None = None


def arrival_parameters(occurred_at):
    """The bind parameters of `arrival_facts` for an arrival at `occurred_at`."""
    day = local_day_and_minute(occurred_at)[0]
    return {
        "day": day,
        "day_start": local_start(day, 0),
        "day_end": local_start(day, 24 * 60),
        "occurred_at": occurred_at,
        "ended_after": occurred_at - no_show_grace(),
    }


def check_in(user, shipment, data, *, occurred_at, facts=None):
    """Check the plate of an arriving truck against its booking, mark the booking arrived, and number the arrival.

    Raises 409 (plate mismatch without `override_reason`) or 422 (no plate for a booked truck, or no plate at
    all). Sets `shipment.queue_number`, `shipment.booking_code` and `shipment.walk_in` for the response.
    `facts` (ArrivalFacts): read by the caller under the shipment's lock; without them everything is read here. The
    booking is read (and locked) here only when one waits and the caller did not read it.
    """
    booking, booked, earlier = None, None, None if facts is None else facts.earlier
    if facts is not None and facts.read:
        booking, booked = facts.booking, facts.booked_plate
    elif facts is None or facts.waiting:
        booking = expecting_booking(shipment, occurred_at)
        booked = booking.vehicle.plate if booking is not None else None
    read = data.get("plate")
    read = read.strip() if isinstance(read, str) and read.strip() else None
    reason = (data.get("override_reason") or "").strip() or None
    canonical_read = _canonical_or_422(read) if read else None
    if booking is not None:
        if canonical_read is None and reason is None:
            raise Invalid(
                _("Some fields are invalid."),
                errors={
                    "plate": [_("Read the plate on the truck: the shipment has booking %(code)s.", code=booking.code)]
                },
            )
        if canonical_read != _canonical_or_none(booked):
            if reason is None:
                raise Conflict(
                    _("The plate on the truck is not the booked vehicle's."),
                    errors={
                        "plate": [
                            _(
                                "%(read)s does not match %(booked)s of booking %(code)s; give override_reason to "
                                "let the truck in anyway.",
                                read=canonical_read,
                                booked=booked,
                                code=booking.code,
                            )
                        ]
                    },
                )
            record(
                "booking.plate_override",
                actor=user,
                obj=booking,
                before={"plate": booked},
                after={"plate_read": read, "reason": reason, "shipment": shipment.reference},
            )
        before = str(booking.status)
        # one UPDATE of its own with the version checked (held in the gate event's batch), not the unit of work
        changes = {"status": BookingStatus.ARRIVED, "arrived_at": occurred_at, "updated_at": utcnow()}
        writes.update_versioned(booking, changes, key="booking.arrive")
        record("booking.arrive", actor=user, obj=booking, before={"status": before}, after={"status": "arrived"})
    if is_late(occurred_at, utcnow()):  # an outbox's older arrival: the checkpoint may not count it (checkpoints.py)
        forget_checkpoint(shipment.gate_id, shipment.direction, occurred_at)
    shipment.booking_code = booking.code if booking is not None else None
    shipment.walk_in = booking is None
    shipment.queue_number = earlier + 1 if earlier is not None else queue_number(shipment, occurred_at)
    return booking


def _canonical_or_none(text):
    try:
        return canonical_plate(text)
    except PlateError:
        return text
