"""The building blocks of the documents: ruled tables, tick boxes, the OCOP stars, party and signature blocks."""

from __future__ import annotations

from collections.abc import Iterable
from math import cos, pi, sin

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ...pdf.cells import cell, clip, joined, labelled
from ...pdf.fonts import SANS_BOLD
from ...pdf.palette import GRID
from ...pdf.styles import table_font_commands
from ...pdf.tables import ruled_table
from .geometry import FRAME_WIDTH
from .model import DocumentData, Texts

DOCUMENT_PADDING = {"LEFT": 3, "RIGHT": 3, "TOP": 2, "BOTTOM": 3}


def grid(rows: list, widths: list[float], *, header_rows: int = 0, commands: Iterable[tuple] = ()) -> Table:
    """Return a ruled table; its header rows repeat on every page the table runs onto."""
    # A plain string prints on one line per line break, unwrapped: keep it to one clipped line.
    rows = [[" ".join(clip(c).split()) if isinstance(c, str) else c for c in row] for row in rows]
    # LongTable lays out only the rows each page needs, instead of re-measuring the rest at every split.
    return ruled_table(
        rows,
        widths,
        header_rows=header_rows,
        padding=DOCUMENT_PADDING,
        long=bool(header_rows),
        commands=commands,
        hAlign="LEFT",
    )


def fractions(*parts: float, width: float = FRAME_WIDTH) -> list[float]:
    """Split a width into columns proportional to parts."""
    total = sum(parts)
    return [width * p / total for p in parts]


def columns(spec: list[float | None], width: float = FRAME_WIDTH) -> list[float]:
    """Return column widths: the fixed ones as given, a None column taking what is left of the width."""
    fixed = sum(w for w in spec if w)
    return [w or width - fixed for w in spec]


class TickBox(Flowable):
    """A square box, crossed when ticked (the fonts have no ballot-box glyphs)."""

    def __init__(self, ticked: bool, size: float = 8):
        super().__init__()
        self.ticked, self.size = ticked, size

    def wrap(self, availWidth, availHeight):
        return self.size, self.size + 1

    def draw(self):
        canv, s = self.canv, self.size
        canv.setLineWidth(0.6)
        canv.rect(0, 1, s, s)
        if self.ticked:
            canv.setLineWidth(1.1)
            canv.line(1.5, 2.5, s - 1.5, s - 0.5)
            canv.line(1.5, s - 0.5, s - 1.5, 2.5)


class OcopMark(Flowable):
    """The OCOP mark of a goods line: "OCOP" and its stars (drawn: the fonts have no star glyph).

    Each star count is drawn once per document as a form (see ``_Furniture.prepare``) and reused on every line.
    """

    SIZE = 7
    STAR = colors.HexColor("#b8860b")

    def __init__(self, stars: int):
        super().__init__()
        self.stars = stars

    @staticmethod
    def form_name(stars: int) -> str:
        return f"ocopStars{stars}"

    def wrap(self, availWidth, availHeight):
        return availWidth, self.SIZE + 3

    def draw(self):
        canv = self.canv
        canv.saveState()
        canv.setFont(SANS_BOLD, self.SIZE)
        canv.setFillColor(colors.black)
        canv.drawString(0, 2, "OCOP")
        canv.translate(pdfmetrics.stringWidth("OCOP ", SANS_BOLD, self.SIZE), 1)  # stars centred on the text
        canv.doForm(self.form_name(self.stars))
        canv.restoreState()

    @classmethod
    def draw_stars(cls, canv: Canvas, stars: int) -> None:
        """Draw a row of filled five-pointed stars from the origin."""
        radius = cls.SIZE / 2
        canv.setFillColor(cls.STAR)
        path = canv.beginPath()
        for n in range(stars):
            cx, cy = radius + n * (cls.SIZE + 1), radius
            for i in range(10):
                r = radius if i % 2 == 0 else radius * 0.45
                x, y = cx + r * sin(i * pi / 5), cy + r * cos(i * pi / 5)
                if i:
                    path.lineTo(x, y)
                else:
                    path.moveTo(x, y)
            path.close()
        canv.drawPath(path, stroke=0, fill=1)


def tick_row(ticked: bool, label: Texts, width: float) -> Table:
    """Return a tick box followed by its bilingual label."""
    table = Table([[TickBox(ticked), cell(label)]], colWidths=[12, width - 12], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *table_font_commands(8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def title(texts: Texts) -> list[Flowable]:
    """Return the large centred title of page 1, one line per language."""
    return cell(texts, "title")


def facts_grid(pairs: list[tuple[Texts, Iterable[str | None] | str]], columns: int = 4) -> Table:
    """Return label/value pairs in a ruled grid, `columns` pairs to a row."""
    cells = [labelled(label, value) for label, value in pairs]
    cells += [""] * (-len(cells) % columns)
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    return grid(rows, fractions(*([1] * columns)))


def party_cell(data: DocumentData, key: str, party) -> list[Flowable]:
    """Return a party block: role label, name in each language, address, tax code and country."""
    flowables = cell(data.label(key), "label") + cell(party.name, bold=True)
    if party.address:
        flowables += cell([party.address])
    details = [
        f"{joined(data.label(label))}: {value}"
        for label, value in (("tax_id", party.tax_id), ("phone", party.phone))
        if value
    ]
    flowables += cell(details)
    if party.country:
        flowables += cell([joined(party.country)])
    return flowables


def signature_block(label: Texts, *, height: float = 26 * mm) -> Table:
    """Return a boxed space for a signature and seal on the right half, its bilingual label on top."""
    table = Table([["", labelled(label)]], colWidths=fractions(1.2, 1), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *table_font_commands(8),
                ("BOX", (1, 0), (1, 0), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (1, 0), (1, 0), height),
            ]
        )
    )
    return table


def parties(data: DocumentData, left: str = "exporter", right: str = "consignee") -> Table:
    """Return the exporter and consignee side by side."""
    return grid([[party_cell(data, left, data.exporter), party_cell(data, right, data.consignee)]], fractions(1, 1))


def opening(data: DocumentData, terms: list[tuple[Texts, Iterable[str | None] | str]]) -> list[Flowable]:
    """Return what opens the commercial documents: the title, seller and buyer side by side, then the terms."""
    return [
        *title(data.label("title")),
        parties(data, "seller", "buyer"),
        Spacer(1, 2 * mm),
        facts_grid(terms),
        Spacer(1, 3 * mm),
    ]
