"""Dwell times: minutes from a truck's `arrived` event to its `crossed` event, for crossings in a period."""

from dataclasses import dataclass
from datetime import UTC

import sqlalchemy as sa

from ...extensions import db
from ...shipments.models import EventKind, ShipmentEvent
from .base import dialect_name, t_shipments, tune_for_reports

DWELL_BUCKETS = (30, 60, 120, 240, 480)  # upper bounds in minutes; the last bucket is open


@dataclass
class DwellStats:
    count: int = 0
    avg_minutes: float | None = None
    p50_minutes: float | None = None
    p90_minutes: float | None = None


def percentile(values, fraction):
    """Return the linearly interpolated percentile of sorted values (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def _dwell_base(criteria, dialect):
    s = t_shipments
    first, after = criteria.utc_bounds()
    if dialect == "postgresql":
        minutes = sa.extract("epoch", s.c.crossed_at - s.c.arrived_at) / 60
    else:
        minutes = None  # computed in Python from the two instants
    query = sa.select(s.c.gate_id.label("gate_id")).where(
        s.c.crossed_at >= first, s.c.crossed_at < after, s.c.arrived_at.is_not(None)
    )
    if criteria.gate_ids is not None:
        query = query.where(s.c.gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if criteria.exporter_id is not None:
        query = query.where(s.c.organisation_id == criteria.exporter_id)
    return query, minutes


def dwell(criteria, *, by_gate=False):
    """Return DwellStats from arrival to crossing for crossings in `criteria` (a dict by gate id when by_gate)."""
    dialect = dialect_name()
    tune_for_reports()
    query, minutes = _dwell_base(criteria, dialect)
    s = t_shipments
    if dialect == "postgresql":
        stats = [
            sa.func.count(),
            sa.func.avg(minutes),
            sa.func.percentile_cont(0.5).within_group(minutes),
            sa.func.percentile_cont(0.9).within_group(minutes),
        ]
        query = query.with_only_columns(s.c.gate_id, *stats) if by_gate else query.with_only_columns(*stats)
        if by_gate:
            return {row[0]: _dwell_stats(*row[1:]) for row in db.session.execute(query.group_by(s.c.gate_id))}
        return _dwell_stats(*db.session.execute(query).one())
    groups = {}
    for gate_id, arrived, crossed in db.session.execute(query.add_columns(s.c.arrived_at, s.c.crossed_at)):
        groups.setdefault(gate_id if by_gate else None, []).append(_minutes(arrived, crossed))
    result = {key: _python_stats(values) for key, values in groups.items()}
    return result if by_gate else result.get(None, DwellStats())


def dwell_histogram(criteria):
    """Return the number of crossings per dwell bucket (minutes: <30, <60, <120, <240, <480, 480 and more)."""
    dialect = dialect_name()
    query, minutes = _dwell_base(criteria, dialect)
    s = t_shipments
    counts = [0] * (len(DWELL_BUCKETS) + 1)
    if dialect == "postgresql":
        index = sa.func.width_bucket(minutes, sa.literal(list(DWELL_BUCKETS), sa.ARRAY(sa.Float)))
        for position, count in db.session.execute(query.with_only_columns(index, sa.func.count()).group_by(index)):
            counts[position] += count
        return counts
    for _gate, arrived, crossed in db.session.execute(query.add_columns(s.c.arrived_at, s.c.crossed_at)):
        value = _minutes(arrived, crossed)
        counts[sum(1 for bound in DWELL_BUCKETS if value >= bound)] += 1
    return counts


def dwell_split(criteria, *, by_gate=False):
    """Return {"before_clearance": DwellStats, "after_clearance": DwellStats} (by gate id when by_gate).

    Same crossings as dwell(); before = arrival → first `cleared` gate event, after = that `cleared` → crossing.
    A crossing without a `cleared` event counts in neither part (it still counts in the whole).
    """
    tune_for_reports()
    query, _minutes_expr = _dwell_base(criteria, dialect_name())
    s, e = t_shipments, ShipmentEvent.__table__
    cleared = (
        sa.select(e.c.shipment_id, sa.func.min(e.c.occurred_at).label("cleared_at"))
        .where(e.c.event == "cleared", e.c.kind == EventKind.CROSSING.value)
        .group_by(e.c.shipment_id)
        .subquery()
    )
    query = query.add_columns(s.c.arrived_at, cleared.c.cleared_at, s.c.crossed_at).join_from(
        s, cleared, cleared.c.shipment_id == s.c.id
    )
    groups = {}
    for gate_id, arrived, cleared_at, crossed in db.session.execute(query):
        before, after = groups.setdefault(gate_id if by_gate else None, ([], []))
        arrived, cleared_at, crossed = (_aware(v) for v in (arrived, cleared_at, crossed))
        before.append(_minutes(arrived, cleared_at))
        after.append(_minutes(cleared_at, crossed))
    result = {
        key: {"before_clearance": _python_stats(before), "after_clearance": _python_stats(after)}
        for key, (before, after) in groups.items()
    }
    if by_gate:
        return result
    return result.get(None, {"before_clearance": DwellStats(), "after_clearance": DwellStats()})


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _minutes(arrived, crossed):
    return (crossed - arrived).total_seconds() / 60


def _python_stats(values):
    values.sort()
    return DwellStats(
        count=len(values),
        avg_minutes=sum(values) / len(values) if values else None,
        p50_minutes=percentile(values, 0.5),
        p90_minutes=percentile(values, 0.9),
    )


def _dwell_stats(count, avg, p50, p90):
    return DwellStats(
        count=count,
        avg_minutes=float(avg) if avg is not None else None,
        p50_minutes=float(p50) if p50 is not None else None,
        p90_minutes=float(p90) if p90 is not None else None,
    )
