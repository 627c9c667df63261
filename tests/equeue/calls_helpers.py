"""Helpers of the call-forward, arrival, board and report tests: bookings written straight to the database at
chosen times (so no test depends on the wall clock), and today's local slot starts."""

import uuid
from datetime import UTC, datetime, timedelta

from border_trade.equeue.models import Booking, BookingStatus, LaneType
from border_trade.equeue.services.common import new_code
from border_trade.extensions import db
from border_trade.shipments.models import ShipmentStatus
from border_trade.types import utcnow
from tests.equeue.conftest import LOCAL, make_vehicle
from tests.factories import get_gate, make_shipment


def today_at(hhmm, now=None):
    """Today's (Viet Nam) local time `hhmm`, as an aware UTC datetime."""
    day = (now or utcnow()).astimezone(LOCAL).date()
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LOCAL).astimezone(UTC)


def make_booking(organisation, start, *, gate="MOC-BAI", status=BookingStatus.CONFIRMED, queued_at=None, **extra):
    """A booking of a new submitted shipment of `organisation` (and its own registered truck) for `start`."""
    vehicle = extra.pop("vehicle", None)
    if vehicle is None:
        number = uuid.uuid4().int % 100000
        vehicle = make_vehicle(organisation, plate=f"70H-{number // 100:03d}.{number % 100:02d}")
    shipment = make_shipment(
        organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate(gate), vehicle_plate=vehicle.plate
    )
    booking = Booking(
        code=new_code(),
        shipment=shipment,
        organisation_id=organisation.id,
        gate=get_gate(gate),
        direction=shipment.direction,
        lane_type=LaneType.GENERAL,
        slot_start=start,
        slot_end=start + timedelta(minutes=30),
        status=status,
        vehicle=vehicle,
        created_at=start - timedelta(days=1),
        queued_at=queued_at or start - timedelta(days=1),
        **extra,
    )
    db.session.add(booking)
    db.session.commit()
    return booking


def arrive(client, headers, shipment, gate="MOC-BAI", **extra):
    """Record `arrived` for a shipment on the gate's tablet API."""
    body = {"shipment": shipment.reference, "event": "arrived", **extra}
    return client.post(
        f"/api/v1/gates/{gate}/crossings", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
    )
