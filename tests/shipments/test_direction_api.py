"""Shipments in both directions through the API: imports name entry_gate and consignor, exports exit_gate and
consignee; the list filters; PATCH of an import; who may see an import."""

import pytest

from border_trade.auth.models import Role
from border_trade.shipments.models import Direction, ShipmentStatus
from tests.factories import get_gate, make_import, make_shipment, make_user

CONSIGNOR = {"name": "ក្រុមហ៊ុន ស្វាយ កំពង់ចាម", "address": "Kampong Cham", "country": "KH", "tax_id": "K0012345"}


@pytest.fixture
def mango_line():
    return {
        "description_vi": "Xoài tươi",
        "hs_code": "08045021",
        "quantity": "5000",
        "unit": "KGM",
        "net_weight_kg": "5000",
        "gross_weight_kg": "5400",
        "unit_price": "0.60",
        "origin_criterion": "WO",
    }


@pytest.fixture
def import_payload(payload, mango_line):
    def build(**overrides):
        body = payload(direction="import", entry_gate="MOC-BAI", consignor=CONSIGNOR, items=[mango_line])
        del body["exit_gate"], body["consignee"]
        body["vehicle"]["plate"] = "KH 3A-1234"
        body.update(overrides)
        return body

    return build


def create(client, auth, body):
    return client.post("/api/v1/shipments", json=body, headers=auth)


def test_an_import_names_its_entry_gate_and_consignor(client, auth, import_payload):
    response = create(client, auth, import_payload())
    assert response.status_code == 201, response.json
    shipment = response.json
    assert shipment["direction"] == "import" and shipment["regime"] == "commercial"
    assert shipment["entry_gate"] == "MOC-BAI" and shipment["gate"] == "MOC-BAI" and shipment["exit_gate"] is None
    assert shipment["consignor"] == CONSIGNOR and shipment["consignee"] is None
    again = client.get(f"/api/v1/shipments/{shipment['reference']}", headers=auth).json
    assert again["direction"] == "import" and again["consignor"]["name"] == CONSIGNOR["name"]


def test_an_export_is_the_default_and_regime_export_reads_as_commercial(client, auth, payload):
    body = payload()
    assert "direction" not in body and body["regime"] == "export"
    shipment = create(client, auth, body).json
    assert shipment["direction"] == "export" and shipment["regime"] == "commercial"
    assert shipment["exit_gate"] == "XA-MAT" and shipment["gate"] == "XA-MAT" and shipment["entry_gate"] is None
    assert shipment["consignee"]["name"] and shipment["consignor"] is None


@pytest.mark.parametrize("regime", ["duty_free", "temporary_import_reexport", "other", "border_resident"])
def test_every_regime_is_accepted_by_its_name(client, auth, import_payload, regime):
    extra = {"residents": 2, "preferential_tariff": False} if regime == "border_resident" else {}
    response = create(client, auth, import_payload(regime=regime, **extra))
    assert response.status_code == 201, response.json
    assert response.json["regime"] == regime


def test_an_unknown_direction_or_regime_is_named(client, auth, import_payload):
    assert "direction" in create(client, auth, import_payload(direction="sideways")).json["errors"]
    assert "regime" in create(client, auth, import_payload(regime="smuggling")).json["errors"]


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        ("import", {"exit_gate": "MOC-BAI"}, "exit_gate"),
        ("import", {"consignee": {"name": "Angkor Fresh"}}, "consignee"),
        ("import", {"entry_gate": None}, "entry_gate"),
        ("import", {"consignor": None}, "consignor"),
        ("import", {"entry_gate": "NOWHERE"}, "entry_gate"),
        ("export", {"entry_gate": "MOC-BAI"}, "entry_gate"),
        ("export", {"consignor": CONSIGNOR}, "consignor"),
        ("export", {"exit_gate": None}, "exit_gate"),
        ("export", {"consignee": None}, "consignee"),
    ],
)
def test_the_wrong_gate_or_party_for_the_direction_is_422_naming_it(
    client, auth, payload, import_payload, kind, change, field
):
    body = import_payload() if kind == "import" else payload()
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    response = create(client, auth, body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json


def test_list_filters_by_gate_direction_and_kind_of_gate(client, auth, exporter, import_payload, payload):
    create(client, auth, import_payload())  # import at MOC-BAI
    create(client, auth, import_payload(entry_gate="XA-MAT"))  # import at XA-MAT
    create(client, auth, payload())  # export at XA-MAT

    def total(query):
        response = client.get(f"/api/v1/shipments?{query}", headers=auth)
        assert response.status_code == 200, response.json
        return response.json["total"]

    assert total("gate=XA-MAT") == 2
    assert total("exit_gate=XA-MAT") == 1
    assert total("entry_gate=XA-MAT") == 1
    assert total("exit_gate=MOC-BAI") == 0
    assert total("direction=import") == 2
    assert total("direction=export") == 1
    assert total("direction=import&gate=MOC-BAI") == 1
    assert total("q=" + "កំពង់ចាម") == 2  # the consignor's name
    assert client.get("/api/v1/shipments?direction=both", headers=auth).status_code == 422


def test_patch_merges_the_consignor_and_keeps_the_rest(client, auth, import_payload):
    shipment = create(client, auth, import_payload()).json
    response = client.patch(
        f"/api/v1/shipments/{shipment['id']}", json={"consignor": {"address": "Suong, Tboung Khmum"}}, headers=auth
    )
    assert response.status_code == 200, response.json
    assert response.json["consignor"] == CONSIGNOR | {"address": "Suong, Tboung Khmum"}
    assert response.json["entry_gate"] == "MOC-BAI" and response.json["direction"] == "import"
    wrong = client.patch(f"/api/v1/shipments/{shipment['id']}", json={"exit_gate": "XA-MAT"}, headers=auth)
    assert wrong.status_code == 422 and "exit_gate" in wrong.json["errors"]
    moved = client.patch(f"/api/v1/shipments/{shipment['id']}", json={"entry_gate": "XA-MAT"}, headers=auth)
    assert moved.status_code == 200 and moved.json["gate"] == "XA-MAT"


def test_a_draft_may_turn_direction_with_the_other_party(client, auth, payload, mango_line):
    shipment = create(client, auth, payload()).json
    url = f"/api/v1/shipments/{shipment['id']}"
    lacking = client.patch(url, json={"direction": "import"}, headers=auth)
    assert lacking.status_code == 422 and "consignor" in lacking.json["errors"], lacking.json
    turned = client.patch(
        url, json={"direction": "import", "entry_gate": "MOC-BAI", "consignor": CONSIGNOR}, headers=auth
    )
    assert turned.status_code == 200, turned.json
    assert turned.json["direction"] == "import" and turned.json["entry_gate"] == "MOC-BAI"
    assert turned.json["consignee"] is None and turned.json["consignor"]["name"] == CONSIGNOR["name"]
    back = client.patch(url, json={"direction": "export"}, headers=auth)  # the stored consignee is still there
    assert back.status_code == 200 and back.json["consignee"]["name"] == payload()["consignee"]["name"]
    assert back.json["exit_gate"] == "MOC-BAI"


def test_direction_is_locked_once_the_shipment_is_no_draft(client, auth, exporter):
    ready = make_shipment(exporter.organisation, status=ShipmentStatus.READY)
    response = client.patch(f"/api/v1/shipments/{ready.id}", json={"direction": "import"}, headers=auth)
    assert response.status_code == 409 and "direction" in response.json["errors"], response.json
    submitted = make_import(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    response = client.patch(f"/api/v1/shipments/{submitted.id}", json={"direction": "export"}, headers=auth)
    assert response.status_code == 409


def test_another_organisations_import_is_404(client, token_for, exporter, exporter2):
    theirs = make_import(exporter2.organisation)
    auth = token_for(exporter)
    assert client.get(f"/api/v1/shipments/{theirs.reference}", headers=auth).status_code == 404
    patched = client.patch(f"/api/v1/shipments/{theirs.id}", json={"consignor": {"name": "x"}}, headers=auth)
    assert patched.status_code == 404
    assert client.get("/api/v1/shipments?direction=import", headers=auth).json["total"] == 0


def test_an_import_is_in_its_gate_officers_scope_like_an_export(client, token_for, exporter):
    at_moc_bai = make_import(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
    draft = make_import(exporter.organisation, gate=get_gate("MOC-BAI"))
    moc_bai = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
    xa_mat = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")]))
    assert client.get(f"/api/v1/shipments/{at_moc_bai.id}", headers=moc_bai).json["direction"] == "import"
    assert client.get(f"/api/v1/shipments/{at_moc_bai.id}", headers=xa_mat).status_code == 404
    assert client.get(f"/api/v1/shipments/{draft.id}", headers=moc_bai).status_code == 404  # drafts stay private
    listed = client.get("/api/v1/shipments?entry_gate=MOC-BAI", headers=moc_bai).json
    assert [s["reference"] for s in listed["items"]] == [at_moc_bai.reference]
    assert at_moc_bai.direction is Direction.IMPORT
