"""The public gate board on a phone (issue 17): no sign-in, Khmer first, large figures, no script refused by the CSP,
and the board changes once a truck arrives at the gate."""

import uuid

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from border_trade.auth.models import User
from border_trade.auth.tokens import new_token
from border_trade.extensions import db
from border_trade.shipments.models import ShipmentStatus
from tests.factories import get_gate, make_shipment

pytestmark = pytest.mark.browser


def arrive_walk_in(live_server):
    """A new export of the demo trader, submitted for Mộc Bài, recorded `arrived` by the gate's demo officer."""
    with live_server.app.app_context():
        trader = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        officer = db.session.scalar(sa.select(User).where(User.email == "officer.mocbai@demo.test"))
        shipment = make_shipment(trader.organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
        raw, _token = new_token(officer)
        db.session.commit()
        reference = shipment.reference
        db.session.remove()
    response = live_server.app.test_client().post(
        "/api/v1/gates/MOC-BAI/crossings",
        json={"shipment": reference, "event": "arrived"},
        headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.json
    assert response.json["shipment"]["walk_in"] is True
    return reference


def test_a_driver_reads_the_board_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="km-KH", viewport={"width": 390, "height": 844})
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    try:
        page.goto("/board/MOC-BAI?lang=km")
        expect(page.locator("html")).to_have_attribute("lang", "km")
        languages = page.locator(".board-languages a")
        expect(languages).to_have_count(3)
        assert [languages.nth(i).get_attribute("lang") for i in range(3)] == ["km", "vi", "en"]
        waiting = page.locator('[data-figure="waiting-export"] .board-number')
        before = int(waiting.inner_text())
        size = waiting.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 48, size  # readable from the cab
        assert page.locator("script:not([src])").count() == 0
        reference = arrive_walk_in(live_server)
        page.reload()
        expect(waiting).to_have_text(str(before + 1))
        assert reference not in page.content()
        page.click('.board-languages a[lang="en"]')
        expect(page.locator("h2")).to_have_text("Next free slot")
        assert not refused, refused
    finally:
        context.close()
