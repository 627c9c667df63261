"""The daily figures: computed from the `crossed` events, read back for reports, and which days they cannot answer.

A day's figures are whole: the fold job (services/fold.py) replaces every row of a day at once. A day is
*unfolded* while a `crossed` event above the watermark touches it (a new crossing, or a late one synced by an
offline tablet), or while an exchange rate in force on it differs from the rate its values were converted at.
Reports read the figures for the other days and the shipments themselves for the unfolded ones.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from ...extensions import db
from ...shipments.models import ShipmentEvent
from ..models import DailyFigure, FoldedDay, FoldState, GateDayFigure, SharedTrip
from .base import LOCAL, converted, dialect_name, local_day, rates_by_day, raw, t_shipments

t_events = ShipmentEvent.__table__

t_daily = DailyFigure.__table__

t_gate_days = GateDayFigure.__table__

t_shared = SharedTrip.__table__

t_folded = FoldedDay.__table__

t_state = FoldState.__table__

CROSSED = "crossed"

KEY = ("day", "gate_id", "direction", "regime", "organisation_id")


def as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def scaled(value, places, dialect):
    """A raw SQL number as an exact decimal: SQLite hands back scaled integers, PostgreSQL decimals."""
    if value is None:
        return None
    if dialect == "postgresql":
        return Decimal(value).quantize(Decimal(1).scaleb(-places))
    return Decimal(int(value)).scaleb(-places)


def utc_bounds(first_day, last_day):
    first = datetime.combine(first_day, time(0), LOCAL).astimezone(UTC)
    after = datetime.combine(last_day + timedelta(days=1), time(0), LOCAL).astimezone(UTC)
    return first, after


def runs(days):
    """Split a set of days into (first, last) runs of consecutive days."""
    result = []
    for day in sorted(days):
        if result and day == result[-1][1] + timedelta(days=1):
            result[-1][1] = day
        else:
            result.append([day, day])
    return [tuple(run) for run in result]


@dataclass
class DayFigures:
    """What the figure tables hold for some days, computed from the events (plain values, exact decimals)."""

    rows: dict = field(default_factory=dict)  # KEY tuple -> {measure: value}
    gate_days: dict = field(default_factory=dict)  # (day, gate_id) -> {measure: value}, trips and direction values
    shared: set = field(default_factory=set)  # (day, gate_id, plate, direction, regime, organisation_id)
    rates: dict = field(default_factory=dict)  # day -> (usd, khr) of days with crossings


def compute_days(days):
    """Compute the daily figures of these local days from the `crossed` events (and their shipments)."""
    dialect = dialect_name()
    figures = DayFigures()
    plates = defaultdict(set)  # KEY -> plates
    keys_of_trip = defaultdict(set)  # (day, gate, plate) -> KEYs
    plateless = defaultdict(int)  # KEY -> shipments without a plate
    wanted = set(days)
    for first_day, last_day in runs(wanted):
        for row in db.session.execute(_facts_query(first_day, last_day, dialect)):
            day = as_date(row.day)
            if day not in wanted:
                continue
            key = (day, row.gate_id, row.direction, row.regime, row.organisation_id)
            measures = figures.rows.setdefault(key, _empty())
            measures["shipments"] += 1
            measures["gross_weight_kg"] += scaled(row.gross, 3, dialect)
            measures["net_weight_kg"] += scaled(row.net, 3, dialect)
            if row.usd is None:
                measures["missing"] += 1
            else:
                measures["value_vnd"] += scaled(row.vnd, 0, dialect)
                measures["value_usd"] += scaled(row.usd, 2, dialect)
            if row.plate is None:
                plateless[key] += 1
            else:
                plates[key].add(row.plate)
                keys_of_trip[(day, row.gate_id, row.plate)].add(key)
            figures.rates[day] = (scaled(row.rate_usd, 6, dialect), scaled(row.rate_khr, 6, dialect))
    for key, measures in figures.rows.items():
        measures["trips"] = len(plates[key]) + plateless[key]
        whole = figures.gate_days.setdefault((key[0], key[1]), _empty() | _directions())
        for name, value in measures.items():
            if name != "trips":
                whole[name] += value
        whole[f"{key[2]}_usd"] += measures["value_usd"]
        whole["trips"] += plateless[key]
    for (day, gate_id, plate), keys in keys_of_trip.items():
        figures.gate_days[(day, gate_id)]["trips"] += 1
        if len(keys) > 1:
            figures.shared |= {(day, gate_id, plate, *key[2:]) for key in keys}
    return figures


def _directions():
    return {"trips": 0, "export_usd": Decimal("0.00"), "import_usd": Decimal("0.00")}


def _empty():
    return {
        "shipments": 0,
        "gross_weight_kg": Decimal("0.000"),
        "net_weight_kg": Decimal("0.000"),
        "value_vnd": Decimal("0"),
        "value_usd": Decimal("0.00"),
        "missing": 0,
    }


def _facts_query(first_day, last_day, dialect):
    """One row per shipment whose `crossed` event falls on a local day of the run, converted as the reports do."""
    e, s = t_events, t_shipments
    day = local_day(e.c.occurred_at, dialect)
    rates = rates_by_day(first_day, last_day, dialect)
    vnd, usd = converted(s.c.value, s.c.currency, rates, dialect)
    first, after = utc_bounds(first_day, last_day)
    return (
        sa.select(
            raw(rates.c.day).label("day"),
            s.c.gate_id,
            raw(s.c.direction).label("direction"),
            raw(s.c.regime).label("regime"),
            s.c.organisation_id,
            s.c.vehicle_plate.label("plate"),
            raw(s.c.gross_weight_kg).label("gross"),
            raw(s.c.net_weight_kg).label("net"),
            raw(sa.case((rates.c.usd.is_not(None), vnd))).label("vnd"),
            raw(usd).label("usd"),
            raw(rates.c.usd).label("rate_usd"),
            raw(rates.c.khr).label("rate_khr"),
        )
        .select_from(e.join(s, s.c.id == e.c.shipment_id).join(rates, rates.c.day == day))
        .where(e.c.event == CROSSED, e.c.occurred_at >= first, e.c.occurred_at < after)
    )


def watermark():
    return db.session.scalar(sa.select(t_state.c.watermark).where(t_state.c.id == 1)) or 0


def days_of_events_after(mark, first_day=None, last_day=None):
    """Return the local days touched by `crossed` events with an id above `mark` (within the days, if given)."""
    e = t_events
    query = sa.select(local_day(e.c.occurred_at, dialect_name())).where(e.c.id > mark, e.c.event == CROSSED)
    if first_day is not None:
        first, after = utc_bounds(first_day, last_day)
        query = query.where(e.c.occurred_at >= first, e.c.occurred_at < after)
    return {as_date(day) for day in db.session.scalars(query.distinct())}


def days_with_changed_rates(first_day=None, last_day=None):
    """Return the folded days whose exchange rates in force now differ from those their values were converted at."""
    f = t_folded
    if first_day is None:
        first_day, last_day = db.session.execute(sa.select(sa.func.min(f.c.day), sa.func.max(f.c.day))).one()
        if first_day is None:
            return set()
        first_day, last_day = as_date(first_day), as_date(last_day)
    rates = rates_by_day(first_day, last_day, dialect_name())
    query = (
        sa.select(f.c.day)
        .select_from(f.join(rates, rates.c.day == f.c.day))
        .where(
            f.c.day >= first_day,
            f.c.day <= last_day,
            sa.or_(
                raw(f.c.usd).is_distinct_from(raw(rates.c.usd)),
                raw(f.c.khr).is_distinct_from(raw(rates.c.khr)),
            ),
        )
    )
    return {as_date(day) for day in db.session.scalars(query)}


def unfolded_days(first_day, last_day):
    """Return the days of a period the daily figures cannot answer yet: the reports read them from the shipments."""
    return days_of_events_after(watermark(), first_day, last_day) | days_with_changed_rates(first_day, last_day)


MEASURES = ("shipments", "gross_weight_kg", "net_weight_kg", "value_vnd", "value_usd", "missing", "trips")

GATE_DAY_MEASURES = (*MEASURES, "export_usd", "import_usd")


def _stored(row, name):
    value = getattr(row, name)
    return value.quantize(Decimal(1)) if name == "value_vnd" else value


def stored_days(days):
    """Return the DayFigures the tables hold for these days (to compare with `compute_days`)."""
    figures = DayFigures()
    wanted = sorted(days)
    dialect = dialect_name()
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        for row in db.session.execute(sa.select(DailyFigure).where(DailyFigure.day.in_(chunk))).scalars():
            key = (row.day, row.gate_id, row.direction, row.regime, row.organisation_id)
            figures.rows[key] = {name: _stored(row, name) for name in MEASURES}
        for row in db.session.scalars(sa.select(GateDayFigure).where(GateDayFigure.day.in_(chunk))):
            figures.gate_days[(row.day, row.gate_id)] = {name: _stored(row, name) for name in GATE_DAY_MEASURES}
        shared = sa.select(*t_shared.c).where(t_shared.c.day.in_(chunk))
        figures.shared |= {(as_date(r[0]), *r[1:]) for r in db.session.execute(shared)}
        rates = sa.select(t_folded.c.day, raw(t_folded.c.usd), raw(t_folded.c.khr)).where(t_folded.c.day.in_(chunk))
        figures.rates.update(
            {as_date(d): (scaled(u, 6, dialect), scaled(k, 6, dialect)) for d, u, k in db.session.execute(rates)}
        )
    return figures
