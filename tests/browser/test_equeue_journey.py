"""The e-queue from booking to arrival (issue 17), in a real browser: the trader books a slot on the booking page,
the Mộc Bài officer calls that truck from the tablet and records `arrived` with the plate read on it, and the public
board counts one more truck waiting."""

import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from border_trade.auth.models import User
from border_trade.equeue.models import Booking, BookingStatus
from border_trade.extensions import db
from border_trade.shipments.models import ShipmentStatus
from tests.browser.test_gate_equeue import tap_arrived
from tests.browser.test_gate_offline import SEND_TIMEOUT, watch_errors
from tests.equeue.conftest import LOCAL, make_vehicle
from tests.factories import get_gate, make_shipment

pytestmark = pytest.mark.browser


def submitted_for_today(live_server):
    """A shipment of the demo trader submitted for Mộc Bài today, its truck in the register with a valid permit."""
    with live_server.app.app_context():
        trader = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        number = uuid.uuid4().int % 100000
        plate = f"70H-{number // 100:03d}.{number % 100:02d}"
        make_vehicle(trader.organisation, plate=plate)
        shipment = make_shipment(
            trader.organisation,
            status=ShipmentStatus.SUBMITTED,
            gate=get_gate("MOC-BAI"),
            planned_crossing_on=datetime.now(LOCAL).date(),
            vehicle_plate=plate,
        )
        db.session.commit()
        result = shipment.reference, plate
        db.session.remove()
    return result


def book(page, sign_in, reference):
    """The trader books the first open slot of today (of tomorrow once today's are over); return the code."""
    sign_in(page, "exporter")
    page.goto(f"/lang/en?next=/bookings/new?shipment={reference}")
    slots = page.locator("#slot_start option:not([disabled]):not([value=''])")
    if slots.count() == 0:  # late in the evening the gate has closed for today
        tomorrow = (datetime.now(LOCAL) + timedelta(days=1)).date().isoformat()
        page.fill("#pick-day", tomorrow)
        with page.expect_navigation():
            page.click('#slot-day [type="submit"]')
    value = slots.first.get_attribute("value")
    page.select_option("#slot_start", value)
    with page.expect_navigation():
        page.click("#book")
    flash = page.locator(".alert-success")
    expect(flash).to_contain_text("Slot booked: code ")
    code = flash.inner_text().split("code ")[1].strip()[:6]
    row = page.locator(f'#bookings tr[data-booking="{code}"]')
    expect(row.locator("[data-status]")).to_have_attribute("data-status", "confirmed")
    return code


def waiting_exports(board):
    board.reload()
    return int(board.locator('[data-figure="waiting-export"] .board-number').inner_text())


def test_a_truck_books_is_called_arrives_and_the_board_counts_it(page, browser, live_server, sign_in):
    reference, plate = submitted_for_today(live_server)
    errors = watch_errors(page)
    code = book(page, sign_in, reference)

    public = browser.new_context(base_url=live_server.url, locale="en-US")
    officer = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        board = public.new_page()
        board.goto("/board/MOC-BAI?lang=en")
        before = waiting_exports(board)

        tablet = officer.new_page()
        errors += watch_errors(tablet)
        sign_in(tablet, "gate_officer")
        tablet.goto("/lang/en?next=/gate/MOC-BAI")
        tablet.wait_for_selector("#gate-app")
        card = tablet.locator(f'#queue li.truck[data-reference="{reference}"]')
        badge = card.locator(".booking-badge")
        expect(badge).to_have_text(f"{code} · Confirmed")
        card.locator(".truck-select").click()
        expect(tablet.locator("#sel-reference")).to_have_text(reference)
        tablet.click("#call-booking")  # this truck, whatever else waits in the queue
        expect(tablet.locator("#toast")).to_contain_text(f"Booking {code} ({plate}) called")
        expect(badge).to_have_attribute("data-booking-status", "called", timeout=SEND_TIMEOUT)

        tap_arrived(tablet, reference)
        tablet.fill("#plate-read", plate.replace("-", " ").replace(".", "").lower())  # as typed: one plate
        tablet.click("#confirm-ok")
        expect(tablet.locator("#confirm-dialog")).to_be_hidden()
        expect(card).to_have_attribute("data-status", "at_gate", timeout=SEND_TIMEOUT)
        expect(tablet.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)

        assert waiting_exports(board) == before + 1
        assert reference not in board.content() and plate not in board.content()  # no personal data
    finally:
        officer.close()
        public.close()
    with live_server.app.app_context():
        booking = db.session.scalar(sa.select(Booking).where(Booking.code == code))
        assert booking.status is BookingStatus.ARRIVED and booking.called_at is not None
        db.session.remove()
    assert errors == []
