"""The daily goods figures: one row per local day and goods key, computed from the goods lines of crossed shipments.

The goods key is the shipment's key in `report_daily` (gate, direction, regime, exporter) and the line's product,
HS code and unit. Every report that groups or filters by a goods attribute reads these rows: the product's group,
stars and province of origin, and the HS chapter, are looked up when the report runs. Distinct counts do not add
up across keys: a shipment whose lines fall in several keys of its day is listed once per key in
`report_goods_shared_shipments`, a plate in several keys of a (day, gate) in `report_goods_shared_trips`, and a
coarser grouping takes the duplicates off (docs/aggregates.md).

The fold computes the days from the `crossed` events; the monthly border-trade report computes the unfolded days
the same way from the shipments' `crossed_at` (`source="shipments"`), as every live reading does.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

import sqlalchemy as sa

from ...extensions import db
from ..models import GoodsDayFigure, SharedGoodsShipment, SharedGoodsTrip
from .base import converted, dialect_name, local_day, rates_by_day, raw, t_items, t_shipments
from .daily import CROSSED, as_date, runs, scaled, t_events, utc_bounds

t_goods = GoodsDayFigure.__table__

t_goods_shipments = SharedGoodsShipment.__table__

t_goods_trips = SharedGoodsTrip.__table__

GOODS_KEY = ("day", "gate_id", "direction", "regime", "organisation_id", "product_id", "hs_code", "unit")

GOODS_MEASURES = (
    "shipments",
    "trips",
    "quantity",
    "gross_weight_kg",
    "net_weight_kg",
    "value_vnd",
    "value_usd",
    "value_usd_allotted",
    "missing",
)


SHIPMENT_COUNTS = ("shipments", "missing", "plateless")

TRIP_COUNTS = ("plates",)


@dataclass
class GoodsFigures:
    """What the goods figure tables hold for some days (plain values, exact decimals).

    `shipments`: for each day and set of two or more goods keys, the shipments whose lines fall in exactly those
    keys (how many; how many of them lack a rate; how many have no plate). `trips`: for each day and set of two or
    more goods keys (of one gate), how many plates crossed in exactly those keys.
    """

    rows: dict = field(default_factory=dict)  # GOODS_KEY tuple -> {measure: value}
    shipments: dict = field(default_factory=dict)  # (day, frozenset of GOODS_KEY tuples) -> SHIPMENT_COUNTS
    trips: dict = field(default_factory=dict)  # (day, frozenset of GOODS_KEY tuples) -> TRIP_COUNTS


def _empty():
    return {
        "shipments": 0,
        "trips": 0,
        "quantity": Decimal("0.000"),
        "gross_weight_kg": Decimal("0.000"),
        "net_weight_kg": Decimal("0.000"),
        "value_vnd": Decimal("0"),
        "value_usd": Decimal("0.00"),
        "value_usd_allotted": Decimal("0.00"),
        "missing": 0,
    }


def compute_goods_days(days, *, source="events", gate_ids=None):
    """Compute the goods figures of these local days from the goods lines of the shipments crossed on them."""
    dialect = dialect_name()
    wanted = set(days)
    lines = []
    for first_day, last_day in runs(wanted):
        query = _lines_query(first_day, last_day, dialect, source, gate_ids)
        lines += [row for row in db.session.execute(query) if as_date(row.day) in wanted]
    return fold_lines(lines, dialect)


def allotted(values, shipment_usd):
    """Return the lines' USD values with the shipment's rounding remainder on its largest line (the first of equals).

    Nothing moves when a value is missing (no exchange rate for the day).
    """
    values = list(values)
    if shipment_usd is None or any(value is None for value in values) or not values:
        return values
    remainder = shipment_usd - sum(values)
    if remainder:
        largest = max(range(len(values)), key=lambda i: (values[i], -i))
        values[largest] += remainder
    return values


def fold_lines(lines, dialect):
    """Sum goods lines (ordered by shipment, then position) into GoodsFigures."""
    figures = GoodsFigures()
    members = defaultdict(set)  # key -> shipment ids
    plates = defaultdict(set)  # key -> plates
    plateless = defaultdict(set)  # key -> shipment ids without a plate
    lacking = defaultdict(set)  # key -> shipment ids without a rate
    keys_of_shipment = defaultdict(set)
    keys_of_trip = defaultdict(set)  # (day, gate, plate) -> keys
    facts = {}  # shipment id -> (plate, missing)
    for shipment_id, group in groupby(lines, key=lambda row: row.shipment_id):
        group = list(group)
        usd = [None if row.usd is None else scaled(row.usd, 2, dialect) for row in group]
        shipment_usd = None if group[0].shipment_usd is None else scaled(group[0].shipment_usd, 2, dialect)
        shares = allotted(usd, shipment_usd)
        for row, value, share in zip(group, usd, shares, strict=True):
            day = as_date(row.day)
            key = (day, row.gate_id, row.direction, row.regime, row.organisation_id, row.product_id, row.hs_code)
            key += (row.unit,)
            measures = figures.rows.setdefault(key, _empty())
            measures["quantity"] += scaled(row.quantity, 3, dialect)
            measures["gross_weight_kg"] += scaled(row.gross, 3, dialect)
            measures["net_weight_kg"] += scaled(row.net, 3, dialect)
            members[key].add(shipment_id)
            if value is None:
                lacking[key].add(shipment_id)
            else:
                measures["value_vnd"] += scaled(row.vnd, 0, dialect)
                measures["value_usd"] += value
                measures["value_usd_allotted"] += share
            if row.plate is None:
                plateless[key].add(shipment_id)
            else:
                plates[key].add(row.plate)
                keys_of_trip[(day, row.gate_id, row.plate)].add(key)
            keys_of_shipment[shipment_id].add(key)
            facts[shipment_id] = (row.plate, value is None)
    for key, measures in figures.rows.items():
        measures["shipments"] = len(members[key])
        measures["missing"] = len(lacking[key])
        measures["trips"] = len(plates[key]) + len(plateless[key])
    sets = defaultdict(lambda: [0, 0, 0])
    for shipment_id, keys in keys_of_shipment.items():
        if len(keys) > 1:
            plate, missing = facts[shipment_id]
            counts = sets[(next(iter(keys))[0], frozenset(keys))]
            counts[0], counts[1], counts[2] = counts[0] + 1, counts[1] + missing, counts[2] + (plate is None)
    figures.shipments = {key: tuple(counts) for key, counts in sets.items()}
    trips = Counter((day, frozenset(keys)) for (day, _gate, _plate), keys in keys_of_trip.items() if len(keys) > 1)
    figures.trips = {key: (plates,) for key, plates in trips.items()}
    return figures


def _lines_query(first_day, last_day, dialect, source, gate_ids):
    """One row per goods line of the shipments crossed on the run's local days, converted as the reports do."""
    s, i = t_shipments, t_items
    rates = rates_by_day(first_day, last_day, dialect)
    first, after = utc_bounds(first_day, last_day)
    if source == "events":
        e = t_events
        day = local_day(e.c.occurred_at, dialect)
        joined = e.join(s, s.c.id == e.c.shipment_id)
        conditions = [e.c.event == CROSSED, e.c.occurred_at >= first, e.c.occurred_at < after]
    else:
        day = local_day(s.c.crossed_at, dialect)
        joined = s
        conditions = [s.c.crossed_at >= first, s.c.crossed_at < after]
    if gate_ids is not None:
        conditions.append(s.c.gate_id.in_(sorted(gate_ids)) if gate_ids else sa.false())
    line_vnd, line_usd = converted(i.c.value, s.c.currency, rates, dialect)
    _vnd, shipment_usd = converted(s.c.value, s.c.currency, rates, dialect)
    return (
        sa.select(
            raw(rates.c.day).label("day"),
            s.c.id.label("shipment_id"),
            s.c.gate_id,
            raw(s.c.direction).label("direction"),
            raw(s.c.regime).label("regime"),
            s.c.organisation_id,
            s.c.vehicle_plate.label("plate"),
            i.c.product_id,
            i.c.hs_code,
            i.c.unit,
            raw(i.c.quantity).label("quantity"),
            raw(i.c.gross_weight_kg).label("gross"),
            raw(i.c.net_weight_kg).label("net"),
            raw(sa.case((rates.c.usd.is_not(None), line_vnd))).label("vnd"),
            raw(line_usd).label("usd"),
            raw(shipment_usd).label("shipment_usd"),
        )
        .select_from(joined.join(rates, rates.c.day == day).join(i, i.c.shipment_id == s.c.id))
        .where(*conditions)
        .order_by(s.c.id, i.c.position)
    )


def _stored(value, name):
    return value.quantize(Decimal(1)) if name == "value_vnd" else value


def stored_goods_days(days):
    """Return the GoodsFigures the tables hold for these days (to compare with `compute_goods_days`)."""
    figures = GoodsFigures()
    wanted = sorted(days)
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        for row in db.session.scalars(sa.select(GoodsDayFigure).where(GoodsDayFigure.day.in_(chunk))):
            key = tuple(getattr(row, name) for name in GOODS_KEY)
            figures.rows[key] = {name: _stored(getattr(row, name), name) for name in GOODS_MEASURES}
        figures.shipments.update(_stored_sets(t_goods_shipments, SHIPMENT_COUNTS, chunk))
        figures.trips.update(_stored_sets(t_goods_trips, TRIP_COUNTS, chunk))
    return figures


def _stored_sets(table, counts, days):
    members, numbers = defaultdict(set), {}
    query = sa.select(*(table.c[name] for name in (*GOODS_KEY, "set_no", *counts))).where(table.c.day.in_(days))
    for row in db.session.execute(query):
        key = (as_date(row[0]), *row[1 : len(GOODS_KEY)])
        members[(key[0], row.set_no)].add(key)
        numbers[(key[0], row.set_no)] = tuple(row[len(GOODS_KEY) + 1 :])
    return {(day, frozenset(keys)): numbers[(day, number)] for (day, number), keys in members.items()}


def goods_rows(figures):
    """Return the rows of GoodsFigures as dicts for the tables (figure rows, shared shipments, shared trips)."""
    rows = [dict(zip(GOODS_KEY, key, strict=True)) | measures for key, measures in figures.rows.items()]
    return rows, _set_rows(figures.shipments, SHIPMENT_COUNTS), _set_rows(figures.trips, TRIP_COUNTS)


def _set_rows(sets, counts):
    """One row per member key of each set, numbered within its day (any numbering: verify compares the sets)."""
    by_day = defaultdict(list)
    for (day, keys), numbers in sets.items():
        by_day[day].append((sorted(keys, key=repr), numbers))
    rows = []
    for entries in by_day.values():
        for number, (keys, numbers) in enumerate(sorted(entries, key=repr), start=1):
            extra = {"set_no": number} | dict(zip(counts, numbers, strict=True))
            rows += [dict(zip(GOODS_KEY, key, strict=True)) | extra for key in keys]
    return rows
