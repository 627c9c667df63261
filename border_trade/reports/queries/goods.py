"""Goods lines of crossed shipments, one row each, for the department's monthly report (headings I–V).

Each row carries its shipment's keys (gate, regime, direction, organisation), the line's HS code, unit and
quantity, and two conversions at the crossing day's rates: the line's own value and its shipment's whole value
(as `/reports/volume` converts it). The service sums the shipments' values for the totals, so these equal
the volume report's, and gives each shipment's rounding remainder to its largest line, so the goods rows add
up to the totals to the cent.
"""

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from ...extensions import db
from .base import converted, dialect_name, local_day, rates_by_day, raw, t_items, t_shipments, tune_for_reports


@dataclass(frozen=True)
class GoodsFact:
    shipment_id: int
    organisation_id: int
    gate_id: int
    regime: str
    direction: str
    hs_code: str
    unit: str
    quantity: Decimal
    line_usd: Decimal | None  # None: no exchange rate for the crossing day
    shipment_usd: Decimal | None


def goods_lines(criteria):
    """Return a GoodsFact for every goods line of the shipments that crossed in `criteria`'s days and gates."""
    dialect = dialect_name()
    tune_for_reports()
    s, i = t_shipments, t_items
    day = local_day(s.c.crossed_at, dialect)
    rates = rates_by_day(criteria.start, criteria.end, dialect)
    _line_vnd, line_usd = converted(i.c.value, s.c.currency, rates, dialect)
    _vnd, shipment_usd = converted(s.c.value, s.c.currency, rates, dialect)
    first, after = criteria.utc_bounds()
    query = (
        sa.select(
            s.c.id,
            s.c.organisation_id,
            s.c.gate_id,
            raw(s.c.regime),
            raw(s.c.direction),
            i.c.hs_code,
            i.c.unit,
            i.c.quantity,
            raw(line_usd),
            raw(shipment_usd),
        )
        .select_from(s.join(rates, rates.c.day == day).join(i, i.c.shipment_id == s.c.id))
        .where(s.c.crossed_at >= first, s.c.crossed_at < after)
        .order_by(s.c.id, i.c.position)
    )
    if criteria.gate_ids is not None:
        query = query.where(s.c.gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if criteria.direction:
        query = query.where(s.c.direction == criteria.direction)
    return [
        GoodsFact(
            shipment_id=row[0],
            organisation_id=row[1],
            gate_id=row[2],
            regime=row[3],
            direction=row[4],
            hs_code=row[5],
            unit=row[6],
            quantity=row[7],
            line_usd=None if row[8] is None else _scaled(row[8], 2, dialect),
            shipment_usd=None if row[9] is None else _scaled(row[9], 2, dialect),
        )
        for row in db.session.execute(query)
    ]


def _scaled(value, places, dialect):
    """SQLite hands back money in integer cents, PostgreSQL decimals."""
    if dialect == "postgresql":
        return Decimal(value).quantize(Decimal(1).scaleb(-places))
    return Decimal(int(value)).scaleb(-places)
