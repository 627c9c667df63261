"""Volumes grouped or filtered by a goods attribute, from the daily goods figures of the folded days.

The goods figures hold one row per local day and goods key (the shipment's gate, direction, regime and exporter,
the line's product, HS code and unit). The product group (the product's OCOP group, else the HS code's), the OCOP
stars and the HS chapter are read from the catalogue and the key when the report runs, as the goods lines'
reading does. Weights and values add up over keys. Shipments, shipments without a rate and truck trips are
distinct counts: a row sums its keys' counts and takes off, for every set of keys that shipments
(report_goods_shared_shipments) or plates (report_goods_shared_trips) fall in exactly, the keys of the row they
were counted in more than once, times how many they are.
"""

import sqlalchemy as sa

from ...enums import Direction
from ...extensions import db
from .base import dialect_name, raw, t_hs, t_products
from .daily import as_date
from .figure_sql import aggregate, dimensions, grouped, key_of, measures, set_duplicates, where
from .goods_daily import SHIPMENT_COUNTS, TRIP_COUNTS, t_goods, t_goods_shipments, t_goods_trips


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


def _twice(criteria, group_by, unfolded, dialect):
    """Return ({keys: (shipments, trips, missing) counted twice}, the same for the totals)."""
    shipments = _duplicates(t_goods_shipments, SHIPMENT_COUNTS, criteria, group_by, unfolded, dialect)
    trips = _duplicates(t_goods_trips, TRIP_COUNTS, criteria, group_by, unfolded, dialect)

    def merged(shared, plates):
        shipments, missing, plateless = (shared.shipments, shared.missing, shared.plateless) if shared else (0, 0, 0)
        return int(shipments), int(plateless) + int(plates.plates if plates else 0), int(missing)

    keys = set(shipments[0]) | set(trips[0])
    rows = {key: merged(shipments[0].get(key), trips[0].get(key)) for key in keys}
    return rows, merged(shipments[1], trips[1])


def _duplicates(table, counts, criteria, group_by, unfolded, dialect):
    source, columns = goods_dimensions(table, criteria, group_by, dialect)
    keys = [raw(columns[name]) for name in group_by]

    def keep(query):
        return goods_where(query.select_from(source), table, criteria, unfolded, columns)

    return set_duplicates(table, keys, counts, keep)


def goods_missing_days(criteria, unfolded):
    """Return the folded days whose goods figures, filtered as the criteria say, count shipments without a rate."""
    g = t_goods
    source, columns = goods_dimensions(g, criteria, (), dialect_name())
    query = sa.select(g.c.day).select_from(source).where(g.c.missing > 0).distinct()
    return {as_date(day) for day in db.session.scalars(goods_where(query, g, criteria, unfolded, columns))}
