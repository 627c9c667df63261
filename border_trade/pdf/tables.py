"""Ruled tables: one grid, one header shade and one set of paddings for every PDF of the application."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.platypus import LongTable, Table, TableStyle

from .palette import GRID, SHADE
from .styles import table_font_commands


def ruled_table(
    rows: list,
    widths: list[float],
    *,
    header_rows: int = 0,
    line_width: float = 0.4,
    valign: str = "TOP",
    padding: dict[str, float] | None = None,
    long: bool = False,
    commands: Iterable[tuple] = (),
    **table_kwargs,
) -> Table:
    """Return a table ruled in the shared grid colour, its header rows shaded (and repeated on each page).

    `padding` maps LEFT, RIGHT, TOP, BOTTOM to points (sides not given keep ReportLab's default); `long` asks
    for a LongTable, which lays out only the rows each page needs; `commands` are added after the shared ones.
    """
    table = (LongTable if long else Table)(rows, colWidths=widths, repeatRows=header_rows, **table_kwargs)
    style_commands = [
        *table_font_commands(8),
        ("GRID", (0, 0), (-1, -1), line_width, GRID),
        ("VALIGN", (0, 0), (-1, -1), valign),
    ]
    style_commands += [(f"{side}PADDING", (0, 0), (-1, -1), points) for side, points in (padding or {}).items()]
    if header_rows:
        style_commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    style_commands.extend(commands)
    table.setStyle(TableStyle(style_commands))
    return table
