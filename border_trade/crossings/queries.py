"""The gate's live view: today's queue, counters and dwell times, in both directions."""

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..customs.models import CustomsDeclaration
from ..enums import Direction
from ..equeue.arrivals import EXPECTING
from ..equeue.models import HOLDING, Booking
from ..extensions import db
from ..fleet.models import Vehicle
from ..shipments.models import EventKind, Shipment, ShipmentEvent, ShipmentStatus

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
S = ShipmentStatus
AT_THE_GATE = (S.AT_GATE, S.INSPECTING, S.HELD, S.CLEARED)
RECENT_CROSSINGS = 50  # trucks crossed today shown under the queue, newest first
COUNTER_KEYS = ("expected_today", "at_gate", "inspecting", "held", "cleared", "crossed_today")


def local_day_bounds(now):
    """Return the UTC start and end of today in Vietnam."""
    today = now.astimezone(LOCAL).date()
    start = datetime.combine(today, time(0), LOCAL)
    return today, start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(ZoneInfo("UTC"))


def gate_queue(gate, now, search=None, direction=None):
    """Return today's expected trucks and those at the gate, oldest arrival first, with dwell minutes.

    `direction` (a Direction) keeps one direction only; each shipment gets `dwell_minutes` and `gate_events`.
    """
    today, _start, _end = local_day_bounds(now)
    query = sa.select(Shipment).where(
        Shipment.gate_id == gate.id,
        sa.or_(
            Shipment.status.in_(AT_THE_GATE),
            sa.and_(Shipment.status == S.SUBMITTED, Shipment.planned_crossing_on <= today),
        ),
    )
    query = _narrow(query, search, direction)
    order = (Shipment.arrived_at.is_(None), Shipment.arrived_at, Shipment.id)
    shipments = list(db.session.scalars(query.options(joinedload(Shipment.organisation)).order_by(*order)))
    for shipment in shipments:
        shipment.dwell_minutes = dwell_minutes(shipment.arrived_at, now) if shipment.arrived_at else None
    _attach_gate_events(shipments, gate)
    return shipments


def recent_crossings(gate, now, search=None, direction=None, limit=RECENT_CROSSINGS):
    """Return the trucks that crossed at a gate today (Viet Nam time), newest crossing first."""
    _today, start, end = local_day_bounds(now)
    query = sa.select(Shipment).where(
        Shipment.gate_id == gate.id,
        Shipment.status.in_((S.CROSSED, S.DELIVERED)),
        Shipment.crossed_at >= start,
        Shipment.crossed_at < end,
    )
    query = _narrow(query, search, direction)
    order = (Shipment.crossed_at.desc(), Shipment.id.desc())
    shipments = list(db.session.scalars(query.options(joinedload(Shipment.organisation)).order_by(*order).limit(limit)))
    for shipment in shipments:
        shipment.dwell_minutes = None
    _attach_gate_events(shipments, gate)
    return shipments


def _narrow(query, search, direction):
    if direction is not None:
        query = query.where(Shipment.direction == direction)
    if search:
        text = search.strip().lower()
        query = query.where(
            sa.or_(
                sa.func.lower(Shipment.reference).contains(text, autoescape=True),
                sa.func.lower(Shipment.vehicle_plate).contains(text, autoescape=True),
            )
        )
    return query


def _attach_gate_events(shipments, gate):
    """Give each shipment `gate_events`: its events at this gate, in the order they happened (one query)."""
    by_shipment = defaultdict(list)
    ids = [s.id for s in shipments]
    if ids:
        events = db.session.scalars(
            sa.select(ShipmentEvent)
            .where(
                ShipmentEvent.shipment_id.in_(ids),
                ShipmentEvent.kind == EventKind.CROSSING,
                ShipmentEvent.gate_id == gate.id,
            )
            .order_by(ShipmentEvent.occurred_at, ShipmentEvent.id)
        )
        for event in events:
            by_shipment[event.shipment_id].append(event)
    for shipment in shipments:
        shipment.gate_events = by_shipment.get(shipment.id, [])


def _attach_bookings_and_declarations(shipments, gate):
    """Give each shipment `queue_booking` (its booking at this gate, or None) and `queue_declaration` (its customs
    declaration, or None): two queries for the whole queue, whatever its length.

    A booking still waiting for its truck comes first (the earliest slot: the one `arrived` will check the plate
    against), else the one the truck arrived under; cancelled and no-show bookings are not shown.
    """
    bookings, declarations = {}, {}
    ids = [s.id for s in shipments]
    if ids:
        rows = db.session.execute(
            sa.select(Booking, Vehicle.plate)
            .join(Vehicle, Vehicle.id == Booking.vehicle_id)
            .where(Booking.shipment_id.in_(ids), Booking.gate_id == gate.id, Booking.status.in_(HOLDING))
            .order_by(Booking.shipment_id, Booking.slot_start, Booking.id)
        )
        for booking, plate in rows:
            known = bookings.get(booking.shipment_id)
            if known is None or (known["status"] not in EXPECTING and booking.status in EXPECTING):
                bookings[booking.shipment_id] = _booking_view(booking, plate)
        rows = db.session.execute(
            sa.select(
                CustomsDeclaration.shipment_id,
                CustomsDeclaration.number,
                CustomsDeclaration.type_code,
                CustomsDeclaration.channel,
                CustomsDeclaration.status,
            ).where(CustomsDeclaration.shipment_id.in_(ids))
        )
        for shipment_id, number, type_code, channel, status in rows:
            declarations[shipment_id] = {"number": number, "type_code": type_code, "channel": channel, "status": status}
    for shipment in shipments:
        shipment.queue_booking = bookings.get(shipment.id)
        shipment.queue_declaration = declarations.get(shipment.id)


def _booking_view(booking, plate):
    return {
        "id": booking.id,
        "code": booking.code,
        "slot_start": booking.slot_start,
        "slot_end": booking.slot_end,
        "lane_type": booking.lane_type,
        "status": booking.status,
        "called_at": booking.called_at,
        "call_deadline": booking.call_deadline,
        "plate": plate,
    }


def dwell_minutes(start, end):
    """Return whole minutes between two instants."""
    return int((end - start).total_seconds() // 60)


def gate_counters(gate, now):
    """Return live counters for a gate: expected today, at the gate by status, crossed today.

    The totals count both directions (as before directions existed); `by_direction` gives the same counters
    for exports and for imports.
    """
    today, start, end = local_day_bounds(now)
    split = {direction.value: dict.fromkeys(COUNTER_KEYS, 0) for direction in Direction}
    at_gate = db.session.execute(
        sa.select(Shipment.direction, Shipment.status, sa.func.count())
        .where(Shipment.gate_id == gate.id, Shipment.status.in_(AT_THE_GATE))
        .group_by(Shipment.direction, Shipment.status)
    )
    for direction, status, count in at_gate:
        if status.value in split[direction.value]:
            split[direction.value][status.value] = count
    expected = db.session.execute(
        sa.select(Shipment.direction, sa.func.count())
        .where(Shipment.gate_id == gate.id, Shipment.status == S.SUBMITTED, Shipment.planned_crossing_on == today)
        .group_by(Shipment.direction)
    )
    for direction, count in expected:
        split[direction.value]["expected_today"] = count
    crossed = db.session.execute(
        sa.select(Shipment.direction, sa.func.count())
        .where(Shipment.gate_id == gate.id, Shipment.crossed_at >= start, Shipment.crossed_at < end)
        .group_by(Shipment.direction)
    )
    for direction, count in crossed:
        split[direction.value]["crossed_today"] = count
    totals = {key: sum(counts[key] for counts in split.values()) for key in COUNTER_KEYS}
    return {**totals, "by_direction": split}


def queue_view(gate, now, search=None, direction=None):
    """Return what the queue endpoint and the tablet page show: the queue, today's crossings and the counters."""
    today, _start, _end = local_day_bounds(now)
    items = gate_queue(gate, now, search, direction)
    crossed = recent_crossings(gate, now, search, direction)
    _attach_bookings_and_declarations(items + crossed, gate)
    return {
        "gate": gate.code,
        "date": today,
        "server_time": now,
        "direction": direction,
        "items": items,
        "recent_crossings": crossed,
        "counters": gate_counters(gate, now),
    }
