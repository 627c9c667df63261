"""The e-queue and customs on the gate tablet (issues 17, 18), in a real browser: the Mộc Bài officer calls the next
booked truck (its card says called, with the time left), taps arrived and types the plate read on the truck in
Khmer digits, which the server accepts; a wrong plate shows the booked one and the override with a reason lets the
truck in (audited); the customs declaration's channel shows on the card as a word, and a red channel's clearance
without inspection shows the server's refusal; an arrival kept in the outbox without a plate (an older page) is
refused by the server and corrected from "Not recorded"; the crossing manifest opens as a PDF."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import User
from border_trade.customs.models import CustomsDeclaration
from border_trade.equeue.models import Booking, BookingStatus, LaneType
from border_trade.equeue.services.common import new_code
from border_trade.extensions import db
from border_trade.fleet.models import PlateCountry
from border_trade.shipments.models import Lane, ShipmentStatus
from tests.browser.test_gate_offline import SEND_TIMEOUT, gate_events, watch_errors
from tests.browser.test_gate_offline import open_gate as open_gate_as_officer
from tests.equeue.conftest import LOCAL, make_vehicle
from tests.factories import get_gate, make_shipment

pytestmark = pytest.mark.browser

S = ShipmentStatus
KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def booked_truck(live_server, *, channel=None):
    """A shipment submitted for Mộc Bài today, booked for today's first slot with a registered Cambodian truck;
    with `channel`, its customs declaration too. Return (reference, booking code, booked plate)."""
    with live_server.app.app_context():
        trader = db.session.scalar(sa.select(User).where(User.email == "exporter@demo.test"))
        plate = f"2A-{uuid.uuid4().int % 9000 + 1000}"
        today = datetime.now(LOCAL).date()
        vehicle = make_vehicle(trader.organisation, plate=plate, country=PlateCountry.KH)
        shipment = make_shipment(
            trader.organisation,
            status=S.SUBMITTED,
            gate=get_gate("MOC-BAI"),
            planned_crossing_on=today,
            vehicle_plate=plate,
        )
        start = datetime(today.year, today.month, today.day, 0, 0, tzinfo=LOCAL).astimezone(UTC)
        booking = Booking(
            code=new_code(),
            shipment=shipment,
            organisation_id=trader.organisation_id,
            gate=get_gate("MOC-BAI"),
            direction=shipment.direction,
            lane_type=LaneType.GENERAL,
            slot_start=start,
            slot_end=start + timedelta(minutes=30),
            status=BookingStatus.CONFIRMED,
            vehicle=vehicle,
            queued_at=start - timedelta(days=30),  # first in the calling order
        )
        db.session.add(booking)
        if channel:
            db.session.add(
                CustomsDeclaration(
                    shipment=shipment,
                    number="305254403660",
                    type_code="B11",
                    channel=channel,
                    registered_at=datetime.now(UTC),
                )
            )
        db.session.commit()
        result = shipment.reference, booking.code, plate
        db.session.remove()
    return result


def booking_row(live_server, code):
    with live_server.app.app_context():
        booking = db.session.scalar(sa.select(Booking).where(Booking.code == code))
        overrides = list(
            db.session.scalars(
                sa.select(AuditEntry).where(
                    AuditEntry.action == "booking.plate_override", AuditEntry.object_id == str(booking.id)
                )
            )
        )
        result = booking.status, [entry.after for entry in overrides]
        db.session.remove()
    return result


def open_gate(page, sign_in):
    open_gate_as_officer(page, sign_in)
    page.goto("/lang/en?next=/gate/MOC-BAI")
    page.wait_for_selector("#gate-app")
    return page


def tap_arrived(page, reference):
    page.click(f'#queue li[data-reference="{reference}"] .truck-select')
    expect(page.locator("#sel-reference")).to_have_text(reference)
    page.click('#event-buttons [data-event="arrived"]')
    expect(page.locator("#confirm-dialog")).to_be_visible()
    expect(page.locator("#field-plate")).to_be_visible()


def test_the_officer_calls_the_next_booked_truck_and_lets_it_in_on_a_plate_in_khmer_digits(page, live_server, sign_in):
    reference, code, plate = booked_truck(live_server)
    errors = watch_errors(page)
    open_gate(page, sign_in)
    card = page.locator(f'#queue li.truck[data-reference="{reference}"]')
    badge = card.locator(".booking-badge")
    expect(badge).to_have_text(f"{code} · Confirmed")  # the booking code on the card

    page.click('[data-call-next="export"]')
    expect(page.locator("#toast")).to_contain_text(f"Booking {code} ({plate}) called")
    expect(badge).to_have_attribute("data-booking-status", "called", timeout=SEND_TIMEOUT)
    expect(badge).to_contain_text("Called to the gate")
    expect(card.locator(".call-countdown")).to_have_text(re.compile(r"^(19|20):\d\d left to arrive$"))
    expect(page.locator("#sel-reference")).to_have_text(reference)  # the called truck is shown
    expect(page.locator("#sel-booking")).to_contain_text(code)

    tap_arrived(page, reference)
    expect(page.locator("#plate-hint")).to_contain_text(code)
    page.click("#confirm-ok")  # a booked truck needs the plate read on it
    expect(page.locator("#confirm-error")).to_have_text(
        f"Read the plate on the truck: the shipment has booking {code}."
    )
    khmer = "ភ្នំពេញ " + plate.translate(KHMER_DIGITS)  # as written on a Cambodian plate
    page.fill("#plate-read", khmer)
    page.click("#confirm-ok")
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    expect(card).to_have_attribute("data-status", "at_gate", timeout=SEND_TIMEOUT)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)  # sent, not only kept
    assert booking_row(live_server, code) == (BookingStatus.ARRIVED, [])  # accepted as the booked plate: no override
    stored = gate_events(live_server, reference)[2]
    assert stored["arrived"] == 1
    expect(page.locator("#problems")).to_be_hidden()
    assert errors == []


def test_a_wrong_plate_shows_the_booked_one_and_the_override_lets_the_truck_in(page, live_server, sign_in):
    reference, code, plate = booked_truck(live_server, channel=Lane.RED)
    errors = watch_errors(page)
    open_gate(page, sign_in)
    card = page.locator(f'#queue li.truck[data-reference="{reference}"]')
    declaration = card.locator(".decl-badge")
    expect(declaration).to_have_text("305254403660 · Red lane")  # the channel as a word, not the colour alone
    expect(declaration).to_have_attribute("data-channel", "red")
    expect(declaration).to_have_css("background-color", "rgb(176, 0, 32)")  # retried: the queue may re-render

    tap_arrived(page, reference)
    page.fill("#plate-read", "70H-999.99")
    page.click("#confirm-ok")
    expect(page.locator("#field-override")).to_be_visible()  # the dialog stays open and says whose plate was booked
    expect(page.locator("#plate-mismatch")).to_contain_text(f"70H-999.99 is not the booked vehicle {plate}")
    expect(page.locator("#plate-mismatch")).to_contain_text(code)
    reason = "Replacement tractor after a breakdown; papers checked"
    page.fill("#override-reason", reason)
    page.click("#confirm-ok")
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    expect(card).to_have_attribute("data-status", "at_gate", timeout=SEND_TIMEOUT)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)  # sent, not only kept
    status, overrides = booking_row(live_server, code)
    assert status is BookingStatus.ARRIVED
    assert len(overrides) == 1 and overrides[0]["reason"] == reason and overrides[0]["plate_read"] == "70H-999.99"

    # the red channel: the tablet warns, and clearing without an inspection is refused with the server's words
    expect(page.locator("#sel-customs-note")).to_be_visible()
    page.click('#event-buttons [data-event="cleared"]')
    page.click("#confirm-ok")
    problem = page.locator(f'#problem-list li[data-reference="{reference}"]')
    expect(problem).to_contain_text(
        "The customs declaration is in the red channel: the goods must be inspected before clearance.",
        timeout=SEND_TIMEOUT,
    )
    assert gate_events(live_server, reference)[0] is S.AT_GATE

    # the crossing manifest opens in a new tab, as a PDF
    link = page.locator("#sel-manifest")
    expect(link).to_have_attribute("target", "_blank")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert errors == []


def test_an_arrival_kept_without_a_plate_is_corrected_from_not_recorded(page, live_server, sign_in):
    reference, code, plate = booked_truck(live_server)
    errors = watch_errors(page)
    open_gate(page, sign_in)
    # an entry as a page before this change stored it: arrived, no plate
    page.evaluate(
        """reference => {
          const user = JSON.parse(document.getElementById("gate-config").textContent).user;
          const tapped = Date.now() - 60000;
          const entry = {key: crypto.randomUUID(), gate: "MOC-BAI", direction: "export", tapped_at: tapped,
                         attempts: 0, last_error: null,
                         body: {shipment: reference, event: "arrived", occurred_at: new Date(tapped).toISOString()}};
          localStorage.setItem("border-trade.gate-outbox.user-" + user, JSON.stringify([entry]));
          return window.borderTradeGate.flush();
        }""",
        reference,
    )
    problem = page.locator(f'#problem-list li[data-reference="{reference}"]')
    expect(problem).to_contain_text(f"Read the plate on the truck: the shipment has booking {code}.")
    problem.locator(".btn-fix").click()
    expect(page.locator("#confirm-dialog")).to_be_visible()
    expect(page.locator("#sel-reference")).to_have_text(reference)
    expect(page.locator("#plate-mismatch")).to_contain_text(f"Booked vehicle: {plate}")
    page.fill("#plate-read", plate.translate(KHMER_DIGITS))
    page.click("#confirm-ok")
    expect(page.locator("#confirm-dialog")).to_be_hidden()
    card = page.locator(f'#queue li.truck[data-reference="{reference}"]')
    expect(card).to_have_attribute("data-status", "at_gate", timeout=SEND_TIMEOUT)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)  # sent, not only kept
    assert booking_row(live_server, code) == (BookingStatus.ARRIVED, [])
    events = gate_events(live_server, reference)[3]
    assert len(events) == 1 and events[0][1] < events[0][2] - timedelta(seconds=30)  # the first tap's time kept
    assert errors == []


def test_the_plate_and_the_override_wait_in_the_outbox_and_are_replayed(page, live_server, sign_in):
    reference, code, plate = booked_truck(live_server)
    errors = watch_errors(page)
    open_gate(page, sign_in)
    page.context.set_offline(True)
    tap_arrived(page, reference)
    page.fill("#plate-read", "2A-0000")  # not the booked truck: the tablet knows the booking offline too
    page.click("#confirm-ok")
    expect(page.locator("#plate-mismatch")).to_contain_text(plate)
    page.fill("#override-reason", "Booked truck broke down; replacement checked")
    page.click("#confirm-ok")
    expect(page.locator("#unsent-count")).to_have_text("1")
    stored = page.evaluate("window.borderTradeGate.outbox()")
    assert stored[0]["body"]["plate"] == "2A-0000"
    assert stored[0]["body"]["override_reason"] == "Booked truck broke down; replacement checked"
    expect(page.locator(f'#outbox-list li[data-reference="{reference}"] .outbox-plate')).to_have_text("2A-0000")

    page.context.set_offline(False)
    expect(page.locator("#unsent-count")).to_have_text("0", timeout=SEND_TIMEOUT)
    status, overrides = booking_row(live_server, code)
    assert status is BookingStatus.ARRIVED
    assert [o["plate_read"] for o in overrides] == ["2A-0000"]
    assert errors == []
