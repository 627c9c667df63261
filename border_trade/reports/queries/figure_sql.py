"""SQL over the figure tables shared by the shipment-level and the goods readings: dimensions, filters, sums.

A figure table has a `day` and a `gate_id` column, and (report_daily, the goods tables and their shared rows) the
keys `direction`, `regime` and `organisation_id`. The province, month, week and day are read from the gate and
the day when the report runs, with the same SQL as the shipments' reading.
"""

from dataclasses import replace
from decimal import Decimal

import sqlalchemy as sa

from ...extensions import db
from ...types import Money
from .base import TIME_DIMENSIONS, Aggregate, bucket, t_gates, t_provinces
from .daily import as_date


def only(criteria, days):
    """The criteria restricted to some days of the period (the unfolded ones, read from the shipments)."""
    return replace(criteria, start=min(days), end=max(days), days=frozenset(days))


def key_of(values, group_by):
    return tuple(
        as_date(value) if name in TIME_DIMENSIONS and value is not None else value
        for name, value in zip(group_by, values, strict=True)
    )


def merge(rows, totals, live, group_by):
    """Add the rows and totals read from the shipments (the unfolded days) to those of the figures."""
    live_rows, live_totals = live
    for keys, aggregate in live_rows:
        key = key_of(keys, group_by)
        rows[key] = add(rows[key], aggregate) if key in rows else aggregate
    return rows, add(totals, live_totals)


def add(a, b):
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


def dimensions(table, criteria, dialect):
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


def where(query, table, criteria, unfolded):
    """Keep the folded days of the period and the rows the criteria's gates, exporter, direction and regime keep."""
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


def grouped(query, keys):
    """Run a grouped query and its ungrouped twin: ({keys: row}, totals row).

    On PostgreSQL one scan gives both (GROUPING SETS; the empty set yields its row even without input rows).
    """
    rows = {}
    if not keys:
        return rows, db.session.execute(query).one()
    n = len(keys)
    if db.session.get_bind().dialect.name == "postgresql":
        totals = None
        sets = sa.func.grouping_sets(sa.tuple_(*keys), sa.text("()"))
        for row in db.session.execute(query.add_columns(*keys, sa.func.grouping(*keys)).group_by(sets)):
            if row[-1]:
                totals = row
            else:
                rows[tuple(row[-n - 1 : -1])] = row
        return rows, totals
    for row in db.session.execute(query.add_columns(*keys).group_by(*keys)):
        rows[tuple(row[-n:])] = row
    return rows, db.session.execute(query).one()


def money(expression):
    return sa.type_coerce(sa.func.sum(expression), Money())


def count(expression):
    return sa.func.coalesce(sa.func.sum(expression), 0)


def trip(table):
    """A truck trip's identity in a table of shared plates: day|gate|plate."""
    day, gate = sa.cast(table.c.day, sa.String), sa.cast(table.c.gate_id, sa.String)
    return day.concat("|").concat(gate).concat("|").concat(table.c.plate)


def measures(table, export_usd, import_usd):
    """The sums of a figure table's measures (shipments, trips, weights, values, missing, each direction's value)."""
    return [
        count(table.c.shipments).label("shipments"),
        count(table.c.trips).label("trips"),
        sa.type_coerce(sa.func.sum(table.c.gross_weight_kg), table.c.gross_weight_kg.type).label("gross"),
        sa.type_coerce(sa.func.sum(table.c.net_weight_kg), table.c.net_weight_kg.type).label("net"),
        money(table.c.value_vnd).label("vnd"),
        money(table.c.value_usd).label("usd"),
        count(table.c.missing).label("missing"),
        money(export_usd).label("export_usd"),
        money(import_usd).label("import_usd"),
    ]


def aggregate(row, *, trucks, shipments=None, missing=None):
    """An Aggregate from a row of summed figures, its distinct counts put right (duplicates across keys taken off)."""

    def amount(value, places):
        return (value if value is not None else Decimal(0)).quantize(Decimal(1).scaleb(-places))

    return Aggregate(
        shipments=int(row.shipments if shipments is None else shipments),
        trucks=int(trucks),
        gross_weight_kg=amount(row.gross, 3),
        net_weight_kg=amount(row.net, 3),
        value_vnd=amount(row.vnd, 0),
        value_usd=amount(row.usd, 2),
        missing=int(row.missing if missing is None else missing),
        export_usd=amount(row.export_usd, 2),
        import_usd=amount(row.import_usd, 2),
    )


def set_duplicates(table, keys, counts, keep):
    """Over a table of key sets (one row per member key, the set's counts on each), the times counted twice.

    Something counted once in each of c keys of a report row is counted c times in the row's sum: for every set
    with c ≥ 1 of its member rows in the row (after `keep`, which adds the FROM and the filters), take off
    (c − 1) × each count. Return ({keys: row of those sums}, totals row), as `grouped` does.
    """

    def query(keys):
        labelled = [key.label(f"k{i}") for i, key in enumerate(keys)]
        counted = [sa.func.max(table.c[name]).label(name) for name in counts]
        inner = keep(sa.select(*labelled, (sa.func.count() - 1).label("extra"), *counted))
        inner = inner.group_by(table.c.day, table.c.set_no, *keys).subquery("sets")
        sums = sa.select(*(count(inner.c.extra * inner.c[name]).label(name) for name in counts))
        return sums, [inner.c[f"k{i}"] for i in range(len(keys))]

    rows = {}
    if keys:
        sums, outer = query(keys)
        for row in db.session.execute(sums.add_columns(*outer).group_by(*outer)):
            rows[tuple(row[-len(keys) :])] = row
    return rows, db.session.execute(query([])[0]).one()
