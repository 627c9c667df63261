"""The crossing manifest: what the gate officer checks at the supervision zone.

Vehicle, driver and seals; the goods with the columns the officer fills in (quantity passed, confirmation);
the shipment's papers with their numbers and expiry, flagged when a paper lapses before the crossing date.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from ...pdf.cells import cell, joined, labelled
from ...pdf.fonts import SANS_BOLD
from ...pdf.palette import GRID
from ...pdf.styles import table_font_commands
from .blocks import columns, facts_grid, fractions, grid, title
from .formats import day, decimal
from .invoice import description
from .layout import render
from .model import N_, DocumentData, Paper

KIND = "crossing-manifest"
LABELS = {
    "title": N_("Crossing manifest"),
    "subtitle": N_("Goods and vehicle passing the customs supervision zone"),
    "regime": N_("Regime"),
    "status": N_("Status"),
    "declaration_no": N_("Customs declaration number"),
    "lane": N_("Inspection lane"),
    "vehicle_section": N_("Vehicle, driver and seals"),
    "trailer": N_("Trailer plate"),
    "driver": N_("Driver"),
    "driver_id": N_("Driver's passport or ID number"),
    "seals": N_("Seal numbers"),
    "goods_section": N_("Goods"),
    "passed": N_("Quantity passed"),
    "confirmation": N_("Officer's confirmation (date, signature, stamp)"),
    "papers_section": N_("Papers"),
    "paper": N_("Document"),
    "paper_no": N_("Number"),
    "issued_by": N_("Issued by"),
    "issued_on": N_("Issued on"),
    "expires_on": N_("Expires on"),
    "paper_status": N_("On the crossing date"),
    "valid": N_("Valid"),
    "expired": N_("Expired"),
    "no_papers": N_("No papers registered."),
    "none": N_("None"),
    "driver_signature": N_("Driver: signature and full name"),
    "officer_signature": N_("Gate officer: signature, full name and stamp"),
    "receipt_qr": N_("For the buyer: scan this code to confirm receipt of the goods, line by line"),
}
RECEIPT_QR_SIZE = 30 * mm
RECEIPT_URL_MAX = 1000

# No. | description | HS | packages | gross kg | quantity passed | confirmation
_GOODS = [7 * mm, None, 17 * mm, 20 * mm, 22 * mm, 24 * mm, 34 * mm]
# document | number | issued by | issued on | expires on | status
_PAPERS = [None, 28 * mm, 40 * mm, 19 * mm, 19 * mm, 24 * mm]


def build(data: DocumentData) -> bytes:
    """Return the crossing manifest PDF."""
    return render(data, data.label("title"), lambda: story(data))


def paper_expired(data: DocumentData, paper: Paper) -> bool:
    """Tell whether a paper lapses before the planned crossing date."""
    return paper.expires_on is not None and paper.expires_on < data.transport.departure_on


def section(label) -> list[Flowable]:
    return [Spacer(1, 3 * mm), *cell(label, "body", bold=True)]


def story(data: DocumentData) -> list[Flowable]:
    lang = data.languages[0]
    transport = data.transport
    exporter = [*data.exporter.name, data.exporter.tax_id and f"{joined(data.label('tax_id'))}: {data.exporter.tax_id}"]
    facts = facts_grid(
        [
            (data.label("shipment_reference"), data.reference),
            (data.label("exporter"), exporter),
            (data.label("consignee"), data.consignee.name),
            (data.label("regime"), data.regime),
            (data.label("declaration_no"), data.declaration_no or "—"),
            (data.label("status"), data.status),
            (data.label("lane"), transport.lane or ("—",)),
            (data.label("crossing_on"), day(transport.departure_on, lang)),
            (data.label("exit_gate"), transport.exit_gate),
            (data.label("entry_gate"), transport.entry_gate),
        ],
        columns=5,
    )
    vehicle = facts_grid(
        [
            (data.label("vehicle"), transport.vehicle_plate or "—"),
            (data.label("trailer"), transport.trailer_plate or "—"),
            (data.label("driver"), transport.driver_name or "—"),
            (data.label("driver_id"), transport.driver_id_no or "—"),
            (data.label("seals"), ", ".join(transport.seals) if transport.seals else data.label("none")),
        ],
        columns=5,
    )
    keys = ("no", "description", "hs_code", "packages", "gross_kg", "passed", "confirmation")
    rows = [[cell(data.label(key), "label", bold=True) for key in keys]]
    for line in data.lines:
        packages = " ".join(filter(None, (decimal(line.packages, lang), line.package_type)))
        rows.append(
            [str(line.position), description(data, line), line.hs8, packages, decimal(line.gross_kg, lang), "", ""]
        )
    totals = data.totals
    rows.append(
        [
            "",
            cell(data.label("total"), bold=True),
            "",
            decimal(totals.packages, lang) if totals.packages else "",
            decimal(totals.gross_kg, lang),
            "",
            "",
        ]
    )
    last = len(rows) - 1
    goods = grid(
        rows,
        columns(_GOODS),
        header_rows=1,
        commands=[
            ("ALIGN", (3, 1), (4, -1), "RIGHT"),
            ("LINEABOVE", (0, last), (-1, last), 1, "black"),
            ("FONT", (3, last), (4, last), SANS_BOLD, 8),
            ("BOTTOMPADDING", (0, 1), (-1, -1), 8),
        ],
    )
    story = [
        *title(data.label("title")),
        *cell(data.label("subtitle"), "small", align="center"),
        Spacer(1, 2 * mm),
        facts,
        *section(data.label("vehicle_section")),
        vehicle,
        *section(data.label("goods_section")),
        goods,
        *section(data.label("papers_section")),
    ]
    if data.papers:
        keys = ("paper", "paper_no", "issued_by", "issued_on", "expires_on", "paper_status")
        rows = [[cell(data.label(key), "label", bold=True) for key in keys]]
        expired_rows = []
        for paper in data.papers:
            expired = paper_expired(data, paper)
            if expired:
                expired_rows.append(len(rows))
            rows.append(
                [
                    cell(paper.kind),
                    cell([paper.number]),
                    cell([paper.issued_by]),
                    day(paper.issued_on, lang),
                    day(paper.expires_on, lang) or "—",
                    cell(data.label("expired" if expired else "valid"), bold=expired),
                ]
            )
        commands = [("BACKGROUND", (0, row), (-1, row), "#fde2e1") for row in expired_rows]
        story.append(grid(rows, columns(_PAPERS), header_rows=1, commands=commands))
    else:
        story += cell(data.label("no_papers"))
    signatures = Table(
        [[labelled(data.label("driver_signature")), "", labelled(data.label("officer_signature"))]],
        colWidths=fractions(1, 0.1, 1),
        hAlign="LEFT",
    )
    signatures.setStyle(
        TableStyle(
            [
                *table_font_commands(8),
                ("BOX", (0, 0), (0, 0), 0.4, GRID),
                ("BOX", (2, 0), (2, 0), 0.4, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 24 * mm),
            ]
        )
    )
    story += [Spacer(1, 4 * mm), KeepTogether(signatures)]
    if data.receipt_url:
        story += [Spacer(1, 4 * mm), KeepTogether(receipt_code(data))]
    return story


def receipt_code(data: DocumentData) -> Table:
    """The buyer's receipt link as a second QR code, labelled in the document's languages, with its address."""
    drawing = ""
    if len(data.receipt_url) <= RECEIPT_URL_MAX:  # a real link is ~70 characters; a QR code holds at most ~2300
        widget = QrCodeWidget(data.receipt_url, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        scale = [RECEIPT_QR_SIZE / (x1 - x0), 0, 0, RECEIPT_QR_SIZE / (y1 - y0), 0, 0]
        drawing = Drawing(RECEIPT_QR_SIZE, RECEIPT_QR_SIZE, transform=scale)
        drawing.add(widget)
    text = [*cell(data.label("receipt_qr"), "body", bold=True), *cell([data.receipt_url], "small")]
    table = Table([[drawing, text]], colWidths=[RECEIPT_QR_SIZE + 4 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.4, GRID)]))
    return table
