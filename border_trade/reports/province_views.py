"""Pages of the province's figures: OCOP exports by origin, release times (with their chart); CSV and XLSX links."""

from flask import Blueprint, flash, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..errors import Invalid
from ..i18n import current_language, localized
from ..pages import me, requires
from . import services
from .province_schemas import OcopQuerySchema, ReleaseQuerySchema
from .queries.ocop import OCOP_DIMENSIONS
from .release_chart import release_chart, stage_colors
from .services.ocop import ocop_report, release_time_report
from .tables import LABELS, MEASURES, STAGE_LABELS

blp = Blueprint("province_reports", __name__)


def load_args(schema, fields):
    """Parse the page's query string; a filter that does not parse is reported and dropped."""
    raw = {key: request.args[key].strip() for key in fields if request.args.get(key, "").strip()}
    if "group_by" in fields and request.args.getlist("group_by"):
        raw["group_by"] = ",".join(v.strip() for v in request.args.getlist("group_by") if v.strip())
    for _attempt in range(len(fields) + 1):
        try:
            return raw, schema.load(raw)
        except ValidationError as error:
            for name in error.messages:
                flash(_("Filter %(field)s ignored.", field=name), "warning")
                raw.pop("from" if name == "from" else name, None)
                if name in ("to", "_schema"):
                    raw.pop("from", None)
                    raw.pop("to", None)
    return {}, schema.load({})


def run(function, raw, **kwargs):
    """Run a report; an unknown province or gate is reported and dropped."""
    try:
        return function(me(), **kwargs)
    except Invalid as error:
        for name in error.errors or {}:
            flash(_("Filter %(field)s ignored.", field=name), "warning")
            kwargs.pop(name, None)
            raw.pop(name, None)
        return function(me(), **kwargs)


def gate_choices(user):
    return [(g.code, f"{localized(g, 'name')} ({g.code})") for g in services.gates_in_scope(user)]


@blp.route("/reports/ocop")
@requires("report.read")
def ocop():
    """OCOP exports by province of origin (as recorded or today's), stars, product and gate."""
    raw, args = load_args(OcopQuerySchema(), ("from", "to", "group_by", "province_as", "province", "gate"))
    report = run(
        ocop_report,
        raw,
        start=args.get("from_"),
        end=args.get("to"),
        group_by=args["group_by"],
        province_as=args["province_as"],
        province=args.get("province"),
        gate=args.get("gate"),
    )
    query = {
        "from": report["from"].isoformat(),
        "to": report["to"].isoformat(),
        "group_by": ",".join(report["group_by"]),
        "province_as": report["province_as"],
        "lang": current_language(),
        **{k: raw[k] for k in ("province", "gate") if raw.get(k)},
    }
    return render_template(
        "reports/ocop.html",
        report=report,
        raw=raw,
        dimensions=[(name, LABELS[name]) for name in OCOP_DIMENSIONS],
        gates=gate_choices(me()),
        downloads={
            "csv": url_for("reports_province_api.ocop_csv", **query),
            "xlsx": url_for("reports_province_api.ocop_xlsx", **query),
        },
    )


@blp.route("/reports/release-times")
@requires("report.read")
def release_times():
    """Release times per gate and month (WCO Time Release Study), with their chart."""
    raw, args = load_args(ReleaseQuerySchema(), ("from", "to", "gate"))
    report = run(release_time_report, raw, start=args.get("from_"), end=args.get("to"), gate=args.get("gate"))
    from .charts import svg

    chart = svg(
        release_chart(report["rows"], locale=current_language()),
        label=_("Mean minutes of each release-time stage per gate and month"),
        css_class="img-fluid report-chart release-chart",
    )
    query = {"from": report["from"].isoformat(), "to": report["to"].isoformat(), "lang": current_language()}
    if raw.get("gate"):
        query["gate"] = raw["gate"]
    return render_template(
        "reports/release_times.html",
        report=report,
        raw=raw,
        chart=chart,
        colors=stage_colors(),
        stages=STAGE_LABELS,
        measures=[(m, LABELS[m]) for m in MEASURES],
        gates=gate_choices(me()),
        downloads={
            "csv": url_for("reports_province_api.release_times_csv", **query),
            "xlsx": url_for("reports_province_api.release_times_xlsx", **query),
        },
    )
