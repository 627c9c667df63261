"""The customs data handoff: a shipment's header and goods lines for the declarant's customs software, as XLSX
(sheets TKX and HANG, column labels and unit codes from a profile in border_trade/data/handoff_profiles) and as XML
(border_trade/data/customs_handoff.xsd). Every file says on its face that it is data, not a declaration."""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree as ET

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..reference import rate_on
from ..types import utcnow

NAMESPACE = "urn:border-trade:customs-handoff:1"
XML_MIME = "application/xml"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_SHEET, LINES_SHEET = "TKX", "HANG"
WEIGHT_UNITS = ("KGM", "TNE")
# header field -> XML element, in the schema's order
HEADER_ELEMENTS = (
    ("declaration_number", "DeclarationNumber"),
    ("type_code", "TypeCode"),
    ("declarant_tax_code", "DeclarantTaxCode"),
    ("declarant_name", "DeclarantName"),
    ("declarant_address", "DeclarantAddress"),
    ("partner_role", "PartnerRole"),
    ("partner_name", "PartnerName"),
    ("partner_address", "PartnerAddress"),
    ("partner_country", "PartnerCountry"),
    ("gate_code", "GateCode"),
    ("gate_name", "GateName"),
    ("transport_mode", "TransportMode"),
    ("vehicle_plate", "VehiclePlate"),
    ("packages", "Packages"),
    ("gross_weight_kg", "GrossWeightKg"),
    ("net_weight_kg", "NetWeightKg"),
    ("invoice_number", "InvoiceNumber"),
    ("invoice_date", "InvoiceDate"),
    ("incoterm", "Incoterm"),
    ("incoterm_place", "IncotermPlace"),
    ("total_value", "TotalValue"),
    ("currency", "Currency"),
    ("exchange_rate", "ExchangeRate"),
    ("exchange_rate_on", "ExchangeRateOn"),
    ("total_value_vnd", "TotalValueVnd"),
)
LINE_ELEMENTS = (
    ("line_no", "LineNo"),
    ("hs_code", "HsCode"),
    ("description", "Description"),
    ("origin", "Origin"),
    ("quantity", "Quantity"),
    ("unit", "Unit"),
    ("quantity_2", "SecondQuantity"),
    ("unit_2", "SecondUnit"),
    ("unit_price", "UnitPrice"),
    ("value", "Value"),
    ("currency", "Currency"),
)


@dataclass
class Handoff:
    reference: str
    direction: str
    profile: dict
    notice: str
    header: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)


def notice_text():
    """The words every handoff file carries on its face (in the request's language)."""
    return _(
        "Data for the declarant, not a customs declaration: check every figure in the customs software "
        "before declaring."
    )


def unit_code(profile, unit):
    """Return the profile's code for one of the app's units (the unit itself when the profile has none)."""
    entry = profile.get("units", {}).get(unit)
    return entry["code"] if entry else unit


def build(shipment, declaration, profile):
    """Collect the handoff's header and goods lines of a shipment (plain values, no formatting)."""
    export = shipment.direction.value == "export"
    organisation = shipment.organisation
    on = shipment.invoice_on or shipment.planned_crossing_on
    rate = rate_on(shipment.currency, on)
    packages = [item.packages for item in shipment.items if item.packages is not None]
    header = {
        "declaration_number": declaration.number if declaration else None,
        "type_code": declaration.type_code if declaration else None,
        "declarant_tax_code": organisation.tax_id,
        "declarant_name": organisation.name,
        "declarant_address": organisation.address,
        "partner_role": "buyer" if export else "seller",
        "partner_name": shipment.consignee_name if export else shipment.consignor_name,
        "partner_address": shipment.consignee_address if export else shipment.consignor_address,
        "partner_country": shipment.consignee_country if export else shipment.consignor_country,
        "gate_code": shipment.gate.code,
        "gate_name": shipment.gate.name_vi,
        "transport_mode": "road",
        "vehicle_plate": " + ".join(p for p in (shipment.vehicle_plate, shipment.trailer_plate) if p) or None,
        "packages": sum(packages) if packages else None,
        "gross_weight_kg": shipment.gross_weight_kg,
        "net_weight_kg": shipment.net_weight_kg,
        "invoice_number": shipment.invoice_no,
        "invoice_date": shipment.invoice_on,
        "incoterm": shipment.incoterm,
        "incoterm_place": shipment.incoterm_place,
        "total_value": shipment.value,
        "currency": shipment.currency.value,
        "exchange_rate": rate,
        "exchange_rate_on": on if rate is not None else None,
        "total_value_vnd": (shipment.value * rate).quantize(Decimal("1")) if rate is not None else None,
    }
    # OCOP exports are Vietnamese goods; an import's goods are taken to come from the consignor's country
    origin = "VN" if export else (shipment.consignor_country or "KH")
    lines = []
    for item in shipment.items:
        by_weight = item.unit in WEIGHT_UNITS
        lines.append(
            {
                "line_no": item.position,
                "hs_code": item.hs_code,
                "description": item.description_vi,
                "origin": origin,
                "quantity": item.quantity,
                "unit": unit_code(profile, item.unit),
                "quantity_2": None if by_weight else item.net_weight_kg,
                "unit_2": None if by_weight else unit_code(profile, "KGM"),
                "unit_price": item.unit_price,
                "value": item.value,
                "currency": shipment.currency.value,
            }
        )
    return Handoff(shipment.reference, shipment.direction.value, profile, notice_text(), header, lines)


# --- XLSX ----------------------------------------------------------------------------------------------------------


def _shown(name, value):
    """A header value as the sheet shows it (roles and the transport mode in words)."""
    words = {
        ("partner_role", "buyer"): _("Buyer"),
        ("partner_role", "seller"): _("Seller"),
        ("transport_mode", "road"): _("By road"),
    }
    return words.get((name, value), value)


def to_xlsx(handoff):
    """Write the handoff as an XLSX workbook (TKX: notice and header; HANG: one header row, one row per line)."""
    book = Workbook()
    head = book.active
    head.title = HEADER_SHEET
    head["A1"] = handoff.notice
    head["A1"].font = Font(bold=True, color="C00000")
    head["A1"].alignment = Alignment(wrap_text=True)
    head.merge_cells("A1:B1")
    head.row_dimensions[1].height = 45
    head.append([_("Shipment"), handoff.reference])
    layout = handoff.profile["title"]
    if handoff.profile.get("unverified"):
        layout += " — " + _("Column names not confirmed against the customs software's own template.")
    head.append([_("Column layout"), layout])
    for entry in handoff.profile["header"]:
        value = _shown(entry["field"], handoff.header.get(entry["field"]))
        head.append([entry["label"], value])
        cell = head.cell(row=head.max_row, column=2)
        if isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(value, str):
            cell.number_format = "@"
    head.column_dimensions["A"].width = 46
    head.column_dimensions["B"].width = 60
    head.oddHeader.center.text = handoff.notice

    goods = book.create_sheet(LINES_SHEET)
    columns = handoff.profile["columns"]
    goods.append([entry["label"] for entry in columns])
    for cell in goods[1]:
        cell.font = Font(bold=True)
    for line in handoff.lines:
        goods.append([line.get(entry["field"]) for entry in columns])
        for index, entry in enumerate(columns, start=1):
            if entry["field"] == "hs_code":
                goods.cell(row=goods.max_row, column=index).number_format = "@"  # 8 digits as text, leading zero kept
    goods.freeze_panes = "A2"
    goods.oddHeader.center.text = handoff.notice  # printed on every page of the goods sheet
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- XML -----------------------------------------------------------------------------------------------------------


def _text(value):
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _add(parent, name, value):
    if value is None or value == "":
        return
    ET.SubElement(parent, f"{{{NAMESPACE}}}{name}").text = _text(value)


def to_xml(handoff, *, now=None):
    """Write the handoff as XML valid against border_trade/data/customs_handoff.xsd."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(
        f"{{{NAMESPACE}}}CustomsHandoff",
        {
            "shipment": handoff.reference,
            "direction": handoff.direction,
            "profile": handoff.profile["name"],
            "generatedAt": (now or utcnow()).replace(microsecond=0).isoformat(),
        },
    )
    _add(root, "Notice", handoff.notice)
    header = ET.SubElement(root, f"{{{NAMESPACE}}}Header")
    for name, element in HEADER_ELEMENTS:
        _add(header, element, handoff.header.get(name))
    lines = ET.SubElement(root, f"{{{NAMESPACE}}}Lines")
    for line in handoff.lines:
        node = ET.SubElement(lines, f"{{{NAMESPACE}}}Line")
        for name, element in LINE_ELEMENTS:
            _add(node, element, line.get(name))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
