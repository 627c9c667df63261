"""Pages: the reports page for province officers, viewers and admins, and the gate figures block."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..enums import Direction, Regime
from ..errors import Invalid
from ..extensions import db
from ..gates.models import Province
from ..i18n import current_language, localized
from ..pages import me, requires
from ..products.models import OcopGroup
from ..shipments.models import HsCode
from . import charts, services
from .api import VOLUME_PARAMS
from .exports import COLUMN_LABELS
from .queries import DIMENSIONS, DWELL_BUCKETS
from .schemas import VolumeQuerySchema

blp = Blueprint("reports", __name__)

FILTERS = (
    "from",
    "to",
    "province",
    "gate",
    "province_as",
    "product_group",
    "ocop_stars",
    "hs_chapter",
    "exporter",
    "direction",
    "regime",
)
GROUP_FIELDS = ("group_by_1", "group_by_2", "group_by_3")
# chart text on pages, in points of a drawing shown at its own width (640 px: not scaled down at a 1024 px window)
PAGE_FONT = 12


@blp.app_context_processor
def _gate_figures_helper():
    return {"report_gate_figures": gate_figures}


def gate_figures(gate):
    """Return this month's figures of a gate for the signed-in user, or None (for `reports/_gate_figures.html`)."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    return services.gate_figures(current_user._get_current_object(), gate)


def _raw_filters():
    raw = {key: request.args[key].strip() for key in FILTERS if request.args.get(key, "").strip()}
    dimensions = [request.args.get(name, "").strip() for name in GROUP_FIELDS]
    dimensions = [d for d in dimensions if d]
    if dimensions:
        raw["group_by"] = ",".join(dict.fromkeys(dimensions))
    elif request.args.get("group_by", "").strip():
        raw["group_by"] = request.args["group_by"].strip()
    return raw


def _load_filters(raw):
    """Parse the page's filters; drop (and report) those that do not parse."""
    schema = VolumeQuerySchema()
    try:
        return raw, schema.load(raw)
    except ValidationError as error:
        for name, messages in error.messages.items():
            reason = " ".join(map(str, messages if isinstance(messages, list) else [messages]))
            flash(_("Filter %(field)s ignored: %(reason)s", field=name, reason=reason), "warning")
            raw.pop(name, None)
        return raw, schema.load(raw)


def _service_params(args):
    params = {key: args[key] for key in VOLUME_PARAMS if args.get(key) is not None}
    params["start"], params["end"] = args.get("from_"), args.get("to")
    return params


def _report(user, raw):
    """Run the report; a filter naming something unknown is reported and dropped, then the report runs again."""
    for _attempt in range(len(FILTERS) + 1):
        raw, args = _load_filters(raw)
        try:
            return raw, services.volume_report(user, **_service_params(args))
        except Invalid as error:
            problems = error.errors or {}
            if not problems or not any(name in raw or name == "to" for name in problems):
                raise
            for name, messages in problems.items():
                flash(
                    _("Filter %(field)s ignored: %(reason)s", field=name, reason=" ".join(map(str, messages))),
                    "warning",
                )
                raw.pop(name, None)
                if name == "to":
                    raw.pop("from", None)
    raise Invalid()


@blp.route("/reports")
@requires("report.read")
def index():
    """Show the volume report with filters, charts, last year's figures and downloads."""
    user = me()
    raw, report = _report(user, _raw_filters())
    filters = {k: v for k, v in report.filters.items() if v is not None}
    common = dict(start=report.start, end=report.end, province_as=report.province_as, **filters)
    previous = services.previous_year_report(user, report)
    services.with_previous_year(report, previous)

    scope = {"gate": filters.get("gate"), "province": filters.get("province"), "exporter": filters.get("exporter")}
    split = "clearance" if request.args.get("split") == "clearance" else None
    dwell = services.dwell_report(user, start=report.start, end=report.end, split=split, **scope)
    chart_svgs = _charts(user, report, common, scope)
    query = _api_query(report)
    downloads = {
        "csv": url_for("reports_api.volume_csv", **query),
        "xlsx": url_for("reports_api.volume_xlsx", **query),
    }
    pdf_province = filters.get("province") or (user.province.current().code if user.province else None)
    if pdf_province:
        downloads["pdf"] = url_for(
            "reports_api.monthly_pdf", province=pdf_province, month=f"{report.end:%Y-%m}", lang=_pdf_languages()
        )
    department = {
        "xlsx": url_for("reports_api.border_trade_xlsx"),
        "pdf": url_for("reports_api.border_trade_pdf"),
        "province": pdf_province,
        "month": f"{report.end:%Y-%m}",
        "languages": list(dict.fromkeys((current_language(), "vi", "vi,km", "vi,en", "km", "en"))),
    }
    return render_template(
        "reports/index.html",
        report=report,
        previous=previous,
        raw=raw,
        group_by=report.group_by,
        choices=_choices(user),
        charts=chart_svgs,
        dwell=dwell,
        split=split,
        downloads=downloads,
        department=department,
        direction_colors=charts.DIRECTION_COLORS,
        labels=_labels(user, report),
        column_labels=COLUMN_LABELS,
        dimensions=DIMENSIONS,
    )


def _charts(user, report, common, scope):
    """Return the page's three charts as inline SVG: value per month and gate, top products, dwell times."""
    locale = current_language()
    by_month = report if set(report.group_by) == {"month", "gate"} else None  # the table has the figures already
    months = _months(by_month or services.volume_report(user, group_by=("month", "gate"), **common))
    top = services.top_products(user, **common)
    products = [(row["product_name"] or _("Other goods"), row["value_usd"]) for row in top]
    histogram = services.dwell_histogram(user, start=report.start, end=report.end, **scope)
    counts = [count for _bound, count in histogram]
    both = {key: value for key, value in common.items() if key != "direction"}  # the balance needs both
    by_direction = services.volume_report(user, group_by=("month", "direction"), **both)
    return {
        "directions": charts.svg(
            charts.monthly_by_direction(
                _direction_months(by_direction), locale=locale, width=640, height=280, font_size=PAGE_FONT
            ),
            label=_("Export, import and balance per month (USD)"),
        ),
        "monthly": charts.svg(
            charts.monthly_by_gate(months, locale=locale, width=640, height=300, font_size=PAGE_FONT),
            label=_("Value of goods crossed per month and gate (USD)"),
        ),
        "products": charts.svg(
            charts.top_products(products, locale=locale, width=640, height=300, font_size=PAGE_FONT),
            label=_("Top products by value (USD)"),
        ),
        "dwell": charts.svg(
            charts.dwell_histogram(
                counts,
                charts.dwell_bucket_labels(DWELL_BUCKETS),
                locale=locale,
                width=640,
                height=240,
                font_size=PAGE_FONT,
            ),
            label=_("Crossings by minutes from arrival to crossing"),
        ),
    }


def _pdf_languages():
    first = current_language()
    return ",".join(dict.fromkeys((first, "km" if first != "km" else "vi")))


def _api_query(report):
    query = {"from": report.start.isoformat(), "to": report.end.isoformat(), "group_by": ",".join(report.group_by)}
    query["province_as"] = report.province_as
    query.update({k: v for k, v in report.filters.items() if v is not None})
    query["lang"] = current_language()
    return query


def _months(report):
    months = {}
    for row in report.rows:
        months.setdefault(row["month"], {})[row["gate"]] = row["value_usd"]
    return [(label, months.get(label, {})) for label in _month_labels(report)]


def _month_labels(report):
    start = date(report.start.year, report.start.month, 1)
    labels = []
    while start <= report.end:
        labels.append(f"{start:%Y-%m}")
        start = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return labels


def _direction_months(report):
    """Return [(month, export value, import value)] for every month of the report's period."""
    values = {}
    for row in report.rows:
        values.setdefault(row["month"], {})[row["direction"]] = row["value_usd"]
    return [
        (label, values.get(label, {}).get("export", 0), values.get(label, {}).get("import", 0))
        for label in _month_labels(report)
    ]


def _choices(user):
    gates = services.gates_in_scope(user)
    province_ids = {g.province_id for g in gates} | {g.former_province_id for g in gates if g.former_province_id}
    provinces = db.session.scalars(sa.select(Province).where(Province.id.in_(province_ids)).order_by(Province.code))
    chapters = db.session.scalars(sa.select(HsCode.chapter).distinct().order_by(HsCode.chapter))
    return {
        "gates": [(g.code, f"{localized(g, 'name')} ({g.code})") for g in gates],
        "provinces": [(p.code, _province_choice(p)) for p in provinces],
        "product_groups": [(g.value, str(g.label)) for g in OcopGroup],
        "stars": [3, 4, 5],
        "chapters": list(chapters),
        "exporters": [(o.id, o.name) for o in services.exporters_in_scope(user)],
        "directions": [(d.value, str(d.label)) for d in Direction],
        "regimes": [(r.value, f"{r.heading}. {r.label}") for r in Regime],
        "dimensions": [(name, str(COLUMN_LABELS[name])) for name in DIMENSIONS],
    }


def _province_choice(province):
    name = localized(province, "name")
    if province.valid_to is None:
        return name
    return _("%(province)s (until %(day)s)", province=name, day=format_date(province.valid_to))


def _labels(user, report):
    """Return display names for the keys in the report's rows: gates, provinces, product groups."""
    from ..gates.models import Gate

    names = {}
    if "gate" in report.group_by:
        gates = db.session.scalars(sa.select(Gate).where(Gate.code.in_({r["gate"] for r in report.rows})))
        names["gate"] = {g.code: localized(g, "name") for g in gates}
    if "province" in report.group_by:
        provinces = db.session.scalars(
            sa.select(Province).where(Province.code.in_({r["province"] for r in report.rows}))
        )
        names["province"] = {p.code: localized(p, "name") for p in provinces}
    if "product_group" in report.group_by:
        names["product_group"] = {g.value: str(g.label) for g in OcopGroup}
    names["direction"] = {d.value: str(d.label) for d in Direction}
    names["regime"] = {r.value: f"{r.heading}. {r.label}" for r in Regime}
    return names
