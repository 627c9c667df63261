"""GET and PUT /api/v1/quotas, and the quota through the shipment and gate endpoints (422, 409, replays)."""

import uuid
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.quotas.models import ClaimState, QuotaClaim, TariffQuota
from border_trade.shipments.models import Shipment, ShipmentStatus
from tests.factories import get_gate, make_user

from .conftest import CODE, make_quota, ready_rice

S = ShipmentStatus


def quota_row(code=CODE):
    db.session.expire_all()
    return db.session.scalar(sa.select(TariffQuota).where(TariffQuota.code == code))


@pytest.mark.parametrize("role", list(Role))
def test_every_signed_in_role_reads_the_quotas_as_decimal_strings(client, token_for, quota, role):
    extra = {"gates": [get_gate("MOC-BAI")]} if role is Role.GATE_OFFICER else {}
    response = client.get("/api/v1/quotas", headers=token_for(make_user(role, **extra)))
    assert response.status_code == 200, response.json
    [item] = [item for item in response.json["items"] if item["code"] == CODE]
    assert item["code"] == CODE and item["unit"] == "TNE" and item["hs_prefixes"] == ["1006", "100610"]
    assert (item["quantity"], item["reserved"], item["used"], item["remaining"]) == (
        "100.000",
        "0.000",
        "0.000",
        "100.000",
    )
    assert item["gates"] == ["MOC-BAI", "XA-MAT"] and item["origin_document"] == "co_form_s"
    assert {"prefix": "100610", "factor": "0.5"}.items() <= item["factors"][1].items()


def test_year_filter_and_anonymous(client, token_for, quota):
    make_quota("KH-OLD", period_from=date(2020, 1, 1), period_to=date(2020, 12, 31))
    headers = token_for(make_user(Role.VIEWER))
    assert [i["code"] for i in client.get("/api/v1/quotas?year=2020", headers=headers).json["items"]] == ["KH-OLD"]
    assert {"KH-OLD", CODE} <= {i["code"] for i in client.get("/api/v1/quotas", headers=headers).json["items"]}
    assert client.get("/api/v1/quotas?year=abc", headers=headers).status_code == 422
    assert client.get("/api/v1/quotas").status_code == 401
    assert client.put(f"/api/v1/quotas/{CODE}", json={"quantity": "1"}).status_code == 401


def test_admin_edits_quantity_gates_and_source(client, token_for, quota):
    headers = token_for(make_user(Role.ADMIN))
    body = {
        "quantity": "250.5",
        "gates": ["xa-mat", "TINH-BIEN"],
        "source": "Decree 56/2026, Appendix III",
        "unverified": False,
    }
    response = client.put(f"/api/v1/quotas/{CODE.lower()}", json=body, headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["quantity"] == "250.500" and response.json["gates"] == ["XA-MAT", "TINH-BIEN"]
    assert response.json["source"] == "Decree 56/2026, Appendix III" and response.json["unverified"] is False
    unknown = client.put(f"/api/v1/quotas/{CODE}", json={"gates": ["NOWHERE"]}, headers=headers)
    assert unknown.status_code == 422 and "NOWHERE" in unknown.json["errors"]["gates"][0]
    assert client.put("/api/v1/quotas/NO-SUCH", json={"quantity": "1"}, headers=headers).status_code == 404
    assert client.put(f"/api/v1/quotas/{CODE}", json={"quantity": "-1"}, headers=headers).status_code == 422


@pytest.mark.parametrize("role", [Role.EXPORTER, Role.GATE_OFFICER, Role.PROVINCE_OFFICER, Role.VIEWER])
def test_only_admins_edit(client, token_for, quota, role):
    response = client.put(f"/api/v1/quotas/{CODE}", json={"quantity": "1000"}, headers=token_for(make_user(role)))
    assert response.status_code == 403
    assert quota_row().quantity == Decimal("100.000")


def test_quantity_below_reserved_and_used_is_a_conflict(client, token_for, quota, trader):
    shipment = ready_rice(trader, tonnes="40")
    assert client.post(
        f"/api/v1/shipments/{shipment.id}/transitions", json={"to": "submitted"}, headers=token_for(trader)
    ).status_code in (200, 201)
    response = client.put(
        f"/api/v1/quotas/{CODE}", json={"quantity": "39.999"}, headers=token_for(make_user(Role.ADMIN))
    )
    assert response.status_code == 409 and "40.000" in response.json["errors"]["quantity"][0]
    assert quota_row().quantity == Decimal("100.000")


def test_a_shipment_names_a_known_quota_or_gets_422(client, token_for, quota, trader, payload_import):
    headers = token_for(trader)
    unknown = client.post("/api/v1/shipments", json=payload_import(under_quota="KH-NOPE"), headers=headers)
    assert unknown.status_code == 422 and "under_quota" in unknown.json["errors"]
    created = client.post("/api/v1/shipments", json=payload_import(under_quota=CODE.lower()), headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["under_quota"] == CODE
    cleared = client.patch(f"/api/v1/shipments/{created.json['id']}", json={"under_quota": None}, headers=headers)
    assert cleared.status_code == 200 and cleared.json["under_quota"] is None


def test_wrong_gate_answers_409_at_submitted(client, token_for, trader):
    make_quota(gates=["XA-MAT"])
    shipment = ready_rice(trader, gate="MOC-BAI")
    response = client.post(
        f"/api/v1/shipments/{shipment.id}/transitions", json={"to": "submitted"}, headers=token_for(trader)
    )
    assert response.status_code == 409 and "MOC-BAI" in response.json["errors"]["under_quota"][0]
    assert db.session.get(Shipment, shipment.id).status is S.READY
    assert quota_row().reserved == Decimal("0.000")


def crossing(client, officer_headers, shipment, event, key=None, gate="MOC-BAI", **extra):
    headers = officer_headers | {"Idempotency-Key": key or uuid.uuid4().hex}
    body = {"shipment": shipment.reference, "event": event, **extra}
    return client.post(f"/api/v1/gates/{gate}/crossings", json=body, headers=headers)


def test_crossed_uses_once_even_when_replayed_and_returned_releases(client, token_for, quota, trader):
    crossed, returned = ready_rice(trader, tonnes="20"), ready_rice(trader, tonnes="7")
    for shipment in (crossed, returned):
        move = client.post(
            f"/api/v1/shipments/{shipment.id}/transitions", json={"to": "submitted"}, headers=token_for(trader)
        )
        assert move.status_code in (200, 201), move.json
    for shipment in (crossed, returned):
        db.session.get(Shipment, shipment.id).status = S.CLEARED
    db.session.commit()
    officer = token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
    first = crossing(client, officer, crossed, "crossed", key="cross-1", seals=["VN1"])
    assert first.status_code == 201, first.json
    assert crossing(client, officer, crossed, "crossed", key="cross-1", seals=["VN1"]).status_code == 201  # replay
    assert crossing(client, officer, crossed, "crossed", seals=["VN1"]).status_code == 409  # already crossed
    assert crossing(client, officer, returned, "returned", reason_code="documents").status_code == 201
    row = quota_row()
    assert (row.reserved, row.used, row.remaining) == (Decimal("0.000"), Decimal("20.000"), Decimal("80.000"))
    states = dict(db.session.execute(sa.select(QuotaClaim.shipment_id, QuotaClaim.state)).all())
    assert states == {crossed.id: ClaimState.USED, returned.id: ClaimState.RELEASED}


@pytest.mark.parametrize("code", ["KH\x00RICE", "x" * 41, "gạo", " "])
def test_odd_codes_are_refused_without_a_server_error(client, token_for, quota, trader, payload_import, code):
    created = client.post("/api/v1/shipments", json=payload_import(under_quota=code), headers=token_for(trader))
    if code.strip():
        assert created.status_code == 422 and "under_quota" in created.json["errors"]
    else:
        assert created.status_code == 201 and created.json["under_quota"] is None
    admin = token_for(make_user(Role.ADMIN))
    assert client.put("/api/v1/quotas/KH%00RICE", json={"quantity": "1"}, headers=admin).status_code == 404
