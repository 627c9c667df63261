"""Volumes grouped or filtered by a goods attribute, from the daily goods figures of the folded days.

The goods figures hold one row per local day and goods key (the shipment's gate, direction, regime and exporter,
the line's product, HS code and unit). The product group (the product's OCOP group, else the HS code's), the OCOP
stars and the HS chapter are read from the catalogue and the key when the report runs, as the goods lines'
reading does. Weights and values add up over keys. Shipments, shipments without a rate and truck trips are
distinct counts: a row sums its keys' counts and takes off, for every shipment listed in
report_goods_shared_shipments (for every plate listed in report_goods_shared_trips) the keys of the row it was
counted in more than once.
"""

import sqlalchemy as sa

from ...enums import Direction
from ...extensions import db
from .base import dialect_name, raw, t_hs, t_products
from .daily import as_date
from .figure_sql import aggregate, count, dimensions, grouped, key_of, measures, trip, where
from .goods_daily import t_goods, t_goods_shipments, t_goods_trips


def goods_dimensions(table, criteria, group_by, dialect):
    """Return (source, {dimension: SQL}) over a goods table: the shipment's dimensions and the goods attributes."""
    source, columns = dimensions(table, criteria, dialect)
    wanted = set(group_by)
    products, hs = t_products.alias("p"), t_hs.alias("h")
    if wanted & {"product_group", "ocop_stars"} or criteria.product_group or criteria.ocop_stars:
        source = source.outerjoin(products, products.c.id == table.c.product_id)
    if "product_group" in wanted or criteria.product_group:
        source = source.outerjoin(hs, hs.c.code == table.c.hs_code)
    columns |= {
        "product_group": sa.func.coalesce(products.c.ocop_group, hs.c.ocop_group),
        "hs_chapter": sa.func.substr(table.c.hs_code, 1, 2),
        "ocop_stars": products.c.ocop_stars,
        "product": table.c.product_id,
    }
    return source, columns


def goods_where(query, table, criteria, unfolded, columns):
    """`where`, and the goods filters: product group, OCOP stars, HS chapter (a prefix of the line's HS code)."""
    query = where(query, table, criteria, unfolded)
    if criteria.product_group:
        query = query.where(columns["product_group"] == criteria.product_group)
    if criteria.ocop_stars:
        query = query.where(columns["ocop_stars"] == criteria.ocop_stars)
    if criteria.hs_chapter:
        query = query.where(table.c.hs_code.startswith(criteria.hs_chapter))
    return query


def _read(table, criteria, group_by, unfolded, dialect, *selected):
    source, columns = goods_dimensions(table, criteria, group_by, dialect)
    keys = [raw(columns[name]) for name in group_by]
    query = goods_where(sa.select(*selected).select_from(source), table, criteria, unfolded, columns)
    return grouped(query, keys)


def goods_from_figures(criteria, group_by, unfolded):
    """Sum the goods figures of the folded days, grouped by `group_by`: ({keys: Aggregate}, totals Aggregate)."""
    dialect = dialect_name()
    g = t_goods
    export_usd = sa.case((g.c.direction == Direction.EXPORT.value, g.c.value_usd))
    import_usd = sa.case((g.c.direction == Direction.IMPORT.value, g.c.value_usd))
    rows, totals = _read(g, criteria, group_by, unfolded, dialect, *measures(g, export_usd, import_usd))
    twice, twice_in_totals = _twice(criteria, group_by, unfolded, dialect)
    result = {key_of(key, group_by): _corrected(row, twice.get(key)) for key, row in rows.items()}
    return result, _corrected(totals, twice_in_totals)


def _corrected(row, twice):
    shipments, trips, missing = twice or (0, 0, 0)
    return aggregate(row, trucks=row.trips - trips, shipments=row.shipments - shipments, missing=row.missing - missing)


def _less_distinct(condition, shipment_id):
    """Rows of the condition less their distinct shipments: the times a shipment was counted again."""
    return count(sa.case((condition, 1), else_=0)) - sa.func.count(sa.distinct(sa.case((condition, shipment_id))))


def _twice(criteria, group_by, unfolded, dialect):
    """Return ({keys: (shipments, trips, missing) counted twice}, the same for the totals)."""
    s, t = t_goods_shipments, t_goods_trips
    shipments = (sa.func.count() - sa.func.count(sa.distinct(s.c.shipment_id))).label("shipments")
    missing = _less_distinct(s.c.missing == sa.true(), s.c.shipment_id).label("missing")
    plateless = _less_distinct(s.c.plate.is_(None), s.c.shipment_id).label("plateless")
    rows, totals = _read(s, criteria, group_by, unfolded, dialect, shipments, missing, plateless)
    plates = (sa.func.count() - sa.func.count(sa.distinct(trip(t)))).label("plates")
    trip_rows, trip_totals = _read(t, criteria, group_by, unfolded, dialect, plates)

    def merged(shared, trips):
        shared_counts = (shared.shipments, shared.plateless, shared.missing) if shared is not None else (0, 0, 0)
        return (
            int(shared_counts[0] or 0),
            int(shared_counts[1] or 0) + int(trips.plates if trips is not None else 0),
            int(shared_counts[2] or 0),
        )

    keys = set(rows) | set(trip_rows)
    return {key: merged(rows.get(key), trip_rows.get(key)) for key in keys}, merged(totals, trip_totals)


def goods_missing_days(criteria, unfolded):
    """Return the folded days whose goods figures, filtered as the criteria say, count shipments without a rate."""
    g = t_goods
    source, columns = goods_dimensions(g, criteria, (), dialect_name())
    query = sa.select(g.c.day).select_from(source).where(g.c.missing > 0).distinct()
    return {as_date(day) for day in db.session.scalars(goods_where(query, g, criteria, unfolded, columns))}
