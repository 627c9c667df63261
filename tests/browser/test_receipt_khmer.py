"""Receipt by the buyer (issue 18): a Khmer buyer on a phone-sized browser confirms a two-line shipment from the
receipt link, line 1 in full and line 2 short by 20 kg with a photo; the trader then sees "Delivered with a
discrepancy" on the shipment page, the timeline shows the receipt and the discrepancy, and each webhook was recorded
once."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from border_trade.auth.models import User
from border_trade.extensions import db
from border_trade.notifications.models import Webhook, WebhookDelivery
from border_trade.receipts.links import create_link, token_of
from border_trade.receipts.models import Receipt
from border_trade.types import utcnow
from tests.factories import MANGO_LINE, make_crossed_shipment

pytestmark = pytest.mark.browser
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200 + b"\xff\xd9"


def crossed_export(live_server):
    """A demo trader's export of melons (400 kg) and mangoes (500 kg), crossed at Mộc Bài, its receipt link made and a
    webhook registered; return (shipment id, reference, token)."""
    with live_server.app.app_context():
        trader = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        mango = MANGO_LINE | {"quantity": Decimal("500"), "net_weight_kg": Decimal("500"), "description_km": "ស្វាយស្រស់"}
        shipment = make_crossed_shipment(
            trader.organisation,
            utcnow() - timedelta(hours=2),
            items=[{"description_km": "ត្រសក់ស្រូវ"}, mango],
        )
        db.session.add(
            Webhook(organisation_id=trader.organisation_id, url="https://erp.example.test/hook", secret="s" * 48)
        )
        db.session.commit()
        token = token_of(create_link(trader, shipment.id))
        found = shipment.id, shipment.reference, token
        db.session.remove()
    return found


def test_a_khmer_buyer_confirms_on_a_phone_and_the_trader_sees_the_discrepancy(browser, live_server, sign_in, tmp_path):
    shipment_id, reference, token = crossed_export(live_server)
    photo = tmp_path / "short.jpg"
    photo.write_bytes(JPEG)

    phone = browser.new_context(
        base_url=live_server.url, locale="km-KH", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.set_default_timeout(10_000)
    buyer = phone.new_page()
    try:
        buyer.goto(f"/receipt/{token}")
        expect(buyer.locator("html")).to_have_attribute("lang", "km")
        expect(buyer.locator("#receipt-heading")).to_contain_text(reference)
        expect(buyer.locator('fieldset[data-item="2"] legend')).to_contain_text("ស្វាយស្រស់")
        assert buyer.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
        expect(buyer.locator("#received-1")).to_have_value("400")  # line 1: received in full, as shipped
        buyer.fill("#received-2", "480")
        buyer.select_option("#condition-2", "short")
        buyer.fill("#note-2", "ខ្វះ ២០ គីឡូក្រាម")
        buyer.set_input_files("#photos-2", str(photo))
        buyer.fill("#declaration_no", "KH-IMP-2026-000123")
        with buyer.expect_navigation():
            buyer.click("#receipt-submit")
        expect(buyer.locator("#receipt-thanks")).to_be_visible()
        expect(buyer.locator("#receipt-form")).to_have_count(0)
        expect(buyer.locator('#receipt [data-receipt-line="1"]')).to_have_attribute("data-condition", "ok")
        expect(buyer.locator('#receipt [data-receipt-line="2"]')).to_have_attribute("data-condition", "short")
        expect(buyer.locator('#receipt [data-receipt-line="2"] img')).to_have_count(1)
        assert buyer.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        phone.close()

    office = browser.new_context(base_url=live_server.url, locale="en-US")
    office.set_default_timeout(10_000)
    trader = office.new_page()
    try:
        sign_in(trader, "exporter")
        trader.goto(f"/lang/en?next=/shipments/{shipment_id}")
        summary = trader.locator("#receipt-summary")
        expect(summary).to_contain_text("Delivered with a discrepancy")
        expect(summary.locator("[data-receipt-line]")).to_have_count(2)
        expect(summary.locator('[data-receipt-line="2"]')).to_contain_text("480")
        expect(trader.locator("#shipment-status")).to_have_attribute("data-status", "delivered")
        timeline = trader.locator('#timeline li[data-kind="receipt"]')
        expect(timeline).to_have_count(2)
        expect(timeline.nth(0)).to_have_attribute("data-event", "delivered")
        expect(timeline.nth(1)).to_have_attribute("data-event", "discrepancy")
    finally:
        office.close()

    with live_server.app.app_context():
        receipt = db.session.scalar(sa.select(Receipt).where(Receipt.shipment_id == shipment_id))
        assert [(line.item_position, str(line.received_quantity)) for line in receipt.lines] == [
            (1, "400.000"),
            (2, "480.000"),
        ]
        assert len(receipt.lines[1].photos) == 1
        events = db.session.scalars(
            sa.select(WebhookDelivery.event).where(WebhookDelivery.payload["shipment"].as_string() == reference)
        ).all()
        assert sorted(events) == ["delivered", "shipment.delivered", "shipment.discrepancy"]
        db.session.remove()
