"""The commercial invoice: seller and buyer, terms of sale, goods lines with prices, totals per locale."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from ...pdf.cells import cell, labelled
from .blocks import OcopMark, columns, fractions, grid, opening
from .formats import day, decimal, money, money_texts, price
from .layout import render
from .model import N_, DocumentData, Line, printed_criterion

KIND = "commercial-invoice"
LABELS = {
    "title": N_("Commercial invoice"),
    "seller": N_("Seller"),
    "buyer": N_("Buyer"),
    "contract_no": N_("Contract or goods list"),
    "delivery_terms": N_("Delivery terms"),
    "currency": N_("Currency"),
    "unit_price": N_("Unit price"),
    "amount": N_("Amount"),
    "value_vnd": N_("Equivalent in VND"),
    "value_usd": N_("Equivalent in USD"),
    "rate": N_("Exchange rate: 1 %(currency)s = %(rate)s VND"),
    "seller_signature": N_("For the seller: signature, full name and seal"),
    "od_title": N_("Origin declaration (ATIGA self-certification)"),
    "od_criterion": N_("Origin criterion"),
    "od_fob": N_("FOB"),
}
# ATIGA self-certification: the wording of the ASEAN-wide Self-Certification's indicative origin declaration format
# (OCP Annex 8, rules 12A–12D; the AWSC guidebook's "Indicative Format of Original Origin Declaration"). Printed in
# English, the language the declaration is given in.
ORIGIN_DECLARATION = (
    "The exporter of the product(s) covered by this document (Certified Exporter Authorisation code: %(code)s) "
    "declares that, except where otherwise clearly indicated, the product(s) satisfy the Rules of Origin to be "
    "considered as originating goods under ATIGA (ASEAN country of origin: %(country)s)."
)

# No. | description | HS | unit | quantity | unit price | amount
_WIDTHS = [7 * mm, None, 18 * mm, 11 * mm, 17 * mm, 19 * mm, 26 * mm]


def description(data: DocumentData, line: Line) -> list[Flowable]:
    """Return a goods line's description in each language, with its OCOP stars while the recognition is valid."""
    flowables = cell(line.description)
    if line.ocop_stars:
        flowables.append(OcopMark(line.ocop_stars))
    return flowables


def build(data: DocumentData) -> bytes:
    """Return the commercial invoice PDF."""
    return render(data, data.label("title"), lambda: story(data))


def story(data: DocumentData) -> list[Flowable]:
    lang = data.languages[0]
    totals = data.totals
    terms = [
        (data.label("invoice_no"), data.invoice_no),
        (data.label("invoice_on"), day(data.invoice_on, lang)),
        (data.label("contract_no"), data.contract_no or "—"),
        (data.label("shipment_reference"), data.reference),
        (data.label("delivery_terms"), " ".join(filter(None, (data.incoterm, data.incoterm_place)))),
        (data.label("currency"), totals.currency),
        (data.label("vehicle"), data.transport.vehicle_plate or "—"),
        (data.label("crossing_on"), day(data.transport.departure_on, lang)),
        (data.label("exit_gate"), data.transport.exit_gate),
        (data.label("entry_gate"), data.transport.entry_gate),
        (data.label("origin_country"), data.origin_country),
        (data.label("destination_country"), data.destination_country),
    ]
    header = [
        cell(data.label(key), "label", bold=True, align="right" if index >= 4 else "")
        for index, key in enumerate(("no", "description", "hs_code", "unit", "quantity", "unit_price", "amount"))
    ]
    rows = [header]
    for line in data.lines:
        rows.append(
            [
                str(line.position),
                description(data, line),
                line.hs8,
                line.unit,
                decimal(line.quantity, lang),
                price(line.unit_price, totals.currency, lang),
                money(line.amount, totals.currency, lang),
            ]
        )
    rows.append(
        [
            "",
            cell(data.label("total"), bold=True),
            "",
            "",
            "",
            "",
            cell(money_texts(totals.value, totals.currency, data.languages), bold=True, align="right"),
        ]
    )
    last = len(rows) - 1
    items = grid(
        rows,
        columns(_WIDTHS),
        header_rows=1,
        commands=[
            ("ALIGN", (4, 1), (-1, -1), "RIGHT"),
            ("SPAN", (1, last), (5, last)),
            ("LINEABOVE", (0, last), (-1, last), 1, "black"),
        ],
    )
    equivalents = []
    if totals.currency != "VND" and totals.value_vnd is not None:
        rate = decimal(totals.vnd_per_unit, lang) if totals.vnd_per_unit else ""
        equivalents.append(
            labelled(
                data.label("value_vnd"),
                money_texts(totals.value_vnd, "VND", data.languages),
                *([data.label("rate", currency=totals.currency, rate=rate)] if rate else []),
            )
        )
    if totals.currency != "USD" and totals.value_usd is not None:
        equivalents.append(labelled(data.label("value_usd"), money_texts(totals.value_usd, "USD", data.languages)))
    signature = labelled(data.label("seller_signature"))
    blocks = [*equivalents, ""] if equivalents else ["", ""]
    padding = [("BOTTOMPADDING", (2, 0), (2, 0), 28 * mm)]
    closing = grid([[*blocks[:2], signature]], fractions(1, 1, 1.3), commands=padding)
    return [
        *opening(data, terms),
        items,
        Spacer(1, 3 * mm),
        *origin_declaration(data),
        KeepTogether(closing),
    ]


def origin_declaration(data: DocumentData) -> list[Flowable]:
    """The certified exporter's origin declaration and its table (none unless the data carries one)."""
    declaration = data.origin_declaration
    if declaration is None:
        return []
    lang = data.languages[0]
    header = [cell(data.label(key), "label", bold=True) for key in ("description", "hs_code", "od_criterion")]
    header += [cell(data.label(key), "label", bold=True, align="right") for key in ("quantity", "od_fob")]
    rows = [header]
    for line in data.lines:
        rows.append(
            [
                cell(line.description),
                line.hs6,
                printed_criterion(line.origin_criterion) or "—",
                f"{decimal(line.quantity, lang)} {line.unit}",
                money(line.fob_value, data.totals.currency, lang)
                if line.uses_value_content and line.fob_value
                else "—",
            ]
        )
    widths = columns([None, 18 * mm, 22 * mm, 28 * mm, 28 * mm])
    table = grid(rows, widths, header_rows=1, commands=[("ALIGN", (3, 1), (-1, -1), "RIGHT")])
    text = ORIGIN_DECLARATION % {"code": declaration.code, "country": declaration.country}
    return [KeepTogether([*cell(data.label("od_title"), bold=True), table, *cell([text]), Spacer(1, 3 * mm)])]
