"""Volumes from the daily figures, exact at any moment: folded days from the figure tables, the rest from shipments.

Shipment-level reports (grouped by gate, province, month, week, day, exporter, direction or regime; filtered by
gates, exporter, direction, regime) read the shipment figures. Goods-line reports (grouped or filtered by product
group, HS chapter, OCOP stars or product) read the goods figures (goods_figures.py). Both read the days not folded
yet from the shipments (volume.live_volume restricted to those days) and add them.

Reports that neither split nor filter by direction, regime or exporter (gate × month, province, totals) read one
row per gate and day (report_daily_trips: every measure and the trips of the day at the gate). The others read
one row per key (report_daily). Trucks are truck trips, a plate crossing at a gate on a local day counting once:
a trip belongs to one day, so days add up; within a (day, gate), keys do not, so the keys' trips are summed and,
for every plate that crossed in several keys of one (day, gate) (report_shared_trips), the keys it was counted
in twice are taken off.
"""

import sqlalchemy as sa

from ...enums import Direction
from ...extensions import db
from .base import DIMENSIONS, LINE_DIMENSIONS, dialect_name, raw
from .daily import as_date, t_daily, t_gate_days, t_shared, unfolded_days
from .figure_sql import aggregate, dimensions, grouped, key_of, measures, merge, only, trip, where
from .goods_figures import goods_from_figures, goods_missing_days
from .volume import live_missing_rates, live_volume

# the keys of a report_daily row decide these; a gate's province is read now, as the shipments' reading does
SHIPMENT_DIMENSIONS = frozenset({"gate", "province", "month", "week", "day", "exporter", "direction", "regime"})

# these split a (day, gate)'s trips
KEY_DIMENSIONS = frozenset({"exporter", "direction", "regime"})


def answers_from_figures(criteria, group_by):
    return set(group_by) <= set(DIMENSIONS) and criteria.days is None


def line_level(criteria, group_by):
    """Tell whether a report measures goods lines (grouped or filtered by a goods attribute)."""
    return criteria.filters_lines or bool(set(group_by) & LINE_DIMENSIONS)


def volume(criteria, group_by):
    """Return ([(keys, Aggregate)], totals Aggregate), as live_volume does, from the figures where they hold."""
    group_by = tuple(group_by)
    if not answers_from_figures(criteria, group_by):
        return live_volume(criteria, group_by)
    unfolded = unfolded_days(criteria.start, criteria.end)
    if line_level(criteria, group_by):
        rows, totals = goods_from_figures(criteria, group_by, unfolded)
    else:
        rows, totals = _from_figures(criteria, group_by, unfolded)
    if unfolded:
        live = live_volume(only(criteria, unfolded), group_by)
        rows, totals = merge(rows, totals, live, group_by)
    return sorted(rows.items(), key=lambda item: repr(item[0])), totals


def missing_rates(criteria):
    """Return sorted (day, currency) pairs lacking a rate: only the days whose figures count such shipments are read."""
    if not answers_from_figures(criteria, ()):
        return live_missing_rates(criteria)
    unfolded = unfolded_days(criteria.start, criteria.end)
    if criteria.filters_lines:
        days = goods_missing_days(criteria, unfolded)
    else:
        d = t_daily
        query = where(sa.select(d.c.day).where(d.c.missing > 0).distinct(), d, criteria, unfolded)
        days = {as_date(day) for day in db.session.scalars(query)}
    days |= unfolded
    return live_missing_rates(only(criteria, days)) if days else []


def _splits(criteria, group_by):
    """Tell whether a report splits a (day, gate) by direction, regime or exporter (grouping or filter)."""
    return bool(set(group_by) & KEY_DIMENSIONS or criteria.exporter_id is not None or criteria.direction) or bool(
        criteria.regime
    )


def _from_figures(criteria, group_by, unfolded):
    """Sum the figures of the folded days: whole (day, gate) rows, or the keys' rows when the report splits."""
    dialect = dialect_name()
    splits = _splits(criteria, group_by)
    table = t_daily if splits else t_gate_days
    source, columns = dimensions(table, criteria, dialect)
    keys = [raw(columns[name]) for name in group_by]
    if splits:
        export_usd = sa.case((table.c.direction == Direction.EXPORT.value, table.c.value_usd))
        import_usd = sa.case((table.c.direction == Direction.IMPORT.value, table.c.value_usd))
    else:
        export_usd, import_usd = table.c.export_usd, table.c.import_usd
    query = sa.select(*measures(table, export_usd, import_usd)).select_from(source)
    rows, totals = grouped(where(query, table, criteria, unfolded), keys)
    twice, twice_in_totals = _shared(criteria, group_by, unfolded, dialect) if splits else ({}, 0)
    result = {key_of(key, group_by): aggregate(row, trucks=row.trips - twice.get(key, 0)) for key, row in rows.items()}
    return result, aggregate(totals, trucks=totals.trips - twice_in_totals)


def _shared(criteria, group_by, unfolded, dialect):
    """Return ({keys: trips counted twice}, in the totals): per row, each shared plate's keys in it less one."""
    s = t_shared
    source, columns = dimensions(s, criteria, dialect)
    keys = [raw(columns[name]) for name in group_by]
    twice = (sa.func.count() - sa.func.count(sa.distinct(trip(s)))).label("twice")
    rows, totals = grouped(where(sa.select(twice).select_from(source), s, criteria, unfolded), keys)
    return {key: row.twice for key, row in rows.items()}, totals.twice or 0
