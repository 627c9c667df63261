"""Uploaded tables (CSV or XLSX) read into rows within fixed limits, and kept on the server between a preview and
its confirmation (read once, at upload)."""

import csv
import io
from contextlib import closing
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask_babel import gettext as _

from .common import MIB, Limits, Row, SheetError, current_limits
from .stash import drop_upload, load_upload, stash_upload
from .xlsx import columns_error, rows_error, xlsx_lines

__all__ = [
    "Limits",
    "Row",
    "SheetError",
    "current_limits",
    "drop_upload",
    "hs_code_text",
    "load_upload",
    "read_rows",
    "stash_upload",
    "template_csv",
]

XLSX_MAGIC = b"PK\x03\x04"


def template_csv(columns):
    """Return a CSV file (UTF-8 with BOM, so spreadsheet programs read accents) holding only the header row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_rows(content, filename, columns, *, normalise=None):
    """Read a CSV or XLSX table whose first row names `columns`; return its non-empty rows.

    Cells left empty are omitted, so schema defaults apply. `normalise` maps a column to a function applied to
    its text (e.g. "0807.19.00" -> "08071900"). Raise SheetError when the file cannot be read as such a table or
    breaks a limit (size, rows, columns, text; for XLSX also the archive's, checked before it is unpacked).
    """
    limits = current_limits()
    if not content:
        raise SheetError(_("The file is empty."))
    if len(content) > limits.max_bytes:
        raise SheetError(_("The file is larger than %(max)d MB.", max=limits.max_bytes // MIB))
    suffix = Path(filename or "").suffix.lower()
    if content.startswith(XLSX_MAGIC):
        if suffix not in ("", ".xlsx"):
            raise SheetError(_("Upload a .csv or .xlsx file."))
        lines = xlsx_lines(content, limits)
    elif suffix in ("", ".csv", ".txt"):
        lines = _csv_lines(content)
    else:
        raise SheetError(_("Upload a .csv or .xlsx file."))
    with closing(lines):
        return _table_rows(lines, columns, normalise or {}, limits)


def _table_rows(lines, columns, normalise, limits):
    header = next(lines, None) or ()
    if len(header) > limits.max_columns:
        raise columns_error(limits)
    names = [_cell_text(cell, 1, limits).lower() for cell in header]
    present = [name for name in names if name]
    if not present:
        raise SheetError(_("The first row must name the columns, as in the template."))
    unknown = [name for name in present if name not in columns]
    if unknown:
        raise SheetError(
            _(
                "Unknown column(s): %(unknown)s. Allowed: %(allowed)s.",
                unknown=", ".join(name[:40] for name in unknown[:5]),
                allowed=", ".join(columns),
            )
        )
    repeated = sorted({name for name in present if present.count(name) > 1})
    if repeated:
        raise SheetError(_("Column(s) named twice: %(names)s.", names=", ".join(repeated)))
    rows, chars = [], 0
    for number, line in enumerate(lines, start=2):
        if number > limits.max_lines:
            raise rows_error(limits)
        if len(line) > limits.max_columns:
            raise columns_error(limits)
        values = {}
        for name, cell in zip(names, line, strict=False):
            text = _cell_text(cell, number, limits) if name else ""
            if text:
                chars += len(text)
                values[name] = normalise[name](text) if name in normalise else text
        if chars > limits.max_text_chars:
            raise SheetError(_("The file holds more than %(max)d characters of text.", max=limits.max_text_chars))
        if values:
            rows.append(Row(number=number, values=values))
            if len(rows) > limits.max_rows:
                raise rows_error(limits)
    if not rows:
        raise SheetError(_("The file has no rows below the header."))
    return rows


def _csv_lines(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(_("Save the file as CSV UTF-8.")) from None
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    while True:  # line by line: a file of a million empty lines stops at the line limit
        try:
            line = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise SheetError(_("The file is not a readable CSV table.")) from None
        yield line


def _cell_text(cell, number, limits):
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float):
        # Excel stores 4.3 as the nearest double; str() gives the short decimal a person typed
        return str(int(cell)) if cell.is_integer() else format(Decimal(str(cell)), "f")
    text = str(cell)
    if len(text) > limits.max_cell_chars:
        raise SheetError(
            _("Line %(line)d holds a cell longer than %(max)d characters.", line=number, max=limits.max_cell_chars)
        )
    return text.strip()


def hs_code_text(text):
    """Write an HS code as 8 digits: drop dots and spaces, and restore the leading zero a spreadsheet dropped."""
    digits = text.replace(".", "").replace(" ", "")
    return digits.zfill(8) if digits.isdigit() and len(digits) == 7 else digits
