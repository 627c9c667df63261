"""The gate's live view: today's queue, counters and dwell times."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..shipments.models import Shipment, ShipmentStatus

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
S = ShipmentStatus
AT_THE_GATE = (S.AT_GATE, S.INSPECTING, S.HELD, S.CLEARED)


def local_day_bounds(now):
    """Return the UTC start and end of today in Vietnam."""
    today = now.astimezone(LOCAL).date()
    start = datetime.combine(today, time(0), LOCAL)
    return today, start.astimezone(ZoneInfo("UTC")), (start + timedelta(days=1)).astimezone(ZoneInfo("UTC"))


def gate_queue(gate, now, search=None):
    """Return today's expected trucks and those at the gate, oldest arrival first, with dwell minutes."""
    today, _start, _end = local_day_bounds(now)
    query = sa.select(Shipment).where(
        Shipment.gate_id == gate.id,
        sa.or_(
            Shipment.status.in_(AT_THE_GATE),
            sa.and_(Shipment.status == S.SUBMITTED, Shipment.planned_crossing_on <= today),
        ),
    )
    if search:
        text = search.strip().lower()
        query = query.where(
            sa.or_(
                sa.func.lower(Shipment.reference).contains(text, autoescape=True),
                sa.func.lower(Shipment.vehicle_plate).contains(text, autoescape=True),
            )
        )
    shipments = db.session.scalars(query.order_by(Shipment.arrived_at.is_(None), Shipment.arrived_at, Shipment.id))
    items = []
    for shipment in shipments:
        shipment.dwell_minutes = dwell_minutes(shipment.arrived_at, now) if shipment.arrived_at else None
        items.append(shipment)
    return items


def dwell_minutes(start, end):
    """Return whole minutes between two instants."""
    return int((end - start).total_seconds() // 60)


def gate_counters(gate, now):
    """Return live counters for a gate: expected today, at the gate by status, crossed today."""
    today, start, end = local_day_bounds(now)
    by_status = dict(
        db.session.execute(
            sa.select(Shipment.status, sa.func.count())
            .where(Shipment.gate_id == gate.id, Shipment.status.in_(AT_THE_GATE))
            .group_by(Shipment.status)
        ).all()
    )
    expected = db.session.scalar(
        sa.select(sa.func.count()).where(
            Shipment.gate_id == gate.id, Shipment.status == S.SUBMITTED, Shipment.planned_crossing_on == today
        )
    )
    crossed = db.session.scalar(
        sa.select(sa.func.count()).where(
            Shipment.gate_id == gate.id, Shipment.crossed_at >= start, Shipment.crossed_at < end
        )
    )
    return {
        "expected_today": expected,
        "at_gate": by_status.get(S.AT_GATE, 0),
        "inspecting": by_status.get(S.INSPECTING, 0),
        "held": by_status.get(S.HELD, 0),
        "cleared": by_status.get(S.CLEARED, 0),
        "crossed_today": crossed,
    }
