"""No-shows: the scheduled job `no_shows` marks `no_show` the bookings whose slot passed without their truck.

A booking waiting for its truck (`confirmed`, `called` or `late`) becomes `no_show` once its slot has ended and a
grace has passed: `NO_SHOW_GRACE_MINUTES`, by default the call window (`CALL_WINDOW_MINUTES`, default 20), the
time a truck called at the very end of its slot would have had to arrive. A `called` booking keeps its whole call
window even when that reaches beyond the grace. Bookings whose truck arrived (the booking is `arrived`, or the
shipment has an `arrived` gate event since it was booked) are never marked. `unconfirmed` bookings are left to the
18:00 release (`services.confirmation`): they are cancelled, not counted against the trader.

Each booking is marked in its own short transaction, its row locked with SKIP LOCKED: a booking an officer's tablet
is recording right now is skipped (and looked at again on the next run); nothing per gate is locked, so the gate's
tablets never wait on the job. Idempotent: a rerun finds nothing left to mark.

The trader learns of a no-show through the bookings list (status "No-show"); three within 30 days make their next
bookings `unconfirmed` (`services.confirmation.must_confirm`), and that booking asks for confirmation in a notice.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..audit.services import record
from ..extensions import db
from ..shipments.models import ShipmentEvent
from .calls import call_window
from .models import Booking, BookingStatus

# a booking in one of these still waits for its truck and can become a no-show (not `unconfirmed`: see above)
MAY_NOT_SHOW = (BookingStatus.CONFIRMED, BookingStatus.CALLED, BookingStatus.LATE)


def no_show_grace(config=None):
    """Return the time after a slot's end before its missing truck is a no-show (NO_SHOW_GRACE_MINUTES, by default
    the call window)."""
    config = config if config is not None else current_app.config
    minutes = config.get("NO_SHOW_GRACE_MINUTES")
    return timedelta(minutes=int(minutes)) if minutes is not None else call_window(config)


def _missed(now, grace):
    """The conditions of a booking whose truck did not come (checked again under the row's lock)."""
    arrived = sa.select(ShipmentEvent.id).where(
        ShipmentEvent.shipment_id == Booking.shipment_id,
        ShipmentEvent.event == "arrived",
        ShipmentEvent.occurred_at >= Booking.created_at,
    )
    return (
        Booking.status.in_(MAY_NOT_SHOW),
        Booking.arrived_at.is_(None),
        Booking.slot_end <= now - grace,
        sa.or_(Booking.status != BookingStatus.CALLED, Booking.call_deadline <= now),
        ~sa.exists(arrived),
    )


def mark_no_shows(now):
    """Mark `no_show` every booking whose slot ended more than the grace before `now` without its truck; return how
    many. One transaction per booking; a booking locked by an arrival being recorded is skipped."""
    grace = no_show_grace()
    ids = db.session.scalars(
        sa.select(Booking.id).where(*_missed(now, grace)).order_by(Booking.slot_start, Booking.id)
    ).all()
    db.session.commit()  # end the read: nothing stays open while the bookings are marked one by one
    marked = 0
    for booking_id in ids:
        booking = db.session.scalar(
            sa.select(Booking).where(Booking.id == booking_id, *_missed(now, grace)).with_for_update(skip_locked=True)
        )
        if booking is None:  # arrived meanwhile, or being recorded right now
            db.session.rollback()
            continue
        before = {"status": str(booking.status), "slot_end": booking.slot_end.isoformat()}
        booking.status = BookingStatus.NO_SHOW
        record("booking.no_show", obj=booking, before=before, after={"status": "no_show"})
        db.session.commit()
        marked += 1
    return marked
