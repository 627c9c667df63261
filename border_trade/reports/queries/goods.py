"""Goods of crossed shipments per gate, regime, direction, trader, HS code and unit, for the department's monthly
report (headings I–V).

Each row sums the goods lines of its key: quantity, shipments and shipments without a rate (distinct counts within
the key), and the lines' USD values at the crossing day's rates with each shipment's rounding remainder (between
its lines' conversions and its own, as `/reports/volume` converts it) on its largest line, so the goods rows add up
to the totals to the cent. The folded days are read from the daily goods figures, the others from the goods lines
(computed as the fold does). Shipments in several keys are listed in `shared` once per key of their set of keys,
with how many they are, so a coarser tally takes off the keys they were counted in more than once.
"""

from collections import namedtuple
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from ...extensions import db
from .base import tune_for_reports
from .daily import unfolded_days
from .figure_sql import count, where
from .goods_daily import compute_goods_days, t_goods, t_goods_shipments

TradeKey = namedtuple("TradeKey", "gate_id regime direction organisation_id hs_code unit")


@dataclass
class TradeGoods:
    """{TradeKey: {quantity, value_usd, shipments, missing}}, and [(set id, TradeKey, shipments, missing)]."""

    rows: dict = field(default_factory=dict)
    shared: list = field(default_factory=list)

    def add(self, key, quantity, value_usd, shipments, missing):
        row = self.rows.setdefault(key, {"quantity": Decimal("0.000"), "value_usd": Decimal("0.00")})
        row["quantity"] += quantity
        row["value_usd"] += value_usd
        row["shipments"] = row.get("shipments", 0) + shipments
        row["missing"] = row.get("missing", 0) + missing


def trade_goods(criteria):
    """Return the TradeGoods of the shipments that crossed in `criteria`'s days and gates (and direction)."""
    tune_for_reports()
    unfolded = unfolded_days(criteria.start, criteria.end)
    goods = _from_figures(criteria, unfolded)
    if unfolded:
        live = compute_goods_days(unfolded, source="shipments", gate_ids=criteria.gate_ids)
        for key, measures in live.rows.items():
            if not criteria.direction or key[2] == criteria.direction:
                goods.add(_trade_key(*key[1:]), *(measures[name] for name in MEASURES))
        for (day, keys), (shipments, missing, _plateless) in live.shipments.items():
            for key in keys:
                if not criteria.direction or key[2] == criteria.direction:
                    goods.shared.append(((day, keys), _trade_key(*key[1:]), shipments, missing))
    return goods


MEASURES = ("quantity", "value_usd_allotted", "shipments", "missing")


def _trade_key(gate_id, direction, regime, organisation_id, _product_id, hs_code, unit):
    return TradeKey(gate_id, regime, direction, organisation_id, hs_code, unit)


def _from_figures(criteria, unfolded):
    g, s = t_goods, t_goods_shipments
    goods = TradeGoods()
    keys = [g.c[name] for name in TradeKey._fields]
    sums = [
        sa.type_coerce(sa.func.sum(g.c.quantity), g.c.quantity.type),
        sa.type_coerce(sa.func.sum(g.c.value_usd_allotted), g.c.value_usd_allotted.type),
        count(g.c.shipments),
        count(g.c.missing),
    ]
    query = where(sa.select(*keys, *sums), g, criteria, unfolded).group_by(*keys)
    for row in db.session.execute(query):
        quantity, value_usd, shipments, missing = row[len(keys) :]
        goods.add(TradeKey(*row[: len(keys)]), quantity, value_usd, int(shipments), int(missing))
    shared = sa.select(*(s.c[name] for name in TradeKey._fields), s.c.day, s.c.set_no, s.c.shipments, s.c.missing)
    for row in db.session.execute(where(shared, s, criteria, unfolded)):
        set_id = (row.day, row.set_no)
        goods.shared.append((set_id, TradeKey(*row[: len(keys)]), row.shipments, row.missing))
    return goods
