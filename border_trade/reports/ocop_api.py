"""The province's report endpoints: OCOP exports by origin, release times (WCO Time Release Study); CSV, XLSX."""

from flask import Response
from flask_babel import gettext as _

from ..api import api_user
from ..api.blueprint import Blueprint
from . import tables
from .province_schemas import OcopQuerySchema, OcopReportSchema, ReleaseQuerySchema, ReleaseReportSchema
from .services.ocop import ocop_report, release_time_report

blp = Blueprint(
    "reports_province_api",
    __name__,
    url_prefix="/api/v1/reports",
    description="The province's figures: OCOP exports, release times (province officers, viewers, admins)",
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body, mimetype, name):
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def ocop_from_args(args):
    return ocop_report(
        api_user(),
        start=args.get("from_"),
        end=args.get("to"),
        group_by=args["group_by"],
        province_as=args["province_as"],
        province=args.get("province"),
        gate=args.get("gate"),
    )


@blp.route("/ocop")
@blp.arguments(OcopQuerySchema, location="query")
@blp.response(200, OcopReportSchema)
def ocop(args):
    """OCOP goods exported in the period: by province of origin, stars, product and gate.

    Goods lines of exports crossed at the caller's gates (province officers and viewers: their province's,
    merged provinces included; admins: all) whose product carries OCOP stars, converted at the crossing day's
    rates as `/reports/volume` converts a goods line (its totals equal the volume report's OCOP rows).
    `province_as=current` counts a product of a merged province (LONG-AN) under today's (TAY-NINH); `recorded`
    under the product's own. `province=` keeps products from that province of origin. `products_registered`:
    OCOP products of that province (default: the caller's; admins: all); `products_exported`: those of them
    found in the counted crossings.
    """
    return ocop_from_args(args)


def _ocop_file(args, extension):
    report = ocop_from_args(args)
    columns = tables.ocop_columns(report["group_by"])
    name = f"ocop-exports-{report['from']:%Y-%m-%d}-{report['to']:%Y-%m-%d}.{extension}"
    return report, columns, name


@blp.route("/ocop.csv")
@blp.arguments(OcopQuerySchema, location="query")
@blp.response(200, description="The rows of /ocop as CSV, then a totals row", content_type="text/csv")
def ocop_csv(args):
    """Download the OCOP export figures as CSV."""
    report, columns, name = _ocop_file(args, "csv")
    return download(tables.csv_text(columns, report["rows"], report["totals"]), "text/csv", name)


@blp.route("/ocop.xlsx")
@blp.arguments(OcopQuerySchema, location="query")
@blp.response(200, description="The rows of /ocop as a workbook", content_type=XLSX)
def ocop_xlsx(args):
    """Download the OCOP export figures as XLSX."""
    report, columns, name = _ocop_file(args, "xlsx")
    body = tables.xlsx_bytes(columns, report["rows"], report["totals"], title=_("OCOP exports"))
    return download(body, XLSX, name)


def release_from_args(args):
    return release_time_report(api_user(), gate=args.get("gate"), start=args.get("from_"), end=args.get("to"))


@blp.route("/release-times")
@blp.arguments(ReleaseQuerySchema, location="query")
@blp.response(200, ReleaseReportSchema)
def release_times(args):
    """Release times per gate and month (WCO Time Release Study), in minutes with two decimals.

    A truck counts in the month of its `crossed` event when it crossed between `from` and `to`; each gate
    event at its first occurrence; an interval counts only when both its events exist. `sd` is the sample
    standard deviation (n − 1), null under two values; p50 and p90 are interpolated (percentile_cont).
    """
    return release_from_args(args)


def _release_file(args, extension):
    report = release_from_args(args)
    rows = [tables.flatten(row) for row in report["rows"]]
    name = f"release-times-{report['from']:%Y-%m-%d}-{report['to']:%Y-%m-%d}.{extension}"
    return rows, name


@blp.route("/release-times.csv")
@blp.arguments(ReleaseQuerySchema, location="query")
@blp.response(
    200, description="The rows of /release-times as CSV, one column per stage and measure", content_type="text/csv"
)
def release_times_csv(args):
    """Download the release times as CSV."""
    rows, name = _release_file(args, "csv")
    return download(tables.csv_text(tables.release_columns(), rows), "text/csv", name)


@blp.route("/release-times.xlsx")
@blp.arguments(ReleaseQuerySchema, location="query")
@blp.response(200, description="The rows of /release-times as a workbook", content_type=XLSX)
def release_times_xlsx(args):
    """Download the release times as XLSX."""
    rows, name = _release_file(args, "xlsx")
    body = tables.xlsx_bytes(tables.release_columns(), rows, title=_("Release times"), stage_labels=tables.STAGE_LABELS)
    return download(body, XLSX, name)
