"""PUT/GET /api/v1/shipments/{id}/customs-declaration: who may, what is checked, and the red channel at the gate."""

import uuid

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.customs.models import CustomsDeclaration
from tests.customs.conftest import declaration_body


def put(client, shipment, body, headers):
    return client.put(f"/api/v1/shipments/{shipment.id}/customs-declaration?lang=en", json=body, headers=headers)


def test_the_trader_records_then_changes_the_declaration(client, db, shipment, headers):
    created = put(client, shipment, declaration_body(), headers["exporter"])
    assert created.status_code == 201, created.json
    assert created.json["number"] == "305254403660" and created.json["type_code"] == "B11"
    assert created.json["channel"] == "green" and created.json["status"] == "registered"
    assert created.json["type_name"] == "Export for commercial purposes"
    assert created.json["registered_at"] == "2026-12-01T08:30:00+07:00"
    changed = put(
        client,
        shipment,
        declaration_body(status="cleared", cleared_at="2026-12-01T10:00:00+07:00", channel="yellow"),
        headers["exporter"],
    )
    assert changed.status_code == 200 and changed.json["status"] == "cleared"
    shown = client.get(f"/api/v1/shipments/{shipment.reference}/customs-declaration", headers=headers["province"])
    assert shown.status_code == 200 and shown.json["channel"] == "yellow"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CustomsDeclaration)) == 1
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "customs_declaration"))
    assert list(actions) == ["customs.declaration", "customs.declaration"]


def test_an_officer_of_the_gate_records_it(client, shipment, headers):
    assert put(client, shipment, declaration_body(channel="red"), headers["officer"]).status_code == 201


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("exporter2", 404),
        ("officer_xamat", 404),
        ("province_other", 404),
        ("viewer", 403),
        ("province", 403),
        ("admin", 403),
    ],
)
def test_denials_on_put(client, db, shipment, headers, actor, status):
    assert put(client, shipment, declaration_body(), headers[actor]).status_code == status
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CustomsDeclaration)) == 0


def test_no_token_is_401(client, shipment):
    assert put(client, shipment, declaration_body(), {}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"number": "30525440366"}, "number", "12 digits"),
        ({"number": "30525440366X"}, "number", "only the digits"),
        ({"number": "105254403660"}, "number", "export declaration number starts with 3"),
        ({"type_code": "Z99"}, "type_code", "not a type code"),
        ({"type_code": "A11"}, "type_code", "for imports; this shipment is an export"),
        ({"channel": "blue"}, "channel", ""),
        ({"status": "cleared", "cleared_at": None}, "cleared_at", "clearance time"),
        ({"cleared_at": "2026-11-30T08:00:00+07:00"}, "cleared_at", "before the registration"),
        ({"extra": 1}, "extra", "Unknown field"),
    ],
)
def test_invalid_fields_are_named(client, shipment, headers, body, field, words):
    response = put(client, shipment, declaration_body(**body), headers["exporter"])
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]
    assert words in " ".join(response.json["errors"][field])


def test_an_import_takes_1_and_an_import_type_code(client, import_shipment, headers):
    refused = put(client, import_shipment, declaration_body(), headers["exporter"])
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"number", "type_code"}
    assert "import declaration number starts with 1" in refused.json["errors"]["number"][0]
    body = declaration_body(number="105254403660", type_code="A11")
    assert put(client, import_shipment, body, headers["exporter"]).status_code == 201


def test_get_without_declaration_is_404_and_outside_scope_404(client, shipment, headers):
    assert (
        client.get(f"/api/v1/shipments/{shipment.id}/customs-declaration", headers=headers["exporter"]).status_code
        == 404
    )
    put(client, shipment, declaration_body(), headers["exporter"])
    path = f"/api/v1/shipments/{shipment.id}/customs-declaration"
    assert client.get(path, headers=headers["exporter2"]).status_code == 404
    assert client.get(path, headers=headers["officer_xamat"]).status_code == 404
    assert client.get(path, headers=headers["viewer"]).status_code == 200


# --- the red channel at the gate -----------------------------------------------------------------------------------


def gate_event(client, shipment, event, headers):
    body = {"shipment": shipment.reference, "event": event}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    return client.post("/api/v1/gates/MOC-BAI/crossings?lang=en", json=body, headers=headers | key)


def test_red_channel_cannot_be_cleared_without_an_inspection(client, shipment, headers):
    assert put(client, shipment, declaration_body(channel="red"), headers["exporter"]).status_code == 201
    assert gate_event(client, shipment, "arrived", headers["officer"]).status_code == 201
    refused = gate_event(client, shipment, "cleared", headers["officer"])
    assert refused.status_code == 409, refused.json
    assert "red channel" in refused.json["message"] and "event" in refused.json["errors"]
    assert refused.json["current_status"] == "at_gate"
    assert gate_event(client, shipment, "inspection_started", headers["officer"]).status_code == 201
    cleared = gate_event(client, shipment, "cleared", headers["officer"])
    assert cleared.status_code == 201, cleared.json


@pytest.mark.parametrize("body", [{"channel": "green"}, {"channel": "red", "status": "cancelled"}])
def test_other_channels_clear_without_inspection(client, shipment, headers, body):
    assert put(client, shipment, declaration_body(**body), headers["exporter"]).status_code == 201
    assert gate_event(client, shipment, "arrived", headers["officer"]).status_code == 201
    assert gate_event(client, shipment, "cleared", headers["officer"]).status_code == 201


def test_no_declaration_clears_as_before(client, shipment, headers):
    assert gate_event(client, shipment, "arrived", headers["officer"]).status_code == 201
    assert gate_event(client, shipment, "cleared", headers["officer"]).status_code == 201
