"""POST /api/v1/receipts/<token>: public; 404 for a dead token before the body; 409 twice; field-named 422s."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from border_trade.extensions import db
from border_trade.receipts.models import Receipt, ReceiptLink
from border_trade.shipments.models import EventKind, ShipmentEvent, ShipmentStatus
from border_trade.types import utcnow
from tests.receipts.conftest import FULL, SHORT, body


def confirm(client, token, data):
    return client.post(f"/api/v1/receipts/{token}", json=data)


def receipt_events(shipment):
    return db.session.scalars(
        sa.select(ShipmentEvent)
        .where(ShipmentEvent.shipment_id == shipment.id, ShipmentEvent.kind == EventKind.RECEIPT)
        .order_by(ShipmentEvent.id)
    ).all()


def test_a_short_line_makes_the_shipment_delivered_with_one_discrepancy_event(client, token, crossed):
    response = confirm(client, token, body(FULL, SHORT, declaration_no="KH-IMP-2026-000123"))
    assert response.status_code == 201, response.json
    assert response.json["status"] == "delivered"
    assert response.json["discrepancy"] is True
    assert response.json["declaration_no"] == "KH-IMP-2026-000123"
    assert [(line["item"], line["condition"], line["discrepancy"]) for line in response.json["lines"]] == [
        (1, "ok", False),
        (2, "short", True),
    ]
    db.session.refresh(crossed)
    assert crossed.status is ShipmentStatus.DELIVERED
    events = receipt_events(crossed)
    assert [(e.event, e.from_status, e.to_status) for e in events] == [
        ("delivered", ShipmentStatus.CROSSED, ShipmentStatus.DELIVERED),
        ("discrepancy", None, None),
    ]
    assert events[1].details == {"item": 2, "condition": "short", "received_quantity": "480.000"}
    assert events[0].details is None and events[0].actor is None  # the buyer has no account


def test_lines_in_full_and_good_order_give_no_discrepancy(client, token, crossed):
    response = confirm(client, token, body(FULL, SHORT | {"received_quantity": "500.000", "condition": "ok"}))
    assert response.status_code == 201
    assert response.json["discrepancy"] is False
    assert [e.event for e in receipt_events(crossed)] == ["delivered"]


def test_damaged_in_full_quantity_is_a_discrepancy(client, token, crossed):
    response = confirm(
        client, token, body(FULL | {"condition": "damaged"}, SHORT | {"received_quantity": "500", "condition": "ok"})
    )
    assert response.status_code == 201
    details = [e.details for e in receipt_events(crossed) if e.event == "discrepancy"]
    assert details == [{"item": 1, "condition": "damaged", "received_quantity": "400.000"}]


def test_the_timeline_api_carries_details(client, token, token_for, trader, crossed):
    confirm(client, token, body())
    events = client.get(f"/api/v1/shipments/{crossed.id}/events", headers=token_for(trader)).json["items"]
    receipt = [e for e in events if e["kind"] == "receipt"]
    assert [(e["event"], e["details"]) for e in receipt] == [
        ("delivered", None),
        ("discrepancy", {"item": 2, "condition": "short", "received_quantity": "480.000"}),
    ]
    assert all("details" in e for e in events)  # an optional field of every event


def test_a_second_confirmation_is_409_and_changes_nothing(client, token, crossed):
    assert confirm(client, token, body()).status_code == 201
    again = confirm(client, token, body(FULL, SHORT | {"received_quantity": "1"}))
    assert again.status_code == 409
    assert again.json["code"] == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 1
    assert confirm(client, token, {"lines": "garbage"}).status_code == 409  # 409 before the body, too
    assert client.get(f"/receipt/{token}").status_code == 200  # still readable


def test_a_used_link_stays_readable_after_its_first_expiry(client, token, crossed, app):
    confirm(client, token, body())
    link = db.session.scalar(sa.select(ReceiptLink))
    assert link.used_at is not None
    assert link.expires_at >= link.used_at + timedelta(days=app.config["RECEIPT_LINK_DAYS"]) - timedelta(minutes=1)


@pytest.mark.parametrize("how", ["forged", "altered", "expired", "unknown"])
def test_a_dead_token_is_404_before_the_body_is_validated(client, token, crossed, how):
    if how == "forged":
        dead = "eyJpZCI6MX0.forgedsignature"
    elif how == "altered":
        dead = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif how == "unknown":
        dead = "x"
    else:
        dead = token
        db.session.scalar(sa.select(ReceiptLink)).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    for data in (body(), {"lines": [{"item": "one"}]}, {"nonsense": True}):
        response = confirm(client, dead, data)
        assert response.status_code == 404, (how, response.json)
    assert client.get(f"/receipt/{dead}").status_code == 404
    db.session.refresh(crossed)
    assert crossed.status is ShipmentStatus.CROSSED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (body(FULL, SHORT | {"item": 3}), "lines.1.item"),
        (body(FULL, SHORT | {"item": 0}), "lines.1.item"),
        (body(FULL, FULL), "lines.1.item"),
        (body(FULL), "lines"),
        (body(FULL, SHORT | {"received_quantity": "-1"}), "lines.1.received_quantity"),
        (body(FULL, SHORT | {"received_quantity": "lots"}), "lines.1.received_quantity"),
        (body(FULL, SHORT | {"received_quantity": 1e400}), "lines.1.received_quantity"),
        (body(FULL, SHORT | {"condition": "lost"}), "lines.1.condition"),
        (body(FULL, SHORT | {"note": "x" * 501}), "lines.1.note"),
        (body(declaration_no="9" * 65), "declaration_no"),
        ({"lines": []}, "lines"),
        ({}, "lines"),
        ([1, 2], "_schema"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(client, token, crossed, data, field):
    response = confirm(client, token, data)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"], response.json["errors"]
    db.session.refresh(crossed)
    assert crossed.status is ShipmentStatus.CROSSED


def test_no_receipt_for_a_shipment_the_trader_marked_delivered_by_hand(client, token, crossed):
    crossed.status = ShipmentStatus.DELIVERED
    db.session.commit()
    response = confirm(client, token, body())
    assert response.status_code == 409
    assert "status" in response.json["errors"]


def test_the_public_endpoint_is_rate_limited(client, token, app):
    app.config["RECEIPT_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [confirm(client, "x", body()).status_code for _ in range(4)]
    finally:
        app.config["RECEIPT_RATE_LIMIT"] = "30 per minute"
    assert codes == [404, 404, 404, 429]
