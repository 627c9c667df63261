"""The department's monthly report as an XLSX workbook: a sheet for all gates, one per gate, key products, parameters.

Each gate sheet is laid out as the department's table: No. | Goods | HS code | Unit | Quantity | Value (USD) |
Enterprises; headings I–V (regimes) in bold, each with its export (1) and import (2) rows and the goods under
them; then the total, the value of each direction and the balance. Numbers are typed cells; every text cell goes
through `exports.xlsx_cell` (no formula can be smuggled in a name). Labels are bilingual when two languages
are asked (one line each).
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from .exports import xlsx_cell
from .trade_labels import LABELS, Texts, hs_dotted, unit_symbol

COLUMNS = ("no", "goods", "hs_code", "unit", "quantity", "value_usd", "enterprises")
WIDTHS = (7, 48, 13, 8, 16, 18, 14)
FORMATS = {"quantity": "#,##0.000", "value_usd": "#,##0.00", "enterprises": "#,##0", "share": "0.0"}
HEADING_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def _row(sheet, values, *, bold=False, italic=False, fill=None):
    sheet.append([xlsx_cell(value) for value in values])
    line = sheet.max_row
    for cell in sheet[line]:
        cell.alignment = WRAP
        if bold or italic:
            cell.font = Font(bold=bold, italic=italic)
        if fill is not None:
            cell.fill = fill
    return line


def _formats(sheet, line, keys):
    for index, key in enumerate(keys, start=1):
        if key in FORMATS:
            sheet.cell(row=line, column=index).number_format = FORMATS[key]


def _title(sheet, t, report, place):
    _row(sheet, [t.label("department", sep=" / ")], bold=True)
    _row(sheet, [t.label("title", sep=" / ").upper()], bold=True)
    _row(sheet, [f"{t.label('month_of', sep=' / ', month=t.month(report.month))} · {place}"], bold=True)
    _row(sheet, [f"{t.label('period', sep=' / ')}: {t.day(report.month)} – {t.day(report.end)}"])
    sheet.append([])


def _header(sheet, t, keys):
    line = _row(sheet, [t.label(key) for key in keys], bold=True, fill=HEADING_FILL)
    sheet.freeze_panes = f"A{line + 1}"


def _tally_cells(tally, *, quantity=None):
    return [quantity, tally.value_usd, tally.enterprises]


def _section_sheet(book, t, report, section, title):
    sheet = book.create_sheet(title[:31])
    place = t.gate(section.gate, sep=" / ") if section.gate else t.names(report.province_names, sep=" / ")
    _title(sheet, t, report, place if section.gate else f"{t.label('all_gates', sep=' / ')} · {place}")
    _header(sheet, t, COLUMNS)
    for heading in section.headings:
        line = _row(
            sheet,
            [heading.regime.heading, t.regime(heading.regime.value), None, None, *_tally_cells(heading.tally)],
            bold=True,
            fill=HEADING_FILL,
        )
        _formats(sheet, line, COLUMNS)
        for number, block in enumerate(heading.blocks, start=1):
            line = _row(
                sheet,
                [str(number), t.direction(block.direction.value), None, None, *_tally_cells(block.tally)],
                bold=True,
            )
            _formats(sheet, line, COLUMNS)
            for goods in block.rows:
                cells = [None, t.names(goods.names), hs_dotted(goods.hs_code), unit_symbol(goods.unit)]
                line = _row(sheet, cells + _tally_cells(goods.tally, quantity=goods.tally.quantity))
                _formats(sheet, line, COLUMNS)
    line = _row(sheet, [None, t.label("total"), None, None, *_tally_cells(section.tally)], bold=True, fill=HEADING_FILL)
    _formats(sheet, line, COLUMNS)
    for key, tally in (("export_value", section.export), ("import_value", section.imports)):
        line = _row(sheet, [None, t.label(key), None, None, None, tally.value_usd, tally.enterprises])
        _formats(sheet, line, COLUMNS)
    line = _row(sheet, [None, t.label("balance"), None, None, None, section.balance_usd, None], bold=True)
    _formats(sheet, line, COLUMNS)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    return sheet


KEY_COLUMNS = ("no", "direction", "goods", "hs_code", "unit", "quantity", "value_usd", "share", "enterprises")


def _key_products(book, t, report):
    sheet = book.create_sheet(t.label("key_products", sep=" - ")[:31])
    _title(sheet, t, report, t.names(report.province_names, sep=" / "))
    _header(sheet, t, KEY_COLUMNS)
    for direction, rows in report.key_products.items():
        for number, goods in enumerate(rows, start=1):
            line = _row(
                sheet,
                [
                    number,
                    t.direction(direction),
                    t.names(goods.names),
                    hs_dotted(goods.hs_code),
                    unit_symbol(goods.unit),
                    goods.tally.quantity,
                    goods.tally.value_usd,
                    goods.share_pct,
                    goods.tally.enterprises,
                ],
            )
            _formats(sheet, line, KEY_COLUMNS)
    for index, width in enumerate((7, 14, 44, 13, 8, 16, 18, 10, 14), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width


def _parameters(book, t, report):
    sheet = book.create_sheet(t.label("parameters", sep=" - ")[:31])
    volume = report.volume_totals
    _row(sheet, [t.label("province", sep=" / "), report.province_code])
    _row(sheet, [t.label("period", sep=" / "), f"{report.month:%Y-%m-%d} – {report.end:%Y-%m-%d}"])
    _row(sheet, [t.label("summary", sep=" / ")], bold=True)
    for key, measure, pattern in (
        ("shipments", "shipments", "#,##0"),
        ("trucks", "trucks", "#,##0"),
        ("gross_kg", "gross_weight_kg", "#,##0.000"),
        ("value_usd", "value_usd", "#,##0.00"),
        ("export_value", "export_value_usd", "#,##0.00"),
        ("import_value", "import_value_usd", "#,##0.00"),
        ("balance", "balance_usd", "#,##0.00"),
    ):
        line = _row(sheet, [t.label(key, sep=" / "), volume[measure]])
        sheet.cell(row=line, column=2).number_format = pattern
    _row(sheet, [t.label("notes", sep=" / ")], bold=True)
    _row(sheet, [t.label("counting", sep=" / ")])
    if report.idle_gates:
        _row(sheet, [t.label("idle", sep=" / ", gates=", ".join(report.idle_gates))])
    for on, currency in report.missing_rates:
        _row(sheet, [t.label("missing", sep=" / ", currency=currency, day=t.day(on))])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 30


def border_trade_xlsx(report, languages=("vi",)):
    """Return the department's monthly report as XLSX bytes, labelled in one or two languages."""
    t = Texts(languages)
    book = Workbook()
    book.remove(book.active)
    for section in report.sections:
        title = section.gate["code"] if section.gate else t.all(LABELS["all_gates"])[0]
        _section_sheet(book, t, report, section, title)
    _key_products(book, t, report)
    _parameters(book, t, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
