"""The department's monthly report as PDF: summary, all gates then each gate under headings I–V, key products.

`border_trade_pdf(report, languages)` takes a `services.BorderTradeReport` (plain data) and returns bytes; it
reads no database. Printed with the shared primitives of `border_trade.pdf` (Noto fonts embedded, Khmer
shaped); A4 portrait with the margins of Decree 30/2020/NĐ-CP, as the monthly report. Deterministic.
"""

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Spacer

from ..pdf.cells import cell, para
from ..pdf.palette import SHADE
from ..pdf.report_document import BOTTOM, LEFT, RIGHT, build_a4_report
from ..pdf.styles import styles_for
from ..pdf.tables import ruled_table
from ..pdf.text import paragraph
from .trade_labels import DIRECTIONS, LABELS, REGIMES, Texts, hs_dotted, unit_symbol

PAGE_WIDTH, PAGE_HEIGHT = A4

FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT
# No. | Goods (HS code under the name) | Unit | Quantity | Value (USD) | Enterprises
SECTION_WIDTHS = [FRAME_WIDTH * f for f in (0.07, 0.40, 0.08, 0.16, 0.17, 0.12)]
KEY_WIDTHS = [FRAME_WIDTH * f for f in (0.05, 0.13, 0.30, 0.07, 0.13, 0.13, 0.08, 0.11)]


def _texts(t, key, **params):
    return t.all(LABELS[key], **params)


def _header(t, keys, right_from):
    return [
        cell(_texts(t, key), "label", bold=True, align="right" if i >= right_from else "") for i, key in enumerate(keys)
    ]


def _line(t, texts_or_text, *, bold=False):
    texts = [texts_or_text] if isinstance(texts_or_text, str) else texts_or_text
    return cell(texts, bold=bold)


def _num(t, value, places=0, *, bold=False):
    return para(t.number(value, places), bold=bold, align="right")


def _tally(t, tally, *, quantity=False, bold=False):
    return [
        _num(t, tally.quantity, 3) if quantity else "",
        _num(t, tally.value_usd, 2, bold=bold),
        _num(t, tally.enterprises, bold=bold),
    ]


def _goods(t, goods):
    names = [n for n in (goods.names.get(lang) for lang in t.languages) if n] or [goods.names.get("vi") or "—"]
    return [*cell(names), para(hs_dotted(goods.hs_code), "label")]


def _section_table(t, section):
    rows = [_header(t, ("no", "goods", "unit", "quantity", "value_usd", "enterprises"), 3)]
    commands = [("ALIGN", (3, 1), (-1, -1), "RIGHT")]
    for heading in section.headings:
        regime = t.all(REGIMES[heading.regime.value])
        rows.append(
            [
                para(heading.regime.heading, bold=True),
                _line(t, regime, bold=True),
                "",
                *_tally(t, heading.tally, bold=True),
            ]
        )
        commands.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), SHADE))
        for number, block in enumerate(heading.blocks, start=1):
            direction = t.all(DIRECTIONS[block.direction.value])
            rows.append(
                [para(f"{number}", bold=True), _line(t, direction, bold=True), "", *_tally(t, block.tally, bold=True)]
            )
            for goods in block.rows:
                rows.append(
                    ["", _goods(t, goods), para(unit_symbol(goods.unit)), *_tally(t, goods.tally, quantity=True)]
                )
    rows.append(["", _line(t, _texts(t, "total"), bold=True), "", *_tally(t, section.tally, bold=True)])
    commands.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), SHADE))
    for key, tally in (("export_value", section.export), ("import_value", section.imports)):
        rows.append(["", _line(t, _texts(t, key)), "", "", _num(t, tally.value_usd, 2), _num(t, tally.enterprises)])
    rows.append(["", _line(t, _texts(t, "balance"), bold=True), "", "", _num(t, section.balance_usd, 2, bold=True), ""])
    return ruled_table(
        rows,
        SECTION_WIDTHS,
        header_rows=1,
        line_width=0.5,
        padding={"TOP": 2, "BOTTOM": 2},
        long=True,
        commands=commands,
    )


def _key_table(t, report):
    keys = ("no", "direction", "goods", "unit", "quantity", "value_usd", "share", "enterprises")
    rows = [_header(t, keys, 4)]
    for direction, goods_rows in report.key_products.items():
        for number, goods in enumerate(goods_rows, start=1):
            rows.append(
                [
                    para(str(number)),
                    _line(t, t.all(DIRECTIONS[direction])),
                    _goods(t, goods),
                    para(unit_symbol(goods.unit)),
                    _num(t, goods.tally.quantity, 3),
                    _num(t, goods.tally.value_usd, 2),
                    _num(t, goods.share_pct, 1),
                    _num(t, goods.tally.enterprises),
                ]
            )
    return ruled_table(rows, KEY_WIDTHS, header_rows=1, line_width=0.5, padding={"TOP": 2, "BOTTOM": 2}, long=True)


def _summary(t, report):
    volume = report.volume_totals
    rows = []
    for key, measure, places in (
        ("shipments", "shipments", 0),
        ("trucks", "trucks", 0),
        ("gross_kg", "gross_weight_kg", 3),
        ("value_usd", "value_usd", 2),
        ("export_value", "export_value_usd", 2),
        ("import_value", "import_value_usd", 2),
        ("balance", "balance_usd", 2),
    ):
        rows.append([_line(t, _texts(t, key)), _num(t, volume[measure], places, bold=key == "balance")])
    return ruled_table(rows, [FRAME_WIDTH * 0.6, FRAME_WIDTH * 0.3], line_width=0.5, padding={"TOP": 2, "BOTTOM": 2})


def _heading(text):
    return [Spacer(1, 4 * mm), CondPageBreak(40 * mm), paragraph(text, styles_for(text).bold), Spacer(1, 2 * mm)]


def _story(t, report):
    province = t.names(report.province_names, sep=" / ")
    title = t.label("title", sep=" / ")
    story = [
        paragraph(f"{t.label('department', sep=' / ')} – {province}", styles_for(province + title).bold),
        Spacer(1, 3 * mm),
        paragraph(title.upper(), styles_for(title).title),
        paragraph(t.label("month_of", sep=" / ", month=t.month(report.month)), styles_for(title).title),
        paragraph(
            f"{t.label('period', sep=' / ')}: {t.day(report.month)} – {t.day(report.end)}",
            styles_for(t.label("period")).body,
        ),
    ]
    story += _heading(t.label("summary", sep=" / "))
    story.append(_summary(t, report))
    for section in report.sections:
        if section.gate is None:
            label = f"{t.label('all_gates', sep=' / ')} – {province}"
        else:
            label = f"{section.gate['code']} – {t.gate(section.gate, sep=' / ')}"
        story += _heading(label)
        story.append(_section_table(t, section))
    story += _heading(t.label("key_products", sep=" / "))
    story.append(_key_table(t, report))
    story += _heading(t.label("notes", sep=" / "))
    notes = [t.label("counting", sep=" / ")]
    if report.idle_gates:
        notes.append(t.label("idle", sep=" / ", gates=", ".join(report.idle_gates)))
    notes += [t.label("missing", sep=" / ", currency=c, day=t.day(on)) for on, c in report.missing_rates]
    story += [paragraph(note, styles_for(note).small) for note in notes]
    return story


def _footer(t, report):
    def draw(canvas, doc):
        text = f"{t.label('title', sep=' / ')} · {report.province_code} · {report.month:%Y-%m} · " + t.label(
            "page", sep=" / ", page=doc.page
        )
        footer = paragraph(text, styles_for(text).small)
        _width, height = footer.wrapOn(canvas, FRAME_WIDTH, BOTTOM)
        footer.drawOn(canvas, LEFT, BOTTOM - height - 4 * mm)

    return draw


def border_trade_pdf(report, languages=("vi",)):
    """Return the department's monthly report as PDF bytes, labelled in one or two languages."""
    t = Texts(languages)
    title = f"{t.label('title', sep=' / ')} {report.province_code} {report.month:%Y-%m}"
    return build_a4_report(title, t.lang, lambda: _story(t, report), _footer(t, report))
