"""Aggregates over crossed shipments: volumes grouped by up to three dimensions, and dwell times.

A shipment counts on the day of its `crossed` event in Asia/Ho_Chi_Minh (the crossing service copies that
event's time to `shipments.crossed_at`, which is indexed). Values are converted with the exchange rate of
the crossing day (the latest on or before it), shipment by shipment (or line by line when grouping by a
goods attribute), rounded as the shipment totals are: to whole VND, then to US cents. The rounded
amounts are summed, so a totals row is exactly the sum of what it covers, whatever the grouping.
Where a rate is missing, the shipment's values are left out of the sums and counted in `missing`.

The callers (services.py) resolve the user's scope to a set of gate ids before calling; these helpers
only read.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..gates.models import Gate, Province
from ..products.models import Product
from ..shipments.models import Currency, ExchangeRate, HsCode, Shipment, ShipmentItem

LOCAL_ZONE = "Asia/Ho_Chi_Minh"
LOCAL = ZoneInfo(LOCAL_ZONE)
# Vietnam has kept UTC+7 without daylight saving since 1975: SQLite, which has no zone database, adds it.
SQLITE_OFFSET = "+7 hours"

DIMENSIONS = (
    "gate",
    "province",
    "month",
    "week",
    "day",
    "product_group",
    "hs_chapter",
    "exporter",
    "ocop_stars",
    "product",
)
# grouping by a goods attribute measures goods lines (their weights and values), not whole shipments
LINE_DIMENSIONS = frozenset({"product_group", "hs_chapter", "ocop_stars", "product"})
TIME_DIMENSIONS = frozenset({"month", "week", "day"})
PROVINCE_AS = ("current", "recorded")

t_shipments = Shipment.__table__
t_items = ShipmentItem.__table__
t_products = Product.__table__
t_hs = HsCode.__table__
t_gates = Gate.__table__
t_provinces = Province.__table__
t_rates = ExchangeRate.__table__


@dataclass(frozen=True)
class Criteria:
    """What to count: local days `start`..`end` (inclusive), gates (None: every gate) and goods filters."""

    start: date
    end: date
    gate_ids: frozenset | None = None
    exporter_id: int | None = None
    product_group: str | None = None
    ocop_stars: int | None = None
    hs_chapter: str | None = None
    province_as: str = "current"

    @property
    def filters_lines(self):
        return bool(self.product_group or self.ocop_stars or self.hs_chapter)

    def utc_bounds(self):
        """Return the UTC instants where the first local day starts and the day after the last one starts."""
        first = datetime.combine(self.start, time(0), LOCAL).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(0), LOCAL).astimezone(UTC)
        return first, after


@dataclass
class Aggregate:
    """Measures of one row (or of the totals) before formatting."""

    shipments: int = 0
    trucks: int = 0
    gross_weight_kg: Decimal = Decimal("0.000")
    net_weight_kg: Decimal = Decimal("0.000")
    value_vnd: Decimal = Decimal("0")
    value_usd: Decimal = Decimal("0.00")
    missing: int = 0


def dialect_name():
    return db.session.get_bind().dialect.name


# --- SQL building blocks -------------------------------------------------------------------------------------------


def local_day(column, dialect):
    """Return the SQL date of an aware timestamp in Vietnam (a DATE on PostgreSQL, ISO text on SQLite)."""
    if dialect == "postgresql":
        return sa.cast(sa.func.timezone(LOCAL_ZONE, column), sa.Date)
    return sa.func.date(column, SQLITE_OFFSET)


def bucket(dimension, day, dialect):
    """Return the first day of the month or ISO week holding `day`, or the day itself."""
    if dimension == "day":
        return day
    if dialect == "postgresql":
        return sa.cast(sa.func.date_trunc(dimension, day), sa.Date)
    if dimension == "month":
        return sa.func.date(day, "start of month")
    return sa.func.date(day, "-6 days", "weekday 1")  # Monday on or before the day


def _rates_by_day(start, end, dialect):
    """Return a CTE (day, usd, khr): VND per unit in force on each day from start to end (NULL when none)."""
    first = sa.literal(start, sa.Date)
    if dialect == "postgresql":
        series = sa.func.generate_series(
            sa.cast(first, sa.DateTime), sa.cast(sa.literal(end, sa.Date), sa.DateTime), sa.text("interval '1 day'")
        )
        days = sa.select(sa.cast(series, sa.Date))
        days = days.subquery("days")
        day = days.c[0]
    else:
        seed = sa.select(first.label("day")).cte("days", recursive=True)
        days = seed.union_all(sa.select(sa.func.date(seed.c.day, "+1 day")).where(seed.c.day < end))
        day = days.c.day

    def rate(currency):
        return (
            sa.select(t_rates.c.vnd_per_unit)
            .where(t_rates.c.currency == currency.value, t_rates.c.rate_on <= day)
            .order_by(t_rates.c.rate_on.desc())
            .limit(1)
            .scalar_subquery()
        )

    return sa.select(day.label("day"), rate(Currency.USD).label("usd"), rate(Currency.KHR).label("khr")).cte("rates")


def raw(expression):
    """Hand the database's own value back (no type processing): sums of scaled integers stay integers."""
    return sa.type_coerce(expression, sa.types.NullType())


def _int(expression):
    return sa.type_coerce(expression, sa.BigInteger)


def _converted(value, currency, rates, dialect):
    """Return (value_vnd, value_usd) SQL for one amount at the day's rates, rounded like shipment totals.

    value_vnd = round(value × rate) to whole VND; value_usd = round(value_vnd ÷ USD rate) to cents (half up).
    Either is NULL when a rate is missing. PostgreSQL computes in NUMERIC. SQLite stores money as integer
    cents and rates as integer millionths, and computes in 64-bit integers split so no product overflows.
    """
    if dialect == "postgresql":
        own = sa.case(
            (currency == Currency.VND.value, sa.literal(Decimal(1), sa.Numeric)),
            (currency == Currency.USD.value, rates.c.usd),
            (currency == Currency.KHR.value, rates.c.khr),
        )
        vnd = sa.func.round(sa.type_coerce(value, sa.Numeric) * sa.type_coerce(own, sa.Numeric))
        usd = sa.func.round(vnd / sa.type_coerce(rates.c.usd, sa.Numeric), 2)
        return vnd, usd
    own = sa.case(
        (currency == Currency.VND.value, sa.literal(1_000_000, sa.BigInteger)),
        (currency == Currency.USD.value, _int(rates.c.usd)),
        (currency == Currency.KHR.value, _int(rates.c.khr)),
    )
    cents, micro, usd_micro = _int(value), own, _int(rates.c.usd)
    # vnd = floor((cents × micro + 5e7) / 1e8), with micro = hi × 1e4 + lo
    high = cents * (micro // 10_000)
    vnd = high // 10_000 + ((high % 10_000) * 10_000 + cents * (micro % 10_000) + 50_000_000) // 100_000_000
    # usd cents = floor((vnd × 1e8 + usd_micro / 2) / usd_micro), with vnd = q × usd_micro + r
    usd = (vnd // usd_micro) * 100_000_000 + (2 * (vnd % usd_micro) * 100_000_000 + usd_micro) // (2 * usd_micro)
    return vnd, usd


def territory_ids(province_id):
    """Return a province's id and the ids of every former province merged into it (TAY-NINH ⊃ LONG-AN)."""
    ids, frontier = {province_id}, {province_id}
    while frontier:
        merged = set(db.session.scalars(sa.select(Province.id).where(Province.successor_id.in_(frontier))))
        frontier = merged - ids
        ids |= merged
    return ids


def gates_of_territory(province_id):
    """Return the ids of the gates on a province's territory: held by it now, or before a merger."""
    ids = territory_ids(province_id)
    return set(
        db.session.scalars(
            sa.select(Gate.id).where(sa.or_(Gate.province_id.in_(ids), Gate.former_province_id.in_(ids)))
        )
    )


# --- volumes -------------------------------------------------------------------------------------------------------


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
    rates = _rates_by_day(criteria.start, criteria.end, dialect)
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
        source = source.join(gates, gates.c.id == s.c.exit_gate_id)
        if criteria.province_as == "recorded":
            source = source.outerjoin(former, former.c.id == gates.c.former_province_id)

    def dimension(name):
        if name == "gate":
            return s.c.exit_gate_id
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
        raise ValueError(name)

    value = t_items.c.value if line_level else s.c.value
    vnd, usd = _converted(value, s.c.currency, rates, dialect)
    columns = [raw(dimension(name)).label(f"k{i}") for i, name in enumerate(group_by)]
    columns += [
        s.c.id.label("shipment_id"),
        s.c.vehicle_plate.label("plate"),
        raw(t_items.c.gross_weight_kg if line_level else s.c.gross_weight_kg).label("gross"),
        raw(t_items.c.net_weight_kg if line_level else s.c.net_weight_kg).label("net"),
        raw(sa.case((rates.c.usd.is_not(None), vnd))).label("vnd"),
        raw(usd).label("usd"),
        # for the list of missing rates
        raw(s.c.currency).label("currency"),
        raw(rates.c.day).label("day"),
        raw(rates.c.usd).label("rate_usd"),
        raw(rates.c.khr).label("rate_khr"),
    ]
    first, after = criteria.utc_bounds()
    query = sa.select(*columns).select_from(source).where(s.c.crossed_at >= first, s.c.crossed_at < after)
    if criteria.gate_ids is not None:
        query = query.where(s.c.exit_gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if criteria.exporter_id is not None:
        query = query.where(s.c.organisation_id == criteria.exporter_id)
    if criteria.product_group:
        query = query.where(dimension("product_group") == criteria.product_group)
    if criteria.ocop_stars:
        query = query.where(t_products.c.ocop_stars == criteria.ocop_stars)
    if criteria.hs_chapter:
        query = query.where(t_items.c.hs_code.startswith(criteria.hs_chapter))
    subquery = query.subquery("facts")
    keys = tuple(subquery.c[f"k{i}"] for i in range(len(group_by)))
    return _Facts(subquery, keys, line_level)


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
        (sa.func.count(sa.distinct(f.plate)) + plateless).label("trucks"),
        sa.func.sum(f.gross).label("gross"),
        sa.func.sum(f.net).label("net"),
        sa.func.sum(f.vnd).label("vnd"),
        sa.func.sum(f.usd).label("usd"),
        missing.label("missing"),
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
    )


def volume(criteria, group_by):
    """Return ([(keys, Aggregate)], totals Aggregate) of crossings matching `criteria`, grouped by `group_by`.

    Keys come back raw: ids for gate/exporter/province/product, a date for month/week/day (the first day
    of the period), codes or numbers for the goods attributes.
    """
    dialect = dialect_name()
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


def missing_rates(criteria):
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


# --- dwell times ---------------------------------------------------------------------------------------------------

DWELL_BUCKETS = (30, 60, 120, 240, 480)  # upper bounds in minutes; the last bucket is open


@dataclass
class DwellStats:
    count: int = 0
    avg_minutes: float | None = None
    p50_minutes: float | None = None
    p90_minutes: float | None = None


def percentile(values, fraction):
    """Return the linearly interpolated percentile of sorted values (PostgreSQL's percentile_cont)."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def _dwell_base(criteria, dialect):
    s = t_shipments
    first, after = criteria.utc_bounds()
    if dialect == "postgresql":
        minutes = sa.extract("epoch", s.c.crossed_at - s.c.arrived_at) / 60
    else:
        minutes = None  # computed in Python from the two instants
    query = sa.select(s.c.exit_gate_id.label("gate_id")).where(
        s.c.crossed_at >= first, s.c.crossed_at < after, s.c.arrived_at.is_not(None)
    )
    if criteria.gate_ids is not None:
        query = query.where(s.c.exit_gate_id.in_(sorted(criteria.gate_ids)) if criteria.gate_ids else sa.false())
    if criteria.exporter_id is not None:
        query = query.where(s.c.organisation_id == criteria.exporter_id)
    return query, minutes


def dwell(criteria, *, by_gate=False):
    """Return DwellStats from arrival to crossing for crossings in `criteria` (a dict by gate id when by_gate)."""
    dialect = dialect_name()
    query, minutes = _dwell_base(criteria, dialect)
    s = t_shipments
    if dialect == "postgresql":
        stats = [
            sa.func.count(),
            sa.func.avg(minutes),
            sa.func.percentile_cont(0.5).within_group(minutes),
            sa.func.percentile_cont(0.9).within_group(minutes),
        ]
        query = query.with_only_columns(s.c.exit_gate_id, *stats) if by_gate else query.with_only_columns(*stats)
        if by_gate:
            return {row[0]: _dwell_stats(*row[1:]) for row in db.session.execute(query.group_by(s.c.exit_gate_id))}
        return _dwell_stats(*db.session.execute(query).one())
    groups = {}
    for gate_id, arrived, crossed in db.session.execute(query.add_columns(s.c.arrived_at, s.c.crossed_at)):
        groups.setdefault(gate_id if by_gate else None, []).append(_minutes(arrived, crossed))
    result = {key: _python_stats(values) for key, values in groups.items()}
    return result if by_gate else result.get(None, DwellStats())


def dwell_histogram(criteria):
    """Return the number of crossings per dwell bucket (minutes: <30, <60, <120, <240, <480, 480 and more)."""
    dialect = dialect_name()
    query, minutes = _dwell_base(criteria, dialect)
    s = t_shipments
    counts = [0] * (len(DWELL_BUCKETS) + 1)
    if dialect == "postgresql":
        index = sa.func.width_bucket(minutes, sa.literal(list(DWELL_BUCKETS), sa.ARRAY(sa.Float)))
        for position, count in db.session.execute(query.with_only_columns(index, sa.func.count()).group_by(index)):
            counts[position] += count
        return counts
    for _gate, arrived, crossed in db.session.execute(query.add_columns(s.c.arrived_at, s.c.crossed_at)):
        value = _minutes(arrived, crossed)
        counts[sum(1 for bound in DWELL_BUCKETS if value >= bound)] += 1
    return counts


def _minutes(arrived, crossed):
    return (crossed - arrived).total_seconds() / 60


def _python_stats(values):
    values.sort()
    return DwellStats(
        count=len(values),
        avg_minutes=sum(values) / len(values) if values else None,
        p50_minutes=percentile(values, 0.5),
        p90_minutes=percentile(values, 0.9),
    )


def _dwell_stats(count, avg, p50, p90):
    return DwellStats(
        count=count,
        avg_minutes=float(avg) if avg is not None else None,
        p50_minutes=float(p50) if p50 is not None else None,
        p90_minutes=float(p90) if p90 is not None else None,
    )
