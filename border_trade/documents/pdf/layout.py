"""Page layout shared by every PDF: the A4 frame, the header and footer with the verification QR code, the build.

The header repeats the document title, number and revision on every page; the footer carries
"page n/N" in each language and the verification QR code. The total page count is only known once
the story is laid out, so the canvas keeps each finished page and stamps the furniture in a second
pass when the document is saved. Cells, formats and blocks live in cells.py, formats.py and blocks.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from io import BytesIO
from itertools import groupby

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, LayoutError, PageTemplate

from ...pdf import build_lock
from ...pdf.cells import FALLBACK_LIMITS, MAX_PRINTED_CHARS, cell, joined, layout_pass, para
from ...pdf.fonts import register_fonts
from ...pdf.palette import RULE
from ...pdf.styles import doc_kwargs
from .blocks import OcopMark
from .formats import LOCAL_TZ, moment
from .geometry import (
    FOOTER_HEIGHT,
    FOOTER_RULE_Y,
    FOOTER_TEXT_WIDTH,
    FRAME_WIDTH,
    HEADER_HEIGHT,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QR_SIZE,
)
from .model import N_, DocumentData, Texts

QR_FORM = "verifyQR"
HEAD_FORM, FIRST_HEAD_FORM, FOOT_FORM = "pageHead", "firstPageHead", "pageFoot"

# Labels every document prints; each builder adds its own LABELS. Keys are what builders look up.
LABELS = {
    "number": N_("Document number"),
    "revision": N_("Revision"),
    "issued_at": N_("Issued"),
    "page": N_("Page %(page)s/%(pages)s"),
    "verify": N_("Scan the code or open this address to check that the document is genuine and current"),
    "exporter": N_("Exporter"),
    "consignee": N_("Consignee"),
    "tax_id": N_("Tax code"),
    "phone": N_("Phone"),
    "exit_gate": N_("Exit gate (Viet Nam)"),
    "entry_gate": N_("Entry gate (Cambodia)"),
    # an import's parties and gates (documents/pdf_data.py swaps them in for the export's)
    "consignor": N_("Consignor (seller abroad)"),
    "importer": N_("Importer"),
    "exit_gate_abroad": N_("Exit gate (Cambodia)"),
    "entry_gate_vn": N_("Entry gate (Viet Nam)"),
    "vehicle": N_("Truck plate"),
    "crossing_on": N_("Planned crossing date"),
    "total": N_("Total"),
    "no": N_("No."),
    "description": N_("Description of goods"),
    "hs_code": N_("HS code"),
    "unit": N_("Unit"),
    "quantity": N_("Quantity"),
    "packages": N_("Packages"),
    "net_kg": N_("Net weight (kg)"),
    "gross_kg": N_("Gross weight (kg)"),
    "shipment_reference": N_("Shipment reference"),
    "origin_country": N_("Country of origin"),
    "destination_country": N_("Country of destination"),
    "invoice_no": N_("Invoice number"),
    "invoice_on": N_("Invoice date"),
}


@dataclass(frozen=True)
class _Furniture:
    """What the header and footer print, decided before the build.

    Everything but the page number is the same on every page, so it is drawn once into form XObjects
    (the header with and without the title, the footer with the QR code) that each page reuses.
    """

    data: DocumentData
    title: Texts

    def prepare(self, canv: Canvas) -> None:
        """Stamp the issue time as the PDF's dates and draw the header and footer forms."""
        data = self.data
        canv._doc._timeStamp = _timestamp(data.issued_at)
        # invariant=1 seeds the file ID with a constant; make it unique to this issue, still reproducible
        canv._doc.updateSignature(f"{data.kind} {data.number} r{data.revision} {','.join(data.languages)}")
        canv.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
        _draw_qr(canv, data.verify_url, QR_SIZE)
        canv.endForm()
        for name, with_title in ((HEAD_FORM, True), (FIRST_HEAD_FORM, False)):
            canv.beginForm(name)
            self._draw_header(canv, with_title)
            canv.endForm()
        canv.beginForm(FOOT_FORM)
        self._draw_footer(canv)
        canv.endForm()
        for stars in sorted({line.ocop_stars for line in data.lines if line.ocop_stars}):
            canv.beginForm(OcopMark.form_name(stars), 0, 0, stars * (OcopMark.SIZE + 1), OcopMark.SIZE + 1)
            OcopMark.draw_stars(canv, stars)
            canv.endForm()

    def _draw_header(self, canv: Canvas, with_title: bool) -> None:
        data, lang = self.data, self.data.languages[0]
        top = PAGE_HEIGHT - 8 * mm
        right = PAGE_WIDTH - MARGIN_X
        bottom = top
        if with_title:  # page 1 prints the title large in the story instead
            bottom = _draw_stack(canv, cell(self.title, "body", bold=True), MARGIN_X, top, FRAME_WIDTH * 0.55)
        facts = [
            f"{joined(data.label('number'))}: {data.number}",
            f"{joined(data.label('revision'))}: {data.revision}",
            f"{joined(data.label('issued_at'))}: {moment(data.issued_at, lang)}",
        ]
        width = FRAME_WIDTH * 0.45
        lines = [para(fact, "small", align="right") for fact in facts]
        bottom = min(bottom, _draw_stack(canv, lines, right - width, top, width))
        rule = min(bottom - 1 * mm, PAGE_HEIGHT - HEADER_HEIGHT + 3 * mm)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, rule, right, rule)

    def _draw_footer(self, canv: Canvas) -> None:
        data = self.data
        right = PAGE_WIDTH - MARGIN_X
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, FOOTER_RULE_Y, right, FOOTER_RULE_Y)
        canv.saveState()
        canv.translate(right - QR_SIZE, FOOTER_RULE_Y - 1.5 * mm - QR_SIZE)
        canv.doForm(QR_FORM)
        canv.restoreState()
        verify = [*cell(data.label("verify"), "small"), para(data.verify_url, "small")]
        _draw_stack(canv, verify, MARGIN_X, FOOTER_RULE_Y - 1.5 * mm, FOOTER_TEXT_WIDTH * 0.7)

    def draw(self, canv: Canvas, page: int, pages: int) -> None:
        """Put the header and footer on a page, with "page n/N" in each language."""
        canv.doForm(HEAD_FORM if page > 1 else FIRST_HEAD_FORM)
        canv.doForm(FOOT_FORM)
        label = cell(self.data.label("page", page=page, pages=pages), "small", bold=True, align="right")
        width = FOOTER_TEXT_WIDTH * 0.3
        _draw_stack(canv, label, MARGIN_X + FOOTER_TEXT_WIDTH * 0.7, FOOTER_RULE_Y - 1.5 * mm, width)


def _draw_stack(canv: Canvas, flowables: list[Flowable], x: float, top: float, width: float) -> float:
    """Draw flowables one below the other from top; return the y where the stack ends."""
    y = top
    for flowable in flowables:
        _w, h = flowable.wrapOn(canv, width, PAGE_HEIGHT)
        y -= h
        flowable.drawOn(canv, x, y)
    return y


@lru_cache(maxsize=64)
def _qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """Return the QR code's module matrix (encoding costs ~13 ms: a re-issue reuses it)."""
    widget = QrCodeWidget(url, barLevel="M")
    widget.qr.make()
    return tuple(tuple(map(bool, row)) for row in widget.qr.modules)


def _draw_qr(canv: Canvas, url: str, size: float) -> None:
    """Draw the QR code with a quiet zone as one filled path of module runs.

    QrCodeWidget's own drawing goes through a shape tree (~90 ms a code); the modules are its encoder's.
    """
    modules = _qr_modules(url)
    quiet = 4
    box = size / (len(modules) + 2 * quiet)
    path = canv.beginPath()
    for r, row in enumerate(modules):
        c = 0
        for dark, run in groupby(row):
            count = len(list(run))
            if dark:
                path.rect((c + quiet) * box, size - (r + quiet + 1) * box, count * box, box)
            c += count
    canv.setFillColor(colors.black)
    canv.drawPath(path, stroke=0, fill=1)


def _timestamp(issued_at: datetime) -> TimeStamp:
    """Return ReportLab's timestamp for the issue time in Vietnam, so CreationDate is the issue, not the build."""
    local = issued_at.astimezone(LOCAL_TZ)
    offset = int(local.utcoffset().total_seconds())
    stamp = TimeStamp(invariant=1)
    stamp.t = issued_at.timestamp()
    stamp.lt = local.timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh, stamp.dmm = offset // 3600, offset % 3600 // 60
    stamp.tzname = "ICT"
    return stamp


class _PageCanvas(Canvas):
    """Keeps finished pages until save(), then stamps each with the furniture and "page n/N"."""

    def __init__(self, *args, furniture: _Furniture, **kwargs):
        super().__init__(*args, **kwargs)
        self._furniture = furniture
        self._held_pages: list[dict] = []
        furniture.prepare(self)

    def showPage(self):
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        pages = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self._furniture.draw(self, self._pageNumber, pages)
            super().showPage()
        super().save()


def render(data: DocumentData, title: Texts, make_story: Callable[[], list[Flowable]]) -> bytes:
    """Lay out the story on A4 pages with the header, footer and QR code; return the PDF bytes.

    Reproducible: the same data gives the same bytes (invariant mode, dates from the issue time).
    """
    register_fonts()
    with build_lock:  # ReportLab's font and canvas state is process-wide and not thread-safe
        for limit in (MAX_PRINTED_CHARS, *FALLBACK_LIMITS):
            out = BytesIO()
            try:
                with layout_pass(limit):
                    _build(out, data, title, make_story)
                break
            except LayoutError:
                if limit == FALLBACK_LIMITS[-1]:
                    raise
    return out.getvalue()


def _build(out: BytesIO, data: DocumentData, title: Texts, make_story: Callable[[], list[Flowable]]) -> None:
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=HEADER_HEIGHT,
        bottomMargin=FOOTER_HEIGHT,
        title=joined(title),
        author=joined(data.exporter.name),
        subject=f"{data.number} r{data.revision}",
        keywords=[data.reference, data.kind],
        creator="border-trade",
        lang=data.languages[0],
        invariant=1,
        **doc_kwargs(),
    )
    frame = Frame(MARGIN_X, FOOTER_HEIGHT, FRAME_WIDTH, PAGE_HEIGHT - HEADER_HEIGHT - FOOTER_HEIGHT, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    furniture = _Furniture(data, title)
    doc.build(make_story(), canvasmaker=lambda *a, **k: _PageCanvas(*a, furniture=furniture, **k))
