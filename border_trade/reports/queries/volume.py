"""Volumes read from the shipments: crossings (or goods lines) grouped by up to three dimensions, with totals.

This is the reading of history that the daily figures (queries/daily.py) replace for the days they hold;
`figures.volume` calls it for goods-line reports and for the days not folded yet (`Criteria.days`).
Trucks are truck trips: a plate crossing at a gate on a local day counts once; a shipment without a plate
counts on its own.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ...enums import Direction
from ...extensions import db
from ...shipments.models import Currency
from .base import (
    LINE_DIMENSIONS,
    TIME_DIMENSIONS,
    Aggregate,
    bucket,
    converted,
    dialect_name,
    local_day,
    rates_by_day,
    raw,
    t_gates,
    t_hs,
    t_items,
    t_products,
    t_provinces,
    t_shipments,
    tune_for_reports,
)


@dataclass(frozen=True)
class _Facts:
    """One crossed shipment (or goods line) per row, with its group keys and converted values."""

    subquery: sa.Subquery
    keys: tuple
    line_level: bool


def _facts(criteria, group_by, dialect):
    line_level = criteria.filters_lines or any(d in LINE_DIMENSIONS for d in group_by)
    s = t_shipments
    day = local_day(s.c.crossed_at, dialect)
    rates = rates_by_day(criteria.start, criteria.end, dialect)
    source = s.join(rates, rates.c.day == day)
    needs_product = line_level and ({"product_group", "ocop_stars"} & set(group_by) or criteria.product_group)
    needs_product = needs_product or criteria.ocop_stars
    if line_level:
        source = source.join(t_items, t_items.c.shipment_id == s.c.id)
        if needs_product:
            source = source.outerjoin(t_products, t_products.c.id == t_items.c.product_id)
        if "product_group" in group_by or criteria.product_group:
            source = source.outerjoin(t_hs, t_hs.c.code == t_items.c.hs_code)
    gates = t_gates.alias("g")
    former = t_provinces.alias("former")
    if "province" in group_by:
        source = source.join(gates, gates.c.id == s.c.gate_id)
        if criteria.province_as == "recorded":
            source = source.outerjoin(former, former.c.id == gates.c.former_province_id)

    def dimension(name):
        if name == "gate":
            return s.c.gate_id
        if name == "exporter":
            return s.c.organisation_id
        if name == "province":
            if criteria.province_as == "recorded":
                before_merger = sa.and_(former.c.valid_to.is_not(None), day <= former.c.valid_to)
                return sa.case((before_merger, gates.c.former_province_id), else_=gates.c.province_id)
            return gates.c.province_id
        if name in TIME_DIMENSIONS:
            return bucket(name, day, dialect)
        if name == "product_group":
            return sa.func.coalesce(t_products.c.ocop_group, t_hs.c.ocop_group)
        if name == "hs_chapter":
            return sa.func.substr(t_items.c.hs_code, 1, 2)
        if name == "ocop_stars":
            return t_products.c.ocop_stars
        if name == "product":
            return t_items.c.product_id
        if name in ("direction", "regime"):
            return s.c[name]
        raise ValueError(name)

    value = t_items.c.value if line_level else s.c.value
    vnd, usd = converted(value, s.c.currency, rates, dialect)
    columns = [raw(dimension(name)).label(f"k{i}") for i, name in enumerate(group_by)]
    columns += [
        s.c.id.label("shipment_id"),
        s.c.vehicle_plate.label("plate"),
        raw(s.c.gate_id).label("gate_id"),
        raw(t_items.c.gross_weight_kg if line_level else s.c.gross_weight_kg).label("gross"),
        raw(t_items.c.net_weight_kg if line_level else s.c.net_weight_kg).label("net"),
        raw(sa.case((rates.c.usd.is_not(None), vnd))).label("vnd"),
        raw(usd).label("usd"),
        raw(s.c.direction).label("direction"),
        # for the list of missing rates
        raw(s.c.currency).label("currency"),
        raw(rates.c.day).label("day"),
        raw(rates.c.usd).label("rate_usd"),
        raw(rates.c.khr).label("rate_khr"),
    ]
    first, after = criteria.utc_bounds()
    query = sa.select(*columns).select_from(source).where(s.c.crossed_at >= first, s.c.crossed_at < after)
    if criteria.gate_ids is not None:
        query = query.where(s.c.gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if criteria.days is not None:
        query = query.where(day.in_(sorted(criteria.days)) if criteria.days else sa.false())
    if criteria.exporter_id is not None:
        query = query.where(s.c.organisation_id == criteria.exporter_id)
    if criteria.direction:
        query = query.where(s.c.direction == criteria.direction)
    if criteria.regime:
        query = query.where(s.c.regime == criteria.regime)
    if criteria.product_group:
        query = query.where(dimension("product_group") == criteria.product_group)
    if criteria.ocop_stars:
        query = query.where(t_products.c.ocop_stars == criteria.ocop_stars)
    if criteria.hs_chapter:
        query = query.where(t_items.c.hs_code.startswith(criteria.hs_chapter))
    subquery = query.subquery("facts")
    keys = tuple(subquery.c[f"k{i}"] for i in range(len(group_by)))
    return _Facts(subquery, keys, line_level)


def _trip(f):
    """A truck trip's identity: local day, gate and plate (NULL without a plate)."""
    return sa.cast(f.day, sa.String).concat("|").concat(sa.cast(f.gate_id, sa.String)).concat("|").concat(f.plate)


def _measures(facts):
    f = facts.subquery.c
    if facts.line_level:
        shipments = sa.func.count(sa.distinct(f.shipment_id))
        plateless = sa.func.count(sa.distinct(sa.case((f.plate.is_(None), f.shipment_id))))
        missing = sa.func.count(sa.distinct(sa.case((f.usd.is_(None), f.shipment_id))))
    else:
        shipments = sa.func.count()
        plateless = sa.func.count() - sa.func.count(f.plate)
        missing = sa.func.count() - sa.func.count(f.usd)
    return [
        shipments.label("shipments"),
        (sa.func.count(sa.distinct(_trip(f))) + plateless).label("trucks"),
        sa.func.sum(f.gross).label("gross"),
        sa.func.sum(f.net).label("net"),
        sa.func.sum(f.vnd).label("vnd"),
        sa.func.sum(f.usd).label("usd"),
        missing.label("missing"),
        sa.func.sum(sa.case((f.direction == Direction.EXPORT.value, f.usd))).label("export_usd"),
        sa.func.sum(sa.case((f.direction == Direction.IMPORT.value, f.usd))).label("import_usd"),
    ]


def _aggregate(row, dialect):
    """Turn the raw sums of one result row into exact decimals (SQLite hands back scaled integers)."""

    def scaled(value, places):
        if value is None:
            return Decimal(0).scaleb(-places)
        if dialect == "postgresql":
            return Decimal(value).quantize(Decimal(1).scaleb(-places))
        return Decimal(int(value)).scaleb(-places)

    return Aggregate(
        shipments=row.shipments,
        trucks=row.trucks,
        gross_weight_kg=scaled(row.gross, 3),
        net_weight_kg=scaled(row.net, 3),
        value_vnd=scaled(row.vnd, 0),
        value_usd=scaled(row.usd, 2),
        missing=row.missing,
        export_usd=scaled(row.export_usd, 2),
        import_usd=scaled(row.import_usd, 2),
    )


def live_volume(criteria, group_by):
    """Return ([(keys, Aggregate)], totals Aggregate) of crossings matching `criteria`, grouped by `group_by`.

    Keys come back raw: ids for gate/exporter/province/product, a date for month/week/day (the first day
    of the period), codes or numbers for the goods attributes.
    """
    dialect = dialect_name()
    tune_for_reports()
    facts = _facts(criteria, group_by, dialect)
    measures = _measures(facts)
    if not group_by:
        totals = db.session.execute(sa.select(*measures)).one()
        return [], _aggregate(totals, dialect)
    if dialect == "postgresql":
        # one scan for the rows and the totals; GROUPING() tells the totals row apart
        query = sa.select(*facts.keys, *measures, sa.func.grouping(*facts.keys).label("is_total")).group_by(
            sa.func.grouping_sets(sa.tuple_(*facts.keys), sa.text("()"))
        )
        result = db.session.execute(query).all()
        rows = [r for r in result if not r.is_total]
        totals = next(r for r in result if r.is_total)
    else:
        rows = db.session.execute(sa.select(*facts.keys, *measures).group_by(*facts.keys)).all()
        totals = db.session.execute(sa.select(*measures)).one()
    n = len(group_by)
    return (
        [(tuple(row[:n]), _aggregate(row, dialect)) for row in rows],
        _aggregate(totals, dialect),
    )


def live_missing_rates(criteria):
    """Return sorted (day, currency) pairs on which crossings matching `criteria` lack an exchange rate."""
    facts = _facts(criteria, (), dialect_name()).subquery.c
    query = sa.select(facts.currency, facts.day, facts.rate_usd, facts.rate_khr).where(facts.usd.is_(None)).distinct()
    pairs = set()
    for currency, on, usd, khr in db.session.execute(query):
        on = on if isinstance(on, date) else date.fromisoformat(on)
        if usd is None:
            pairs.add((on, Currency.USD.value))
        if currency == Currency.KHR.value and khr is None:
            pairs.add((on, Currency.KHR.value))
    return sorted(pairs)
