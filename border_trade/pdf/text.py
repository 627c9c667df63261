"""Turn user text (Vietnamese, Khmer, Latin) into ReportLab paragraphs that print and extract correctly."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from reportlab.lib.abag import ABag
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeFragWord
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

from .fonts import BOLD_FACES, KHMER, KHMER_BOLD, SANS, SANS_BOLD, register_fonts
from .lock import build_lock

ZWSP = "\u200b"
COENG = "\u17d2"
_KHMER_RANGES = ((0x1780, 0x17FF), (0x19E0, 0x19FF))
# Characters that never start a cluster: dependent vowels, signs, and the joiners.
_CLUSTER_CONTINUES = frozenset(
    [chr(c) for c in range(0x17B6, 0x17C6)]
    + [chr(c) for c in range(0x17C6, 0x17D2)]
    + [COENG, "\u17d3", "\u17dd", "\u200c", "\u200d"]
)
_SPACE_RE = re.compile(r"(\s+)")
_BREAK_RE = re.compile(r"(\s+|\u200b)")
# Measured widths must not exceed the cell by rounding, or ReportLab re-wraps the line itself.
_WIDTH_SLACK = 0.5


def nfc(text: str) -> str:
    """Return text in Unicode NFC, the form the fonts have precomposed Vietnamese glyphs for."""
    return unicodedata.normalize("NFC", text or "")


def is_khmer(ch: str) -> bool:
    """Tell whether a character belongs to the Khmer or Khmer Symbols block."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _KHMER_RANGES)


def has_khmer(text: str) -> bool:
    """Tell whether any character of text is Khmer."""
    return any(is_khmer(ch) for ch in text)


@dataclass(frozen=True)
class Run:
    """A stretch of text printed with one font: Khmer runs never contain whitespace."""

    text: str
    khmer: bool


def script_runs(text: str) -> list[Run]:
    """Split text into Khmer and non-Khmer runs; each whitespace-free Khmer token is its own run."""
    runs: list[Run] = []
    for token in _SPACE_RE.split(nfc(text).replace(ZWSP, "")):
        if not token:
            continue
        if token.isspace() or not has_khmer(token):
            _append(runs, Run(token, False))
        else:
            # ReportLab shapes a whole word as one HarfBuzz buffer with the font of its first part,
            # and HarfBuzz takes the script from the first letter. So punctuation and digits glued
            # to Khmer stay in its word and font, but other letters are split off with a space:
            # the only way to have each script shaped with its own font and script.
            for i, piece in enumerate(_split_mixed_token(token)):
                if i:
                    _append(runs, Run(" ", False))
                _append(runs, piece)
    return runs


def _append(runs: list[Run], run: Run) -> None:
    if not run.khmer and runs and not runs[-1].khmer:
        runs[-1] = Run(runs[-1].text + run.text, False)
    else:
        runs.append(run)


def _split_mixed_token(token: str) -> list[Run]:
    pieces: list[list] = []  # [text, khmer or None while undecided]
    cmap = _khmer_cmap()
    for ch in token:
        # None: a neutral character the Khmer font has; it joins whichever piece it touches.
        kind = True if is_khmer(ch) else (None if ch in cmap and not _is_letter(ch) else False)
        if pieces and (kind is None or pieces[-1][1] in (None, kind)):
            pieces[-1][0] += ch
            if pieces[-1][1] is None:
                pieces[-1][1] = kind
        else:
            pieces.append([ch, kind])
    return [Run(text, bool(kind)) for text, kind in pieces]


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


@cache
def _khmer_cmap() -> frozenset[str]:
    register_fonts()
    return frozenset(chr(cp) for cp in pdfmetrics.getFont(KHMER).face.charToGlyph if cp < 0xE000 or cp > 0xF8FF)


def escape(text: str) -> str:
    """Escape text for ReportLab paragraph markup so tags and entities in it print literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(text: str, *, bold: bool = False) -> str:
    """Return escaped paragraph markup for text with a <font> per script run and <br/> for newlines."""
    khmer_font, latin_font = (KHMER_BOLD, SANS_BOLD) if bold else (KHMER, SANS)
    parts = []
    for run in script_runs(text):
        if run.khmer:
            parts.append(f'<font name="{khmer_font}">{escape(run.text)}</font>')
        elif run.text.isspace():
            parts.append("<br/>" * run.text.count("\n") or " ")
        else:
            body = re.sub(r"\s+", lambda m: "<br/>" * m.group().count("\n") or " ", escape(run.text))
            parts.append(f'<font name="{latin_font}">{body}</font>')
    return "".join(parts)


def khmer_clusters(text: str) -> list[str]:
    """Split text into clusters (base plus coeng pairs, vowels and signs) that must not be broken."""
    clusters: list[str] = []
    for ch in text:
        joins = ch in _CLUSTER_CONTINUES or unicodedata.category(ch).startswith("M")
        if clusters and (joins or clusters[-1].endswith(COENG)):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def text_width(text: str, font_size: float, *, bold: bool = False) -> float:
    """Measure text as a shaping paragraph lays it out: each run shaped with its own font."""
    khmer_font, latin_font = (KHMER_BOLD, SANS_BOLD) if bold else (KHMER, SANS)
    register_fonts()
    width = 0.0
    with build_lock:  # shaping adds glyph mappings to the shared font objects
        for run in script_runs(text):
            font = khmer_font if run.khmer else latin_font
            for i, word in enumerate(run.text.split(" ")):
                if i:
                    width += pdfmetrics.stringWidth(" ", font, font_size)
                if word:
                    plain = pdfmetrics.stringWidth(word, font, font_size)
                    width += shapeFragWord([plain, (ABag(fontName=font, fontSize=font_size), word)])[0]
    return width


def break_lines(text: str, width: float, font_size: float, *, bold: bool = False) -> list[str]:
    """Break text into lines no wider than width, at spaces and U+200B, else between Khmer clusters."""
    limit = width - _WIDTH_SLACK
    space = text_width(" ", font_size, bold=bold)
    lines: list[str] = []
    for paragraph in nfc(text).split("\n"):
        line, line_width, sep = "", 0.0, ""
        for piece in _BREAK_RE.split(paragraph):
            if not piece:
                continue
            if piece == ZWSP or piece.isspace():
                sep = sep or ("" if piece == ZWSP else " ")
                continue
            # ReportLab measures a line as the sum of its words and spaces, so summing is exact.
            piece_width = text_width(piece, font_size, bold=bold)
            sep_width = space if sep else 0.0
            if line and line_width + sep_width + piece_width <= limit:
                line, line_width = line + sep + piece, line_width + sep_width + piece_width
            else:
                if line:
                    lines.append(line)
                line, line_width = piece, piece_width
                if piece_width > limit and has_khmer(piece):
                    *full, line = _break_long_word(piece, limit, font_size, bold)
                    lines.extend(full)
                    line_width = text_width(line, font_size, bold=bold)
            sep = ""
        lines.append(line)
    return lines


def _break_long_word(word: str, limit: float, font_size: float, bold: bool) -> list[str]:
    pieces: list[str] = []
    current = ""
    for cluster in khmer_clusters(word):
        if current and text_width(current + cluster, font_size, bold=bold) > limit:
            pieces.append(current)
            current = cluster
        else:
            current += cluster
    pieces.append(current)
    return pieces


def wrap_markup(text: str, width: float, font_size: float, *, bold: bool = False) -> str:
    """Return markup for text pre-broken to width, lines joined by <br/> (no U+200B survives)."""
    return "<br/>".join(markup(line, bold=bold) for line in break_lines(text, width, font_size, bold=bold))


class _ActualText:
    """Logical text of one Khmer word, carried on its ReportLab fragments."""

    # Stored as the fragments' ``nobr``: ReportLab compares that attribute before merging
    # neighbouring fragments, so a unique value keeps each Khmer word in its own fragment
    # (and "no break" is anyway right for a pre-broken word).
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _ActualStr(str):
    actual_text = ""


class _ActualShapedStr(ShapedStr):
    actual_text = ""


def _with_actual(text: str, actual: str) -> str:
    new = _ActualShapedStr(str(text), shapeData=text.__shapeData__) if isinstance(text, ShapedStr) else _ActualStr(text)
    new.actual_text = actual
    return new


class _ActualTextObject(PDFTextObject):
    def _textOut(self, text, TStar=0):
        actual = getattr(text, "actual_text", None)
        if actual is None:
            return super()._textOut(text, TStar)
        # Shaped Khmer glyphs have no usable ToUnicode (visual order, private-use code points),
        # so each word is wrapped in a span whose /ActualText gives the logical string. One span
        # per word keeps it on one line, where viewers can place it.
        hexed = "FEFF" + actual.encode("utf-16-be").hex().upper()
        self._code.append(f"/Span <</ActualText <{hexed}>>> BDC")
        self._code.append(self._formatText(text))
        self._code.append("EMC")
        if TStar:
            self._code.append("T*")


class ScriptParagraph(Paragraph):
    """Paragraph whose Khmer words are shaped and extract as their logical Unicode text."""

    # Set by paragraph(): the plain text to re-break for whatever width the layout offers.
    _plain: tuple[str, bool] | None = None
    _broken_for: float | None = None

    def _setup(self, text, style, bulletText, frags, cleaner):
        parsed = frags is None
        super()._setup(text, style, bulletText, frags, cleaner)
        if parsed and self.frags and any(has_khmer(getattr(f, "text", "") or "") for f in self.frags):
            self.frags = _split_khmer_frags(self.frags)
            self.style = _shaping_style(self.style)

    def wrap(self, availWidth, availHeight):
        """Lay out for availWidth, first re-breaking Khmer text at cluster-safe points for that width."""
        if self._plain is not None and availWidth != self._broken_for:
            text, bold = self._plain
            style = self.style
            inner = availWidth - style.leftIndent - style.rightIndent - max(style.firstLineIndent, 0)
            # ReportLab's splitLongWords would cut a long Khmer word through its clusters.
            body = wrap_markup(text, inner, style.fontSize, bold=bold)
            self._setup(body, style, self.bulletText, None, cleanBlockQuotedText)
            self._broken_for = availWidth
        return super().wrap(availWidth, availHeight)

    def breakLines(self, width):
        """Break into lines, then tag each Khmer word's fragment with its logical text."""
        with build_lock:
            para = super().breakLines(width)
        if getattr(para, "kind", 0) == 1:
            seen: set[int] = set()
            for line in para.lines:
                for frag in line.words:
                    token = getattr(frag, "nobr", None)
                    if isinstance(token, _ActualText) and frag.text:
                        # A word cut by splitLongWords keeps its text on the first piece only.
                        frag.text = _with_actual(frag.text, "" if id(token) in seen else token.text)
                        seen.add(id(token))
        return para

    def beginText(self, x, y):
        """Return the text object that wraps Khmer words in /ActualText spans."""
        return _ActualTextObject(self.canv, x, y)


def _split_khmer_frags(frags: list) -> list:
    out = []
    for frag in frags:
        text = getattr(frag, "text", None)
        if not text or hasattr(frag, "cbDefn") or not has_khmer(text):
            out.append(frag)
            continue
        for piece in _SPACE_RE.split(text):
            if piece:
                nobr = frag.__dict__.get("nobr") if piece.isspace() else _ActualText(piece)
                out.append(frag.clone(text=piece, nobr=nobr))
    return out


_shaping_styles: dict[int, tuple[ParagraphStyle, ParagraphStyle]] = {}


def _shaping_style(style: ParagraphStyle) -> ParagraphStyle:
    font = pdfmetrics.getFont(style.fontName)
    if style.shaping and getattr(font, "shapable", False):
        return style
    # Khmer is unreadable unshaped; rather than print it broken, shape it with a derived style.
    cached = _shaping_styles.get(id(style))
    if cached is None or cached[0] is not style:
        register_fonts()
        derived = ParagraphStyle(
            f"{style.name}+shaping",
            parent=style,
            shaping=1,
            fontName=style.fontName if getattr(font, "shapable", False) else KHMER,
        )
        cached = _shaping_styles[id(style)] = (style, derived)
    return cached[1]


def paragraph(text: str, style: ParagraphStyle, *, bold: bool | None = None) -> ScriptParagraph:
    """Build a paragraph from plain user text; Khmer in it is re-broken for the width it gets."""
    text = nfc(text)
    if bold is None:
        # Per-run <font> tags name a face outright, overriding the style's weight.
        bold = style.fontName in BOLD_FACES
    para = ScriptParagraph(markup(text, bold=bold), style)
    if has_khmer(text):
        para._plain = (text, bold)
    return para
