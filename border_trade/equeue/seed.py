"""Demo capacities of the e-queue (data/gate_capacity.json: estimates with their derivation and sources)."""

import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from ..auth.models import User
from ..enums import Direction, Role
from ..errors import AppError
from ..extensions import db
from ..fleet.models import PermitKind
from ..fleet.services import find_or_register
from ..gates.models import Gate
from ..shipments.models import Shipment, ShipmentStatus
from .models import CapacitySetting, CapacityWindow, LaneType
from .queries import holding_booking_of, slots_for_days
from .services import create_booking
from .services.common import shipment_direction, shipment_gate
from .slots import LOCAL, local_today, parse_time

DATA = Path(__file__).resolve().parents[1] / "data" / "gate_capacity.json"


def demo_capacity():
    """Return the demo capacities as loaded from the data file."""
    with DATA.open(encoding="utf-8") as handle:
        return json.load(handle)["gates"]


def seed_capacity():
    """Give each demo gate that has none a capacity for every day of the week, both directions, both lanes.

    Does not commit (the demo loader does); a gate that already has capacity is left as it is. Returns the number
    of gates seeded.
    """
    seeded = 0
    for code, entry in demo_capacity().items():
        gate = db.session.scalar(sa.select(Gate).where(Gate.code == code))
        if gate is None or db.session.get(CapacitySetting, gate.id) is not None:
            continue
        db.session.add(CapacitySetting(gate_id=gate.id, slot_minutes=entry["slot_minutes"]))
        for weekday in range(7):
            for direction in Direction:
                for lane in LaneType:
                    db.session.add(
                        CapacityWindow(
                            gate_id=gate.id,
                            weekday=weekday,
                            start_minute=parse_time(entry["start"]),
                            end_minute=parse_time(entry["end"]),
                            direction=direction,
                            lane_type=lane,
                            capacity=entry["capacity"][lane.value],
                        )
                    )
        seeded += 1
    db.session.flush()
    return seeded


def seed_bookings(now):
    """Book tomorrow's slots for the demo's submitted shipments at gates with capacity, through the booking rules.

    A truck new to the register is added with a demo permit and registration valid for the coming year. Commits
    each booking; a shipment already booked, or one the rules refuse, is skipped. Returns the number booked.
    """
    today = local_today(now)
    tomorrow = today + timedelta(days=1)
    booked = 0
    shipments = db.session.scalars(
        sa.select(Shipment).where(Shipment.status == ShipmentStatus.SUBMITTED).order_by(Shipment.id)
    ).all()
    for shipment in shipments:
        gate = shipment_gate(shipment)
        if gate.code not in demo_capacity() or holding_booking_of(shipment.id) is not None:
            continue
        trader = db.session.scalar(
            sa.select(User).where(User.organisation_id == shipment.organisation_id, User.role == Role.EXPORTER).limit(1)
        )
        way = shipment_direction(shipment)
        slots = [s for s in slots_for_days(gate, [tomorrow], direction=way, lane_type=LaneType.GENERAL) if s.free]
        if trader is None or not slots or not shipment.vehicle_plate:
            continue
        find_or_register(
            shipment.organisation_id,
            shipment.vehicle_plate,
            registration_expires_on=today + timedelta(days=365),
            permit_number=f"VN-KH {shipment.id:04d}/{today.year}",
            permit_issued_by="Sở Xây dựng tỉnh Tây Ninh (demo)",
            permit_kind=PermitKind.COMMERCIAL,
            permit_valid_from=today - timedelta(days=30),
            permit_valid_to=today + timedelta(days=330),
        )
        slot = slots[min(6, len(slots) - 1)]  # three hours after the gate opens
        data = {"shipment": shipment.reference, "slot_start": slot.start.astimezone(LOCAL), "lane_type": slot.lane_type}
        try:
            create_booking(trader, data, now=now)
        except AppError:
            db.session.rollback()
            continue
        booked += 1
    return booked
