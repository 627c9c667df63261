"""Traders with repeated no-shows confirm their bookings the day before; unconfirmed ones are released at 18:00."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from ...audit.services import record
from ...extensions import db
from ..models import Booking, BookingStatus
from ..slots import LOCAL, local_start

BOOKING_UNCONFIRMED = "booking.unconfirmed"  # payload: booking, deadline, now (subscribed in subscriptions.py)
NO_SHOWS_BEFORE_CONFIRMING = 3
NO_SHOW_WINDOW = timedelta(days=30)
RELEASE_AT = time(18, 0)  # local time, the day before the slot (API.md)


def confirm_deadline(slot_start):
    """Return 18:00 local time of the day before the slot (aware UTC)."""
    day = slot_start.astimezone(LOCAL).date() - timedelta(days=1)
    return datetime.combine(day, RELEASE_AT, tzinfo=LOCAL)


def must_confirm(organisation_id, slot_start, now):
    """Tell whether a new booking starts unconfirmed: its trader had three no-shows in 30 days, and there is
    still time to confirm before the 18:00 deadline (after it, booking is itself the confirmation)."""
    if now >= confirm_deadline(slot_start):
        return False
    no_shows = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(
            Booking.organisation_id == organisation_id,
            Booking.status == BookingStatus.NO_SHOW,
            Booking.slot_start >= now - NO_SHOW_WINDOW,
            Booking.slot_start < now,
        )
    )
    return no_shows >= NO_SHOWS_BEFORE_CONFIRMING


def release_unconfirmed(now):
    """Cancel the unconfirmed bookings whose confirmation deadline (18:00 the day before) has passed; return how
    many. Idempotent: a rerun finds none left."""
    # a slot on local day D is released from (D-1) 18:00 on, i.e. once `now` + 6 hours reaches day D
    last_day = (now.astimezone(LOCAL) + (timedelta(hours=24) - timedelta(hours=RELEASE_AT.hour))).date()
    bookings = db.session.scalars(
        sa.select(Booking)
        .where(Booking.status == BookingStatus.UNCONFIRMED, Booking.slot_start < local_start(last_day, 24 * 60))
        .with_for_update()
    ).all()
    for booking in bookings:
        booking.status, booking.cancelled_at, booking.cancel_reason = BookingStatus.CANCELLED, now, "unconfirmed"
        record("booking.release", obj=booking, before={"status": "unconfirmed"}, after={"status": "cancelled"})
    db.session.commit()
    return len(bookings)
