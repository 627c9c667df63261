"""Pages of the province's workspace: the linkage report (choose a group) and the targets with their progress."""

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..errors import AppError, flatten_errors
from ..extensions import db
from ..gates.models import Province
from ..i18n import current_language, localized
from ..pages import me, requires
from ..permissions import can
from ..reports.province_views import load_args, run
from ..reports.services.ocop import linkage_report
from . import services
from .models import TargetMetric
from .schemas import GroupInSchema, LinkageQuerySchema, TargetInSchema, TargetQuerySchema

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
        can_write=can(user, "province.write"),
        provinces=_vn_provinces(),
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
        can_write=can(user, "province.write"),
        provinces=[p for p in _vn_provinces() if p[2] is None],
        own=user.province.code if user.province else None,
    )


def _vn_provinces():
    """(code, name, merged on) of every Vietnamese province, today's first, then the merged ones."""
    provinces = db.session.scalars(
        sa.select(Province).where(Province.country_code == "VN").order_by(Province.valid_to.is_not(None), Province.code)
    )
    return [(p.code, localized(p, "name"), p.valid_to) for p in provinces]


def _write(action, data, schema, done, back):
    """Load a page form through the API's schema, run the service; errors are flashed with their field."""
    try:
        action(me(), schema.load(data))
    except ValidationError as error:
        for field, messages in flatten_errors(error.messages).items():
            flash(_("%(field)s: %(reason)s", field=field, reason=" ".join(map(str, messages))), "danger")
        return redirect(back)
    except AppError as error:
        details = flatten_errors(error.errors or {})
        reasons = [f"{field}: {' '.join(map(str, messages))}" for field, messages in details.items()]
        flash(" ".join([str(error.message or ""), *reasons]).strip(), "danger")
        return redirect(back)
    flash(done, "success")
    return redirect(back)


@blp.route("/reports/linkage", methods=["POST"])
@requires("province.write")
def create_group():
    """Create a linkage group from the page (a province officer's must include their province)."""
    data = {"name": request.form.get("name", ""), "provinces": request.form.getlist("provinces")}
    return _write(services.create_group, data, GroupInSchema(), _("Linkage group saved."), url_for("province.linkage"))


@blp.route("/reports/targets", methods=["POST"])
@requires("province.write")
def create_target():
    """Set a target from the page."""
    data = {key: request.form.get(key, "").strip() for key in ("year", "province", "metric", "target")}
    back = url_for("province.targets", year=data["year"] or None)
    return _write(services.create_target, data, TargetInSchema(), _("Target saved."), back)
