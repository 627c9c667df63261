"""Report charts as ReportLab drawings: placed as they are in the PDF, or turned into inline SVG for pages.

The builders take plain data (labels and numbers) and never read the database. Chart text is Latin only
(gate codes, months, numbers, Vietnamese or English product names): canvas strings are not shaped, so
Khmer belongs in the paragraphs around a chart, not inside it.
"""

import itertools
import re

from babel.numbers import format_decimal
from markupsafe import Markup
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from ..pdf import build_lock
from ..pdf.fonts import SANS, register_fonts

PALETTE = [
    colors.HexColor(c)
    for c in (
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
    )
]
OTHERS_COLOR = colors.HexColor("#c7c7c7")
MAX_SERIES = len(PALETTE)
_svg_ids = itertools.count(1)


def _axis_number(locale):
    def label(value):
        return format_decimal(value, format="#,##0.#", locale=locale)

    return label


def _style_axes(chart, locale, font_size=7):
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = SANS
        axis.labels.fontSize = font_size
        axis.strokeColor = colors.HexColor("#555555")
    chart.valueAxis.labelTextFormat = _axis_number(locale)
    chart.valueAxis.forceZero = True
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.valueAxis.gridStrokeWidth = 0.5


def _legend(names, fills, x, y, *, columns=1, font_size=7):
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName = SANS
    legend.fontSize = font_size
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = max(1, -(-len(names) // columns))
    legend.deltay = font_size + 2
    legend.dx = legend.dy = 6
    legend.colorNamePairs = list(zip(fills, names, strict=True))
    return legend


def _empty_data(chart):
    chart.data = [(0,)]
    chart.categoryAxis.categoryNames = [""]


def _margin(points, font_size):
    """A margin sized for 7-point text, grown with the text (pages draw at 12 points: readable at 12 px)."""
    return round(points * max(font_size, 7) / 7)


def monthly_by_gate(months, *, locale="vi", width=480, height=220, font_size=7):
    """Return stacked bars of value (USD) per month, one colour per gate (the smaller gates together).

    :param months: [(month label, {gate code: value})], oldest first.
    """
    register_fonts()
    totals = {}
    for _label, values in months:
        for gate, value in values.items():
            totals[gate] = totals.get(gate, 0) + float(value)
    ranked = sorted(totals, key=lambda g: (-totals[g], g))
    shown = ranked[: MAX_SERIES - 1] if len(ranked) > MAX_SERIES else ranked
    others = [g for g in ranked if g not in shown]
    series = [[float(values.get(gate, 0)) for _label, values in months] for gate in shown]
    names = list(shown)
    if others:
        series.append([float(sum(values.get(g, 0) for g in others)) for _label, values in months])
        names.append("…")
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    left, legend_width = _margin(45, font_size), _margin(90, font_size) if font_size > 7 else 90
    chart.x, chart.y = left, _margin(30, font_size)
    chart.width, chart.height = width - left - legend_width, height - chart.y - 15
    chart.categoryAxis.style = "stacked"
    if series and months:
        chart.data = series
        chart.categoryAxis.categoryNames = [label[2:] if len(label) == 7 else label for label, _v in months]
    else:
        _empty_data(chart)
    fills = [PALETTE[i] if i < len(shown) else OTHERS_COLOR for i in range(len(names))]
    for i, fill in enumerate(fills):
        chart.bars[i].fillColor = fill
        chart.bars[i].strokeColor = None
    chart.barSpacing = 1
    _style_axes(chart, locale, font_size)
    chart.categoryAxis.labels.angle = 45 if len(months) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 8 else "n"
    drawing.add(chart)
    if names:
        drawing.add(_legend(names, fills, width - legend_width + 10, height - 10, font_size=font_size))
    return drawing


# export, import and balance: the same colours on the page's legend (HTML) as in the drawing
DIRECTION_COLORS = {"export": "#1f77b4", "import": "#ff7f0e", "balance": "#7f7f7f"}


def monthly_by_direction(months, *, locale="vi", width=480, height=220, font_size=7):
    """Return grouped bars of export, import and balance (USD) per month; the legend is left to the caller.

    :param months: [(month label, export value, import value)], oldest first. A negative balance (more bought
    than sold) goes below the axis.
    """
    register_fonts()
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = _margin(55, font_size), _margin(30, font_size)
    chart.width, chart.height = width - chart.x - 15, height - chart.y - 15
    if months:
        exports = [float(export) for _label, export, _import in months]
        imports = [float(imported) for _label, _export, imported in months]
        chart.data = [exports, imports, [e - i for e, i in zip(exports, imports, strict=True)]]
        chart.categoryAxis.categoryNames = [label[2:] if len(label) == 7 else label for label, _e, _i in months]
    else:
        _empty_data(chart)
    for i, key in enumerate(DIRECTION_COLORS):
        chart.bars[i].fillColor = colors.HexColor(DIRECTION_COLORS[key])
        chart.bars[i].strokeColor = None
    chart.barSpacing = 0.5
    _style_axes(chart, locale, font_size)
    chart.categoryAxis.labelAxisMode = "low"  # month labels under the chart, below a negative balance
    chart.categoryAxis.labels.angle = 45 if len(months) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 8 else "n"
    drawing.add(chart)
    return drawing


def top_products(products, *, locale="vi", width=480, height=220, font_size=7):
    """Return horizontal bars of value (USD) per product, largest on top.

    :param products: [(name, value)], largest first.
    """
    register_fonts()
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = (170, 20) if font_size <= 7 else (230, _margin(20, font_size))
    chart.width, chart.height = width - chart.x - 25, height - chart.y - 10
    if products:
        names = [_shorten(name, 34 if font_size <= 7 else 28) for name, _value in reversed(products)]
        chart.data = [[float(value) for _name, value in reversed(products)]]
        chart.categoryAxis.categoryNames = names
    else:
        _empty_data(chart)
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars[0].strokeColor = None
    _style_axes(chart, locale, font_size)
    drawing.add(chart)
    return drawing


def dwell_histogram(buckets, labels, *, locale="vi", width=480, height=180, font_size=7):
    """Return bars of crossings per dwell-time bucket.

    :param buckets: counts per bucket; :param labels: one label per bucket ("< 30 min" ...).
    """
    register_fonts()
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = _margin(45, font_size), _margin(30, font_size)
    chart.width, chart.height = width - chart.x - 15, height - chart.y - 15
    chart.data = [[int(n) for n in buckets]] if buckets else [(0,)]
    chart.categoryAxis.categoryNames = list(labels) if buckets else [""]
    chart.bars[0].fillColor = PALETTE[2]
    chart.bars[0].strokeColor = None
    _style_axes(chart, locale, font_size)
    chart.valueAxis.labelTextFormat = lambda v: format_decimal(v, format="#,##0", locale=locale)
    drawing.add(chart)
    return drawing


def _shorten(text, length):
    text = text or "—"
    return text if len(text) <= length else text[: length - 1] + "…"


_STYLE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\b(id="|url\(#)(clip|group)\b')


def _presentation_attributes(match):
    # the page's Content-Security-Policy refuses style attributes; SVG takes the same properties as attributes
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name or not value:
            continue
        if name == "font-family" and value == SANS:
            value = "Noto Sans, sans-serif"
        attributes.append(f' {name}="{value}"')
    return "".join(attributes)


def svg(drawing, *, label, css_class="img-fluid report-chart"):
    """Return a drawing as inline SVG markup for a page: no prolog, no style attributes, unique ids."""
    with build_lock:
        text = renderSVG.drawToString(drawing)
    text = text[text.index("<svg") :]
    prefix = f"chart{next(_svg_ids)}-"
    text = _ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", text)
    text = _STYLE.sub(_presentation_attributes, text)
    text = re.sub(r"<title>.*?</title>\s*<desc>.*?</desc>", "", text, count=1, flags=re.S)
    escaped = str(Markup.escape(label))
    text = text.replace("<svg ", f'<svg role="img" aria-label="{escaped}" class="{css_class}" ', 1)
    return Markup(text)  # noqa: S704  (ReportLab's own output; the label is escaped)


def dwell_bucket_labels(bounds):
    """Return the labels of dwell-time buckets with these upper bounds in minutes: < 30, 30–60, …, ≥ 480."""
    labels = [f"< {bounds[0]}"]
    labels += [f"{low}–{high}" for low, high in itertools.pairwise(bounds)]
    labels.append(f"≥ {bounds[-1]}")
    return labels
