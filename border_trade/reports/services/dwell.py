"""Dwell-time reports: average, median and 90th percentile from arrival to crossing, and their spread."""

import sqlalchemy as sa

from ...extensions import db
from ...gates.models import Gate
from ...replica import on_replica
from .. import queries
from ..queries import Criteria
from .scope import scope_gate_ids
from .volume import check_period, default_period, today_local

EMPTY_PARTS = {"before_clearance": queries.DwellStats(), "after_clearance": queries.DwellStats()}


@on_replica
def dwell_report(
    user, *, gate=None, province=None, exporter=None, start=None, end=None, today=None, by_gate=False, split=None
):
    """Return dwell statistics from arrival to crossing for crossings in the period (by gate code if asked).

    split="clearance" adds `before_clearance` (arrived → cleared) and `after_clearance` (cleared → crossed).
    """
    default_start, default_end = default_period(today or today_local())
    start, end = start or default_start, end or default_end
    check_period(start, end)
    gates = scope_gate_ids(user, province=province, gate=gate)
    criteria = Criteria(start=start, end=end, gate_ids=gates, exporter_id=exporter)
    stats = queries.dwell(criteria, by_gate=by_gate)
    parts = queries.dwell_split(criteria, by_gate=by_gate) if split == "clearance" else None
    if not by_gate:
        return _with_parts(dwell_dict(stats), parts)
    codes = dict(db.session.execute(sa.select(Gate.id, Gate.code).where(Gate.id.in_(list(stats)))).all())
    return {
        codes[gate_id]: _with_parts(dwell_dict(value), None if parts is None else parts.get(gate_id, EMPTY_PARTS))
        for gate_id, value in sorted(stats.items(), key=lambda i: codes[i[0]])
    }


def _with_parts(row, parts):
    """Add the parts' statistics (before and after clearance) to a dwell row, when they were asked for."""
    if parts is not None:
        row.update({name: dwell_dict(value) for name, value in parts.items()})
    return row


@on_replica
def dwell_histogram(user, *, gate=None, province=None, exporter=None, start, end):
    """Return [(upper bound in minutes or None, count)] of dwell times for crossings in the period."""
    check_period(start, end)
    gates = scope_gate_ids(user, province=province, gate=gate)
    counts = queries.dwell_histogram(Criteria(start=start, end=end, gate_ids=gates, exporter_id=exporter))
    return list(zip((*queries.DWELL_BUCKETS, None), counts, strict=True))


def _one_decimal(value):
    return None if value is None else round(value, 1)


def dwell_dict(stats):
    return {
        "avg_minutes": _one_decimal(stats.avg_minutes),
        "p50_minutes": _one_decimal(stats.p50_minutes),
        "p90_minutes": _one_decimal(stats.p90_minutes),
        "count": stats.count,
    }
