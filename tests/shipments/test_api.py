"""Shipments through the API: create, list, read, edit, versions, requirements, moves and denials."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from border_trade.auth.models import Role
from border_trade.seed.demo import demo_rate
from border_trade.shipments.models import Currency
from tests.factories import make_user


def create(client, auth, body):
    return client.post("/api/v1/shipments", json=body, headers=auth)


def test_create_returns_a_draft_with_reference_version_and_totals(client, auth, payload):
    body = payload()
    response = create(client, auth, body)
    assert response.status_code == 201, response.json
    shipment = response.json
    assert shipment["status"] == "draft"
    year = body["planned_crossing_on"][:4]
    assert shipment["reference"] == f"BT-{year}-000001"
    assert shipment["version"] == 1
    assert response.headers["ETag"] == f'"{shipment["id"]}-1"'
    assert shipment["exit_gate"] == "XA-MAT"
    assert shipment["items"][0]["description_vi"] == "Dưa lưới Tân Châu"
    assert shipment["items"][0]["hs_code"] == "08071900"
    totals = shipment["totals"]
    assert totals["net_weight_kg"] == "4000.000" and totals["gross_weight_kg"] == "4300.000"
    assert totals["value"] == "3800.00"
    rate = demo_rate(Currency.USD, date.fromisoformat(body["planned_crossing_on"]))
    assert totals["value_vnd"] == f"{(Decimal('3800.00') * rate).quantize(Decimal(1))}.00"
    assert totals["value_usd"] == "3800.00"
    assert shipment["consignee"]["name"] == "ក្រុមហ៊ុន អង្គរ ហ្វ្រេស"
    second = create(client, auth, payload())
    assert second.json["reference"] == f"BT-{year}-000002"


def test_item_by_description_and_hs_code(client, auth, payload):
    item = {
        "description_vi": "Muối tôm",
        "hs_code": "21039029",
        "quantity": "100",
        "unit": "PCE",
        "net_weight_kg": "20",
        "gross_weight_kg": "22",
        "unit_price": "2",
        "origin_criterion": "40%",
        "fob_value": "200",
    }
    response = create(client, auth, payload(items=[item]))
    assert response.status_code == 201, response.json
    assert response.json["items"][0]["origin_criterion"] == "RVC40"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"exit_gate": "NOWHERE"}, "exit_gate"),
        ({"planned_crossing_on": "2020-01-01"}, "planned_crossing_on"),
        ({"currency": "EUR"}, "currency"),
        ({"incoterm": "FOB"}, "incoterm"),
        ({"regime": "smuggling"}, "regime"),
        ({"colour": "red"}, "colour"),
        ({"consignee": {"name": ""}}, "consignee.name"),
        ({"consignee": {"name": "x" * 201}}, "consignee.name"),
        ({"residents": 3}, "residents"),
        ({"regime": "border_resident", "residents": None, "preferential_tariff": False}, "residents"),
        ({"regime": "border_resident", "residents": 2, "preferential_tariff": True}, "preferential_tariff"),
    ],
)
def test_bad_shipments_get_field_named_422(client, auth, payload, change, field):
    response = create(client, auth, payload(**change))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json
    assert response.json["code"] == 422


@pytest.mark.parametrize(
    "change, field",
    [
        ({"quantity": "0"}, "items.0.quantity"),
        ({"quantity": "-4"}, "items.0.quantity"),
        ({"net_weight_kg": "abc"}, "items.0.net_weight_kg"),
        ({"gross_weight_kg": "3999"}, "items.0.gross_weight_kg"),
        ({"unit_price": "NaN"}, "items.0.unit_price"),
        ({"product_id": 999999}, "items.0.product_id"),
        ({"product_id": None, "description_vi": "Xoài", "hs_code": "99999999"}, "items.0.hs_code"),
        ({"origin_criterion": None}, "items.0.origin_criterion"),
        ({"origin_criterion": "PE"}, "items.0.origin_criterion"),
        ({"origin_criterion": "PC25"}, "items.0.fob_value"),
        ({"surprise": 1}, "items.0.surprise"),
    ],
)
def test_bad_items_name_the_item_field(client, auth, payload, change, field):
    body = payload()
    body["items"][0].update(change)
    response = create(client, auth, body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_archived_product_cannot_be_added_but_a_line_that_has_it_may_stay(client, auth, payload, melon, honey, db):
    shipment = create(client, auth, payload()).json  # a melon line
    melon.is_archived = True
    honey.is_archived = True
    db.session.commit()
    refused = client.post("/api/v1/shipments?lang=en", json=payload(), headers=auth)
    assert refused.status_code == 422 and "items.0.product_id" in refused.json["errors"], refused.json
    assert "archived" in refused.json["errors"]["items.0.product_id"][0]

    base = f"/api/v1/shipments/{shipment['id']}"
    current = client.get(base, headers=auth)
    items = [{k: v for k, v in item.items() if k in payload()["items"][0]} for item in current.json["items"]]
    kept = client.patch(base, json={"items": items}, headers={**auth, "If-Match": current.headers["ETag"]})
    assert kept.status_code == 200, kept.json
    added = {**items[0], "product_id": honey.id, "unit": "PCE"}
    refused = client.patch(base, json={"items": [*items, added]}, headers={**auth, "If-Match": kept.headers["ETag"]})
    assert refused.status_code == 422 and "items.1.product_id" in refused.json["errors"], refused.json


def test_a_retry_with_the_same_idempotency_key_returns_the_first_shipment(client, auth, payload, db):
    from border_trade.shipments.models import Shipment

    body = payload()
    headers = {**auth, "Idempotency-Key": "erp-order-4711"}
    first = client.post("/api/v1/shipments", json=body, headers=headers)
    again = client.post("/api/v1/shipments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.json
    assert again.json["id"] == first.json["id"] and again.json["reference"] == first.json["reference"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.headers["ETag"] == first.headers["ETag"]
    assert db.session.query(Shipment).count() == 1

    other = client.post("/api/v1/shipments", json={**body, "incoterm": "DDP"}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.json["errors"], other.json
    assert client.post("/api/v1/shipments", json=body, headers=auth).status_code == 201  # no key: a new one
    assert db.session.query(Shipment).count() == 2


def test_idempotency_keys_belong_to_their_user_and_must_be_short(client, auth, payload, token_for, exporter, db):
    from border_trade.shipments.models import Shipment

    body = payload()
    first = client.post("/api/v1/shipments", json=body, headers={**auth, "Idempotency-Key": "k-1"})
    colleague = token_for(make_user(Role.EXPORTER, organisation=exporter.organisation))
    second = client.post("/api/v1/shipments", json=body, headers={**colleague, "Idempotency-Key": "k-1"})
    assert second.status_code == 201 and second.json["id"] != first.json["id"]
    too_long = client.post("/api/v1/shipments", json=body, headers={**auth, "Idempotency-Key": "x" * 65})
    assert too_long.status_code == 400 and "Idempotency-Key" in too_long.json["errors"]
    assert db.session.query(Shipment).count() == 2


def test_closed_gate_is_refused(client, auth, payload, db):
    from border_trade.gates.models import GateStatus
    from tests.factories import get_gate

    get_gate("XA-MAT").status = GateStatus.CLOSED
    db.session.commit()
    try:
        response = create(client, auth, payload())
        assert response.status_code == 422 and "exit_gate" in response.json["errors"]
    finally:
        get_gate("XA-MAT").status = GateStatus.OPEN
        db.session.commit()


def test_validation_messages_follow_the_language(client, auth, payload):
    body = payload(planned_crossing_on="2020-01-01")
    messages = {lang: create(client, auth, body | {}).json for lang in ()}
    for lang in ("vi", "km", "en"):
        response = client.post(f"/api/v1/shipments?lang={lang}", json=body, headers=auth)
        messages[lang] = response.json["errors"]["planned_crossing_on"][0]
    assert messages["en"] == "The planned crossing date is in the past."
    assert len(set(messages.values())) == 3, messages


def test_list_filters_and_pages(client, auth, payload):
    for plate in ("70H-111.11", "70H-222.22", "51C-333.33"):
        body = payload(vehicle={"plate": plate})
        assert create(client, auth, body).status_code == 201
    listing = client.get("/api/v1/shipments?limit=2", headers=auth).json
    assert listing["total"] == 3 and len(listing["items"]) == 2 and listing["next_cursor"]
    rest = client.get(f"/api/v1/shipments?limit=2&cursor={listing['next_cursor']}", headers=auth).json
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [s["id"] for s in listing["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)
    found = client.get("/api/v1/shipments?q=51c", headers=auth).json
    assert [s["vehicle"]["plate"] for s in found["items"]] == ["51C-333.33"]
    assert client.get("/api/v1/shipments?status=ready", headers=auth).json["total"] == 0
    assert client.get("/api/v1/shipments?exit_gate=XA-MAT", headers=auth).json["total"] == 3
    assert client.get("/api/v1/shipments?exit_gate=MOC-BAI", headers=auth).json["total"] == 0


def test_read_by_id_or_reference(client, auth, payload):
    shipment = create(client, auth, payload()).json
    by_id = client.get(f"/api/v1/shipments/{shipment['id']}", headers=auth)
    by_ref = client.get(f"/api/v1/shipments/{shipment['reference']}", headers=auth)
    assert by_id.status_code == by_ref.status_code == 200
    assert by_id.json == by_ref.json


def test_other_organisation_sees_404_not_403(client, auth, payload, token_for, exporter2):
    shipment = create(client, auth, payload()).json
    other = token_for(exporter2)
    for method, path, body in (
        ("get", f"/api/v1/shipments/{shipment['id']}", None),
        ("get", f"/api/v1/shipments/{shipment['reference']}", None),
        ("patch", f"/api/v1/shipments/{shipment['id']}", {"incoterm": "DDP"}),
        ("get", f"/api/v1/shipments/{shipment['id']}/requirements", None),
        ("get", f"/api/v1/shipments/{shipment['id']}/events", None),
        ("get", f"/api/v1/shipments/{shipment['id']}/documents", None),
        ("post", f"/api/v1/shipments/{shipment['id']}/transitions", {"to": "ready"}),
    ):
        response = getattr(client, method)(path, json=body, headers=other)
        assert response.status_code == 404, (method, path, response.json)
    assert client.get("/api/v1/shipments", headers=other).json["total"] == 0


def test_non_exporters_cannot_create(client, payload, token_for):
    for role in (Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER):
        response = create(client, token_for(make_user(role)), payload())
        assert response.status_code == 403, role


def test_patch_with_versions(client, auth, payload):
    shipment = create(client, auth, payload()).json
    path = f"/api/v1/shipments/{shipment['id']}"
    changed = client.patch(path, json={"incoterm": "DDP"}, headers=auth | {"If-Match": f'"{shipment["id"]}-1"'})
    assert changed.status_code == 200, changed.json
    assert changed.json["incoterm"] == "DDP" and changed.json["version"] == 2
    assert changed.json["exit_gate"] == "XA-MAT"  # untouched fields stay
    stale = client.patch(path, json={"incoterm": "CPT"}, headers=auth | {"If-Match": f'"{shipment["id"]}-1"'})
    assert stale.status_code == 412
    assert client.get(path, headers=auth).json["incoterm"] == "DDP"
    items = client.patch(path, json={"items": payload()["items"] * 2}, headers=auth)
    assert items.status_code == 200
    assert [i["position"] for i in items.json["items"]] == [1, 2]
    assert items.json["totals"]["value"] == "7600.00"


def test_patch_refused_after_submission(client, auth, payload, db):
    from border_trade.shipments.models import Shipment, ShipmentStatus

    shipment = create(client, auth, payload()).json
    db.session.get(Shipment, shipment["id"]).status = ShipmentStatus.SUBMITTED
    db.session.commit()
    response = client.patch(f"/api/v1/shipments/{shipment['id']}", json={"incoterm": "DDP"}, headers=auth)
    assert response.status_code == 409
    assert response.json["current_status"] == "submitted"


def test_requirements_for_melons_and_honey(client, auth, payload, honey):
    body = payload()
    body["items"].append(
        {
            "product_id": honey.id,
            "quantity": "200",
            "unit": "PCE",
            "net_weight_kg": "100",
            "gross_weight_kg": "110",
            "unit_price": "6",
            "origin_criterion": "WO",
        }
    )
    shipment = create(client, auth, body).json
    checklist = client.get(f"/api/v1/shipments/{shipment['id']}/requirements?lang=en", headers=auth).json
    assert checklist["rules_version"] == "2026.2" and checklist["complete"] is False
    lines = {line["rule"]: line for line in checklist["items"]}
    assert {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10"} <= set(lines)
    assert lines["E6"]["items"] == [1] and lines["E7"]["items"] == [2]
    assert lines["E6"]["status"] == "missing" and lines["E8"]["level"] == "recommended"


def test_full_exporter_flow_to_submitted(client, auth, payload):
    shipment = create(client, auth, payload()).json
    base = f"/api/v1/shipments/{shipment['id']}"
    early = client.post(f"{base}/transitions", json={"to": "submitted"}, headers=auth)
    assert early.status_code == 409 and early.json["current_status"] == "draft"
    ready = client.post(f"{base}/transitions", json={"to": "ready"}, headers=auth)
    assert ready.status_code == 200 and ready.json["status"] == "ready", ready.json
    refused = client.post(f"{base}/transitions", json={"to": "submitted"}, headers=auth)
    assert refused.status_code == 409
    missing = set(refused.json["errors"])
    assert {
        "documents.customs_declaration",
        "documents.phytosanitary_certificate",
        "documents.co_form_d",
        "documents.vehicle_permit",
    } <= missing
    issued = date.today().isoformat()
    for line in client.get(f"{base}/requirements", headers=auth).json["items"]:
        if line["level"] == "required":
            response = client.post(
                f"{base}/documents",
                headers=auth,
                json={
                    "type": line["document_type"],
                    # a VNACCS export declaration number (12 digits, 3…) for the declaration, any text for the rest
                    "number": "305254403660" if line["document_type"] == "customs_declaration" else f"N-{line['rule']}",
                    "issued_by": "Cơ quan",
                    "issued_on": issued,
                    "expires_on": (date.today() + timedelta(days=60)).isoformat(),
                },
            )
            assert response.status_code == 201, response.json
    submitted = client.post(f"{base}/transitions", json={"to": "submitted", "note": "xe đã sẵn sàng"}, headers=auth)
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] == "submitted"
    events = client.get(f"{base}/events", headers=auth).json["items"]
    assert [e["event"] for e in events if e["kind"] == "status"] == ["created", "ready", "submitted"]
    assert events[-1]["note"] == "xe đã sẵn sàng" and events[-1]["from_status"] == "ready"
    assert sum(e["kind"] == "document" for e in events) >= 7
    cancel = client.post(f"{base}/transitions", json={"to": "cancelled"}, headers=auth)
    assert cancel.status_code == 200 and cancel.json["status"] == "cancelled"


def test_border_resident_allowance_blocks_submission(client, auth, payload, db):
    body = payload(regime="border_resident", residents=1, preferential_tariff=False, currency="VND")
    body["items"][0].update(unit_price="10000", quantity="400", origin_criterion=None)  # 4,000,000 VND > 2,000,000
    shipment = create(client, auth, body).json
    assert shipment["status"] == "draft", shipment
    checklist = client.get(f"/api/v1/shipments/{shipment['id']}/requirements", headers=auth).json
    assert checklist["blocking"][0]["code"] == "allowance_exceeded"
    assert checklist["blocking"][0]["over_by_vnd"] == "2000000"


def test_unknown_fields_and_bad_json_are_refused(client, auth):
    response = client.post("/api/v1/shipments", data="{not json", content_type="application/json", headers=auth)
    assert response.status_code in (400, 422)
    assert response.json["code"] in (400, 422)


def test_gate_officer_sees_submitted_shipments_at_their_gate_only(client, auth, payload, token_for, xamat_officer, db):
    from border_trade.shipments.models import Shipment, ShipmentStatus

    draft = create(client, auth, payload()).json
    officer = token_for(xamat_officer)
    assert client.get(f"/api/v1/shipments/{draft['id']}", headers=officer).status_code == 404
    db.session.get(Shipment, draft["id"]).status = ShipmentStatus.SUBMITTED
    db.session.commit()
    assert client.get(f"/api/v1/shipments/{draft['id']}", headers=officer).status_code == 200
    mocbai = token_for(make_user(Role.GATE_OFFICER))
    assert client.get(f"/api/v1/shipments/{draft['id']}", headers=mocbai).status_code == 404
    assert client.patch(f"/api/v1/shipments/{draft['id']}", json={}, headers=officer).status_code == 403
