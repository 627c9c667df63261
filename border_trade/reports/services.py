"""Provincial reports: who may see which gates, periods, rows and totals, dwell times, the monthly report.

Province officers and viewers see the gates of their province, including those of the provinces merged
into it in 2025 (a TAY-NINH officer sees BINH-HIEP, formerly LONG-AN); admins see every gate; other roles
get 403. A `province=` or `gate=` outside the caller's scope is 403, an unknown one 422.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.models import Organisation, Role
from ..auth.permissions import can, gate_ids, require
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..gates.models import Gate, Province
from ..i18n import localized
from ..products.models import Product
from . import queries
from .queries import DIMENSIONS, LINE_DIMENSIONS, LOCAL, PROVINCE_AS, TIME_DIMENSIONS, Aggregate, Criteria

DEFAULT_GROUP_BY = ("gate", "month")
MAX_GROUP_BY = 3
MAX_DAYS = 3660
MEASURES = ("shipments", "trucks", "gross_weight_kg", "net_weight_kg", "value_usd", "value_vnd", "missing_rates")
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


# --- scope ---------------------------------------------------------------------------------------------------------


def resolve_province(user, code):
    """Return the province with this code (422 when unknown, 403 when outside the user's scope)."""
    province = db.session.scalar(sa.select(Province).where(Province.code == code.strip().upper()))
    if province is None or province.country_code != "VN":
        raise Invalid(errors={"province": [_("Unknown province.")]})
    if not can(user, "report.read", province):
        raise Forbidden(_("This province is outside your scope."))
    return province


def resolve_gate(user, code):
    """Return the gate with this code (422 when unknown, 403 when outside the user's scope)."""
    gate = db.session.scalar(sa.select(Gate).where(Gate.code == code.strip().upper()))
    if gate is None:
        raise Invalid(errors={"gate": [_("Unknown gate.")]})
    if not can(user, "report.read", gate):
        raise Forbidden(_("This gate is outside your scope."))
    return gate


def scope_gate_ids(user, *, province=None, gate=None):
    """Return the gate ids a report may count (None: every gate), narrowed by `province=` and `gate=` codes."""
    require(user, "report.read")
    allowed = gate_ids(user)
    if province:
        territory = queries.gates_of_territory(resolve_province(user, province).id)
        allowed = territory if allowed is None else allowed & territory
    if gate:
        chosen = {resolve_gate(user, gate).id}
        allowed = chosen if allowed is None else allowed & chosen
    return None if allowed is None else frozenset(allowed)


def gates_in_scope(user):
    """Return the gates a user's reports cover, by province then code."""
    require(user, "report.read")
    allowed = gate_ids(user)
    query = sa.select(Gate).join(Gate.province).order_by(Province.code, Gate.code)
    if allowed is not None:
        query = query.where(Gate.id.in_(allowed) if allowed else sa.false())
    return list(db.session.scalars(query))


def exporters_in_scope(user):
    """Return the organisations whose goods crossed at the user's gates, by name."""
    require(user, "report.read")
    allowed = gate_ids(user)
    from ..shipments.models import Shipment

    crossed = sa.select(Shipment.organisation_id).where(Shipment.crossed_at.is_not(None))
    if allowed is not None:
        crossed = crossed.where(Shipment.exit_gate_id.in_(allowed) if allowed else sa.false())
    return list(
        db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(crossed)).order_by(Organisation.name))
    )


def check_exporter(exporter_id):
    if exporter_id is not None and db.session.get(Organisation, exporter_id) is None:
        raise Invalid(errors={"exporter": [_("Unknown exporter.")]})


# --- volumes -------------------------------------------------------------------------------------------------------


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
    today=None,
):
    """Count crossings (shipments, trucks, weights, values) in a period, grouped by up to three dimensions."""
    group_by = tuple(group_by)
    check_group_by(group_by)
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
    }
    return VolumeReport(
        group_by=group_by,
        start=start,
        end=end,
        province_as=province_as,
        filters=filters,
        rows=rows,
        totals=measures(totals),
        missing_rates=[{"date": on, "currency": currency} for on, currency in missing],
    )


def measures(aggregate):
    """Return the measures of an Aggregate as a row dict."""
    return {
        "shipments": aggregate.shipments,
        "trucks": aggregate.trucks,
        "gross_weight_kg": aggregate.gross_weight_kg,
        "net_weight_kg": aggregate.net_weight_kg,
        "value_usd": aggregate.value_usd,
        "value_vnd": aggregate.value_vnd,
        "missing_rates": aggregate.missing,
    }


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
    rows.sort(key=lambda r: tuple(_sort_key(r[name]) for name in group_by))
    return rows


def _sort_key(value):
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


def top_products(user, *, limit=TOP_PRODUCTS, **params):
    """Return the products with the highest value in USD (goods lines without a catalogue product together)."""
    report = volume_report(user, group_by=("product",), **params)
    rows = sorted(report.rows, key=lambda r: (-r["value_usd"], -r["gross_weight_kg"], _sort_key(r["product"])))
    return rows[:limit]


# --- dwell times ---------------------------------------------------------------------------------------------------


def dwell_report(user, *, gate=None, province=None, start=None, end=None, today=None, by_gate=False):
    """Return dwell statistics from arrival to crossing for crossings in the period (by gate code if asked)."""
    default_start, default_end = default_period(today or today_local())
    start, end = start or default_start, end or default_end
    check_period(start, end)
    criteria = Criteria(start=start, end=end, gate_ids=scope_gate_ids(user, province=province, gate=gate))
    stats = queries.dwell(criteria, by_gate=by_gate)
    if not by_gate:
        return dwell_dict(stats)
    codes = dict(db.session.execute(sa.select(Gate.id, Gate.code).where(Gate.id.in_(list(stats)))).all())
    return {codes[gate_id]: dwell_dict(value) for gate_id, value in sorted(stats.items(), key=lambda i: codes[i[0]])}


def dwell_histogram(user, *, gate=None, province=None, start, end):
    """Return [(upper bound in minutes or None, count)] of dwell times for crossings in the period."""
    check_period(start, end)
    criteria = Criteria(start=start, end=end, gate_ids=scope_gate_ids(user, province=province, gate=gate))
    counts = queries.dwell_histogram(criteria)
    return list(zip((*queries.DWELL_BUCKETS, None), counts, strict=True))


def _one_decimal(value):
    return None if value is None else round(value, 1)


def dwell_dict(stats):
    return {
        "avg_minutes": _one_decimal(stats.avg_minutes),
        "p50_minutes": _one_decimal(stats.p50_minutes),
        "p90_minutes": _one_decimal(stats.p90_minutes),
        "count": stats.count,
    }


# --- the gate's figures --------------------------------------------------------------------------------------------


def gate_figures(user, gate, *, today=None):
    """Return this month's figures for one gate next to last month's and those of a year ago (for the gate page).

    Returns None when the user may not read reports for this gate.
    """
    if not can(user, "report.read", gate):
        return None
    today = today or today_local()
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    periods = {
        "this_month": (first, today),
        "last_month": (last_month_end.replace(day=1), last_month_end),
        "a_year_ago": (previous_year(first), previous_year(today)),
    }
    figures = {"gate": gate, "month": f"{first:%Y-%m}"}
    criteria = {}
    for key, (start, end) in periods.items():
        criteria[key] = Criteria(start=start, end=end, gate_ids=frozenset({gate.id}))
        _rows, totals = queries.volume(criteria[key], ())
        figures[key] = measures(totals)
    figures["dwell"] = dwell_dict(queries.dwell(criteria["this_month"]))
    figures["change_pct"] = change_pct(figures["this_month"]["value_usd"], figures["a_year_ago"]["value_usd"])
    return figures


# --- the monthly report --------------------------------------------------------------------------------------------


@dataclass
class GateLine:
    code: str
    name_vi: str
    name_km: str | None
    name_en: str
    former_province: str | None
    month: dict
    previous: dict
    change_pct: Decimal | None
    dwell: dict


@dataclass
class MonthlyReport:
    """Everything the monthly PDF prints, loaded beforehand (the PDF builder reads no database)."""

    province_code: str
    province_names: dict  # language -> name
    month: date  # its first day
    end: date  # its last day
    totals: dict
    previous: dict  # the same month a year earlier
    year_to_date: dict
    year_to_date_previous: dict
    change_pct: Decimal | None
    ytd_change_pct: Decimal | None
    gates: list
    monthly: list  # [(month label, {gate code: value_usd})] for the twelve months ending with this one
    top_products: list  # [{name_vi, name_km, name_en, hs_code, shipments, gross_weight_kg, value_usd, value_vnd}]
    dwell: dict
    missing_rates: list


MONTHLY_LABEL = _l("Monthly border-trade report")


def month_bounds(month):
    """Return the first and last day of a `date` month."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def monthly_report(user, *, province=None, month, today=None):
    """Load the monthly border-trade report of a province (the user's own when not given)."""
    require(user, "report.read")
    if not province:
        if user.role is Role.ADMIN or user.province is None:
            raise Invalid(errors={"province": [_("Choose a province.")]})
        province = user.province.current().code
    place = resolve_province(user, province)
    first, last = month_bounds(month)
    common = {"province": place.code}
    month_report = volume_report(user, start=first, end=last, group_by=("gate",), **common)
    previous_first, previous_last = month_bounds(previous_year(first))
    previous_report = volume_report(user, start=previous_first, end=previous_last, group_by=("gate",), **common)
    ytd = volume_report(user, start=date(first.year, 1, 1), end=last, group_by=(), **common)
    ytd_previous = volume_report(user, start=date(first.year - 1, 1, 1), end=previous_last, group_by=(), **common)
    chart_start = month_bounds(date(first.year - 1, first.month, 1) + timedelta(days=32))[0]
    chart = volume_report(user, start=chart_start, end=last, group_by=("month", "gate"), **common)
    dwell = dwell_report(user, province=place.code, start=first, end=last, by_gate=True)

    gates = {g.code: g for g in db.session.scalars(sa.select(Gate).where(Gate.id.in_(scope_gate_ids(user, **common))))}
    by_gate = {row["gate"]: row for row in month_report.rows}
    before = {row["gate"]: row for row in previous_report.rows}
    empty = measures(Aggregate())
    lines = []
    for code in sorted(set(by_gate) | set(before)):
        gate = gates[code]
        now_row, then_row = by_gate.get(code, empty), before.get(code, empty)
        lines.append(
            GateLine(
                code=code,
                name_vi=gate.name_vi,
                name_km=gate.name_km,
                name_en=gate.name_en,
                former_province=gate.former_province.code if gate.former_province else None,
                month=now_row,
                previous=then_row,
                change_pct=change_pct(now_row["value_usd"], then_row["value_usd"]),
                dwell=dwell.get(code, dwell_dict(queries.DwellStats())),
            )
        )
    months = []
    cursor = chart_start
    while cursor <= first:
        label = f"{cursor:%Y-%m}"
        months.append((label, {row["gate"]: row["value_usd"] for row in chart.rows if row["month"] == label}))
        cursor = month_bounds(cursor + timedelta(days=32))[0]
    products = _top_product_lines(user, start=first, end=last, **common)
    totals_dwell = dwell_report(user, province=place.code, start=first, end=last)
    missing = sorted(
        {(m["date"], m["currency"]) for report in (month_report, previous_report, ytd) for m in report.missing_rates}
    )
    return MonthlyReport(
        province_code=place.code,
        province_names={"vi": place.name_vi, "km": place.name_km, "en": place.name_en},
        month=first,
        end=last,
        totals=month_report.totals,
        previous=previous_report.totals,
        year_to_date=ytd.totals,
        year_to_date_previous=ytd_previous.totals,
        change_pct=change_pct(month_report.totals["value_usd"], previous_report.totals["value_usd"]),
        ytd_change_pct=change_pct(ytd.totals["value_usd"], ytd_previous.totals["value_usd"]),
        gates=lines,
        monthly=months,
        top_products=products,
        dwell=totals_dwell,
        missing_rates=missing,
    )


def _top_product_lines(user, **params):
    rows = top_products(user, **params)
    ids = [row["product"] for row in rows if row["product"] is not None]
    products = {p.id: p for p in db.session.scalars(sa.select(Product).where(Product.id.in_(ids)))}
    lines = []
    for row in rows:
        product = products.get(row["product"])
        lines.append(
            {
                "name_vi": product.name_vi if product else None,
                "name_km": product.name_km if product else None,
                "name_en": product.name_en if product else None,
                "hs_code": product.hs_code if product else None,
                **{key: row[key] for key in MEASURES},
            }
        )
    return lines


def line_level(group_by, product_group=None, ocop_stars=None, hs_chapter=None):
    """Tell whether a report measures goods lines rather than whole shipments."""
    return bool(product_group or ocop_stars or hs_chapter) or any(name in LINE_DIMENSIONS for name in group_by)
