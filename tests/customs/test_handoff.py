"""The customs data handoff (XLSX read back with openpyxl, XML validated against the shipped XSD) and the ACDD."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from border_trade.shipments.models import ShipmentStatus
from tests.customs.conftest import declaration_body, twelve_lines
from tests.factories import make_shipment

XSD = Path(__file__).resolve().parents[2] / "border_trade" / "data" / "customs_handoff.xsd"
NS = {"h": "urn:border-trade:customs-handoff:1"}
NOTICE = "Data for the declarant, not a customs declaration"


@pytest.fixture
def big(exporter):
    return make_shipment(
        exporter.organisation,
        items=twelve_lines(),
        status=ShipmentStatus.SUBMITTED,
        invoice_no="HĐ-2026-12",
        trailer_plate="70R-000.12",
    )


def base(shipment):
    return f"/api/v1/shipments/{shipment.id}"


def test_the_xlsx_of_a_12_line_shipment(client, big, headers):
    client.put(f"{base(big)}/customs-declaration", json=declaration_body(), headers=headers["exporter"])
    response = client.get(f"{base(big)}/customs-handoff.xlsx?lang=en", headers=headers["exporter"])
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "customs-handoff.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["TKX", "HANG"]
    head, goods = book["TKX"], book["HANG"]
    assert NOTICE in head["A1"].value
    assert NOTICE in goods.oddHeader.center.text
    header = {row[0]: row[1] for row in head.iter_rows(min_row=2, values_only=True)}
    assert "not confirmed against the customs software's own template" in header["Column layout"]
    assert header["Số tờ khai"] == "305254403660" and header["Mã loại hình"] == "B11"
    assert header["Mã số thuế người khai (người xuất/nhập khẩu)"] == "0301234562"
    assert header["Tên đối tác nước ngoài"] == "Angkor Fresh Import Co., Ltd."
    assert header["Cửa khẩu"] == big.gate.name_vi
    assert header["Biển số phương tiện vận chuyển"] == "70H-123.45 + 70R-000.12"
    assert header["Số hóa đơn"] == "HĐ-2026-12" and header["Điều kiện giá hóa đơn"] == "DAP"
    assert Decimal(str(header["Tổng trị giá hóa đơn"])) == big.value
    assert header["Mã đồng tiền của hóa đơn"] == "USD" and header["Tỷ giá (VND/đơn vị tiền tệ)"] > 0
    rows = list(goods.iter_rows(values_only=True))
    assert rows[0][:4] == ("STT", "Mã số hàng hóa", "Mô tả hàng hóa", "Mã nước xuất xứ")
    lines = rows[1:]
    assert len(lines) == 12
    for row, item in zip(lines, big.items, strict=True):
        line_no, hs, _description, origin, quantity, unit, quantity_2, unit_2, price, value, currency = row
        assert line_no == item.position
        assert hs == item.hs_code and isinstance(hs, str) and len(hs) == 8
        assert origin == "VN" and currency == "USD"
        assert Decimal(str(quantity)) == item.quantity
        assert Decimal(str(price)) == item.unit_price and Decimal(str(value)) == item.value
        if item.unit == "PCE":
            assert unit == "PCE" and unit_2 == "KGM" and Decimal(str(quantity_2)) == item.net_weight_kg
        else:
            assert unit == "KGM" and quantity_2 is None
    hs_cells = [goods.cell(row=r, column=2) for r in range(2, 14)]
    assert all(cell.data_type == "s" and cell.number_format == "@" for cell in hs_cells)
    assert sum(Decimal(str(row[9])) for row in lines) == big.value


def test_the_unece_profile_changes_labels_and_units(client, big, headers):
    response = client.get(f"{base(big)}/customs-handoff.xlsx?profile=unece", headers=headers["officer"])
    assert response.status_code == 200
    goods = load_workbook(io.BytesIO(response.data))["HANG"]
    rows = list(goods.iter_rows(values_only=True))
    assert rows[0][1] == "HS code" and {row[5] for row in rows[1:]} == {"KGM", "H87"}


@pytest.mark.parametrize("kind", ["xlsx", "xml"])
def test_an_unknown_profile_is_422(client, big, headers, kind):
    response = client.get(f"{base(big)}/customs-handoff.{kind}?profile=nope&lang=en", headers=headers["exporter"])
    assert response.status_code == 422 and "profile" in response.json["errors"]
    assert "ecus" in response.json["errors"]["profile"][0]


def test_the_xml_validates_and_carries_the_same_figures(client, big, headers):
    client.put(f"{base(big)}/customs-declaration", json=declaration_body(), headers=headers["exporter"])
    response = client.get(f"{base(big)}/customs-handoff.xml?lang=en", headers=headers["exporter"])
    assert response.status_code == 200 and response.mimetype == "application/xml"
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(response.data)
    schema.assertValid(document)
    assert NOTICE in document.findtext("h:Notice", namespaces=NS)
    assert document.findtext("h:Header/h:DeclarationNumber", namespaces=NS) == "305254403660"
    assert Decimal(document.findtext("h:Header/h:TotalValue", namespaces=NS)) == big.value
    lines = document.findall("h:Lines/h:Line", namespaces=NS)
    assert len(lines) == 12
    for line, item in zip(lines, big.items, strict=True):
        assert line.findtext("h:HsCode", namespaces=NS) == item.hs_code
        assert Decimal(line.findtext("h:Quantity", namespaces=NS)) == item.quantity
        assert Decimal(line.findtext("h:Value", namespaces=NS)) == item.value


def test_the_xsd_refuses_a_broken_file(client, big, headers):
    """The schema is not a formality: a line without its HS code, or a 7-digit one, is invalid."""
    response = client.get(f"{base(big)}/customs-handoff.xml", headers=headers["exporter"])
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.fromstring(response.data)
    hs = document.find("h:Lines/h:Line/h:HsCode", namespaces=NS)
    hs.text = "0807190"
    assert not schema.validate(document)
    hs.getparent().remove(hs)
    assert not schema.validate(document)


def test_an_import_handoff_names_the_seller(client, import_shipment, headers):
    response = client.get(f"{base(import_shipment)}/customs-handoff.xml", headers=headers["exporter"])
    document = etree.fromstring(response.data)
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(document)
    assert document.get("direction") == "import"
    assert document.findtext("h:Header/h:PartnerRole", namespaces=NS) == "seller"
    assert document.findtext("h:Lines/h:Line/h:Origin", namespaces=NS) == "KH"


@pytest.mark.parametrize("path", ["customs-handoff.xlsx", "customs-handoff.xml", "acdd"])
@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("exporter", 200),
        ("officer", 200),
        ("province", 200),
        ("admin", 200),
        ("exporter2", 404),
        ("officer_xamat", 404),
        ("province_other", 404),
        ("viewer", 403),
    ],
)
def test_who_reads_the_handoff_and_the_acdd(client, shipment, headers, path, actor, status):
    assert client.get(f"{base(shipment)}/{path}", headers=headers[actor]).status_code == status


def test_a_draft_is_the_traders_only(client, exporter, headers):
    draft = make_shipment(exporter.organisation)
    assert client.get(f"{base(draft)}/acdd", headers=headers["exporter"]).status_code == 200
    assert client.get(f"{base(draft)}/acdd", headers=headers["officer"]).status_code == 404


def test_the_acdd_has_its_15_fields(client, big, headers):
    client.put(f"{base(big)}/customs-declaration", json=declaration_body(), headers=headers["exporter"])
    acdd = client.get(f"{base(big)}/acdd", headers=headers["exporter"]).json
    header = {
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
    }
    item = {"item_serial_number", "item_hs_code", "item_quantity", "item_quantity_unit", "item_country_of_origin"}
    assert header <= set(acdd) and len(header | item) == 15
    assert acdd["exporter_id"] == "0301234562" and acdd["consignee_name"] == "Angkor Fresh Import Co., Ltd."
    assert acdd["export_declaration_number"] == "305254403660"
    assert acdd["outward_transport_mode"] == {"code": "3", "name": "road"}
    assert acdd["departure_date"] == big.planned_crossing_on.isoformat()
    assert "customs.gov.sg" in acdd["source"]
    assert len(acdd["items"]) == 12 and all(set(line) == item for line in acdd["items"])
    assert [line["item_hs_code"] for line in acdd["items"]] == [i.hs_code for i in big.items]
    assert {line["item_quantity_unit"] for line in acdd["items"]} == {"KGM", "H87"}


def test_the_acdd_without_a_declaration_has_no_number(client, shipment, headers):
    assert client.get(f"{base(shipment)}/acdd", headers=headers["exporter"]).json["export_declaration_number"] is None
