"""Pages of the province's workspace: the linkage report (choose a group) and the targets with their progress."""

from datetime import date

from flask import Blueprint, render_template, request, url_for

from ..i18n import current_language, localized
from ..pages import me, requires
from ..reports.province_views import load_args, run
from ..reports.services.ocop import linkage_report
from . import services
from .models import TargetMetric
from .schemas import LinkageQuerySchema, TargetQuerySchema

blp = Blueprint("province", __name__)


@blp.route("/reports/linkage")
@requires("report.read")
def linkage():
    """A linkage group's report: member provinces' OCOP goods crossing at member provinces' gates."""
    user = me()
    groups = services.list_groups(user)
    chosen = request.args.get("group", "").strip()
    if not chosen and groups:
        chosen = str(groups[0].id)
    raw, args = load_args(LinkageQuerySchema(partial=("group",)), ("from", "to"))
    group = next((g for g in groups if str(g.id) == chosen), None)
    report = None
    downloads = None
    if group is not None:
        report = run(
            linkage_report,
            raw,
            province_ids=[p.id for p in group.provinces],
            start=args.get("from_"),
            end=args.get("to"),
        )
        query = {
            "group": group.id,
            "from": report["from"].isoformat(),
            "to": report["to"].isoformat(),
            "lang": current_language(),
        }
        downloads = {
            "csv": url_for("province_api.linkage_csv", **query),
            "xlsx": url_for("province_api.linkage_xlsx", **query),
        }
    return render_template(
        "reports/linkage.html",
        groups=groups,
        group=group,
        report=report,
        downloads=downloads,
        province_names={p.code: localized(p, "name") for g in groups for p in g.provinces},
    )


@blp.route("/reports/targets")
@requires("report.read")
def targets():
    """The yearly targets of the caller's province(s) with the year so far and a progress bar each."""
    user = me()
    _raw, args = load_args(TargetQuerySchema(), ("year",))
    year = args.get("year") or date.today().year
    items = services.list_targets(user, year=year)
    return render_template(
        "reports/targets.html",
        year=year,
        years=list(range(date.today().year + 1, date.today().year - 5, -1)),
        targets=items,
        metric_labels={m.value: str(m.label) for m in TargetMetric},
    )
