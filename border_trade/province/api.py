"""Linkage groups, targets and the linkage report (API.md, "The province's workspace")."""

from flask_babel import gettext as _

from ..api import api_user
from ..api.blueprint import Blueprint
from ..reports import tables
from ..reports.ocop_api import XLSX, download
from ..reports.services.ocop import linkage_report
from . import services
from .schemas import (
    GroupInSchema,
    GroupListSchema,
    GroupPatchSchema,
    GroupSchema,
    LinkageQuerySchema,
    LinkageReportSchema,
    TargetInSchema,
    TargetListSchema,
    TargetPatchSchema,
    TargetQuerySchema,
    TargetSchema,
)

blp = Blueprint(
    "province_api",
    __name__,
    url_prefix="/api/v1",
    description="The province's workspace: linkage groups, targets (province officers write their own province's)",
)


@blp.route("/linkage-groups")
@blp.response(200, GroupListSchema)
def list_groups():
    """List the linkage groups the caller sees (admins: all; others: those with a member of their province)."""
    return {"items": services.list_groups(api_user())}


@blp.route("/linkage-groups", methods=["POST"])
@blp.arguments(GroupInSchema)
@blp.response(201, GroupSchema)
def create_group(data):
    """Create a linkage group; members are province codes, historic ones too (LONG-AN, TIEN-GIANG).

    An unknown code answers 422 naming `provinces`; a province officer's group must include their province
    (their own or one merged into it), else 422. Viewers and other roles 403.
    """
    return services.create_group(api_user(), data)


@blp.route("/linkage-groups/<id:group_id>")
@blp.response(200, GroupSchema)
def get_group(group_id):
    """Show a linkage group (one the caller does not see answers 404)."""
    return services.group_or_404(api_user(), group_id)


@blp.route("/linkage-groups/<id:group_id>", methods=["PATCH"])
@blp.arguments(GroupPatchSchema)
@blp.response(200, GroupSchema)
def patch_group(data, group_id):
    """Rename a group or replace its members (a province officer's group must keep their province)."""
    return services.update_group(api_user(), group_id, data)


@blp.route("/linkage-groups/<id:group_id>", methods=["DELETE"])
@blp.response(204)
def delete_group(group_id):
    """Delete a linkage group."""
    services.delete_group(api_user(), group_id)
    return ""


def _linkage(args):
    user = api_user()
    group = services.group_or_404(user, args["group"])
    report = linkage_report(user, [p.id for p in group.provinces], start=args.get("from_"), end=args.get("to"))
    return {**report, "group": group}


@blp.route("/reports/linkage")
@blp.arguments(LinkageQuerySchema, location="query")
@blp.response(200, LinkageReportSchema)
def linkage(args):
    """Member provinces' OCOP goods exported through member provinces' gates, within the caller's gates.

    Origins as recorded on the products (a member's historic code keeps its own rows; a member that absorbed
    provinces in 2025 also brings theirs); gates on a member's territory (before or after the mergers).
    """
    return _linkage(args)


def _linkage_file(args, extension):
    report = _linkage(args)
    name = f"linkage-{report['group'].id}-{report['from']:%Y-%m-%d}-{report['to']:%Y-%m-%d}.{extension}"
    return report, ["origin_province", "gate", "shipments", "value_usd", "products"], name


@blp.route("/reports/linkage.csv")
@blp.arguments(LinkageQuerySchema, location="query")
@blp.response(200, description="The rows of /reports/linkage as CSV, then a totals row", content_type="text/csv")
def linkage_csv(args):
    """Download the linkage report as CSV."""
    report, columns, name = _linkage_file(args, "csv")
    return download(tables.csv_text(columns, report["rows"], report["totals"]), "text/csv", name)


@blp.route("/reports/linkage.xlsx")
@blp.arguments(LinkageQuerySchema, location="query")
@blp.response(200, description="The rows of /reports/linkage as a workbook", content_type=XLSX)
def linkage_xlsx(args):
    """Download the linkage report as XLSX."""
    report, columns, name = _linkage_file(args, "xlsx")
    title = _("Linkage group: %(name)s", name=report["group"].name)
    return download(tables.xlsx_bytes(columns, report["rows"], report["totals"], title=title), XLSX, name)


@blp.route("/targets")
@blp.arguments(TargetQuerySchema, location="query")
@blp.response(200, TargetListSchema)
def list_targets(args):
    """List the targets the caller sees, each with `actual` (the year so far) and `progress` (0..1, capped)."""
    return {"items": services.list_targets(api_user(), year=args.get("year"), province=args.get("province"))}


@blp.route("/targets", methods=["POST"])
@blp.arguments(TargetInSchema)
@blp.response(201, TargetSchema)
def create_target(data):
    """Set a yearly target of a province; the same (year, province, metric) again answers 409.

    Province officers set their own province's; a merged province's code answers 422 (set today's province's).
    `trucks` counts distinct (plate, gate, local day) crossings: a plate crossing at a gate on a day counts once.
    """
    return services.create_target(api_user(), data)


@blp.route("/targets/<id:target_id>")
@blp.response(200, TargetSchema)
def get_target(target_id):
    """Show one target with its actual figure and progress."""
    return services.with_progress(services.target_or_404(api_user(), target_id))


@blp.route("/targets/<id:target_id>", methods=["PATCH"])
@blp.arguments(TargetPatchSchema)
@blp.response(200, TargetSchema)
def patch_target(data, target_id):
    """Change a target's figure."""
    return services.update_target(api_user(), target_id, data)


@blp.route("/targets/<id:target_id>", methods=["DELETE"])
@blp.response(204)
def delete_target(target_id):
    """Delete a target."""
    services.delete_target(api_user(), target_id)
    return ""
