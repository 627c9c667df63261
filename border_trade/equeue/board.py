"""The public board of a gate: counts and times a driver may see, no personal data (no plate, name, reference).

Read only; every figure is one aggregate query over shipments of the gate (no row is locked, nothing written).
"""

from datetime import timedelta

import sqlalchemy as sa

from ..enums import Direction
from ..extensions import db
from ..shipments.models import Shipment, ShipmentStatus
from .models import LaneType
from .queries import next_free
from .slots import local_start, local_today

S = ShipmentStatus
DWELL_WINDOW = timedelta(hours=2)


def _per_direction(gate, *conditions):
    rows = db.session.execute(
        sa.select(Shipment.direction, sa.func.count())
        .where(Shipment.gate_id == gate.id, *conditions)
        .group_by(Shipment.direction)
    ).all()
    counts = {direction.value: 0 for direction in Direction}
    for direction, count in rows:
        counts[Direction(direction).value] = count
    return counts


def avg_dwell_minutes(gate, now, window=DWELL_WINDOW):
    """Mean minutes from `arrived` to `crossed` of the trucks that crossed at the gate in the last `window`."""
    rows = db.session.execute(
        sa.select(Shipment.arrived_at, Shipment.crossed_at).where(
            Shipment.gate_id == gate.id,
            Shipment.crossed_at > now - window,
            Shipment.crossed_at <= now,
            Shipment.arrived_at.is_not(None),
        )
    ).all()
    spans = [(crossed - arrived).total_seconds() / 60 for arrived, crossed in rows if crossed >= arrived]
    return round(sum(spans) / len(spans), 1) if spans else None


def _next_free_slot(gate, direction, now):
    found = next_free(gate, direction.value, LaneType.GENERAL.value, now, now=now, limit=1)
    return {"start": found[0].start, "end": found[0].end} if found else None


def board(gate, now):
    """Return the gate's board as API.md shapes it."""
    today = local_today(now)
    waiting = _per_direction(gate, Shipment.status == S.AT_GATE)
    by_status = dict(
        db.session.execute(
            sa.select(Shipment.status, sa.func.count())
            .where(Shipment.gate_id == gate.id, Shipment.status.in_((S.INSPECTING, S.HELD)))
            .group_by(Shipment.status)
        ).all()
    )
    crossed = db.session.scalar(
        sa.select(sa.func.count()).where(
            Shipment.gate_id == gate.id,
            Shipment.crossed_at >= local_start(today, 0),
            Shipment.crossed_at < local_start(today, 24 * 60),
        )
    )
    return {
        "gate": gate.code,
        "waiting": waiting,
        "inspecting": by_status.get(S.INSPECTING, 0),
        "held": by_status.get(S.HELD, 0),
        "crossed_today": crossed,
        "next_free_slot": {direction.value: _next_free_slot(gate, direction, now) for direction in Direction},
        "avg_dwell_minutes_2h": avg_dwell_minutes(gate, now),
        "updated_at": now,
    }
