"""Read helpers of the e-queue: a gate's capacity and slots, and the bookings a user may see."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from ..auth.models import Role
from ..auth.permissions import gate_ids
from ..errors import NotFound
from ..extensions import db
from ..gates.models import Gate
from ..gates.queries import get_gate_or_404  # noqa: F401  (re-exported: the e-queue's gate lookup)
from ..shipments.models import Shipment, ShipmentStatus
from ..shipments.scoping import visible_shipments
from ..types import ascii_id
from .models import DEFAULT_SLOT_MINUTES, HOLDING, Booking, CapacitySetting, CapacityWindow
from .slots import Slot, day_capacities, local_day_and_minute, local_start

NEXT_FREE_DAYS = 7


def slot_minutes(gate):
    """Return the gate's slot length in minutes (30 until an officer sets another)."""
    setting = db.session.get(CapacitySetting, gate.id)
    return setting.slot_minutes if setting is not None else DEFAULT_SLOT_MINUTES


def capacity_windows(gate, *, days=None):
    """Return the gate's weekly template rows and its day overrides (only those of the weekdays and dates of `days`
    when given)."""
    query = sa.select(CapacityWindow).where(CapacityWindow.gate_id == gate.id)
    if days is not None:
        weekdays = sorted({day.weekday() for day in days})
        query = query.where(sa.or_(CapacityWindow.weekday.in_(weekdays), CapacityWindow.on_date.in_(list(days))))
    order = (CapacityWindow.on_date, CapacityWindow.weekday, CapacityWindow.direction, CapacityWindow.lane_type)
    return db.session.scalars(query.order_by(*order, CapacityWindow.start_minute)).all()


def booked_counts(gate, start, end):
    """Return {(direction, lane_type, slot_start): bookings holding a place} for slots starting in [start, end)."""
    rows = db.session.execute(
        sa.select(Booking.direction, Booking.lane_type, Booking.slot_start, sa.func.count())
        .where(
            Booking.gate_id == gate.id,
            Booking.slot_start >= start,
            Booking.slot_start < end,
            Booking.status.in_(HOLDING),
        )
        .group_by(Booking.direction, Booking.lane_type, Booking.slot_start)
    ).all()
    return {(str(d), str(lane), at): n for d, lane, at, n in rows}


def slots_for_days(gate, days, *, direction=None, lane_type=None, count=True):
    """Return the gate's slots of some local days with their capacity and bookings (0 without `count`), in time
    order."""
    minutes = slot_minutes(gate)
    windows = capacity_windows(gate, days=days)
    if not days:
        return []
    counts = (
        booked_counts(gate, local_start(min(days), 0), local_start(max(days) + timedelta(days=1), 0)) if count else {}
    )
    slots = []
    for day in sorted(days):
        for (way, lane, minute), capacity in day_capacities(windows, day, minutes).items():
            if (direction and way != str(direction)) or (lane_type and lane != str(lane_type)):
                continue
            start = local_start(day, minute)
            booked = counts.get((way, lane, start), 0)
            slots.append(Slot(start, start + timedelta(minutes=minutes), way, lane, capacity, booked))
    return sorted(slots, key=lambda s: (s.start, s.direction, s.lane_type))


def find_slot(gate, direction, lane_type, start):
    """Return the slot of the gate that starts exactly at `start` (aware), or None when there is none; its `booked`
    is not counted (a booking counts under the slot's lock: `services.common.lock_slot`)."""
    day, minute, seconds = local_day_and_minute(start)
    if seconds:
        return None
    for slot in slots_for_days(gate, [day], direction=direction, lane_type=lane_type, count=False):
        if slot.start == local_start(day, minute):
            return slot
    return None


def next_free(gate, direction, lane_type, after, *, now, limit=3):
    """Return up to `limit` slots after `after` (and not over by `now`) with a free place, within a week."""
    first_day, _minute, _seconds = local_day_and_minute(max(after, now))
    found = []
    for offset in range(NEXT_FREE_DAYS + 1):
        day = first_day + timedelta(days=offset)
        for slot in slots_for_days(gate, [day], direction=direction, lane_type=lane_type):
            if slot.start > after and slot.end > now and slot.free > 0:
                found.append(slot)
                if len(found) == limit:
                    return found
    return found


def visible_bookings(user):
    """Return a select() of the bookings a user may see: a trader their organisation's, officers their gates'."""
    query = sa.select(Booking)
    if user.role is Role.ADMIN:
        return query
    if user.role is Role.EXPORTER:
        return query.where(Booking.organisation_id == user.organisation_id)
    return query.where(Booking.gate_id.in_(gate_ids(user) or set()))


def visible_booking_or_404(user, booking_id, *, lock=False):
    """Return a booking the user may see by id (or code), or raise 404."""
    query = visible_bookings(user)
    number = ascii_id(booking_id)
    if number is not None:
        query = query.where(Booking.id == number)
    else:
        query = query.where(Booking.code == str(booking_id).upper()[:12])
    if lock:
        query = query.with_for_update()
    booking = db.session.scalar(query)
    if booking is None:
        raise NotFound(_("No such booking."))
    return booking


def list_bookings_query(user, *, gate=None, day=None, status=None, shipment=None):
    """Build the query of the user's visible bookings, filtered by gate code, local day, status and shipment
    reference."""
    query = visible_bookings(user)
    if gate:
        query = query.where(Booking.gate_id.in_(sa.select(Gate.id).where(Gate.code == gate.upper())))
    if day:
        query = query.where(Booking.slot_start >= local_start(day, 0), Booking.slot_start < local_start(day, 1440))
    if status:
        query = query.where(Booking.status == status)
    if shipment:
        query = query.where(
            Booking.shipment_id.in_(sa.select(Shipment.id).where(Shipment.reference == shipment.upper()))
        )
    return query


def booking_for_answer(booking_id):
    """Return a booking with what its answer shows (shipment, gate, vehicle, driver) in one statement."""
    return db.session.scalar(
        sa.select(Booking)
        .where(Booking.id == booking_id)
        .options(*(joinedload(getattr(Booking, name)) for name in ("shipment", "gate", "vehicle", "driver")))
    )


def holding_booking_of(shipment_id):
    """Return the shipment's booking that holds a place, if any."""
    return db.session.scalar(
        sa.select(Booking).where(Booking.shipment_id == shipment_id, Booking.status.in_(HOLDING)).limit(1)
    )


def bookable_shipments(user, *, limit=200):
    """Return the user's submitted shipments that hold no booking yet, oldest first."""
    held = sa.select(Booking.shipment_id).where(Booking.status.in_(HOLDING))
    query = visible_shipments(user).where(Shipment.status == ShipmentStatus.SUBMITTED, Shipment.id.not_in(held))
    return db.session.scalars(query.order_by(Shipment.planned_crossing_on, Shipment.id).limit(limit)).all()
