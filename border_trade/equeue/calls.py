"""Call-forward: a gate's officer calls the next booked truck (or a chosen one) to the gate; a truck that does not
arrive within CALL_WINDOW_MINUTES is marked late and goes back to the queue.

Order of the queue (`next` call): slot start, then, within a slot, the confirmed bookings before the late ones,
each by `queued_at` (when the trader booked, or when the booking was marked late: a late truck goes to the back of
its slot), then id. Only today's slots (Viet Nam time) are called by `next`; a chosen booking may be of any day.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..auth.permissions import can, require
from ..errors import Conflict, Forbidden, NotFound
from ..events import publish
from ..extensions import db
from ..gates.queries import get_gate_or_404
from ..types import ascii_id, utcnow
from .models import Booking, BookingStatus
from .slots import local_start, local_today

BOOKING_CALLED = "booking.called"  # payload: booking, actor, now (subscribed in border_trade/subscriptions.py)
DEFAULT_CALL_WINDOW_MINUTES = 20
# a booking in one of these waits to be called; a late one is back in the queue
CALLABLE = (BookingStatus.CONFIRMED, BookingStatus.LATE)


def call_window(config=None):
    """Return the minutes a called truck has to arrive (CALL_WINDOW_MINUTES, default 20)."""
    config = config if config is not None else current_app.config
    minutes = config.get("CALL_WINDOW_MINUTES") or DEFAULT_CALL_WINDOW_MINUTES
    return timedelta(minutes=int(minutes))


def queue_order():
    """The ORDER BY of the calling queue (see the module's docstring)."""
    return (
        Booking.slot_start,
        sa.case((Booking.status == BookingStatus.LATE, 1), else_=0),
        Booking.queued_at,
        Booking.id,
    )


def waiting_query(gate, now, *, direction=None, lane_type=None):
    """Return a select() of today's bookings of the gate waiting to be called, in calling order."""
    today = local_today(now)
    query = sa.select(Booking).where(
        Booking.gate_id == gate.id,
        Booking.status.in_(CALLABLE),
        Booking.slot_start >= local_start(today, 0),
        Booking.slot_start < local_start(today, 24 * 60),
    )
    if direction is not None:
        query = query.where(Booking.direction == direction)
    if lane_type is not None:
        query = query.where(Booking.lane_type == lane_type)
    return query.order_by(*queue_order())


def _officer_gate(user, gate_code):
    require(user, "crossing.record")
    gate = get_gate_or_404(gate_code)
    if not can(user, "crossing.record", gate):
        raise Forbidden(_("You do not work at this gate."))
    return gate


def _chosen(gate, booking_ref):
    query = sa.select(Booking).where(Booking.gate_id == gate.id)
    number = ascii_id(booking_ref)
    if number is not None:
        query = query.where(Booking.id == number)
    else:
        query = query.where(Booking.code == str(booking_ref).strip().upper()[:12])
    booking = db.session.scalar(query.with_for_update())
    if booking is None:  # another gate's booking is not this officer's to see
        raise NotFound(_("No such booking."), errors={"booking": [_("No booking of this gate has this id.")]})
    if booking.status not in CALLABLE:
        raise Conflict(
            _("Only a confirmed booking can be called; this one is %(status)s.", status=booking.status.label),
            errors={"booking": [_("The booking is %(status)s.", status=booking.status.label)]},
            current_status=str(booking.status),
        )
    return booking


def _next(gate, now, data):
    query = waiting_query(gate, now, direction=data.get("direction"), lane_type=data.get("lane_type"))
    # two officers calling "next" at once get two different trucks: a locked row is skipped (PostgreSQL)
    booking = db.session.scalar(query.limit(1).with_for_update(skip_locked=True))
    if booking is None:
        raise NotFound(
            _("No booked truck is waiting to be called at this gate today."),
            errors={"booking": [_("The queue is empty.")]},
        )
    return booking


def call_booking(user, gate_code, data, *, now=None):
    """Call a booked truck to the gate (the chosen booking, else the next in order); the trader and the driver are
    told through the `booking.called` event. Return the booking (201), or raise 403/404/409."""
    now = now or utcnow()
    gate = _officer_gate(user, gate_code)
    booking = _chosen(gate, data["booking"]) if data.get("booking") is not None else _next(gate, now, data)
    before = {"status": str(booking.status), "called_at": _iso(booking.called_at)}
    booking.status, booking.called_at = BookingStatus.CALLED, now
    booking.call_deadline = now + call_window()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(
            _("Someone else changed this booking at the same moment."), errors={"booking": [_("Try again.")]}
        ) from None
    record(
        "booking.call",
        actor=user,
        obj=booking,
        before=before,
        after={"status": "called", "called_at": _iso(now), "call_deadline": _iso(booking.call_deadline)},
    )
    publish(BOOKING_CALLED, booking=booking, actor=user, now=now)
    db.session.commit()
    return booking


def mark_late_calls(now):
    """Mark `late` every called booking whose truck has not arrived by its call deadline, and put it back in the
    queue (at the back of its slot); return how many. Idempotent: a rerun finds none left."""
    bookings = db.session.scalars(
        sa.select(Booking)
        .where(
            Booking.status == BookingStatus.CALLED,
            Booking.arrived_at.is_(None),
            Booking.call_deadline <= now,
        )
        .order_by(Booking.id)
        .with_for_update(skip_locked=True)
    ).all()
    for booking in bookings:
        booking.status, booking.queued_at = BookingStatus.LATE, now
        record(
            "booking.late",
            obj=booking,
            before={"status": "called", "call_deadline": _iso(booking.call_deadline)},
            after={"status": "late"},
        )
    db.session.commit()
    return len(bookings)


def _iso(moment):
    return moment.isoformat() if moment is not None else None
