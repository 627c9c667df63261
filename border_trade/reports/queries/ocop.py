"""OCOP goods lines of crossed exports: by the province the product comes from, its stars, the product, the gate.

Lines of exported shipments whose product carries OCOP stars, counted on the crossing day (Asia/Ho_Chi_Minh),
each line's value converted at that day's rates exactly as `/reports/volume` converts a goods line, so the sums
equal the volume report's OCOP rows. The origin is the product's province, as recorded on the product or
followed through the 2025 mergers to the province that holds it today (`province_as=current`).
"""

from decimal import Decimal

import sqlalchemy as sa

from ...enums import Direction
from ...extensions import db
from ...gates.models import Province
from .base import (
    converted,
    dialect_name,
    local_day,
    rates_by_day,
    raw,
    t_items,
    t_products,
    t_shipments,
    tune_for_reports,
)

OCOP_DIMENSIONS = ("origin_province", "ocop_stars", "product", "gate")


def current_province_map():
    """Return {province id: id of the province holding its territory today} for every merged province."""
    provinces = db.session.scalars(sa.select(Province).where(Province.successor_id.is_not(None)))
    return {province.id: province.current().id for province in provinces}


def _origin(province_as):
    column = t_products.c.province_id
    if province_as == "recorded":
        return column
    mapping = current_province_map()
    return sa.case(mapping, value=column, else_=column) if mapping else column


def _facts(criteria, province_as, origin_ids, gate_origin_ids):
    """One row per OCOP goods line: keys, shipment, product, value in USD cents (None without a rate)."""
    dialect = dialect_name()
    s = t_shipments
    day = local_day(s.c.crossed_at, dialect)
    rates = rates_by_day(criteria.start, criteria.end, dialect)
    source = (
        s.join(rates, rates.c.day == day)
        .join(t_items, t_items.c.shipment_id == s.c.id)
        .join(t_products, t_products.c.id == t_items.c.product_id)
    )
    origin = _origin(province_as)
    _vnd, usd = converted(t_items.c.value, s.c.currency, rates, dialect)
    first, after = criteria.utc_bounds()
    query = (
        sa.select(
            raw(origin).label("origin_province"),
            raw(t_products.c.ocop_stars).label("ocop_stars"),
            raw(t_items.c.product_id).label("product"),
            raw(s.c.gate_id).label("gate"),
            s.c.id.label("shipment_id"),
            raw(usd).label("usd"),
        )
        .select_from(source)
        .where(
            s.c.crossed_at >= first,
            s.c.crossed_at < after,
            s.c.direction == Direction.EXPORT.value,
            t_products.c.ocop_stars.is_not(None),
        )
    )
    if criteria.gate_ids is not None:
        query = query.where(s.c.gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if origin_ids is not None:
        query = query.where(origin.in_(sorted(origin_ids)) if origin_ids else sa.false())
    if gate_origin_ids is not None:
        query = query.where(s.c.gate_id.in_(sorted(gate_origin_ids)) if gate_origin_ids else sa.false())
    return query.subquery("ocop_facts"), dialect


def _usd(value, dialect):
    if value is None:
        return Decimal("0.00")
    if dialect == "postgresql":
        return Decimal(value).quantize(Decimal("0.01"))
    return Decimal(int(value)).scaleb(-2)


def ocop_lines(criteria, group_by, *, province_as="current", origin_ids=None, gate_ids_also=None):
    """Return ([(keys, shipments, value_usd, products)], totals (shipments, value_usd, products), exported ids).

    `origin_ids`: only products from these provinces (ids as `province_as` reads them; None: every origin);
    `gate_ids_also`: a further set of gates to keep (the linkage group's), on top of the criteria's scope.
    """
    tune_for_reports()
    facts, dialect = _facts(criteria, province_as, origin_ids, gate_ids_also)
    f = facts.c
    measures = [
        sa.func.count(sa.distinct(f.shipment_id)).label("shipments"),
        sa.func.sum(f.usd).label("usd"),
        sa.func.count(sa.distinct(f.product)).label("products"),
    ]
    keys = [f[name] for name in group_by]
    rows = []
    total = None
    n = len(keys)
    if keys and dialect == "postgresql":
        # one pass over the goods lines for the rows and the totals (the home page asks for both; #19)
        query = sa.select(*keys, *measures, sa.func.grouping(*keys).label("is_total")).group_by(
            sa.func.grouping_sets(sa.tuple_(*keys), sa.text("()"))
        )
        for row in db.session.execute(query):
            if row.is_total:
                total = row
            else:
                rows.append((tuple(row[:n]), row.shipments, _usd(row.usd, dialect), row.products))
    elif keys:
        for row in db.session.execute(sa.select(*keys, *measures).group_by(*keys)):
            rows.append((tuple(row[:n]), row.shipments, _usd(row.usd, dialect), row.products))
    if total is None:
        total = db.session.execute(sa.select(*measures)).one()
    if "product" in group_by:  # the rows name every product exported already
        exported = {keys_[group_by.index("product")] for keys_, *_measures in rows}
    else:
        exported = set(db.session.scalars(sa.select(f.product).distinct()))
    exported.discard(None)
    return rows, (total.shipments, _usd(total.usd, dialect), total.products), exported


def registered_ocop_products(origin_ids, province_as="current"):
    """Return the ids of the OCOP products (stars, not archived) from these provinces (None: from anywhere)."""
    query = sa.select(t_products.c.id).where(t_products.c.ocop_stars.is_not(None), t_products.c.is_archived.is_(False))
    if origin_ids is not None:
        origin = _origin(province_as)
        query = query.where(origin.in_(sorted(origin_ids)) if origin_ids else sa.false())
    return set(db.session.scalars(query))
