"""Volume reports: periods and dimensions checked, rows labelled and sorted, last year's figures alongside."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth.models import Organisation
from ...enums import Direction, Regime
from ...errors import Invalid
from ...extensions import db
from ...gates.models import Gate, Province
from ...i18n import localized
from ...products.models import Product
from ...replica import on_replica
from .. import queries
from ..queries import DIMENSIONS, LOCAL, PROVINCE_AS, TIME_DIMENSIONS, Criteria
from .scope import check_exporter, scope_gate_ids

DEFAULT_GROUP_BY = ("gate", "month")

MAX_GROUP_BY = 3

MAX_DAYS = 3660

MEASURES = ("shipments", "trucks", "gross_weight_kg", "net_weight_kg", "value_usd", "value_vnd", "missing_rates")

# what the totals add: the value of each direction and the balance (export − import)
DIRECTION_TOTALS = ("export_value_usd", "import_value_usd", "balance_usd")

REGIME_ORDER = {regime.value: position for position, regime in enumerate(Regime)}

# extra columns that name what an id stands for
NAME_COLUMNS = {"exporter": "exporter_name", "product": "product_name"}

TOP_PRODUCTS = 10


@dataclass
class VolumeReport:
    """A volume report: rows (dicts of keys and measures), totals, and the days that lack a rate."""

    group_by: tuple
    start: date
    end: date
    province_as: str
    filters: dict
    rows: list
    totals: dict
    missing_rates: list = field(default_factory=list)

    @property
    def columns(self):
        """Return the row keys in column order: group keys (with names), then measures."""
        keys = []
        for name in self.group_by:
            keys.append(name)
            if name in NAME_COLUMNS:
                keys.append(NAME_COLUMNS[name])
        return keys + list(MEASURES)


def today_local(now=None):
    return (now or datetime.now(UTC)).astimezone(LOCAL).date()


def default_period(today):
    """Return the report's default period: from 1 January of this year to today (local)."""
    return date(today.year, 1, 1), today


def check_period(start, end):
    if start > end:
        raise Invalid(errors={"to": [_("The end of the period comes before its start.")]})
    if (end - start).days >= MAX_DAYS:
        raise Invalid(errors={"to": [_("The period may not be longer than ten years.")]})


def check_group_by(group_by):
    problems = []
    if len(group_by) > MAX_GROUP_BY:
        problems.append(_("Group by at most %(count)d dimensions.", count=MAX_GROUP_BY))
    unknown = [name for name in group_by if name not in DIMENSIONS]
    if unknown:
        problems.append(_("Unknown dimension: %(names)s.", names=", ".join(unknown)))
    if len(set(group_by)) != len(group_by):
        problems.append(_("Each dimension may be named once."))
    if problems:
        raise Invalid(errors={"group_by": problems})


@on_replica
def volume_report(
    user,
    *,
    start=None,
    end=None,
    group_by=DEFAULT_GROUP_BY,
    province=None,
    gate=None,
    province_as="current",
    product_group=None,
    ocop_stars=None,
    hs_chapter=None,
    exporter=None,
    direction=None,
    regime=None,
    today=None,
):
    """Count crossings (shipments, trucks, weights, values) in a period, grouped by up to three dimensions.

    Without `direction` every measure sums both directions; the totals also carry the value of each direction
    and the balance (export − import).
    """
    group_by = tuple(group_by)
    check_group_by(group_by)
    direction, regime = check_direction(direction), check_regime(regime)
    if province_as not in PROVINCE_AS:
        raise Invalid(errors={"province_as": [_("Must be one of: %(choices)s.", choices=", ".join(PROVINCE_AS))]})
    default_start, default_end = default_period(today or today_local())
    start, end = start or default_start, end or default_end
    check_period(start, end)
    gates = scope_gate_ids(user, province=province, gate=gate)
    check_exporter(exporter)
    criteria = Criteria(
        start=start,
        end=end,
        gate_ids=gates,
        exporter_id=exporter,
        product_group=product_group or None,
        ocop_stars=ocop_stars or None,
        hs_chapter=hs_chapter or None,
        province_as=province_as,
        direction=direction,
        regime=regime,
    )
    raw_rows, totals = queries.volume(criteria, group_by)
    rows = _label_rows(raw_rows, group_by)
    missing = queries.missing_rates(criteria) if totals.missing else []
    filters = {
        "province": province.upper() if province else None,
        "gate": gate.upper() if gate else None,
        "product_group": product_group or None,
        "ocop_stars": ocop_stars or None,
        "hs_chapter": hs_chapter or None,
        "exporter": exporter,
        "direction": direction,
        "regime": regime,
    }
    return VolumeReport(
        group_by=group_by,
        start=start,
        end=end,
        province_as=province_as,
        filters=filters,
        rows=rows,
        totals=measures(totals, totals=True),
        missing_rates=[{"date": on, "currency": currency} for on, currency in missing],
    )


def check_direction(direction):
    """Return a direction's value (None for both); 422 naming `direction` for anything else."""
    if not direction:
        return None
    if direction not in Direction.values():
        raise Invalid(errors={"direction": [_("Must be one of: %(choices)s.", choices=", ".join(Direction.values()))]})
    return direction


def check_regime(regime):
    """Return a regime's value (the older `export` reads `commercial`); 422 naming `regime` for anything else."""
    if not regime:
        return None
    try:
        return Regime.parse(regime).value
    except ValueError:
        raise Invalid(
            errors={"regime": [_("Must be one of: %(choices)s.", choices=", ".join(Regime.values()))]}
        ) from None


def measures(aggregate, *, totals=False):
    """Return the measures of an Aggregate as a row dict (totals: with each direction's value and the balance)."""
    row = {
        "shipments": aggregate.shipments,
        "trucks": aggregate.trucks,
        "gross_weight_kg": aggregate.gross_weight_kg,
        "net_weight_kg": aggregate.net_weight_kg,
        "value_usd": aggregate.value_usd,
        "value_vnd": aggregate.value_vnd,
        "missing_rates": aggregate.missing,
    }
    if totals:
        row["export_value_usd"] = aggregate.export_usd
        row["import_value_usd"] = aggregate.import_usd
        row["balance_usd"] = aggregate.export_usd - aggregate.import_usd
    return row


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def time_label(dimension, value):
    """Return the label of a period: `2026-03`, `2026-W11` (ISO week) or `2026-03-14`."""
    day = _as_date(value)
    if dimension == "month":
        return f"{day:%Y-%m}"
    if dimension == "week":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _label_rows(raw_rows, group_by):
    lookups = {}
    for position, name in enumerate(group_by):
        ids = {keys[position] for keys, _aggregate in raw_rows if keys[position] is not None}
        if name == "gate":
            lookups[name] = dict(db.session.execute(sa.select(Gate.id, Gate.code).where(Gate.id.in_(ids))).all())
        elif name == "province":
            lookups[name] = dict(
                db.session.execute(sa.select(Province.id, Province.code).where(Province.id.in_(ids))).all()
            )
        elif name == "exporter":
            lookups[name] = dict(
                db.session.execute(sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all()
            )
        elif name == "product":
            products = db.session.scalars(sa.select(Product).where(Product.id.in_(ids)))
            lookups[name] = {p.id: localized(p, "name") for p in products}
    rows = []
    for keys, aggregate in raw_rows:
        row = {}
        for name, value in zip(group_by, keys, strict=True):
            if name in ("gate", "province"):
                row[name] = lookups[name].get(value)
            elif name in TIME_DIMENSIONS:
                row[name] = time_label(name, value)
            elif name in NAME_COLUMNS:
                row[name] = value
                row[NAME_COLUMNS[name]] = lookups[name].get(value) if value is not None else None
            elif name == "ocop_stars":
                row[name] = int(value) if value is not None else None
            else:
                row[name] = value
        row.update(measures(aggregate))
        rows.append(row)
    rows.sort(key=lambda r: tuple(_sort_key(r[name], name) for name in group_by))
    return rows


def _sort_key(value, name=None):
    if name == "regime" and value in REGIME_ORDER:
        return (False, REGIME_ORDER[value])  # headings I to V
    return (value is None, "" if value is None else value)


def previous_year(day):
    """Return the same calendar day a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _shift_label(dimension, label):
    """Return the label of the period a year after `label` (to match last year's rows with this year's)."""
    if label is None:
        return None
    if dimension == "month":
        return f"{int(label[:4]) + 1}{label[4:]}"
    if dimension == "week":
        return f"{int(label[:4]) + 1}{label[4:]}"
    day = date.fromisoformat(label)
    try:
        return day.replace(year=day.year + 1).isoformat()
    except ValueError:
        return None


def row_key(row, group_by, *, shift=False):
    return tuple(_shift_label(name, row[name]) if shift and name in TIME_DIMENSIONS else row[name] for name in group_by)


def with_previous_year(report, previous):
    """Attach last year's measures (`previous`) and the change in value (`change_pct`) to each row and the totals."""
    earlier = {row_key(row, previous.group_by, shift=True): row for row in previous.rows}
    for row in report.rows:
        match = earlier.get(row_key(row, report.group_by))
        row["previous"] = match
        row["change_pct"] = change_pct(row["value_usd"], match["value_usd"] if match else None)
    report.totals["previous"] = previous.totals
    report.totals["change_pct"] = change_pct(report.totals["value_usd"], previous.totals["value_usd"])
    return report


def change_pct(current, earlier):
    """Return the change from `earlier` to `current` in per cent (one decimal), or None when there is no base."""
    if not earlier:
        return None
    return ((Decimal(current) - Decimal(earlier)) * 100 / Decimal(earlier)).quantize(Decimal("0.1"))


@on_replica
def previous_year_report(user, report, **params):
    """Return the same report for the same period one year earlier."""
    return volume_report(
        user,
        start=previous_year(report.start),
        end=previous_year(report.end),
        group_by=report.group_by,
        province_as=report.province_as,
        **{k: v for k, v in report.filters.items() if v is not None},
        **params,
    )


@on_replica
def top_products(user, *, limit=TOP_PRODUCTS, **params):
    """Return the products with the highest value in USD (goods lines without a catalogue product together)."""
    report = volume_report(user, group_by=("product",), **params)
    rows = sorted(report.rows, key=lambda r: (-r["value_usd"], -r["gross_weight_kg"], _sort_key(r["product"])))
    return rows[:limit]
