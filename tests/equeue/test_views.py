"""The e-queue pages: a trader books, moves, cancels from the browser; officers edit their gate's capacity."""

import re

import pytest

from border_trade.auth.models import Role
from border_trade.equeue.models import Booking, BookingStatus, CapacityWindow
from border_trade.extensions import db
from tests.equeue.conftest import every_day, make_vehicle, set_capacity, slot_at
from tests.factories import get_gate


@pytest.fixture
def trader(login_as, exporter):
    return login_as(exporter)


def test_the_trader_books_from_the_page(trader, capacity, shipment, tomorrow):
    page = trader.get(f"/bookings/new?shipment={shipment.reference}&day={tomorrow}&lang=en")
    assert page.status_code == 200
    start = slot_at(tomorrow, "08:30").isoformat()
    assert f'value="{start}"' in page.text and "12 of 12 places free" in page.text
    response = trader.post(
        f"/bookings/new?shipment={shipment.reference}",
        data={"shipment": shipment.reference, "day": tomorrow.isoformat(), "lane_type": "general", "slot_start": start},
    )
    assert response.status_code == 302, response.text
    booking = db.session.query(Booking).one()
    assert booking.slot_start == slot_at(tomorrow, "08:30")
    listing = trader.get("/bookings?lang=en")
    assert booking.code in listing.text and 'data-status="confirmed"' in listing.text


def test_a_refused_booking_names_the_field(trader, exporter, capacity, submitted, tomorrow):
    shipment = submitted()
    vehicle = make_vehicle(exporter.organisation, plate="70H-777.77", permit_number=None, permit_valid_from=None)
    data = {
        "shipment": shipment.reference,
        "day": tomorrow.isoformat(),
        "lane_type": "general",
        "slot_start": slot_at(tomorrow, "09:00").isoformat(),
        "vehicle_id": str(vehicle.id),
    }
    response = trader.post(f"/bookings/new?shipment={shipment.reference}&lang=en", data=data)
    assert response.status_code == 409
    assert "has no cross-border permit valid on the slot" in response.text and "is-invalid" in response.text
    missing = trader.post(f"/bookings/new?shipment={shipment.reference}&lang=en", data=data | {"slot_start": ""})
    assert missing.status_code == 422 and "is-invalid" in missing.text
    assert db.session.query(Booking).count() == 0


def test_a_full_slot_shows_the_next_free_ones(trader, submitted, tomorrow):
    override = {"date": tomorrow.isoformat(), "direction": "export", "lane_type": "general", "capacity": 1}
    set_capacity(overrides=[override | {"start": "09:00", "end": "09:30"}])
    start = slot_at(tomorrow, "09:00").isoformat()
    first, second = submitted(), submitted()
    data = {"day": tomorrow.isoformat(), "lane_type": "general", "slot_start": start}
    assert trader.post(f"/bookings/new?shipment={first.reference}", data=data).status_code == 302
    page = trader.get(f"/bookings/new?shipment={second.reference}&day={tomorrow}&lang=en")
    assert re.search(r'<option disabled value="' + re.escape(start), page.text) or "0 of 1 places free" in page.text
    full = trader.post(f"/bookings/new?shipment={second.reference}&lang=en", data=data)
    assert full.status_code == 409 and "This slot is full." in full.text and "Next free slots: 09:30" in full.text


def test_move_and_cancel_from_the_list(trader, capacity, shipment, tomorrow):
    data = {"day": tomorrow.isoformat(), "lane_type": "general", "slot_start": slot_at(tomorrow, "09:00").isoformat()}
    trader.post(f"/bookings/new?shipment={shipment.reference}", data=data)
    booking = db.session.query(Booking).one()
    moved = trader.post(f"/bookings/{booking.id}/move", data={"slot_start": slot_at(tomorrow, "15:00").isoformat()})
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).slot_start == slot_at(tomorrow, "15:00")
    assert trader.post(f"/bookings/{booking.id}/cancel").status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status is BookingStatus.CANCELLED


def test_others_cannot_use_the_trader_pages(login_as, exporter2, officer, capacity, shipment):
    other = login_as(exporter2)
    assert other.get(f"/bookings/new?shipment={shipment.reference}").status_code == 404
    assert login_as(officer).get(f"/bookings/new?shipment={shipment.reference}").status_code == 403


def test_the_officer_edits_the_gate_capacity(login_as, officer):
    client = login_as(officer)
    page = client.get("/gates/MOC-BAI/capacity?lang=en")
    assert page.status_code == 200 and 'id="capacity-form"' in page.text
    data = {"slot_minutes": "30"}
    rows = [("0", "06:00", "22:00", "export", "general", "14"), ("0", "06:00", "22:00", "import", "general", "13")]
    for n, (weekday, start, end, direction, lane, capacity) in enumerate(rows):
        data |= {
            f"template-{n}-weekday": weekday,
            f"template-{n}-start": start,
            f"template-{n}-end": end,
            f"template-{n}-direction": direction,
            f"template-{n}-lane_type": lane,
            f"template-{n}-capacity": capacity,
        }
    data |= {"template-2-weekday": "", "template-2-start": "", "template-2-end": "", "template-2-capacity": ""}
    saved = client.post("/gates/MOC-BAI/capacity", data=data)
    assert saved.status_code == 302, saved.text
    assert sorted(w.capacity for w in db.session.query(CapacityWindow)) == [13, 14]
    again = client.get("/gates/MOC-BAI/capacity")
    assert 'value="14"' in again.text and 'value="06:00"' in again.text


def test_a_bad_capacity_row_is_shown_on_its_field(login_as, officer):
    client = login_as(officer)
    data = {
        "slot_minutes": "30",
        "template-0-weekday": "",
        "template-0-start": "",
        "template-0-end": "",
        "template-0-capacity": "",
        "template-1-weekday": "2",
        "template-1-start": "10:00",
        "template-1-end": "08:00",
        "template-1-direction": "export",
        "template-1-lane_type": "general",
        "template-1-capacity": "5",
    }
    response = client.post("/gates/MOC-BAI/capacity?lang=en", data=data)
    assert response.status_code == 422
    assert "The end must come after the start." in response.text
    assert re.search(
        r'name="template-1-end"[^>]*class="[^"]*is-invalid|class="[^"]*is-invalid[^"]*"[^>]*name="template-1-end"',
        response.text,
    )
    assert db.session.query(CapacityWindow).count() == 0


def test_only_the_gates_officers_and_admins_edit_capacity(login_as, officer_xamat, exporter):
    assert login_as(officer_xamat).get("/gates/MOC-BAI/capacity").status_code == 403
    assert login_as(exporter).get("/gates/MOC-BAI/capacity").status_code == 403
    assert login_as(Role.ADMIN).get("/gates/MOC-BAI/capacity").status_code == 200
    assert login_as(Role.ADMIN).get("/gates/NOPE/capacity").status_code == 404
    set_capacity(template=every_day())
    assert db.session.query(CapacityWindow).filter_by(gate_id=get_gate("MOC-BAI").id).count() == 7


def test_the_forms_need_their_csrf_token(app, trader, capacity, shipment, tomorrow, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    data = {"day": tomorrow.isoformat(), "lane_type": "general", "slot_start": slot_at(tomorrow, "09:00").isoformat()}
    refused = trader.post(f"/bookings/new?shipment={shipment.reference}", data=data)
    assert refused.status_code == 400 and db.session.query(Booking).count() == 0
    page = trader.get(f"/bookings/new?shipment={shipment.reference}&day={tomorrow}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    accepted = trader.post(f"/bookings/new?shipment={shipment.reference}", data=data | {"csrf_token": token})
    assert accepted.status_code == 302


@pytest.mark.parametrize("lang", ["vi", "km", "en"])
def test_the_pages_render_in_each_language(login_as, trader, officer, capacity, shipment, tomorrow, lang):
    for client, path in (
        (trader, f"/bookings/new?shipment={shipment.reference}&day={tomorrow}"),
        (trader, "/bookings"),
        (login_as(officer), "/gates/MOC-BAI/capacity"),
    ):
        page = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.status_code == 200 and f'<html lang="{lang}"' in page.text


def test_without_a_shipment_the_page_lists_those_to_book(trader, capacity, submitted, tomorrow):
    waiting, booked = submitted(), submitted()
    data = {"day": tomorrow.isoformat(), "lane_type": "general", "slot_start": slot_at(tomorrow, "09:00").isoformat()}
    assert trader.post(f"/bookings/new?shipment={booked.reference}", data=data).status_code == 302
    page = trader.get("/bookings/new")
    assert page.status_code == 200
    assert f'data-shipment="{waiting.reference}"' in page.text and booked.reference not in page.text
