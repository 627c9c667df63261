"""An A4 report built under the PDF lock, with the administrative margins both report PDFs use (Decree 30/2020:
left 30-35 mm, right 15-20 mm, top and bottom 20-25 mm)."""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from .lock import build_lock
from .styles import doc_kwargs

LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 22 * mm


def build_a4_report(title, lang, story, footer):
    """Return the PDF bytes of `story()` on A4, `footer(canvas, doc)` on every page; deterministic (invariant)."""
    buffer = BytesIO()
    with build_lock:
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=title,
            author="border-trade",
            creator="border-trade",
            invariant=1,
            lang=lang,
            **doc_kwargs(),
        )
        doc.build(story(), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
