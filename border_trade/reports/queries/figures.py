"""Volumes from the daily figures, exact at any moment: folded days from the figure tables, the rest from shipments.

Shipment-level reports (grouped by gate, province, month, week, day, exporter, direction or regime; filtered by
gates, exporter, direction, regime) read the figures. Goods-line reports (product group, HS chapter, OCOP stars,
product) count distinct shipments and trips across goods lines, which daily sums cannot give: they read the
shipments (volume.live_volume), as every report did before.

Reports that neither split nor filter by direction, regime or exporter (gate × month, province, totals) read one
row per gate and day (report_daily_trips: every measure and the trips of the day at the gate). The others read
one row per key (report_daily). Trucks are truck trips, a plate crossing at a gate on a local day counting once:
a trip belongs to one day, so days add up; within a (day, gate), keys do not, so the keys' trips are summed and,
for every plate that crossed in several keys of one (day, gate) (report_shared_trips), the keys it was counted
in twice are taken off.
"""

from dataclasses import replace
from decimal import Decimal

import sqlalchemy as sa

from ...enums import Direction
from ...extensions import db
from ...types import Money
from .base import TIME_DIMENSIONS, Aggregate, bucket, dialect_name, raw, t_gates, t_provinces
from .daily import as_date, t_daily, t_gate_days, t_shared, unfolded_days
from .volume import live_missing_rates, live_volume

# the keys of a report_daily row decide these; a gate's province is read now, as the shipments' reading does
SHIPMENT_DIMENSIONS = frozenset({"gate", "province", "month", "week", "day", "exporter", "direction", "regime"})

# these split a (day, gate)'s trips
KEY_DIMENSIONS = frozenset({"exporter", "direction", "regime"})


def answers_from_figures(criteria, group_by):
    return not criteria.filters_lines and set(group_by) <= SHIPMENT_DIMENSIONS and criteria.days is None


def volume(criteria, group_by):
    """Return ([(keys, Aggregate)], totals Aggregate), as live_volume does, from the figures where they hold."""
    group_by = tuple(group_by)
    if not answers_from_figures(criteria, group_by):
        return live_volume(criteria, group_by)
    unfolded = unfolded_days(criteria.start, criteria.end)
    rows, totals = _from_figures(criteria, group_by, unfolded)
    if unfolded:
        live = live_volume(_only(criteria, unfolded), group_by)
        rows, totals = _merge(rows, totals, live, group_by)
    return sorted(rows.items(), key=lambda item: repr(item[0])), totals


def missing_rates(criteria):
    """Return sorted (day, currency) pairs lacking a rate: only the days whose figures count such shipments are read."""
    if not answers_from_figures(criteria, ()):
        return live_missing_rates(criteria)
    unfolded = unfolded_days(criteria.start, criteria.end)
    d = t_daily
    query = _where(sa.select(d.c.day).where(d.c.missing > 0).distinct(), d, criteria, unfolded)
    days = {as_date(day) for day in db.session.scalars(query)} | unfolded
    return live_missing_rates(_only(criteria, days)) if days else []


def _only(criteria, days):
    return replace(criteria, start=min(days), end=max(days), days=frozenset(days))


def _key(values, group_by):
    return tuple(
        as_date(value) if name in TIME_DIMENSIONS and value is not None else value
        for name, value in zip(group_by, values, strict=True)
    )


def _merge(rows, totals, live, group_by):
    live_rows, live_totals = live
    for keys, aggregate in live_rows:
        key = _key(keys, group_by)
        rows[key] = _add(rows[key], aggregate) if key in rows else aggregate
    return rows, _add(totals, live_totals)


def _add(a, b):
    return Aggregate(
        shipments=a.shipments + b.shipments,
        trucks=a.trucks + b.trucks,
        gross_weight_kg=a.gross_weight_kg + b.gross_weight_kg,
        net_weight_kg=a.net_weight_kg + b.net_weight_kg,
        value_vnd=a.value_vnd + b.value_vnd,
        value_usd=a.value_usd + b.value_usd,
        missing=a.missing + b.missing,
        export_usd=a.export_usd + b.export_usd,
        import_usd=a.import_usd + b.import_usd,
    )


def _dimensions(table, criteria, dialect):
    """Return (source, {dimension: SQL}) over a figure table (its `day` and `gate_id` columns, and its keys)."""
    day = table.c.day
    gates = t_gates.alias("g")
    former = t_provinces.alias("former")
    source = table.join(gates, gates.c.id == table.c.gate_id)
    if criteria.province_as == "recorded":
        source = source.outerjoin(former, former.c.id == gates.c.former_province_id)
        before_merger = sa.and_(former.c.valid_to.is_not(None), day <= former.c.valid_to)
        province = sa.case((before_merger, gates.c.former_province_id), else_=gates.c.province_id)
    else:
        province = gates.c.province_id
    columns = {"gate": table.c.gate_id, "province": province}
    columns |= {name: bucket(name, day, dialect) for name in TIME_DIMENSIONS}
    if "organisation_id" in table.c:
        columns |= {"exporter": table.c.organisation_id, "direction": table.c.direction, "regime": table.c.regime}
    return source, columns


def _where(query, table, criteria, unfolded):
    query = query.where(table.c.day >= criteria.start, table.c.day <= criteria.end)
    if unfolded:
        query = query.where(table.c.day.not_in(sorted(unfolded)))
    if criteria.gate_ids is not None:
        query = query.where(table.c.gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if criteria.exporter_id is not None:
        query = query.where(table.c.organisation_id == criteria.exporter_id)
    if criteria.direction:
        query = query.where(table.c.direction == criteria.direction)
    if criteria.regime:
        query = query.where(table.c.regime == criteria.regime)
    return query


def _grouped(query, keys):
    """Run a grouped query and its ungrouped twin: ({keys: row}, totals row)."""
    rows = {}
    if keys:
        for row in db.session.execute(query.add_columns(*keys).group_by(*keys)):
            rows[tuple(row[-len(keys) :])] = row
    return rows, db.session.execute(query).one()


def _money(expression):
    return sa.type_coerce(sa.func.sum(expression), Money())


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
    source, columns = _dimensions(table, criteria, dialect)
    keys = [raw(columns[name]) for name in group_by]
    if splits:
        export_usd = sa.case((table.c.direction == Direction.EXPORT.value, table.c.value_usd))
        import_usd = sa.case((table.c.direction == Direction.IMPORT.value, table.c.value_usd))
    else:
        export_usd, import_usd = table.c.export_usd, table.c.import_usd
    measures = sa.select(
        sa.func.coalesce(sa.func.sum(table.c.shipments), 0).label("shipments"),
        sa.func.coalesce(sa.func.sum(table.c.trips), 0).label("trips"),
        sa.type_coerce(sa.func.sum(table.c.gross_weight_kg), table.c.gross_weight_kg.type).label("gross"),
        sa.type_coerce(sa.func.sum(table.c.net_weight_kg), table.c.net_weight_kg.type).label("net"),
        _money(table.c.value_vnd).label("vnd"),
        _money(table.c.value_usd).label("usd"),
        sa.func.coalesce(sa.func.sum(table.c.missing), 0).label("missing"),
        _money(export_usd).label("export_usd"),
        _money(import_usd).label("import_usd"),
    ).select_from(source)
    rows, totals = _grouped(_where(measures, table, criteria, unfolded), keys)
    twice, twice_in_totals = _shared(criteria, group_by, unfolded, dialect) if splits else ({}, 0)
    result = {_key(key, group_by): _aggregate(row, row.trips - twice.get(key, 0)) for key, row in rows.items()}
    return result, _aggregate(totals, totals.trips - twice_in_totals)


def _shared(criteria, group_by, unfolded, dialect):
    """Return ({keys: trips counted twice}, in the totals): per row, each shared plate's keys in it less one."""
    s = t_shared
    source, columns = _dimensions(s, criteria, dialect)
    keys = [raw(columns[name]) for name in group_by]
    trip = sa.cast(s.c.day, sa.String).concat("|").concat(sa.cast(s.c.gate_id, sa.String)).concat("|").concat(s.c.plate)
    twice = (sa.func.count() - sa.func.count(sa.distinct(trip))).label("twice")
    rows, totals = _grouped(_where(sa.select(twice).select_from(source), s, criteria, unfolded), keys)
    return {key: row.twice for key, row in rows.items()}, totals.twice or 0


def _aggregate(row, trucks):
    def amount(value, places):
        return (value if value is not None else Decimal(0)).quantize(Decimal(1).scaleb(-places))

    return Aggregate(
        shipments=int(row.shipments),
        trucks=int(trucks),
        gross_weight_kg=amount(row.gross, 3),
        net_weight_kg=amount(row.net, 3),
        value_vnd=amount(row.vnd, 0),
        value_usd=amount(row.usd, 2),
        missing=int(row.missing),
        export_usd=amount(row.export_usd, 2),
        import_usd=amount(row.import_usd, 2),
    )
