"""The monthly report of a province (for the PDF) and a gate's figures of the month (for the gate page)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth.models import Role
from ...auth.permissions import can, require
from ...errors import Invalid
from ...extensions import db
from ...gates.models import Gate
from ...products.models import Product
from ...replica import on_replica
from .. import queries
from ..queries import Aggregate, Criteria
from .dwell import dwell_dict, dwell_report
from .scope import resolve_province, scope_gate_ids
from .volume import MEASURES, change_pct, measures, previous_year, today_local, top_products, volume_report


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


def month_bounds(month):
    """Return the first and last day of a `date` month."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


@on_replica
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


@on_replica
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
