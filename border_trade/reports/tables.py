"""Plain tables (the province's figures) as CSV and XLSX: a header of keys or labels, the rows, a totals row."""

import csv
import io
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .exports import _defused, xlsx_cell

LABELS = {
    "origin_province": _l("Province of origin"),
    "ocop_stars": _l("OCOP stars"),
    "product": _l("Product id"),
    "product_name": _l("Product"),
    "gate": _l("Gate"),
    "month": _l("Month"),
    "shipments": _l("Shipments"),
    "value_usd": _l("Value (USD)"),
    "products": _l("OCOP products"),
    "products_exported": _l("OCOP products exported"),
    "products_registered": _l("OCOP products registered"),
    "count": _l("Trucks measured"),
    "mean": _l("Mean (minutes)"),
    "sd": _l("Standard deviation (minutes)"),
    "p50": _l("Median (minutes)"),
    "p90": _l("90th percentile (minutes)"),
}
NUMERIC = {"shipments", "value_usd", "products", "products_exported", "products_registered"}


def flatten(row):
    """Flatten nested stage figures: {"arrival_to_lane": {"mean": 1}} → {"arrival_to_lane.mean": 1}."""
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for inner, number in value.items():
                flat[f"{key}.{inner}"] = number
        else:
            flat[key] = value
    return flat


def _text(key, value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    text = str(value)
    return text if key in NUMERIC or isinstance(value, int | float) else _defused(text)


def csv_text(columns, rows, totals=None):
    """CSV (UTF-8): keys as the header, the rows, then a totals row whose first cell reads Total."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(key, row.get(key)) for key in columns])
    if totals is not None:
        writer.writerow([_("Total") if i == 0 else _text(key, totals.get(key)) for i, key in enumerate(columns)])
    return buffer.getvalue()


def label(key, stage_labels=None):
    if "." in key:
        stage, measure = key.split(".", 1)
        return f"{(stage_labels or {}).get(stage, stage)}: {LABELS.get(measure, measure)}"
    return str(LABELS.get(key, key))


def xlsx_bytes(columns, rows, totals=None, *, title, stage_labels=None):
    """An XLSX workbook: labelled header, typed numbers, a bold totals row."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    sheet.append([xlsx_cell(str(title))])
    sheet.append([xlsx_cell(label(key, stage_labels)) for key in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([xlsx_cell(row.get(key)) for key in columns])
    if totals is not None:
        sheet.append([_("Total") if i == 0 else xlsx_cell(totals.get(key)) for i, key in enumerate(columns)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for index, key in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
        if key == "value_usd":
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


STAGE_LABELS = {
    "arrival_to_lane": _l("Arrival → lane"),
    "lane_to_inspection": _l("Lane → inspection"),
    "inspection_to_cleared": _l("Inspection → cleared"),
    "cleared_to_crossed": _l("Cleared → crossed"),
    "arrival_to_crossed": _l("Arrival → crossed"),
}
MEASURES = ("count", "mean", "sd", "p50", "p90")
OCOP_COLUMNS = ("shipments", "value_usd", "products")


def ocop_columns(group_by):
    columns = []
    for name in group_by:
        columns += ["product", "product_name"] if name == "product" else [name]
    return [*columns, *OCOP_COLUMNS]


def release_columns():
    return ["gate", "month", *(f"{stage}.{m}" for stage in STAGE_LABELS for m in MEASURES)]
