"""POST /api/v1/shipments/<id>/receipt-link: the trader of a crossed export only; a new link replaces the old."""

from datetime import timedelta

import pytest

from border_trade.auth.models import Role
from border_trade.receipts.models import ReceiptLink
from border_trade.shipments.models import ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_shipment, make_user
from tests.receipts.conftest import body


def link(client, headers, shipment):
    return client.post(f"/api/v1/shipments/{shipment.id}/receipt-link", headers=headers)


def test_the_trader_gets_a_link_that_expires_after_the_setting(client, token_for, trader, crossed, app):
    before = utcnow()
    response = link(client, token_for(trader), crossed)
    assert response.status_code == 201, response.json
    assert response.json["url"].startswith(app.config["PUBLIC_BASE_URL"] + "/receipt/")
    stored = ReceiptLink.query.one()
    days = app.config["RECEIPT_LINK_DAYS"]
    assert before + timedelta(days=days) <= stored.expires_at <= utcnow() + timedelta(days=days)
    token = response.json["url"].rsplit("/", 1)[1]
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only the hash is kept
    assert client.get(f"/receipt/{token}").status_code == 200


def test_a_new_link_replaces_the_old_one(client, token_for, trader, crossed):
    headers = token_for(trader)
    old = link(client, headers, crossed).json["url"].rsplit("/", 1)[1]
    new = link(client, headers, crossed).json["url"].rsplit("/", 1)[1]
    assert old != new
    assert client.post(f"/api/v1/receipts/{old}", json=body()).status_code == 404
    assert client.get(f"/receipt/{old}").status_code == 404
    assert client.post(f"/api/v1/receipts/{new}", json=body()).status_code == 201


@pytest.mark.parametrize("status", [ShipmentStatus.SUBMITTED, ShipmentStatus.CLEARED, ShipmentStatus.DELIVERED])
def test_no_link_before_the_crossing_or_after_delivery(client, token_for, trader, status):
    shipment = make_shipment(trader.organisation, status=status)
    response = link(client, token_for(trader), shipment)
    assert response.status_code == 409
    assert "status" in response.json["errors"]


def test_no_link_for_an_import(client, token_for, trader, crossed_import):
    response = link(client, token_for(trader), crossed_import)
    assert response.status_code == 409
    assert "direction" in response.json["errors"]


def test_another_organisation_gets_404_and_other_roles_403(client, token_for, crossed):
    assert link(client, token_for(make_user(Role.EXPORTER)), crossed).status_code == 404
    assert link(client, token_for(make_user(Role.ADMIN)), crossed).status_code == 403
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    assert link(client, token_for(officer), crossed).status_code == 403
    assert link(client, token_for(make_user(Role.PROVINCE_OFFICER)), crossed).status_code == 403
    assert link(client, {}, crossed).status_code == 401
    assert ReceiptLink.query.count() == 0
