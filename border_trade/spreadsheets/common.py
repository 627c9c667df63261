"""What every part of the spreadsheet reader shares: the refusal, a read row, and the limits of an import."""

from dataclasses import dataclass, field

from flask import current_app, has_app_context

from ..errors import Invalid

MIB = 1024 * 1024


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


@dataclass(frozen=True)
class Limits:
    """How much an import may hold; anything beyond is refused before it costs memory or time."""

    max_bytes: int = 5 * MIB  # the uploaded file
    max_rows: int = 1000  # data rows that hold a value
    max_lines: int = 10_000  # lines read at all, empty ones included
    max_columns: int = 200  # cells in one line
    max_cell_chars: int = 1000
    max_text_chars: int = 2_000_000  # all cells together (a shared string may repeat in every cell)
    # XLSX: checked on the archive's directory before anything is unpacked, then on the XML while streaming it
    max_unpacked_bytes: int = 24 * MIB  # all members together
    max_part_bytes: int = 8 * MIB  # any one member (a sheet)
    max_strings_bytes: int = 4 * MIB  # xl/sharedStrings.xml, which openpyxl holds in memory whole
    max_ratio: int = 100  # unpacked / packed, per member and overall
    max_members: int = 500
    max_directory_bytes: int = 256 * 1024
    max_strings: int = 100_000  # entries of the shared-string table
    max_elements: int = 50_000  # elements of a part openpyxl builds as a tree (styles, workbook, relations)


def current_limits():
    """Return the limits, with the sizes `config.py` sets (IMPORT_MAX_*) when an application is running."""
    if not has_app_context():
        return Limits()
    config = current_app.config
    defaults = Limits()
    max_rows = config.get("IMPORT_MAX_ROWS", defaults.max_rows)
    return Limits(
        max_bytes=config.get("IMPORT_MAX_BYTES", defaults.max_bytes),
        max_rows=max_rows,
        max_lines=max(defaults.max_lines, 10 * max_rows),
        max_unpacked_bytes=config.get("IMPORT_MAX_UNPACKED_BYTES", defaults.max_unpacked_bytes),
    )
