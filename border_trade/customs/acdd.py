"""The ASEAN Customs Declaration Document (ACDD): the 15 export-declaration data the exporting customs sends to the
importing customs through the ASEAN Single Window (live with Cambodia since 31 December 2020).

The 15 fields as Singapore Customs lists them (customs.gov.sg/businesses/international-data-exchange/acdd):
a) exporter ID, b) exporter name, c) consignee name, d) consignee address, e) declaring agent ID, f) declaring agent
name, g) departure date, h) item HS code, i) item quantity, j) item quantity unit, k) item country of origin,
l) outward transport mode, m) port of discharge, n) item serial number, o) export permit (declaration) number.
Items h–k and n repeat per goods line.
"""

from flask_babel import gettext as _

from .handoff import unit_code

SOURCE = "customs.gov.sg/businesses/international-data-exchange/acdd (Singapore Customs: the 15 ACDD data)"
# UN/ECE Recommendation 19 (codes for modes of transport): 3 = road transport
ROAD = {"code": "3", "name": "road"}
HEADER_FIELDS = (
    "exporter_id",
    "exporter_name",
    "consignee_name",
    "consignee_address",
    "declaring_agent_id",
    "declaring_agent_name",
    "departure_date",
    "outward_transport_mode",
    "port_of_discharge",
    "export_declaration_number",
)
ITEM_FIELDS = ("item_serial_number", "item_hs_code", "item_quantity", "item_quantity_unit", "item_country_of_origin")


def build(shipment, declaration, profile):
    """Return the ACDD's 15 fields of a shipment (an import's exporter is its consignor abroad).

    No customs broker is recorded in the app: the trader declares for itself, so it is the declaring agent of an
    export; an import's declaring agent abroad is not known (null).
    """
    export = shipment.direction.value == "export"
    organisation = shipment.organisation
    counterpart = shipment.gate.counterpart
    departure = shipment.crossed_at.date() if shipment.crossed_at else shipment.planned_crossing_on
    origin = "VN" if export else (shipment.consignor_country or "KH")
    if export:
        exporter_id, exporter_name = organisation.tax_id, organisation.name
        consignee_name, consignee_address = shipment.consignee_name, shipment.consignee_address
        agent_id, agent_name = organisation.tax_id, organisation.name
        discharge = {"code": counterpart.code, "name": counterpart.name_en} if counterpart else None
    else:
        exporter_id, exporter_name = shipment.consignor_tax_id, shipment.consignor_name
        consignee_name, consignee_address = organisation.name, organisation.address
        agent_id = agent_name = None
        discharge = {"code": shipment.gate.code, "name": shipment.gate.name_en}
    return {
        "exporter_id": exporter_id,
        "exporter_name": exporter_name,
        "consignee_name": consignee_name,
        "consignee_address": consignee_address,
        "declaring_agent_id": agent_id,
        "declaring_agent_name": agent_name,
        "departure_date": departure,
        "outward_transport_mode": ROAD,
        "port_of_discharge": discharge,
        "export_declaration_number": declaration.number if declaration else None,
        "items": [
            {
                "item_serial_number": item.position,
                "item_hs_code": item.hs_code,
                "item_quantity": f"{item.quantity:.3f}",
                "item_quantity_unit": unit_code(profile, item.unit),
                "item_country_of_origin": origin,
            }
            for item in shipment.items
        ],
        "source": SOURCE,
        "notice": _("The ASEAN Customs Declaration Document is sent by the exporting customs; this is its data."),
    }
