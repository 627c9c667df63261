"""Shared pieces of the report queries: what to count (Criteria), local days, rates by day, exact conversion.

A shipment counts on the day of its `crossed` event in Asia/Ho_Chi_Minh (the crossing service copies that
event's time to `shipments.crossed_at`, which is indexed). Values are converted with the exchange rate of
the crossing day (the latest on or before it), shipment by shipment (or line by line when grouping by a
goods attribute), rounded as the shipment totals are: to whole VND, then to US cents. The rounded
amounts are summed, so a totals row is exactly the sum of what it covers, whatever the grouping.
Where a rate is missing, the shipment's values are left out of the sums and counted as missing.

The callers (services) resolve the user's scope to a set of gate ids before calling; these helpers only read.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ...extensions import db
from ...gates.models import Gate, Province
from ...products.models import Product
from ...shipments.models import Currency, ExchangeRate, HsCode, Shipment, ShipmentItem

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
    "direction",
    "regime",
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
    direction: str | None = None  # export | import; None: both
    regime: str | None = None
    days: frozenset | None = None  # only these local days of the period (None: every day)

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
    export_usd: Decimal = Decimal("0.00")
    import_usd: Decimal = Decimal("0.00")


def dialect_name():
    return db.session.get_bind().dialect.name


def tune_for_reports():
    """Set this transaction's planner settings for report aggregates (PostgreSQL), from EXPLAIN ANALYZE.

    On the one-year report over 200,000 shipments: JIT compilation costs more than it saves on a
    sub-second query; the sorts behind the distinct counts spill to disk at the default 4 MB of work_mem;
    and the planner joins the crossings to the few hundred days of rates with a merge join that sorts every
    crossing by day, where hashing the days is 15-30 % faster overall. A report may also run longer than a
    request's statement timeout (REPORTS_STATEMENT_TIMEOUT_MS instead of STATEMENT_TIMEOUT_MS).
    """
    if dialect_name() == "postgresql":
        timeout = str(current_app.config.get("REPORTS_STATEMENT_TIMEOUT_MS") or 0)
        db.session.execute(
            sa.text(
                "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true), "
                "set_config('enable_mergejoin', 'off', true), set_config('statement_timeout', :timeout, true)"
            ),
            {"timeout": timeout},
        )


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


def rates_by_day(start, end, dialect):
    """Return a CTE (day, usd, khr): VND per unit in force on each day from start to end (NULL when none)."""
    first = sa.literal(start, sa.Date)
    if dialect == "postgresql":
        # an integer series: the planner then knows there are (end - start + 1) days and hashes them for the join
        offset = sa.func.generate_series(0, (end - start).days).alias("offsets")
        days = sa.select((first + offset.column).label("day")).subquery("days")
        day = days.c.day
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

    rates = sa.select(day.label("day"), rate(Currency.USD).label("usd"), rate(Currency.KHR).label("khr")).cte("rates")
    # computed once per day: inlined, the look-ups would run again for every shipment and every use
    return rates.prefix_with("MATERIALIZED")


def raw(expression):
    """Hand the database's own value back (no type processing): sums of scaled integers stay integers."""
    return sa.type_coerce(expression, sa.types.NullType())


def _int(expression):
    return sa.type_coerce(expression, sa.BigInteger)


def converted(value, currency, rates, dialect):
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
        divided = sa.func.round(vnd / sa.type_coerce(rates.c.usd, sa.Numeric), 2)
        return vnd, sa.case((_usd_needs_no_division(currency, rates.c.usd, 100), value), else_=divided)
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
    divided = (vnd // usd_micro) * 100_000_000 + (2 * (vnd % usd_micro) * 100_000_000 + usd_micro) // (2 * usd_micro)
    usd = sa.case((_usd_needs_no_division(currency, usd_micro, 100_000_000), cents), else_=divided)
    return vnd, usd


def _usd_needs_no_division(currency, usd_rate, hundred):
    """Tell (SQL) when a USD amount's value_usd is the amount itself: round(round(v × r) ÷ r, 2) = v.

    Rounding v × r to whole VND moves it by at most 0.5 VND, that is by at most 0.5 / r USD after the
    division, which cannot reach half a cent once r exceeds 100 VND (a dollar has been worth more than
    20,000). Three quarters of the shipments are in USD: this saves a NUMERIC division for each.
    """
    return sa.and_(currency == Currency.USD.value, usd_rate > hundred)


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
