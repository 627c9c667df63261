"""Page layout shared by every PDF: A4 frame, header and footer, bilingual cells, item tables and money per locale.

The header repeats the document title, number and revision on every page; the footer carries
"page n/N" in each language and the verification QR code. The total page count is only known once
the story is laid out, so the canvas keeps each finished page and stamps the furniture in a second
pass when the document is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from io import BytesIO
from itertools import groupby
from math import cos, pi, sin
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from babel.numbers import get_currency_precision as _currency_precision
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LayoutError,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from . import build_lock
from .fonts import BOLD_FACES, KHMER_BOLD, SANS_BOLD, register_fonts
from .model import N_, DocumentData, Texts
from .styles import doc_kwargs, khmer_styles, latin_styles, table_font_commands
from .text import _KHMER_RANGES as KHMER_RANGES
from .text import ScriptParagraph, escape, khmer_clusters, markup, nfc

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 14 * mm
HEADER_HEIGHT = 28 * mm  # from the top edge to the frame
FOOTER_HEIGHT = 30 * mm  # from the bottom edge to the frame
QR_SIZE = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RULE = colors.HexColor("#777777")
GRID = colors.HexColor("#8a8a8a")
SHADE = colors.HexColor("#ececec")
QR_FORM = "verifyQR"
HEAD_FORM, FIRST_HEAD_FORM, FOOT_FORM = "pageHead", "firstPageHead", "pageFoot"
FOOTER_RULE_Y = FOOTER_HEIGHT - 3 * mm
FOOTER_TEXT_WIDTH = FRAME_WIDTH - QR_SIZE - 4 * mm

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


# --- text per language -----------------------------------------------------------------------------------------


def unique(texts: Iterable[str | None]) -> list[str]:
    """Return the non-empty texts once each, in order (a missing translation would print twice)."""
    return list(dict.fromkeys(t for t in texts if t))


def joined(texts: Iterable[str | None], sep: str = " / ") -> str:
    """Return the unique texts on one line."""
    return sep.join(unique(texts))


@cache
def style(
    kind: str = "cell", *, khmer: bool = False, bold: bool = False, align: str = "", color: str = ""
) -> ParagraphStyle:
    """Return a paragraph style of the script family, made bold, aligned or coloured on request."""
    base: ParagraphStyle = getattr(khmer_styles() if khmer else latin_styles(), kind)
    changes = {}
    if bold:
        changes["fontName"] = KHMER_BOLD if khmer else SANS_BOLD
    if align:
        changes["alignment"] = {"right": TA_RIGHT, "center": TA_CENTER}[align]
    if color:
        changes["textColor"] = colors.HexColor(color)
    if not changes:
        return base
    suffix = "".join(f"-{value}" for value in ("bold" if bold else "", align, color) if value)
    return ParagraphStyle(f"{base.name}{suffix}", parent=base, **changes)


class _SizedOnce:
    """Lay a paragraph out once per width: a table asks each cell for its size several times (measuring rows,
    splitting pages, drawing), and every ask would break the lines and shape the Khmer again."""

    _sized: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth, availHeight):
        if self._sized is None or self._sized[0] != availWidth:
            self._sized = (availWidth, super().wrap(availWidth, availHeight))
        return self._sized[1]


class _LatinParagraph(_SizedOnce, Paragraph):
    pass


class _LatinLine(Flowable):
    """Latin or Vietnamese text drawn as one string when it fits on one line, else as a paragraph.

    Most cells hold a short label or value: measuring a string and drawing it costs a fraction of parsing
    paragraph markup and breaking lines, and prints the same glyphs on the same baseline.
    """

    def __init__(self, text: str, style: ParagraphStyle):
        super().__init__()
        self.text, self.style = (text if "\n" in text else " ".join(text.split())), style
        self._natural: float | None = None
        self._paragraph: Paragraph | None = None
        self._sized: tuple[float, tuple[float, float], Paragraph | None] | None = None

    def _fits(self, width: float) -> bool:
        style = self.style
        if "\n" in self.text:
            return False
        if self._natural is None:
            self._natural = pdfmetrics.stringWidth(self.text, style.fontName, style.fontSize)
        return self._natural <= width - style.leftIndent - style.rightIndent

    def wrap(self, availWidth, availHeight):
        if self._sized is None or self._sized[0] != availWidth:
            if self._fits(availWidth):
                self._sized = (availWidth, (availWidth, self.style.leading), None)
            else:
                if self._paragraph is None:
                    markup_text = escape(self.text).replace("\n", "<br/>")
                    self._paragraph = _LatinParagraph(markup_text, self.style)
                self._sized = (availWidth, self._paragraph.wrap(availWidth, availHeight), self._paragraph)
        self.width, self.height = self._sized[1]
        return self._sized[1]

    def draw(self):
        paragraph = self._sized[2] if self._sized else None
        if paragraph is not None:
            paragraph.wrap(self.width, self.height)
            paragraph.drawOn(self.canv, 0, 0)
            return
        style, canv = self.style, self.canv
        y = self.height - style.fontSize  # where a one-line Paragraph puts its baseline
        canv.saveState()
        canv.setFont(style.fontName, style.fontSize)
        canv.setFillColor(style.textColor)
        if style.alignment == TA_RIGHT:
            canv.drawRightString(self.width - style.rightIndent, y, self.text)
        elif style.alignment == TA_CENTER:
            canv.drawCentredString((self.width + style.leftIndent - style.rightIndent) / 2, y, self.text)
        else:
            canv.drawString(style.leftIndent, y, self.text)
        canv.restoreState()

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter


class _KhmerParagraph(ScriptParagraph):
    """A ScriptParagraph that lets ReportLab break at spaces first and re-breaks only when a word was cut.

    ScriptParagraph measures and re-breaks every Khmer text before laying it out, shaping it twice; that is
    only needed when a word is wider than the line (ReportLab would cut it through a cluster). Most cells
    hold short words, so try the plain layout and fall back when ReportLab reports a long-word split.
    """

    _rebreak = False

    def wrap(self, availWidth, availHeight):
        if self._plain is not None and not self._rebreak:
            size = Paragraph.wrap(self, availWidth, availHeight)
            if not self._splitLongWordCount:
                return size
            self._rebreak = True
        return super().wrap(availWidth, availHeight)


class _KhmerCell(_SizedOnce, _KhmerParagraph):
    pass


# text.has_khmer() tests character by character; most cells are Vietnamese, so look for Khmer with one regex
_KHMER_CHAR = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in KHMER_RANGES) + "]")

# Paragraphs made during the current build, by text and style: a label on every page, a product on many lines
# or the OCOP mark is laid out once and drawn wherever it appears (a flowable may be drawn any number of times;
# one placed at another width is laid out again for it). None outside a build.
_made: dict[tuple, Flowable] | None = None


def para(text: str, kind: str = "cell", *, bold: bool = False, align: str = "", color: str = "") -> Flowable:
    """Return a paragraph of plain user text (escaped, Khmer shaped) in the style its script needs."""
    key = (text, kind, bold, align, color)
    made = _made.get(key) if _made is not None else None
    if made is None:
        made = _make_para(text, kind, bold, align, color)
        if _made is not None:
            _made[key] = made
    return made


# A printed field holds at most this many characters (the API accepts up to 300): a longer text, which only other code
# paths could bring, is cut at a cluster boundary with an ellipsis rather than growing a row past a page.
MAX_PRINTED_CHARS = 320
# A document whose every field is that long can still grow a table row past a page: render() then lays the story out
# again with the tighter limits, so what the API accepts prints whole and anything larger still gives a PDF.
FALLBACK_LIMITS = (80, 24)
CHARS_PER_LINE_BREAK = 40  # a printed field keeps one line break per this many characters it may hold
_limit = MAX_PRINTED_CHARS  # the limit of the layout in progress


def clip(text: str, limit: int | None = None) -> str:
    """Cut a text to at most `limit` characters, never inside a Khmer cluster, marking the cut with an ellipsis;
    line breaks past the field's share become spaces."""
    limit = _limit if limit is None else limit
    breaks = max(limit // CHARS_PER_LINE_BREAK, 1)
    if text.count("\n") > breaks:
        head, *rest = text.split("\n", breaks)
        text = "\n".join([head, *rest[:-1], " ".join(rest[-1].split("\n"))])
    if len(text) <= limit:
        return text
    kept, size = [], 0
    for cluster in khmer_clusters(text[: limit + 20]):
        if size + len(cluster) > limit - 1:
            break
        kept.append(cluster)
        size += len(cluster)
    return "".join(kept) + "…"


def _make_para(text: str, kind: str, bold: bool, align: str, color: str) -> Flowable:
    text = clip(nfc(text))
    if _KHMER_CHAR.search(text):
        paragraph_style = style(kind, khmer=True, bold=bold, align=align, color=color)
        bold = paragraph_style.fontName in BOLD_FACES  # the per-run font tags name the face outright
        khmer = _KhmerCell(markup(text, bold=bold), paragraph_style)
        khmer._plain = (text, bold)  # as text.paragraph() does: re-broken at cluster boundaries for its width
        return khmer
    # Text without Khmer prints in the style's own Noto Sans face: no per-run font tags to parse.
    return _LatinLine(text, style(kind, bold=bold, align=align, color=color))


def cell(
    texts: Iterable[str | None], kind: str = "cell", *, bold: bool = False, align: str = "", color: str = ""
) -> list[Flowable]:
    """Return one paragraph per distinct text: each language on its own line, in its own script style."""
    return [para(t, kind, bold=bold, align=align, color=color) for t in unique(texts)]


def labelled(label: Texts, *values: Iterable[str | None] | str, bold: bool = False) -> list[Flowable]:
    """Return a small bilingual label above the values (texts per language, or plain strings)."""
    flowables = cell(label, "label")
    for value in values:
        flowables += cell([value] if isinstance(value, str) else value, bold=bold)
    return flowables


# --- numbers, money and dates per locale -------------------------------------------------------------------------


def decimal(value: Decimal | int | None, lang: str) -> str:
    """Return a quantity in the locale's digits grouping, without needless trailing zeros."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.###", locale=lang)


def money(amount: Decimal | None, currency: str, lang: str) -> str:
    """Return an amount the locale's way: VND without decimals, USD with two, KHR in whole riel."""
    if amount is None:
        return ""
    if currency == "KHR":
        # CLDR gives KHR two decimals; riel is written whole in practice.
        pattern = _locale_currency_pattern(lang).replace(".00", "")
        rounded = Decimal(amount).quantize(Decimal(1), ROUND_HALF_UP)
        return format_currency(rounded, currency, format=pattern, locale=lang, currency_digits=False)
    return format_currency(amount, currency, locale=lang)


@cache
def _locale_currency_pattern(lang: str) -> str:
    from babel import Locale

    return Locale.parse(lang).currency_formats["standard"].pattern


def money_texts(amount: Decimal | None, currency: str, languages: Iterable[str]) -> Texts:
    """Return the amount formatted once per language (the totals show each locale's own notation)."""
    return tuple(money(amount, currency, lang) for lang in languages)


def price(amount: Decimal, currency: str, lang: str) -> str:
    """Return a unit price: at least the currency's decimals, more when the price has them."""
    places = max(_currency_precision(currency), -Decimal(amount).normalize().as_tuple().exponent, 0)
    return format_decimal(amount, format="#,##0." + "0" * places if places else "#,##0", locale=lang)


def day(value: date | None, lang: str) -> str:
    """Return a date as dd/MM/yyyy, the order both Vietnamese and Cambodian forms use."""
    return format_date(value, "dd/MM/yyyy", locale=lang) if value else ""


def moment(value: datetime, lang: str) -> str:
    """Return a time of day in Vietnam (UTC+7), where the documents are issued."""
    return format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=LOCAL_TZ, locale=lang) + " (UTC+7)"


# --- tables ------------------------------------------------------------------------------------------------------


def grid(rows: list, widths: list[float], *, header_rows: int = 0, commands: Iterable[tuple] = ()) -> Table:
    """Return a ruled table; its header rows repeat on every page the table runs onto."""
    # A plain string prints on one line per line break, unwrapped: keep it to one clipped line.
    rows = [[" ".join(clip(c).split()) if isinstance(c, str) else c for c in row] for row in rows]
    # LongTable lays out only the rows each page needs, instead of re-measuring the rest at every split.
    table = (LongTable if header_rows else Table)(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    style_commands = [
        *table_font_commands(8),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        style_commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    style_commands.extend(commands)
    table.setStyle(TableStyle(style_commands))
    return table


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


# --- page furniture and the build ---------------------------------------------------------------------------------


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
    global _made, _limit
    register_fonts()
    with build_lock:  # ReportLab's font and canvas state is process-wide and not thread-safe
        try:
            for limit in (MAX_PRINTED_CHARS, *FALLBACK_LIMITS):
                _made, _limit = {}, limit
                out = BytesIO()
                try:
                    _build(out, data, title, make_story)
                    break
                except LayoutError:
                    if limit == FALLBACK_LIMITS[-1]:
                        raise
        finally:
            _made, _limit = None, MAX_PRINTED_CHARS
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
