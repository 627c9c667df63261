"""Uploaded tables (CSV or XLSX) read into rows, and kept on the server between a preview and its confirmation."""

import csv
import io
import json
import secrets
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from .errors import Invalid, NotFound

MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024
STASH_TTL_SECONDS = 24 * 3600
XLSX_MAGIC = b"PK\x03\x04"


class SheetError(Invalid):
    """The file itself cannot be read as the expected table (422 naming `file`)."""

    def __init__(self, message):
        super().__init__(message, errors={"file": [message]})


@dataclass
class Row:
    """One data line of an uploaded table; `number` is the line as a spreadsheet shows it (the header is 1)."""

    number: int
    values: dict[str, str]
    data: dict | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self):
        return not self.errors


def template_csv(columns):
    """Return a CSV file (UTF-8 with BOM, so spreadsheet programs read accents) holding only the header row."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read_rows(content, filename, columns, *, normalise=None):
    """Read a CSV or XLSX table whose first row names `columns`; return its non-empty rows.

    Cells left empty are omitted, so schema defaults apply. `normalise` maps a column to a function applied to
    its text (e.g. "0807.19.00" -> "08071900"). Raise SheetError when the file cannot be read as such a table.
    """
    if not content:
        raise SheetError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise SheetError(_("The file is larger than 5 MB."))
    suffix = Path(filename or "").suffix.lower()
    if content.startswith(XLSX_MAGIC):
        if suffix not in ("", ".xlsx"):
            raise SheetError(_("Upload a .csv or .xlsx file."))
        table = _xlsx_table(content)
    elif suffix in ("", ".csv", ".txt"):
        table = _csv_table(content)
    else:
        raise SheetError(_("Upload a .csv or .xlsx file."))
    header, *lines = table or [[]]
    names = [str(cell or "").strip().lower() for cell in header]
    present = [name for name in names if name]
    if not present:
        raise SheetError(_("The first row must name the columns, as in the template."))
    unknown = [name for name in present if name not in columns]
    if unknown:
        raise SheetError(
            _(
                "Unknown column(s): %(unknown)s. Allowed: %(allowed)s.",
                unknown=", ".join(unknown),
                allowed=", ".join(columns),
            )
        )
    repeated = sorted({name for name in present if present.count(name) > 1})
    if repeated:
        raise SheetError(_("Column(s) named twice: %(names)s.", names=", ".join(repeated)))
    rows = []
    for number, line in enumerate(lines, start=2):
        values = {}
        for name, cell in zip(names, line, strict=False):
            text = _cell_text(cell)
            if name and text:
                values[name] = normalise[name](text) if normalise and name in normalise else text
        if values:
            rows.append(Row(number=number, values=values))
        if len(rows) > MAX_ROWS:
            raise SheetError(_("The file has more than %(max)d rows.", max=MAX_ROWS))
    if not rows:
        raise SheetError(_("The file has no rows below the header."))
    return rows


def _csv_table(content):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(_("Save the file as CSV UTF-8.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise SheetError(_("The file is not a readable CSV table.")) from None


def _xlsx_table(content):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise SheetError(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for line in sheet.iter_rows(values_only=True):
            table.append(list(line))
            if len(table) > MAX_ROWS + 50:
                break
        return table
    finally:
        workbook.close()


def _cell_text(cell):
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
    return str(cell).strip()


def hs_code_text(text):
    """Write an HS code as 8 digits: drop dots and spaces, and restore the leading zero a spreadsheet dropped."""
    digits = text.replace(".", "").replace(" ", "")
    return digits.zfill(8) if digits.isdigit() and len(digits) == 7 else digits


# --- keeping an upload between preview and confirmation ----------------------------------------------------------


def _stash_dir():
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _paths(key):
    if not key or len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
        raise NotFound(_("This upload is no longer available; upload the file again."))
    folder = _stash_dir()
    return folder / f"{key}.bin", folder / f"{key}.json"


def stash_upload(content, filename, *, owner_id, kind, target=None):
    """Keep an uploaded file under a new random key (server side, never in the cookie); return the key."""
    _purge_old()
    key = secrets.token_hex(16)
    data_path, meta_path = _paths(key)
    data_path.write_bytes(content)
    meta = {"owner": owner_id, "kind": kind, "target": target, "filename": (filename or "")[:200]}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    return key


def load_upload(key, *, owner_id, kind, target=None):
    """Return (content, filename) of a kept upload of this owner and kind; 404 for anyone else or an old key."""
    data_path, meta_path = _paths(key)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        content = data_path.read_bytes()
    except (OSError, ValueError):
        raise NotFound(_("This upload is no longer available; upload the file again.")) from None
    if (meta.get("owner"), meta.get("kind"), meta.get("target")) != (owner_id, kind, target):
        raise NotFound(_("This upload is no longer available; upload the file again."))
    return content, meta.get("filename") or ""


def drop_upload(key):
    """Delete a kept upload (after its confirmation or cancellation)."""
    try:
        paths = _paths(key)
    except NotFound:
        return
    for path in paths:
        path.unlink(missing_ok=True)


def _purge_old():
    limit = time.time() - STASH_TTL_SECONDS
    for path in _stash_dir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
