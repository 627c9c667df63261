"""The A4 page every document prints on: margins, the frame between header and footer (colours: `pdf.palette`)."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 14 * mm
HEADER_HEIGHT = 28 * mm  # from the top edge to the frame
FOOTER_HEIGHT = 30 * mm  # from the bottom edge to the frame
QR_SIZE = 22 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FOOTER_RULE_Y = FOOTER_HEIGHT - 3 * mm
FOOTER_TEXT_WIDTH = FRAME_WIDTH - QR_SIZE - 4 * mm
