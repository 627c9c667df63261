"""The monthly border-trade report of a province as a bilingual PDF: figures, gates, chart, products, dwell times.

`build_monthly_pdf(report, languages)` takes a `services.MonthlyReport` (plain data) and returns bytes; it
reads no database. Labels come from the translations in each language (`i18n.bilingual`), so it must run
inside an app context. The output is deterministic: the same report gives the same bytes.
"""

from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from ..i18n import bilingual
from ..pdf.cells import style
from ..pdf.palette import SHADE
from ..pdf.report_document import BOTTOM, LEFT, RIGHT, build_a4_report
from ..pdf.styles import khmer_styles, latin_styles, styles_for
from ..pdf.tables import ruled_table
from ..pdf.text import has_khmer, paragraph
from . import charts

PAGE_WIDTH, PAGE_HEIGHT = A4
# margins (Decree 30/2020): border_trade/pdf/report_document.py

FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT


def N_(msgid):  # noqa: N802  (marks a msgid for extraction; translated per language when printed)
    return msgid


LABELS = {
    "title": N_("Border-trade report"),
    "month_of": N_("Month %(month)s"),
    "province": N_("Province"),
    "period": N_("Period"),
    "summary": N_("1. Overview"),
    "by_gate": N_("2. Trade through the gates"),
    "chart": N_("Value of goods crossed per month and gate (USD), last twelve months"),
    "products": N_("3. Top ten products by value"),
    "dwell": N_("4. Time at the gate, from arrival to crossing"),
    "notes": N_("Notes"),
    "measure": N_("Measure"),
    "this_month": N_("This month"),
    "same_month": N_("Same month last year"),
    "change": N_("Change (%)"),
    "ytd": N_("Year to date"),
    "ytd_previous": N_("Same period last year"),
    "shipments": N_("Shipments"),
    "trucks": N_("Trucks"),
    "gross_t": N_("Gross weight (t)"),
    "gross_kg": N_("Gross weight (kg)"),
    "value_usd": N_("Value (USD)"),
    "value_vnd": N_("Value (VND)"),
    # under the value (USD): each direction's share of it and the balance (export − import)
    "export_value": N_("Export"),
    "import_value": N_("Import"),
    "balance": N_("Balance (USD)"),
    "gate": N_("Gate"),
    "total": N_("Total"),
    "no": N_("No."),
    "product": N_("Product"),
    "hs_code": N_("HS code"),
    "crossings": N_("Crossings"),
    "avg": N_("Average (min)"),
    "p50": N_("Median (min)"),
    "p90": N_("90th percentile (min)"),
    "no_product": N_("Goods without a catalogue product"),
    "formerly": N_("formerly %(province)s"),
    "counting": N_(
        "Shipments are counted on the day they crossed the border (Viet Nam time). Values are converted at the "
        "exchange rate of the crossing day; trucks: a plate crossing at a gate on a day counts once."
    ),
    "missing": N_("No exchange rate for %(currency)s on %(day)s: those shipments' values are left out."),
    "nothing": N_("No crossings in this period."),
    "page": N_("Page %(page)s"),
}


class _Printer:
    """Texts, numbers and paragraphs in the report's languages (the first one formats the numbers)."""

    def __init__(self, languages):
        self.languages = tuple(dict.fromkeys(languages)) or ("vi",)
        self.lang = self.languages[0]

    def texts(self, key, **params):
        """Return the label in each language, once each (an untranslated label would print twice)."""
        first, *rest = self.languages
        texts = bilingual(LABELS[key], first, rest[0] if rest else None, sep="\x00", **params).split("\x00")
        return list(dict.fromkeys(texts))

    def text(self, key, sep="\n", **params):
        return sep.join(self.texts(key, **params))

    def para(self, text, *, bold=False, align=None):
        kind = "bold" if bold else "cell"
        return paragraph(text, style(kind, khmer=has_khmer(text), align=align or ""))

    def label(self, key, *, bold=True, align=None, **params):
        return self.para(self.text(key, **params), bold=bold, align=align)

    def header(self, key, *, align=None, **params):
        text = self.text(key, **params)
        return paragraph(text, style("label", khmer=has_khmer(text), bold=True, align=align or ""))

    def number(self, value, places=0):
        if value is None:
            return "—"
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(Decimal(value), format=pattern, locale=self.lang)

    def money(self, value, currency):
        return format_currency(Decimal(value), currency, locale=self.lang)

    def tonnes(self, kg):
        return self.number(Decimal(kg) / 1000, 1)

    def change(self, value):
        if value is None:
            return "—"
        sign = "+" if value > 0 else ""
        return sign + format_decimal(value, format="#,##0.0", locale=self.lang)

    def minutes(self, value):
        return "—" if value is None else format_decimal(value, format="#,##0", locale=self.lang)

    def month(self, first_day):
        return format_date(first_day, "MM/yyyy", locale=self.lang)

    def day(self, value):
        return format_date(value, "dd/MM/yyyy", locale=self.lang)


def _grid(rows, widths, *, header_rows=1, total_row=False, align_right_from=1):
    commands = [("ALIGN", (align_right_from, header_rows), (-1, -1), "RIGHT")]
    if total_row:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), SHADE))
    return ruled_table(
        rows,
        widths,
        header_rows=header_rows,
        line_width=0.5,
        valign="MIDDLE",
        padding={"TOP": 2, "BOTTOM": 2},
        commands=commands,
    )


def _summary(p, report):
    rows = [
        [
            p.header("measure"),
            p.header("this_month", align="right"),
            p.header("same_month", align="right"),
            p.header("change", align="right"),
            p.header("ytd", align="right"),
            p.header("ytd_previous", align="right"),
            p.header("change", align="right"),
        ]
    ]
    current, before, ytd, ytd_before = report.totals, report.previous, report.year_to_date, report.year_to_date_previous
    from .services import change_pct

    def line(key, formatter, measure):
        rows.append(
            [
                p.label(key, bold=False),
                formatter(current[measure]),
                formatter(before[measure]),
                p.change(change_pct(current[measure], before[measure])),
                formatter(ytd[measure]),
                formatter(ytd_before[measure]),
                p.change(change_pct(ytd[measure], ytd_before[measure])),
            ]
        )

    line("shipments", p.number, "shipments")
    line("trucks", p.number, "trucks")
    line("gross_t", p.tonnes, "gross_weight_kg")
    line("value_usd", lambda v: p.number(v, 2), "value_usd")
    line("value_vnd", p.number, "value_vnd")
    for key in ("export_value", "import_value", "balance"):  # both directions: each one's value and the balance
        line(key, lambda v: p.number(v, 2), {"balance": "balance_usd"}.get(key, f"{key}_usd"))
    widths = [FRAME_WIDTH * f for f in (0.22, 0.14, 0.14, 0.09, 0.15, 0.15, 0.11)]
    return _grid(rows, widths)


def _names(p, record):
    """Return a record's `name_<lang>` in each of the report's languages, once each (missing ones skipped)."""
    return "\n".join(dict.fromkeys(n for n in (record.get(f"name_{lang}") for lang in p.languages) if n))


def _gate_name(p, gate):
    text = _names(p, {f"name_{lang}": getattr(gate, f"name_{lang}") for lang in ("vi", "km", "en")})
    if gate.former_province:
        text += "\n(" + p.text("formerly", sep=" / ", province=gate.former_province) + ")"
    return f"{gate.code}\n{text}"


def _gates(p, report):
    rows = [
        [
            p.header("gate"),
            p.header("shipments", align="right"),
            p.header("trucks", align="right"),
            p.header("gross_kg", align="right"),
            p.header("value_usd", align="right"),
            p.header("same_month", align="right"),
            p.header("change", align="right"),
        ]
    ]
    for gate in report.gates:
        rows.append(
            [
                p.para(_gate_name(p, gate)),
                p.number(gate.month["shipments"]),
                p.number(gate.month["trucks"]),
                p.number(gate.month["gross_weight_kg"], 3),
                p.number(gate.month["value_usd"], 2),
                p.number(gate.previous["value_usd"], 2),
                p.change(gate.change_pct),
            ]
        )
    totals = report.totals
    rows.append(
        [
            p.label("total"),
            p.number(totals["shipments"]),
            p.number(totals["trucks"]),
            p.number(totals["gross_weight_kg"], 3),
            p.number(totals["value_usd"], 2),
            p.number(report.previous["value_usd"], 2),
            p.change(report.change_pct),
        ]
    )
    widths = [FRAME_WIDTH * f for f in (0.30, 0.10, 0.09, 0.15, 0.14, 0.13, 0.09)]
    return _grid(rows, widths, total_row=True)


def _product_name(p, line):
    if not line["name_vi"] and not line["name_en"]:
        return p.text("no_product")
    return _names(p, line) or line["name_vi"] or line["name_en"]


def _products(p, report):
    rows = [
        [
            p.header("no"),
            p.header("product"),
            p.header("hs_code"),
            p.header("shipments", align="right"),
            p.header("gross_kg", align="right"),
            p.header("value_usd", align="right"),
        ]
    ]
    for number, line in enumerate(report.top_products, start=1):
        hs = line["hs_code"] or ""
        rows.append(
            [
                str(number),
                p.para(_product_name(p, line)),
                f"{hs[:4]}.{hs[4:6]}.{hs[6:]}" if len(hs) == 8 else hs,
                p.number(line["shipments"]),
                p.number(line["gross_weight_kg"], 3),
                p.number(line["value_usd"], 2),
            ]
        )
    widths = [FRAME_WIDTH * f for f in (0.06, 0.40, 0.13, 0.11, 0.15, 0.15)]
    return _grid(rows, widths, align_right_from=3)


def _dwell(p, report):
    rows = [
        [
            p.header("gate"),
            p.header("crossings", align="right"),
            p.header("avg", align="right"),
            p.header("p50", align="right"),
            p.header("p90", align="right"),
        ]
    ]
    for gate in report.gates:
        if gate.dwell["count"]:
            rows.append(
                [
                    gate.code,
                    p.number(gate.dwell["count"]),
                    p.minutes(gate.dwell["avg_minutes"]),
                    p.minutes(gate.dwell["p50_minutes"]),
                    p.minutes(gate.dwell["p90_minutes"]),
                ]
            )
    d = report.dwell
    rows.append(
        [
            p.label("total"),
            p.number(d["count"]),
            p.minutes(d["avg_minutes"]),
            p.minutes(d["p50_minutes"]),
            p.minutes(d["p90_minutes"]),
        ]
    )
    widths = [FRAME_WIDTH * f for f in (0.32, 0.17, 0.17, 0.17, 0.17)]
    return _grid(rows, widths, total_row=True)


def _heading(p, key, **params):
    text = p.text(key, sep=" / ", **params)
    family = khmer_styles() if has_khmer(text) else latin_styles()
    return [Spacer(1, 4 * mm), paragraph(text, family.bold), Spacer(1, 2 * mm)]


def _story(p, report):
    province = _names(p, {f"name_{lang}": name for lang, name in report.province_names.items()})
    title = p.text("title", sep=" / ")
    family = khmer_styles() if has_khmer(title) else latin_styles()
    story = [
        paragraph(title, family.title),
        paragraph(p.text("month_of", sep=" / ", month=p.month(report.month)), family.title),
        paragraph(province, styles_for(province).title),
        Spacer(1, 2 * mm),
        paragraph(
            f"{p.text('period', sep=' / ')}: {p.day(report.month)} – {p.day(report.end)}",
            styles_for(p.text("period")).body,
        ),
    ]
    story += _heading(p, "summary")
    story.append(_summary(p, report))
    story += _heading(p, "by_gate")
    story.append(_gates(p, report) if report.gates else paragraph(p.text("nothing", sep=" / "), latin_styles().body))
    chart = charts.monthly_by_gate(report.monthly, locale=p.lang, width=FRAME_WIDTH, height=62 * mm)
    caption = p.text("chart", sep=" / ")
    story.append(KeepTogether([Spacer(1, 3 * mm), paragraph(caption, styles_for(caption).small), chart]))
    story += _heading(p, "products")
    story.append(_products(p, report))
    story += _heading(p, "dwell")
    story.append(_dwell(p, report))
    story += _heading(p, "notes")
    notes = [p.text("counting", sep=" / ")]
    notes += [p.text("missing", sep=" / ", currency=currency, day=p.day(on)) for on, currency in report.missing_rates]
    for note in notes:
        story.append(paragraph(note, styles_for(note).small))
    return story


def _footer(p, report):
    def draw(canvas, doc):
        text = f"{p.text('title', sep=' / ')} · {report.province_code} · {report.month:%Y-%m} · " + p.text(
            "page", sep=" / ", page=doc.page
        )
        footer = paragraph(text, styles_for(text).small)
        _width, height = footer.wrapOn(canvas, FRAME_WIDTH, BOTTOM)
        footer.drawOn(canvas, LEFT, BOTTOM - height - 4 * mm)

    return draw


def build_monthly_pdf(report, languages=("vi", "km")):
    """Return the monthly border-trade report as PDF bytes, labelled in one or two languages."""
    p = _Printer(languages)
    title = f"{p.text('title', sep=' / ')} {report.province_code} {report.month:%Y-%m}"
    return build_a4_report(title, p.lang, lambda: _story(p, report), _footer(p, report))
