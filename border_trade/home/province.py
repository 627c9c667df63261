"""A province's home: this month and the year so far against its targets, exports and imports, trucks, the top
gates and products and the OCOP figures, each number a link to the report page that shows the same number.

Every figure is one of the reports' own aggregates (volume, OCOP report, the targets' actuals) over the gates
the caller's reports cover, so a number here and the figure behind its link cannot drift apart.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..gates.models import Gate
from ..province.models import TargetMetric
from ..province.services import progress, targets_query, with_progress
from ..reports.queries import LOCAL
from ..reports.services.ocop import ocop_report
from ..reports.services.volume import volume_report
from .figures import Figure

TOP = 5
TOP_OCOP = 5
MONEY_METRICS = {TargetMetric.EXPORT_VALUE_USD, TargetMetric.IMPORT_VALUE_USD}
# a month's share of a yearly target, for the month's progress bar
MONTH_SHARE = Decimal(1) / Decimal(12)


def province_home(user, *, now=None):
    """Return the province's figures for the page (targets with progress, month, year, top lists, OCOP)."""
    today = (now or datetime.now(UTC)).astimezone(LOCAL).date()
    year_start, month_start = date(today.year, 1, 1), date(today.year, today.month, 1)
    # the reports page's own service: the numbers here and behind the links come from one place
    year = volume_report(user, start=year_start, end=today, group_by=("gate",), today=today)
    month = volume_report(user, start=month_start, end=today, group_by=(), today=today)
    ocop = ocop_report(user, start=year_start, end=today, group_by=("product",), today=today)
    targets = _targets(user, today.year, year.totals, ocop["totals"])
    return {
        "today": today,
        "year": today.year,
        "month_start": month_start,
        "targets": [_target_row(t, month.totals, today, month_start) for t in targets],
        "month": _totals_figures(month.totals, month_start, today),
        "year_totals": _totals_figures(year.totals, year_start, today),
        "top_gates": _top_gates(year.rows, year_start, today),
        "ocop": _ocop_figures(ocop, year_start, today),
    }


def _targets(user, year, totals, ocop_totals):
    """The year's targets with their actual figures and progress, as the targets page shows them.

    A target of the caller's own province compares with the figures this page has already counted over the same
    gates (the year's export and import values and truck trips, the OCOP products exported); any other (a
    province merged into it) is counted by the province's own service.
    """
    actuals = {
        TargetMetric.EXPORT_VALUE_USD: totals["export_value_usd"],
        TargetMetric.IMPORT_VALUE_USD: totals["import_value_usd"],
        TargetMetric.TRUCKS: totals["trucks"],
        TargetMetric.OCOP_PRODUCTS_EXPORTED: ocop_totals["products_exported"],
    }
    targets = []
    for target in db.session.scalars(targets_query(user, year=year)):
        if target.province_id != user.province_id or target.metric not in actuals:
            targets.append(with_progress(target))
            continue
        target.actual = actuals[target.metric]
        target.progress = progress(target.actual, target.target)
        targets.append(target)
    return targets


def _report_url(start, end, **filters):
    return url_for("reports.index", **{"from": start.isoformat(), "to": end.isoformat()}, **filters)


def _totals_figures(totals, start, end):
    url = _report_url(start, end)
    return [
        Figure(
            "export_value_usd",
            str(_l("Exports (USD)")),
            totals["export_value_usd"],
            url,
            "[data-total=export_value_usd]",
            money=True,
        ),
        Figure(
            "import_value_usd",
            str(_l("Imports (USD)")),
            totals["import_value_usd"],
            url,
            "[data-total=import_value_usd]",
            money=True,
        ),
        Figure("shipments", str(_l("Shipments crossed")), totals["shipments"], url, "[data-total=shipments]"),
        Figure("trucks", str(_l("Trucks")), totals["trucks"], url, "[data-total=trucks]"),
    ]


def _target_row(target, month, today, month_start):
    """A target with its year-so-far figure (as the targets page shows it) and, for values, this month's."""
    money = target.metric in MONEY_METRICS
    actual = Figure(
        target.metric.value,
        str(target.metric.label),
        target.actual,
        url_for("province.targets", year=target.year),
        f"[data-metric={target.metric.value}] td:nth-child(4)",
        money=money,
    )
    row = {"target": target, "actual": actual, "money": money, "month": None}
    if money:
        key = "export_value_usd" if target.metric is TargetMetric.EXPORT_VALUE_USD else "import_value_usd"
        value = month[key]
        share = Decimal(target.target) * MONTH_SHARE
        row["month"] = Figure(
            key, str(target.metric.label), value, _report_url(month_start, today), f"[data-total={key}]", money=True
        )
        row["month_share"] = share
        row["month_progress"] = float(min(Decimal(1), value / share)) if share else 0.0
    return row


def _top_gates(rows, start, end):
    ranked = sorted((r for r in rows if r["gate"]), key=lambda r: (-r["value_usd"], r["gate"]))[:TOP]
    gates = {g.code: g for g in db.session.scalars(sa.select(Gate).where(Gate.code.in_([r["gate"] for r in ranked])))}
    figures = []
    for row in ranked:
        gate = gates[row["gate"]]
        url = _report_url(start, end, gate=gate.code)
        figure = Figure(gate.code, gate.code, row["value_usd"], url, "[data-total=value_usd]", money=True)
        figure.extra = {"gate": gate, "shipments": row["shipments"]}
        figures.append(figure)
    return figures


def _ocop_figures(report, start, end):
    totals = report["totals"]
    url = url_for("province_reports.ocop", **{"from": start.isoformat(), "to": end.isoformat()})
    figures = [
        Figure(
            "ocop_value_usd",
            str(_l("OCOP exports (USD)")),
            totals["value_usd"],
            url,
            "[data-total=value_usd]",
            money=True,
        ),
        Figure(
            "ocop_shipments", str(_l("Shipments with OCOP goods")), totals["shipments"], url, "[data-total=shipments]"
        ),
        Figure(
            "ocop_products",
            str(_l("OCOP products exported")),
            totals["products_exported"],
            url,
            "[data-total=products_exported]",
            extra={"registered": totals["products_registered"]},
        ),
    ]
    best = sorted(report["rows"], key=lambda r: (-r["value_usd"], str(r.get("product_name") or "")))[:TOP_OCOP]
    by_product = url_for(
        "province_reports.ocop", **{"from": start.isoformat(), "to": end.isoformat(), "group_by": "product"}
    )
    top = []
    for row in best:
        name = row.get("product_name") or str(row["product"])
        check = f"xpath=//table[@id='ocop-table']/tbody/tr[td[1][normalize-space()={_xpath_literal(name)}]]/td[3]"
        top.append(Figure(f"ocop-{row['product']}", name, row["value_usd"], by_product, check, money=True))
    return {"figures": figures, "best": top}


def _xpath_literal(text):
    """Quote a text for an XPath expression (concat() when it holds both kinds of quote)."""
    text = text or ""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in parts) + ")"
