"""Dwell times: minutes from a truck's `arrived` event to its `crossed` event, for crossings in a period."""

from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
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
