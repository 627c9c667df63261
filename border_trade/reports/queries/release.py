"""Release times as the WCO Time Release Study measures them: the minutes between a truck's gate events.

A truck (shipment) counts in the month (Asia/Ho_Chi_Minh) of its `crossed` event, when it crossed in the
period. Each gate event is taken at its first occurrence (a `cleared` recorded twice counts from the first).
An interval counts only when both its events exist: a truck that never had a lane assigned adds nothing to
arrival → lane nor lane → inspection, but still counts in arrival → crossed.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa

from ...extensions import db
from ...shipments.models import EventKind, ShipmentEvent
from .base import LOCAL, t_shipments
from .dwell import percentile

STAGES = (
    ("arrival_to_lane", "arrived", "lane_assigned"),
    ("lane_to_inspection", "lane_assigned", "inspection_started"),
    ("inspection_to_cleared", "inspection_started", "cleared"),
    ("cleared_to_crossed", "cleared", "crossed"),
    ("arrival_to_crossed", "arrived", "crossed"),
)
EVENTS = ("arrived", "lane_assigned", "inspection_started", "cleared", "crossed")

t_events = ShipmentEvent.__table__


@dataclass(frozen=True)
class Stats:
    count: int
    mean: float | None
    sd: float | None
    p50: float | None
    p90: float | None


def _two(value):
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def stats(values):
    """count, mean, sample standard deviation (n − 1; None under two values), p50 and p90 (interpolated)."""
    values = sorted(values)
    n = len(values)
    if not n:
        return Stats(0, None, None, None, None)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else None
    return Stats(n, _two(mean), _two(sd), _two(percentile(values, 0.5)), _two(percentile(values, 0.9)))


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def release_times(criteria):
    """Return {(gate id, 'YYYY-MM'): {stage: Stats}} for the trucks that crossed in `criteria`'s period."""
    s, e = t_shipments, t_events
    first, after = criteria.utc_bounds()
    query = (
        sa.select(s.c.id, s.c.gate_id, e.c.event, sa.func.min(e.c.occurred_at))
        .select_from(s.join(e, e.c.shipment_id == s.c.id))
        .where(
            s.c.crossed_at >= first, s.c.crossed_at < after, e.c.event.in_(EVENTS), e.c.kind == EventKind.CROSSING.value
        )
        .group_by(s.c.id, s.c.gate_id, e.c.event)
    )
    if criteria.gate_ids is not None:
        query = query.where(s.c.gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    trucks = defaultdict(dict)
    gates = {}
    for shipment_id, gate_id, event, at in db.session.execute(query):
        trucks[shipment_id][event] = _aware(at)
        gates[shipment_id] = gate_id
    samples = defaultdict(lambda: defaultdict(list))
    for shipment_id, times in trucks.items():
        if "crossed" not in times:
            continue
        month = times["crossed"].astimezone(LOCAL).strftime("%Y-%m")
        stages = samples[(gates[shipment_id], month)]  # a truck with no complete interval still makes its row
        for stage, start, end in STAGES:
            if start in times and end in times:
                stages[stage].append((times[end] - times[start]).total_seconds() / 60)
    return {key: {stage: stats(stages.get(stage, [])) for stage, _a, _b in STAGES} for key, stages in samples.items()}


def truck_days(criteria):
    """Count crossings as distinct (plate, gate, local day): a plate crossing at a gate on a day counts once.

    A crossed shipment without a plate counts on its own.
    """
    from .base import dialect_name, local_day

    s = t_shipments
    first, after = criteria.utc_bounds()
    where = [s.c.crossed_at >= first, s.c.crossed_at < after]
    if criteria.gate_ids is not None:
        where.append(s.c.gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if criteria.direction:
        where.append(s.c.direction == criteria.direction)
    day = local_day(s.c.crossed_at, dialect_name())
    plated = (
        sa.select(s.c.vehicle_plate, s.c.gate_id, day.label("day"))
        .where(*where, s.c.vehicle_plate.is_not(None))
        .distinct()
        .subquery()
    )
    count = db.session.scalar(sa.select(sa.func.count()).select_from(plated))
    plateless = db.session.scalar(sa.select(sa.func.count()).where(*where, s.c.vehicle_plate.is_(None)))
    return count + plateless
