"""The volume report as CSV (machine keys) and XLSX (labelled, typed cells): the same rows as the JSON."""

import csv
import io
import re
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..enums import Direction, Regime
from ..products.models import OcopGroup

COLUMN_LABELS = {
    "gate": _l("Gate"),
    "province": _l("Province"),
    "month": _l("Month"),
    "week": _l("Week"),
    "day": _l("Day"),
    "product_group": _l("OCOP product group"),
    "hs_chapter": _l("HS chapter"),
    "exporter": _l("Exporter id"),
    "exporter_name": _l("Exporter"),
    "ocop_stars": _l("OCOP stars"),
    "product": _l("Product id"),
    "product_name": _l("Product"),
    "direction": _l("Direction"),
    "regime": _l("Regime"),
    "shipments": _l("Shipments"),
    "trucks": _l("Trucks"),
    "gross_weight_kg": _l("Gross weight (kg)"),
    "net_weight_kg": _l("Net weight (kg)"),
    "value_usd": _l("Value (USD)"),
    "value_vnd": _l("Value (VND)"),
    "missing_rates": _l("Shipments without an exchange rate"),
    "export_value_usd": _l("Export value (USD)"),
    "import_value_usd": _l("Import value (USD)"),
    "balance_usd": _l("Balance, export − import (USD)"),
}
NUMBER_FORMATS = {
    "gross_weight_kg": "#,##0.000",
    "net_weight_kg": "#,##0.000",
    "value_usd": "#,##0.00",
    "value_vnd": "#,##0",
    "shipments": "#,##0",
    "trucks": "#,##0",
    "missing_rates": "#,##0",
}
PLACES = {"gross_weight_kg": 3, "net_weight_kg": 3, "value_usd": 2, "value_vnd": 0}
# a cell starting with one of these is a formula to a spreadsheet; exporter and product names are user text
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# what XML 1.0 cannot hold (openpyxl raises IllegalCharacterError for the control characters): tab, line feed and
# carriage return stay, the other C0 controls, lone surrogates and the two non-characters go
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(key, value):
    """Return a value as the JSON shows it: decimals as fixed-point strings, None as empty."""
    if value is None:
        return ""
    if key in PLACES:
        return f"{Decimal(value):.{PLACES[key]}f}"
    return str(value)


def _defused(text):
    return f"'{text}" if isinstance(text, str) and text.startswith(_FORMULA_STARTS) else text


def xlsx_cell(value):
    """Return a value fit for an XLSX cell: characters XML cannot hold dropped, then a formula-like text defused."""
    return _defused(_NOT_XML.sub("", value)) if isinstance(value, str) else value


def _append(sheet, values):
    """Write one row: every cell of every sheet of the export goes through here (and so through xlsx_cell)."""
    sheet.append([xlsx_cell(value) for value in values])


def filename(report, extension):
    """Return a download name such as `border-trade-volume-2026-01-01-2026-03-31.xlsx`."""
    return f"border-trade-volume-{report.start.isoformat()}-{report.end.isoformat()}.{extension}"


def csv_text(report):
    """Return the report as CSV: a header of row keys, the rows, then the totals row (first cell `Total`)."""
    columns = report.columns
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in report.rows:
        # numbers are the app's own; any other text may be user text, so it is defused
        writer.writerow([_csv_cell(key, row.get(key)) for key in columns])
    writer.writerow([_("Total") if i == 0 else cell_text(key, report.totals.get(key)) for i, key in enumerate(columns)])
    return buffer.getvalue()


def _csv_cell(key, value):
    text = cell_text(key, value)
    return text if key in NUMBER_FORMATS else _defused(text)


def _typed(key, value):
    if value is None:
        return None
    if key in PLACES:
        return Decimal(value).quantize(Decimal(1).scaleb(-PLACES[key]))
    if key == "product_group":
        return str(OcopGroup(value).label) if value in OcopGroup.values() else value
    if key == "direction" and value in Direction.values():
        return str(Direction(value).label)
    if key == "regime" and value in Regime.values():
        regime = Regime(value)
        return f"{regime.heading}. {regime.label}"
    return value


def xlsx_bytes(report, *, title=None):
    """Return the report as an XLSX workbook: a sheet of rows with a totals row, and a sheet of parameters."""
    columns = report.columns
    book = Workbook()
    sheet = book.active
    sheet.title = _("Report")[:31]
    _append(sheet, [str(COLUMN_LABELS[key]) for key in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        _append(sheet, [_typed(key, row.get(key)) for key in columns])
    _append(sheet, [_("Total") if i == 0 else _typed(key, report.totals.get(key)) for i, key in enumerate(columns)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, key in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, min(40, len(str(COLUMN_LABELS[key])) + 2))
        if key in NUMBER_FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = NUMBER_FORMATS[key]
    sheet.freeze_panes = "A2"

    about = book.create_sheet(_("Parameters")[:31])
    _append(about, [_("Report"), str(title or _("Border-trade volume"))])
    _append(about, [_("From"), report.start])
    _append(about, [_("To"), report.end])
    _append(about, [_("Grouped by"), ", ".join(str(COLUMN_LABELS[name]) for name in report.group_by)])
    _append(about, [_("Province of a merged gate"), _province_as_label(report.province_as)])
    for key, value in report.filters.items():
        if value is not None:
            _append(about, [str(COLUMN_LABELS.get(key, key)), _typed(key, value)])
    for key in ("export_value_usd", "import_value_usd", "balance_usd"):  # each direction's value, the balance
        if key in report.totals:
            _append(about, [str(COLUMN_LABELS[key]), _typed("value_usd", report.totals[key])])
            about.cell(row=about.max_row, column=2).number_format = NUMBER_FORMATS["value_usd"]
    _append(
        about,
        [
            _("Counting"),
            _(
                "Shipments are counted on the day of their crossing (Asia/Ho_Chi_Minh) and converted at the "
                "exchange rate of that day."
            ),
        ],
    )
    for missing in report.missing_rates:
        _append(about, [_("Missing exchange rate"), f"{missing['currency']} {missing['date'].isoformat()}"])
    for (cell,) in about.iter_rows(min_col=2, max_col=2):
        if hasattr(cell.value, "year"):
            cell.number_format = "yyyy-mm-dd"
    about.column_dimensions["A"].width = 32
    about.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _province_as_label(value):
    if value == "recorded":
        return _("the province of the time")
    return _("the province that holds the gate today")
