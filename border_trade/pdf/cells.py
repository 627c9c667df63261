"""Bilingual table cells: each language's text on its own line, in its script's face (Khmer shaped), clipped
to what a page can hold; a paragraph is laid out once per build and width."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from .fonts import BOLD_FACES, KHMER_BOLD, SANS_BOLD
from .styles import khmer_styles, latin_styles
from .text import _KHMER_RANGES as KHMER_RANGES
from .text import ScriptParagraph, escape, khmer_clusters, markup, nfc

# Text that differs per language: one string per requested language, in the order the languages were asked for.
Texts = tuple[str, ...]


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


@contextmanager
def layout_pass(limit: int = MAX_PRINTED_CHARS) -> Iterator[None]:
    """Lay out one pass of a document: the paragraphs made during it are shared, its fields clipped to `limit`."""
    global _made, _limit
    _made, _limit = {}, limit
    try:
        yield
    finally:
        _made, _limit = None, MAX_PRINTED_CHARS


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
