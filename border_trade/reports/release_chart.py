"""The release-time chart: mean minutes of each WCO TRS stage per gate and month, as grouped bars (inline SVG).

Drawn at the width the page shows it (no scaling), with 12-point text, so axis labels read at 12 px at a
1024 px window. Chart text is Latin only (gate codes, months, numbers): the stage legend is HTML around it.
"""

from babel.numbers import format_decimal
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String

from ..pdf.fonts import SANS, register_fonts
from .charts import PALETTE, _style_axes

STAGE_KEYS = ("arrival_to_lane", "lane_to_inspection", "inspection_to_cleared", "cleared_to_crossed")
FONT_SIZE = 12
MAX_BARS = 12  # the last twelve gate-months


def stage_colors():
    """The fill of each stage's bars as CSS hex, for the HTML legend."""
    return {key: PALETTE[i].hexval().replace("0x", "#") for i, key in enumerate(STAGE_KEYS)}


def release_chart(rows, *, locale="vi", width=900, height=360):
    """Return grouped bars of mean minutes per stage, one group per (gate, month) row."""
    register_fonts()
    rows = rows[-MAX_BARS:]
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    slanted = len(rows) > 6  # many gate-months: labels at an angle so they do not overlap
    chart.x, chart.y = 70, 110 if slanted else 60
    chart.width, chart.height = width - 90, height - chart.y - 25
    if rows:
        chart.data = [[row[key]["mean"] or 0 for row in rows] for key in STAGE_KEYS]
        chart.categoryAxis.categoryNames = [
            f"{row['gate']} {row['month']}" if slanted else f"{row['gate']}\n{row['month']}" for row in rows
        ]
    else:
        chart.data = [(0,)]
        chart.categoryAxis.categoryNames = [""]
    for index in range(len(chart.data)):
        chart.bars[index].fillColor = PALETTE[index]
        chart.bars[index].strokeColor = None
    _style_axes(chart, locale, font_size=FONT_SIZE)
    chart.valueAxis.labelTextFormat = lambda v: format_decimal(v, format="#,##0", locale=locale)
    chart.categoryAxis.labels.boxAnchor = "ne" if slanted else "n"
    chart.categoryAxis.labels.angle = 30 if slanted else 0
    chart.categoryAxis.labels.dy = -6
    drawing.add(chart)
    drawing.add(String(8, height - 16, "min", fontName=SANS, fontSize=FONT_SIZE))
    return drawing
