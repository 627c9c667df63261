"""Report endpoints for province officers, viewers and admins: volumes (JSON, CSV, XLSX), dwell times, monthly PDF."""

from flask import Response

from ..api import api_user
from ..api.blueprint import Blueprint
from . import exports, services
from .schemas import (
    BorderTradeQuerySchema,
    DwellQuerySchema,
    DwellSchema,
    MonthlyQuerySchema,
    VolumeQuerySchema,
    VolumeReportSchema,
)

blp = Blueprint(
    "reports_api", __name__, url_prefix="/api/v1/reports", description="Provincial reports (province officers, admins)"
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VOLUME_PARAMS = (
    "group_by",
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


def volume_from_args(user, args):
    """Run the volume report for parsed query arguments."""
    return services.volume_report(
        user,
        start=args.get("from_"),
        end=args.get("to"),
        **{key: args.get(key) for key in VOLUME_PARAMS if key in args},
    )


def _download(body, mimetype, name):
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blp.route("/volume")
@blp.arguments(VolumeQuerySchema, location="query")
@blp.response(200, VolumeReportSchema)
def volume(args):
    """Count crossed shipments, trucks, weights and values (at the crossing day's rates), grouped and totalled.

    Counted on the day of the `crossed` event in Asia/Ho_Chi_Minh. `group_by`: up to three of gate, province,
    month, week, day, product_group, hs_chapter, exporter, ocop_stars, product; goods attributes measure goods
    lines (shipments and trucks are still counted once). `trucks` counts truck trips: a plate crossing at a gate
    on a day counts once. Folded days are read from the daily figures (docs/aggregates.md). A day without an
    exchange rate is listed in `missing_rates`, and its shipments' values are left out (counted in each row's
    `missing_rates`).
    """
    return volume_from_args(api_user(), args)


@blp.route("/volume.csv")
@blp.arguments(VolumeQuerySchema, location="query")
@blp.response(200, description="The rows of /volume as CSV, then a totals row", content_type="text/csv")
def volume_csv(args):
    """Download the volume report as CSV (UTF-8): the same rows as the JSON, keys as the header."""
    report = volume_from_args(api_user(), args)
    return _download(exports.csv_text(report), "text/csv", exports.filename(report, "csv"))


@blp.route("/volume.xlsx")
@blp.arguments(VolumeQuerySchema, location="query")
@blp.response(200, description="The rows of /volume as a workbook, then a totals row", content_type=XLSX)
def volume_xlsx(args):
    """Download the volume report as an XLSX workbook: the same rows, labelled, with typed numbers."""
    report = volume_from_args(api_user(), args)
    return _download(exports.xlsx_bytes(report), XLSX, exports.filename(report, "xlsx"))


@blp.route("/dwell")
@blp.arguments(DwellQuerySchema, location="query")
@blp.response(200, DwellSchema)
def dwell(args):
    """Return the average, median and 90th-percentile minutes from `arrived` to `crossed`, and the count.

    `split=clearance` adds the same figures for `before_clearance` (arrived → first `cleared`) and
    `after_clearance` (cleared → crossed); a crossing without a `cleared` event counts in neither part.
    """
    return services.dwell_report(
        api_user(),
        gate=args.get("gate"),
        province=args.get("province"),
        start=args.get("from_"),
        end=args.get("to"),
        split=args.get("split"),
    )


@blp.route("/monthly.pdf")
@blp.arguments(MonthlyQuerySchema, location="query")
@blp.response(200, description="The monthly border-trade report of a province", content_type="application/pdf")
def monthly_pdf(args):
    """Download a province's monthly border-trade report (PDF, bilingual, with charts)."""
    from .pdf import build_monthly_pdf

    data = services.monthly_report(api_user(), province=args.get("province"), month=args["month"])
    body = build_monthly_pdf(data, languages=tuple(args["lang"]))
    name = f"border-trade-{data.province_code.lower()}-{data.month:%Y-%m}.pdf"
    return _download(body, "application/pdf", name)


def _border_trade(args, extension):
    report = services.border_trade_report(api_user(), province=args.get("province"), month=args["month"])
    return report, f"border-trade-{report.province_code.lower()}-{report.month:%Y-%m}.{extension}"


@blp.route("/border-trade.xlsx")
@blp.arguments(BorderTradeQuerySchema, location="query")
@blp.response(200, description="The department's monthly border-trade report (headings I-V)", content_type=XLSX)
def border_trade_xlsx(args):
    """Download the department's monthly report of a province as XLSX: per gate and for all gates, headings I-V.

    Crossed shipments of the calendar month in the caller's scope, headings I-V (commercial, border-resident,
    duty-free, temporary import for re-export, other), each with export and import rows: goods (per HS code of
    the goods lines, and unit), quantity, unit, value (USD), enterprises; then key products. Its totals equal
    `/reports/volume` for the same month and province. A province outside the caller's scope answers 404.
    """
    from .trade_xlsx import border_trade_xlsx as build

    report, name = _border_trade(args, "xlsx")
    return _download(build(report, languages=tuple(args["lang"])), XLSX, name)


@blp.route("/border-trade.pdf")
@blp.arguments(BorderTradeQuerySchema, location="query")
@blp.response(
    200, description="The department's monthly border-trade report (headings I-V)", content_type="application/pdf"
)
def border_trade_pdf(args):
    """Download the department's monthly report of a province as PDF (the same tables as the XLSX)."""
    from .trade_pdf import border_trade_pdf as build

    report, name = _border_trade(args, "pdf")
    return _download(build(report, languages=tuple(args["lang"])), "application/pdf", name)
