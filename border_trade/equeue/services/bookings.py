"""Booking use cases: book a slot for a submitted shipment, move it, cancel it, confirm it. Each owns its commit."""

from flask_babel import gettext as _

from ...audit.services import record
from ...enums import Role
from ...errors import Conflict, Forbidden
from ...events import publish
from ...extensions import db
from ...shipments.models import ShipmentStatus
from ...shipments.queries import visible_shipment_or_404
from ...types import utcnow
from .. import queries
from ..models import Booking, BookingStatus
from ..slots import local_day_and_minute
from .common import (
    check_cutoff,
    check_lane,
    full_conflict,
    lock_slot,
    new_code,
    shipment_direction,
    shipment_gate,
    slot_or_422,
)
from .confirmation import BOOKING_UNCONFIRMED, confirm_deadline, must_confirm
from .vehicles import booking_driver, booking_vehicle, check_vehicle


def _require_trader(user):
    if user.role is not Role.EXPORTER:
        raise Forbidden(_("Only the shipment's trader books, moves or cancels its slot."))


def snapshot(booking):
    """The booking's fields as the audit trail records them."""
    return {
        "code": booking.code,
        "status": str(booking.status),
        "slot_start": booking.slot_start.isoformat(),
        "lane_type": str(booking.lane_type),
        "vehicle_id": booking.vehicle_id,
        "driver_id": booking.driver_id,
    }


def create_booking(user, data, *, now=None):
    """Book a slot of the shipment's gate for a submitted shipment of the trader's (201), or raise 4xx."""
    now = now or utcnow()
    _require_trader(user)
    shipment = visible_shipment_or_404(user, data["shipment"], lock=True)
    if shipment.status is not ShipmentStatus.SUBMITTED:
        raise Conflict(
            _("Only a submitted shipment can book a slot."),
            errors={"shipment": [_("The shipment is %(status)s.", status=shipment.status.label)]},
            current_status=str(shipment.status),
        )
    held = queries.holding_booking_of(shipment.id)
    if held is not None:
        raise Conflict(
            _("The shipment already has booking %(code)s; move or cancel it instead.", code=held.code),
            errors={"shipment": [_("Already booked.")]},
        )
    check_lane(shipment, data["lane_type"])
    gate, direction = shipment_gate(shipment), shipment_direction(shipment)
    slot = slot_or_422(gate, direction, data["lane_type"], data["slot_start"], now)
    vehicle = booking_vehicle(user, shipment, data.get("vehicle_id"))
    driver = booking_driver(user, shipment, data.get("driver_id"))
    check_vehicle(vehicle, shipment, gate, local_day_and_minute(slot.start)[0])
    if lock_slot(gate, slot) >= slot.capacity:
        raise full_conflict(gate, slot, now)
    confirm_first = must_confirm(shipment.organisation_id, slot.start, now)
    booking = Booking(
        code=new_code(),
        shipment=shipment,
        organisation_id=shipment.organisation_id,
        gate=gate,
        direction=direction,
        lane_type=slot.lane_type,
        slot_start=slot.start,
        slot_end=slot.end,
        status=BookingStatus.UNCONFIRMED if confirm_first else BookingStatus.CONFIRMED,
        confirmed_at=None if confirm_first else now,
        vehicle=vehicle,
        driver=driver,
        created_by_id=user.id,
        created_at=now,
        queued_at=now,
    )
    db.session.add(booking)
    db.session.flush()
    record("booking.create", actor=user, obj=booking, after=snapshot(booking))
    if confirm_first:  # the trader's users get a notice asking them to confirm by 18:00 the day before
        publish(BOOKING_UNCONFIRMED, booking=booking, deadline=confirm_deadline(slot.start), now=now)
    booking_id = booking.id
    db.session.commit()
    return queries.booking_for_answer(booking_id)


def move_booking(user, booking_id, data, *, now=None):
    """Move a booking to another slot of the same gate, direction and lane (not within 2 hours of its slot)."""
    now = now or utcnow()
    _require_trader(user)
    booking = queries.visible_booking_or_404(user, booking_id, lock=True)
    check_cutoff(booking, now)
    before = snapshot(booking)
    slot = slot_or_422(booking.gate, booking.direction, booking.lane_type, data["slot_start"], now)
    if slot.start == booking.slot_start:
        return booking
    check_vehicle(booking.vehicle, booking.shipment, booking.gate, local_day_and_minute(slot.start)[0])
    if lock_slot(booking.gate, slot) >= slot.capacity:
        raise full_conflict(booking.gate, slot, now)
    booking.slot_start, booking.slot_end, booking.queued_at = slot.start, slot.end, now
    db.session.flush()
    record("booking.move", actor=user, obj=booking, before=before, after=snapshot(booking))
    db.session.commit()
    return booking


def cancel_booking(user, booking_id, *, now=None):
    """Cancel a booking and free its place (not within 2 hours of its slot)."""
    now = now or utcnow()
    _require_trader(user)
    booking = queries.visible_booking_or_404(user, booking_id, lock=True)
    check_cutoff(booking, now)
    before = snapshot(booking)
    booking.status, booking.cancelled_at, booking.cancel_reason = BookingStatus.CANCELLED, now, "trader"
    db.session.flush()
    record("booking.cancel", actor=user, obj=booking, before=before, after=snapshot(booking))
    db.session.commit()
    return booking


def confirm_booking(user, booking_id, *, now=None):
    """Confirm an unconfirmed booking (asked of traders with repeated no-shows); a confirmed one stays so."""
    now = now or utcnow()
    _require_trader(user)
    booking = queries.visible_booking_or_404(user, booking_id, lock=True)
    if booking.status is BookingStatus.CONFIRMED:
        return booking
    if booking.status is not BookingStatus.UNCONFIRMED:
        raise Conflict(
            _("A booking that is %(status)s cannot be confirmed.", status=booking.status.label),
            errors={"status": [str(booking.status)]},
        )
    before = snapshot(booking)
    booking.status, booking.confirmed_at = BookingStatus.CONFIRMED, now
    db.session.flush()
    record("booking.confirm", actor=user, obj=booking, before=before, after=snapshot(booking))
    db.session.commit()
    return booking
