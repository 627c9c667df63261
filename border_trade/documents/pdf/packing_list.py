"""The packing list: the invoice's header, then packages, marks and weights per goods line, with totals."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from ...pdf.cells import cell
from ...pdf.fonts import SANS_BOLD
from .blocks import columns, grid, opening, signature_block
from .formats import day, decimal
from .invoice import description
from .layout import render
from .model import N_, DocumentData

KIND = "packing-list"
LABELS = {
    "title": N_("Packing list"),
    "seller": N_("Seller"),
    "buyer": N_("Buyer"),
    "marks": N_("Marks and numbers"),
    "packing_signature": N_("Packed by: signature, full name and seal"),
}

# No. | marks | description | packages | quantity | net kg | gross kg
_WIDTHS = [7 * mm, 26 * mm, None, 22 * mm, 22 * mm, 22 * mm, 22 * mm]


def build(data: DocumentData) -> bytes:
    """Return the packing list PDF."""
    return render(data, data.label("title"), lambda: story(data))


def story(data: DocumentData) -> list[Flowable]:
    lang = data.languages[0]
    totals = data.totals
    terms = [
        (data.label("invoice_no"), data.invoice_no),
        (data.label("invoice_on"), day(data.invoice_on, lang)),
        (data.label("shipment_reference"), data.reference),
        (data.label("vehicle"), data.transport.vehicle_plate or "—"),
        (data.label("exit_gate"), data.transport.exit_gate),
        (data.label("entry_gate"), data.transport.entry_gate),
        (data.label("crossing_on"), day(data.transport.departure_on, lang)),
        (data.label("destination_country"), data.destination_country),
    ]
    keys = ("no", "marks", "description", "packages", "quantity", "net_kg", "gross_kg")
    rows = [[cell(data.label(key), "label", bold=True, align="right" if i >= 3 else "") for i, key in enumerate(keys)]]
    for line in data.lines:
        packages = " ".join(filter(None, (decimal(line.packages, lang), line.package_type)))
        rows.append(
            [
                str(line.position),
                cell([line.marks or "N/M"]),
                description(data, line),
                packages,
                f"{decimal(line.quantity, lang)} {line.unit}",
                decimal(line.net_kg, lang),
                decimal(line.gross_kg, lang),
            ]
        )
    rows.append(
        [
            "",
            cell(data.label("total"), bold=True),
            "",
            decimal(totals.packages, lang) if totals.packages else "",
            "",
            decimal(totals.net_kg, lang),
            decimal(totals.gross_kg, lang),
        ]
    )
    last = len(rows) - 1
    items = grid(
        rows,
        columns(_WIDTHS),
        header_rows=1,
        commands=[
            ("ALIGN", (3, 1), (-1, -1), "RIGHT"),
            ("SPAN", (1, last), (2, last)),
            ("LINEABOVE", (0, last), (-1, last), 1, "black"),
            ("FONT", (3, last), (-1, last), SANS_BOLD, 8),
        ],
    )
    return [
        *opening(data, terms),
        items,
        Spacer(1, 3 * mm),
        KeepTogether(signature_block(data.label("packing_signature"))),
    ]
