"""The ATIGA Form D worksheet: boxes 1–13 filled from the shipment, to copy into eCoSys; not a certificate.

Since 2024 Form D travels as an e-Form D through the ASEAN Single Window, issued by an MOIT office, so this
PDF is labelled a worksheet/draft everywhere. Box 8 prints RVC40 as "40%"; box 9 adds the FOB value only
where a value-content criterion applies (required for Cambodia); box 7 gives the 6-digit HS code.
"""

from __future__ import annotations

from itertools import zip_longest

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ...pdf.cells import cell, labelled
from ...pdf.styles import table_font_commands
from .blocks import columns, fractions, grid, tick_row
from .formats import day, decimal, money
from .geometry import FRAME_WIDTH
from .layout import render as render_pages
from .model import N_, DocumentData, Line, Texts, printed_criterion

KIND = "co-form-d"
LABELS = {
    "title": N_("ATIGA Form D worksheet"),
    "draft_notice": N_(
        "WORKSHEET – DRAFT. Not a certificate of origin: the certificate is issued by the authority (e-Form D)."
    ),
    "reference_no": N_("Reference No."),
    "atiga": N_("ASEAN TRADE IN GOODS AGREEMENT"),
    "certificate": N_("CERTIFICATE OF ORIGIN"),
    "combined": N_("(Combined Declaration and Certificate)"),
    "form_d": N_("FORM D"),
    "issued_in": N_("Issued in %(country)s"),
    "box1": N_("Goods consigned from (exporter's business name, address, country)"),
    "box2": N_("Goods consigned to (consignee's name, address, country)"),
    "box3": N_("Means of transport and route (as far as known)"),
    "departure_on": N_("Departure date"),
    "vehicle_name": N_("Vessel's name / aircraft / vehicle"),
    "discharge": N_("Port of discharge"),
    "route": N_("By truck, %(exit)s (VN) – %(entry)s (KH)"),
    "box4": N_("For official use"),
    "preference_given": N_("Preferential treatment given under the ASEAN Trade in Goods Agreement"),
    "preference_refused": N_("Preferential treatment not given (please state reasons)"),
    "importer_signature": N_("Signature of authorised signatory of the importing country"),
    "box5": N_("Item number"),
    "box6": N_("Marks and numbers on packages"),
    "box7": N_("Number and type of packages, description of goods, HS code (6 digits) of the importing country"),
    "box8": N_("Origin criterion"),
    "box9": N_("Gross weight or other quantity, and FOB value where RVC applies"),
    "box10": N_("Number and date of invoices"),
    "fob": N_("FOB"),
    "box11": N_("Declaration by the exporter"),
    "declaration": N_(
        "The undersigned hereby declares that the above details and statement are correct; that all the goods "
        "were produced in %(origin)s and that they comply with the origin requirements specified for these goods "
        "in the ASEAN Trade in Goods Agreement for the goods exported to %(destination)s."
    ),
    "exporter_place_date": N_("Place and date, signature of authorised signatory"),
    "box12": N_("Certification"),
    "certification": N_(
        "It is hereby certified, on the basis of control carried out, that the declaration by the exporter is correct."
    ),
    "authority_place_date": N_("Place and date, signature and stamp of certifying authority"),
    "box13": N_("Tick where applicable"),
    "third_country": N_("Third Country Invoicing"),
    "accumulation": N_("Accumulation"),
    "back_to_back": N_("Back-to-Back CO"),
    "partial_cumulation": N_("Partial Cumulation"),
    "exhibition": N_("Exhibition"),
    "de_minimis": N_("De Minimis"),
    "retroactive": N_("Issued Retroactively"),
}

# Box 13 in the order of the Vietnamese specimen (Circular 10/2022/TT-BCT)
BOX13 = (
    "third_country",
    "accumulation",
    "back_to_back",
    "partial_cumulation",
    "exhibition",
    "de_minimis",
    "retroactive",
)
NOTICE = "#b00020"

# 5 | 6 | 7 | 8 | 9 | 10
_WIDTHS = [14 * mm, 22 * mm, None, 18 * mm, 30 * mm, 27 * mm]


def numbered(number: int, label: Texts) -> Texts:
    """Return a box label with its number before it, in each language."""
    return tuple(f"{number}. {text}" for text in label)


def build(data: DocumentData) -> bytes:
    """Return the Form D worksheet PDF."""
    return render_pages(data, data.label("title"), lambda: story(data))


def ticks(data: DocumentData) -> dict[str, bool]:
    """Return box 13's ticks: partial cumulation from the criteria, retroactive issue from the dates."""
    return {
        "partial_cumulation": any(line.origin_criterion.startswith("PC") for line in data.lines),
        "retroactive": data.issued_retroactively,
    }


def _goods_cell(data: DocumentData, line: Line) -> list[Flowable]:
    lang = data.languages[0]
    packages = " ".join(filter(None, (decimal(line.packages, lang), line.package_type)))
    quantity = f"{decimal(line.quantity, lang)} {line.unit}"
    return [
        *cell([" – ".join(filter(None, (packages, quantity)))]),
        *cell(line.description),
        *cell([f"HS {line.hs6}"], bold=True),
    ]


def _weight_cell(data: DocumentData, line: Line) -> list[Flowable]:
    lang = data.languages[0]
    flowables = cell([f"{decimal(line.gross_kg, lang)} kg"])
    if line.uses_value_content and line.fob_value is not None:
        flowables += cell([f"{data.label('fob')[0]}: {money(line.fob_value, data.totals.currency, lang)}"])
    return flowables


def story(data: DocumentData) -> list[Flowable]:
    lang = data.languages[0]
    half = FRAME_WIDTH / 2
    exporter, consignee, transport = data.exporter, data.consignee, data.transport

    def party(number: int, key: str, who) -> list[Flowable]:
        return [
            *cell(numbered(number, data.label(key)), "label"),
            *cell(who.name, bold=True),
            *cell([who.address]),
            *cell(who.country),
        ]

    title_block = [
        *cell(data.label("atiga"), "body", bold=True, align="center"),
        *cell(data.label("certificate"), "body", bold=True, align="center"),
        *cell(data.label("combined"), "small", align="center"),
        *cell(data.label("form_d"), "title"),
        *cell(data.label("issued_in", country=data.origin_country), "small", align="center"),
        Spacer(1, 2 * mm),
        *labelled(data.label("reference_no"), data.number, bold=True),
    ]
    route = data.label("route", exit=transport.exit_place or transport.exit_gate, entry=transport.entry_gate)
    vehicles = " / ".join(filter(None, (transport.vehicle_plate, transport.trailer_plate)))
    box3 = [
        *cell(numbered(3, data.label("box3")), "label"),
        *cell(route, bold=True),
        *labelled(data.label("departure_on"), day(transport.departure_on, lang)),
        *labelled(data.label("vehicle_name"), vehicles),
        *labelled(data.label("discharge"), transport.entry_gate),
    ]
    box4 = [
        *cell(numbered(4, data.label("box4")), "label"),
        tick_row(False, data.label("preference_given"), half - 8),
        tick_row(False, data.label("preference_refused"), half - 8),
        Spacer(1, 10 * mm),
        *cell(data.label("importer_signature"), "label"),
    ]
    top = grid(
        [[party(1, "box1", exporter), title_block], [party(2, "box2", consignee), ""], [box3, box4]],
        [half, half],
        commands=[("SPAN", (1, 0), (1, 1)), ("VALIGN", (1, 0), (1, 1), "MIDDLE")],
    )

    header = [cell(numbered(n, data.label(f"box{n}")), "label", bold=True) for n in range(5, 11)]
    invoice = [data.invoice_no, day(data.invoice_on, lang)]
    rows = [header]
    for line in data.lines:
        rows.append(
            [
                str(line.position),
                cell([line.marks or "N/M"]),
                _goods_cell(data, line),
                cell([printed_criterion(line.origin_criterion)], bold=True, align="center"),
                _weight_cell(data, line),
                cell(invoice),
            ]
        )
    goods = grid(rows, columns(_WIDTHS), header_rows=1)

    countries = {"origin": data.origin_country, "destination": data.destination_country}
    box11 = [
        *cell(numbered(11, data.label("box11")), "label", bold=True),
        *cell(data.label("declaration", **countries), "small"),
        Spacer(1, 8 * mm),
        *cell([day(data.issued_at.date(), lang)]),
        *cell(data.label("exporter_place_date"), "label"),
    ]
    box12 = [
        *cell(numbered(12, data.label("box12")), "label", bold=True),
        *cell(data.label("certification"), "small"),
        Spacer(1, 16 * mm),
        *cell(data.label("authority_place_date"), "label"),
    ]
    ticked = ticks(data)
    column = (half - 8) / 2
    boxes = [tick_row(ticked.get(key, False), data.label(key), column) for key in BOX13]
    # two columns, read down: the first four, then the other three
    tick_grid = Table(list(zip_longest(boxes[:4], boxes[4:], fillvalue="")), colWidths=[column, column], hAlign="LEFT")
    tick_grid.setStyle(
        TableStyle(
            [
                *table_font_commands(8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    box13 = [*cell(numbered(13, data.label("box13")), "label", bold=True), tick_grid]
    bottom = grid([[box11, box12], [box13, ""]], fractions(1, 1), commands=[("SPAN", (1, 0), (1, 1))])
    notice = cell(data.label("draft_notice"), "body", bold=True, align="center", color=NOTICE)
    return [*notice, Spacer(1, 2 * mm), top, Spacer(1, 2 * mm), goods, Spacer(1, 2 * mm), KeepTogether(bottom)]
