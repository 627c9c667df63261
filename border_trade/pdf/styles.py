"""Paragraph styles for customs documents, in a Latin/Vietnamese family and a Khmer family."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle

from .fonts import BOLD_FACES, KHMER, KHMER_BOLD, SANS, SANS_BOLD, register_fonts
from .text import has_khmer

# Khmer stacks (subscript consonant plus below-vowel, above-vowel plus sign) reach from -0.69 to
# 1.16 em in Noto Sans Khmer, so its lines need far more leading than Latin ones.
LATIN_LEADING = 1.25
KHMER_LEADING = 1.75
LABEL_COLOR = colors.HexColor("#444444")


@dataclass(frozen=True)
class StyleSet:
    """The styles one script family offers to document builders."""

    body: ParagraphStyle
    small: ParagraphStyle
    label: ParagraphStyle
    bold: ParagraphStyle
    title: ParagraphStyle
    cell: ParagraphStyle


def _family(prefix: str, regular: str, bold: str, leading: float, shaping: int) -> StyleSet:
    def make(name: str, size: float, **kwargs) -> ParagraphStyle:
        # splitLongWords stays on: Khmer words are pre-broken by ScriptParagraph, and Latin
        # strings such as e-mail addresses or container numbers must still fit narrow cells.
        return ParagraphStyle(
            f"{prefix}-{name}",
            fontName=kwargs.pop("fontName", regular),
            fontSize=size,
            leading=round(size * leading, 2),
            shaping=shaping,
            **kwargs,
        )

    return StyleSet(
        body=make("body", 9),
        small=make("small", 7.5),
        label=make("label", 7, textColor=LABEL_COLOR),
        bold=make("bold", 9, fontName=bold),
        title=make("title", 13, fontName=bold, alignment=TA_CENTER, spaceAfter=6),
        cell=make("cell", 8),
    )


@cache
def latin_styles() -> StyleSet:
    """Return the Vietnamese/Latin styles: Noto Sans, unshaped (NFC text needs no shaping)."""
    register_fonts()
    return _family("latin", SANS, SANS_BOLD, LATIN_LEADING, 0)


@cache
def khmer_styles() -> StyleSet:
    """Return the Khmer-capable styles: Noto Sans Khmer base, shaped, Latin runs in Noto Sans."""
    register_fonts()
    return _family("khmer", KHMER, KHMER_BOLD, KHMER_LEADING, 1)


def styles_for(text: str) -> StyleSet:
    """Return the Khmer family if text contains Khmer, else the Latin one."""
    return khmer_styles() if has_khmer(text) else latin_styles()


def is_bold(style: ParagraphStyle) -> bool:
    """Tell whether a style prints in one of the bold faces."""
    return style.fontName in BOLD_FACES


def table_font_commands(size: float = 8) -> list[tuple]:
    """Return TableStyle commands that set the table's own font, so no Helvetica gets referenced."""
    return [("FONT", (0, 0), (-1, -1), SANS, size)]


def doc_kwargs() -> dict:
    """Return doc template keyword arguments that keep the unembedded Helvetica out of the PDF."""
    register_fonts()
    return {"initialFontName": SANS}
