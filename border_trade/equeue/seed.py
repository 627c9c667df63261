"""The e-queue's demo: capacities (data/gate_capacity.json: estimates with their derivation and sources), the
traders' registered trucks and drivers, and bookings for today and tomorrow."""

import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from ..auth.models import User, user_gates
from ..enums import Direction, Role
from ..errors import AppError
from ..extensions import db
from ..fleet.models import PermitKind, VehicleKind
from ..fleet.rules import permit_rule
from ..fleet.services import find_or_register, find_or_register_driver
from ..gates.models import Gate
from ..shipments.models import Shipment, ShipmentStatus
from .calls import call_booking
from .models import Booking, BookingStatus, CapacitySetting, CapacityWindow, LaneType
from .queries import holding_booking_of, slots_for_days
from .services import create_booking
from .services.common import new_code, shipment_direction, shipment_gate
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


def _permit(today, number):
    """A demo commercial cross-border permit issued a month ago, valid as long as the rule allows (365 days,
    fleet/rules data: Decree 119/2021/NĐ-CP), and a registration valid for the coming year."""
    valid_from = today - timedelta(days=30)
    days = (permit_rule(PermitKind.COMMERCIAL) or {}).get("valid_days") or 365
    return dict(
        kind=VehicleKind.TRACTOR,
        registration_expires_on=today + timedelta(days=365),
        permit_number=f"VN-KH {number:04d}/{valid_from.year}",
        permit_issued_by="Sở Xây dựng tỉnh Tây Ninh (demo)",
        permit_kind=PermitKind.COMMERCIAL,
        permit_valid_from=valid_from,
        permit_valid_to=valid_from + timedelta(days=days - 1),
    )


def seed_fleet(now):
    """Register every demo shipment's truck (with a valid demo permit) and driver (with a licence and a phone) in
    its trader's register, and link the shipment to them. Commits; returns (vehicles, drivers) registered."""
    today = local_today(now)
    shipments = db.session.scalars(sa.select(Shipment).where(Shipment.vehicle_plate.is_not(None)).order_by(Shipment.id))
    vehicles, drivers = set(), set()
    for shipment in shipments:
        vehicle = find_or_register(shipment.organisation_id, shipment.vehicle_plate, **_permit(today, shipment.id))
        if vehicle is not None:
            shipment.vehicle_id = vehicle.id
            vehicles.add(vehicle.id)
        if shipment.driver_name:
            driver = find_or_register_driver(
                shipment.organisation_id,
                shipment.driver_name,
                shipment.driver_id_no,
                phone=f"0912 {shipment.id:06d}",
                licence_class="CE",  # a tractor with a semi-trailer (Law 36/2024/QH15, art. 57; unverified)
                licence_expires_on=today + timedelta(days=3 * 365),
            )
            if driver is not None:
                shipment.driver_id = driver.id
                drivers.add(driver.id)
    db.session.commit()
    return len(vehicles), len(drivers)


def _trader(shipment):
    return db.session.scalar(
        sa.select(User).where(User.organisation_id == shipment.organisation_id, User.role == Role.EXPORTER).limit(1)
    )


def _book(shipment, slot, now):
    trader = _trader(shipment)
    if trader is None:
        return None
    data = {"shipment": shipment.reference, "slot_start": slot.start.astimezone(LOCAL), "lane_type": slot.lane_type}
    try:
        return create_booking(trader, data, now=now)
    except AppError:
        db.session.rollback()
        return None


def _officer(gate):
    return db.session.scalar(
        sa.select(User)
        .join(user_gates, user_gates.c.user_id == User.id)
        .where(user_gates.c.gate_id == gate.id, User.role == Role.GATE_OFFICER)
        .order_by(User.id)
        .limit(1)
    )


def seed_today(now):
    """Today's e-queue of the demo gates, so that the tablet and the board show something: the submitted
    shipments planned for today are booked into today's slots not yet over (the first into the current slot,
    called to the gate by the gate's officer; the others into later slots, confirmed); and the latest truck at
    the gate gets the booking it arrived under. A gate closed for the rest of the day books nothing today.
    Returns the bookings made."""
    today, made = local_today(now), 0
    shipments = db.session.scalars(
        sa.select(Shipment)
        .where(Shipment.status == ShipmentStatus.SUBMITTED, Shipment.planned_crossing_on == today)
        .order_by(Shipment.id)
    ).all()
    by_gate = {}
    for shipment in shipments:
        if shipment_gate(shipment).code in demo_capacity() and holding_booking_of(shipment.id) is None:
            by_gate.setdefault(shipment_gate(shipment).code, []).append(shipment)
    for waiting in by_gate.values():
        gate, way = shipment_gate(waiting[0]), shipment_direction(waiting[0])
        slots = [s for s in slots_for_days(gate, [today], direction=way, lane_type=LaneType.GENERAL) if s.end > now]
        for position, shipment in enumerate(waiting):
            if not slots:
                break
            booking = _book(shipment, slots[min(2 * position, len(slots) - 1)], now)
            if booking is None:
                continue
            made += 1
            officer = _officer(gate)
            if position == 0 and officer is not None:
                call_booking(officer, gate.code, {"booking": booking.id}, now=now)
    return made + _arrived_booking(now)


def _arrived_booking(now):
    """Give the truck that arrived last at a demo gate the booking it came under (status arrived)."""
    gates = db.session.scalars(sa.select(Gate.id).where(Gate.code.in_(list(demo_capacity())))).all()
    shipment = db.session.scalar(
        sa.select(Shipment)
        .where(
            Shipment.gate_id.in_(gates),
            Shipment.status == ShipmentStatus.AT_GATE,
            Shipment.arrived_at.is_not(None),
            Shipment.vehicle_id.is_not(None),
        )
        .order_by(Shipment.arrived_at.desc(), Shipment.id)
        .limit(1)
    )
    if shipment is None or db.session.scalar(sa.select(Booking.id).where(Booking.shipment_id == shipment.id)):
        return 0
    gate, way, arrived = shipment_gate(shipment), shipment_direction(shipment), shipment.arrived_at
    day = arrived.astimezone(LOCAL).date()
    slots = slots_for_days(gate, [day], direction=way, lane_type=LaneType.GENERAL)
    if not slots:
        return 0
    earlier = [s for s in slots if s.start <= arrived]
    slot = earlier[-1] if earlier else slots[0]  # the slot it came in, or the day's first for a truck come early
    db.session.add(
        Booking(
            code=new_code(),
            shipment=shipment,
            organisation_id=shipment.organisation_id,
            gate=gate,
            direction=way,
            lane_type=LaneType.GENERAL,
            slot_start=slot.start,
            slot_end=slot.end,
            status=BookingStatus.ARRIVED,
            vehicle_id=shipment.vehicle_id,
            driver_id=shipment.driver_id,
            created_at=arrived - timedelta(days=1),
            confirmed_at=arrived - timedelta(days=1),
            queued_at=arrived - timedelta(days=1),
            arrived_at=arrived,
        )
    )
    db.session.commit()
    return 1


def seed_bookings(now):
    """The demo's e-queue: register the trucks and drivers (`seed_fleet`), book today's slots (`seed_today`), then
    tomorrow's slots for the other submitted shipments at gates with capacity, through the booking rules.

    Commits each booking; a shipment already booked, or one the rules refuse, is skipped. Returns the number
    booked.
    """
    seed_fleet(now)
    booked = seed_today(now)
    tomorrow = local_today(now) + timedelta(days=1)
    shipments = db.session.scalars(
        sa.select(Shipment).where(Shipment.status == ShipmentStatus.SUBMITTED).order_by(Shipment.id)
    ).all()
    for shipment in shipments:
        gate = shipment_gate(shipment)
        if gate.code not in demo_capacity() or holding_booking_of(shipment.id) is not None:
            continue
        way = shipment_direction(shipment)
        slots = [s for s in slots_for_days(gate, [tomorrow], direction=way, lane_type=LaneType.GENERAL) if s.free]
        if not slots:
            continue
        # three hours after the gate opens
        if _book(shipment, slots[min(6, len(slots) - 1)], now) is not None:
            booked += 1
    return booked
