"""OCOP goods lines of crossed exports: by the province the product comes from, its stars, the product, the gate.

Lines of exported shipments whose product carries OCOP stars, counted on the crossing day (Asia/Ho_Chi_Minh),
each line's value converted at that day's rates exactly as `/reports/volume` converts a goods line, so the sums
equal the volume report's OCOP rows. The origin is the product's province, as recorded on the product or
followed through the 2025 mergers to the province that holds it today (`province_as=current`).
"""

from dataclasses import dataclass, field
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
from .daily import unfolded_days
from .figure_sql import count, grouped, money, only, set_duplicates, where
from .goods_daily import t_goods, t_goods_shipments

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
    if criteria.days is not None:
        query = query.where(day.in_(sorted(criteria.days)) if criteria.days else sa.false())
    return query.subquery("ocop_facts"), dialect


def _usd(value, dialect):
    if value is None:
        return Decimal("0.00")
    if dialect == "postgresql":
        return Decimal(value).quantize(Decimal("0.01"))
    return Decimal(int(value)).scaleb(-2)


@dataclass
class _Part:
    """OCOP figures of some days: {keys: [shipments, value_usd]}, {keys: products}, and the same for the totals."""

    rows: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    totals: list = field(default_factory=lambda: [0, Decimal("0.00")])
    exported: set = field(default_factory=set)

    def add(self, other):
        for key, (shipments, usd) in other.rows.items():
            row = self.rows.setdefault(key, [0, Decimal("0.00")])
            row[0], row[1] = row[0] + shipments, row[1] + usd
        for key, products in other.products.items():
            self.products.setdefault(key, set()).update(products)
        self.totals = [self.totals[0] + other.totals[0], self.totals[1] + other.totals[1]]
        self.exported |= other.exported
        return self


def ocop_lines(criteria, group_by, *, province_as="current", origin_ids=None, gate_ids_also=None):
    """Return ([(keys, shipments, value_usd, products)], totals (shipments, value_usd, products), exported ids).

    `origin_ids`: only products from these provinces (ids as `province_as` reads them; None: every origin);
    `gate_ids_also`: a further set of gates to keep (the linkage group's), on top of the criteria's scope.
    The folded days are read from the daily goods figures, the others from the goods lines.
    """
    tune_for_reports()
    group_by = tuple(group_by)
    filters = (group_by, province_as, origin_ids, gate_ids_also)
    if criteria.days is not None:
        part = _live(criteria, *filters)
    else:
        unfolded = unfolded_days(criteria.start, criteria.end)
        part = _from_figures(criteria, unfolded, *filters)
        if unfolded:
            part.add(_live(only(criteria, unfolded), *filters))
    rows = [(key, shipments, usd, len(part.products.get(key, ()))) for key, (shipments, usd) in part.rows.items()]
    rows.sort(key=lambda row: repr(row[0]))
    exported = part.exported - {None}
    return rows, (part.totals[0], part.totals[1], len(exported)), exported


def _grouped_part(measures_query, pairs_query, keys, amount):
    """Run the measures grouped by the keys and in total, and the distinct (keys, product) pairs: a _Part."""
    part = _Part()
    n = len(keys)
    rows, totals = grouped(measures_query, keys)
    part.rows = {key: [int(row.shipments or 0), amount(row.usd)] for key, row in rows.items()}
    part.totals = [int(totals.shipments or 0), amount(totals.usd)]
    for row in db.session.execute(pairs_query.distinct()):
        part.products.setdefault(tuple(row[:n]), set()).add(row[-1])
        part.exported.add(row[-1])
    return part


def _live(criteria, group_by, province_as, origin_ids, gate_origin_ids):
    facts, dialect = _facts(criteria, province_as, origin_ids, gate_origin_ids)
    f = facts.c
    keys = [f[name] for name in group_by]
    measures = sa.select(sa.func.count(sa.distinct(f.shipment_id)).label("shipments"), sa.func.sum(f.usd).label("usd"))
    return _grouped_part(measures, sa.select(*keys, f.product), keys, lambda value: _usd(value, dialect))


def _from_figures(criteria, unfolded, group_by, province_as, origin_ids, gate_origin_ids):
    """Sum the OCOP exports of the folded days from the goods figures; shipments in several keys counted once."""
    g, s = t_goods, t_goods_shipments
    origin = _origin(province_as)
    filters = (criteria, unfolded, origin, origin_ids, gate_origin_ids)
    measures = sa.select(count(g.c.shipments).label("shipments"), money(g.c.value_usd).label("usd"))
    keys = _figure_keys(g, group_by, origin)
    pairs = sa.select(*keys, g.c.product_id)
    part = _grouped_part(_kept(measures, g, *filters), _kept(pairs, g, *filters), keys, _amount)
    rows, totals = set_duplicates(
        s, _figure_keys(s, group_by, origin), ("shipments",), lambda query: _kept(query, s, *filters)
    )
    for key, row in rows.items():
        part.rows[key][0] -= int(row.shipments)
    part.totals[0] -= int(totals.shipments)
    return part


def _figure_keys(table, group_by, origin):
    columns = {
        "origin_province": origin,
        "ocop_stars": t_products.c.ocop_stars,
        "product": table.c.product_id,
        "gate": table.c.gate_id,
    }
    return [raw(columns[name]) for name in group_by]


def _kept(query, table, criteria, unfolded, origin, origin_ids, gate_origin_ids):
    """A query over a goods table kept to the folded days, the criteria, OCOP products and the origins and gates."""
    query = query.select_from(table.join(t_products, t_products.c.id == table.c.product_id))
    query = where(query, table, criteria, unfolded).where(t_products.c.ocop_stars.is_not(None))
    if origin_ids is not None:
        query = query.where(origin.in_(sorted(origin_ids)) if origin_ids else sa.false())
    if gate_origin_ids is not None:
        query = query.where(table.c.gate_id.in_(sorted(gate_origin_ids)) if gate_origin_ids else sa.false())
    return query


def _amount(value):
    return (value if value is not None else Decimal(0)).quantize(Decimal("0.01"))


def registered_ocop_products(origin_ids, province_as="current"):
    """Return the ids of the OCOP products (stars, not archived) from these provinces (None: from anywhere)."""
    query = sa.select(t_products.c.id).where(t_products.c.ocop_stars.is_not(None), t_products.c.is_archived.is_(False))
    if origin_ids is not None:
        origin = _origin(province_as)
        query = query.where(origin.in_(sorted(origin_ids)) if origin_ids else sa.false())
    return set(db.session.scalars(query))
