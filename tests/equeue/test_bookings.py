"""Booking a slot: the happy path, each rule that refuses one, a full slot's next free slots, scope."""

from datetime import date, timedelta

import pytest

from border_trade.equeue.models import Booking
from border_trade.equeue.services.common import CODE_ALPHABET
from border_trade.extensions import db
from border_trade.fleet.models import PlateCountry, Vehicle
from border_trade.shipments.models import ShipmentStatus
from tests.equeue.conftest import every_day, make_vehicle, set_capacity, slot_at
from tests.factories import get_gate, make_user


def book(client, headers, shipment, start, **extra):
    body = {"shipment": shipment.reference, "slot_start": start.isoformat(), "lane_type": "general", **extra}
    return client.post("/api/v1/bookings", json=body, headers=headers)


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


def test_the_trader_books_a_slot_of_a_submitted_shipment(client, auth, capacity, shipment, vehicle, tomorrow):
    response = book(client, auth, shipment, slot_at(tomorrow, "08:30"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["shipment"] == shipment.reference and body["gate"] == "MOC-BAI" and body["direction"] == "export"
    assert body["slot_start"] == f"{tomorrow}T08:30:00+07:00" and body["slot_end"] == f"{tomorrow}T09:00:00+07:00"
    assert body["status"] == "confirmed" and body["lane_type"] == "general"
    assert body["vehicle"] == {"id": vehicle.id, "plate": "70H-123.45", "country": "VN"}
    assert body["driver"]["name"] == "Nguyễn Văn Tâm"  # the shipment's free-text driver, now in the register
    assert len(body["code"]) == 6 and set(body["code"]) <= set(CODE_ALPHABET)
    slots = client.get(f"/api/v1/gates/MOC-BAI/slots?date={tomorrow}&direction=export", headers=auth).json["items"]
    assert [s["booked"] for s in slots if s["start"].endswith("08:30:00+07:00")] == [1]
    assert client.get(f"/api/v1/bookings/{body['id']}", headers=auth).json["code"] == body["code"]


def test_a_free_text_plate_in_another_spelling_finds_the_registered_truck(client, auth, capacity, submitted, tomorrow):
    shipment = submitted(vehicle_plate="70h 12345")
    response = book(client, auth, shipment, slot_at(tomorrow, "09:00"))
    assert response.status_code == 201, response.json
    assert db.session.query(Vehicle).count() == 1


def test_a_new_plate_is_added_to_the_register(client, auth, exporter, capacity, submitted, tomorrow):
    shipment = submitted(vehicle_plate="70H-555.66", transhipment=True)  # transhipped: no permit needed
    response = book(client, auth, shipment, slot_at(tomorrow, "09:00"))
    assert response.status_code == 201, response.json
    assert response.json["vehicle"]["plate"] == "70H-555.66"


def test_vehicle_id_in_the_body_picks_a_registered_truck(client, auth, exporter, capacity, shipment, tomorrow):
    other = make_vehicle(exporter.organisation, plate="70H-999.99")
    response = book(client, auth, shipment, slot_at(tomorrow, "09:00"), vehicle_id=other.id)
    assert response.status_code == 201 and response.json["vehicle"]["id"] == other.id


def test_another_traders_vehicle_is_refused(client, auth, exporter2, capacity, shipment, tomorrow):
    foreign = make_vehicle(exporter2.organisation)
    response = book(client, auth, shipment, slot_at(tomorrow, "09:00"), vehicle_id=foreign.id)
    assert response.status_code == 422 and "vehicle_id" in response.json["errors"]


@pytest.mark.parametrize("status", [ShipmentStatus.DRAFT, ShipmentStatus.READY, ShipmentStatus.AT_GATE])
def test_only_a_submitted_shipment_books(client, auth, capacity, submitted, tomorrow, status):
    response = book(client, auth, submitted(status=status), slot_at(tomorrow, "09:00"))
    assert response.status_code == 409
    assert response.json["current_status"] == str(status) and "shipment" in response.json["errors"]


def test_a_second_booking_of_the_shipment_is_refused(client, auth, capacity, shipment, tomorrow):
    assert book(client, auth, shipment, slot_at(tomorrow, "09:00")).status_code == 201
    again = book(client, auth, shipment, slot_at(tomorrow, "10:00"))
    assert again.status_code == 409 and "shipment" in again.json["errors"]


@pytest.mark.parametrize("hhmm", ["05:30", "22:00", "08:15", "08:30:20"])
def test_a_time_that_is_no_slot_is_refused(client, auth, capacity, shipment, tomorrow, hhmm):
    start = slot_at(tomorrow, hhmm[:5]).replace(second=int(hhmm[6:] or 0))
    response = book(client, auth, shipment, start)
    assert response.status_code == 422 and "slot_start" in response.json["errors"]


def test_a_slot_that_is_over_is_refused(client, auth, shipment):
    set_capacity(template=every_day(start="00:00", end="24:00"))
    response = book(client, auth, shipment, slot_at(date.today() - timedelta(days=1), "10:00"))
    assert response.status_code == 422 and "slot_start" in response.json["errors"]


def test_a_naive_time_is_refused(client, auth, capacity, shipment, tomorrow):
    body = {"shipment": shipment.reference, "slot_start": f"{tomorrow}T09:00:00"}
    response = client.post("/api/v1/bookings", json=body, headers=auth)
    assert response.status_code == 422 and "slot_start" in response.json["errors"]


def test_a_full_slot_answers_409_with_the_next_free_slots(client, token_for, auth, submitted, exporter, tomorrow):
    override = {"date": tomorrow.isoformat(), "direction": "export", "lane_type": "general", "capacity": 1}
    set_capacity(overrides=[override | {"start": "08:00", "end": "09:30"}])
    for hhmm in ("08:00", "08:30", "09:00"):
        assert book(client, auth, submitted(), slot_at(tomorrow, hhmm)).status_code == 201
    response = book(client, auth, submitted(), slot_at(tomorrow, "08:00"))
    assert response.status_code == 409
    assert response.json["code"] == 409 and "slot_start" in response.json["errors"]
    assert response.json["next_free"] == [
        {"start": f"{tomorrow}T{a}:00+07:00", "end": f"{tomorrow}T{b}:00+07:00"}
        for a, b in (("09:30", "10:00"), ("10:00", "10:30"), ("10:30", "11:00"))
    ]


def test_permit_expired_yesterday_is_refused(client, auth, exporter, capacity, submitted, tomorrow):
    make_vehicle(exporter.organisation, plate="70H-111.11", permit_valid_to=tomorrow - timedelta(days=1))
    response = book(client, auth, submitted(vehicle_plate="70H-111.11"), slot_at(tomorrow, "09:00"))
    assert response.status_code == 409
    assert "vehicle.permit" in response.json["errors"] and "70H-111.11" in response.json["errors"]["vehicle.permit"][0]


def test_a_transhipped_load_needs_no_permit_on_a_vietnamese_truck(
    client, auth, exporter, capacity, submitted, tomorrow
):
    make_vehicle(exporter.organisation, plate="70H-111.11", permit_number=None, permit_valid_from=None)
    response = book(client, auth, submitted(vehicle_plate="70H-111.11", transhipment=True), slot_at(tomorrow, "09:00"))
    assert response.status_code == 201, response.json


def test_a_cambodian_truck_needs_its_permit_even_when_transhipping(
    client, auth, exporter, capacity, submitted, tomorrow
):
    make_vehicle(exporter.organisation, plate="2A-1234", country=PlateCountry.KH, permit_number=None)
    response = book(client, auth, submitted(vehicle_plate="2A-1234", transhipment=True), slot_at(tomorrow, "09:00"))
    assert response.status_code == 409 and "vehicle.permit" in response.json["errors"]


def test_expired_registration_is_refused(client, auth, exporter, capacity, submitted, tomorrow):
    make_vehicle(exporter.organisation, plate="70H-222.22", registration_expires_on=date.today())
    response = book(client, auth, submitted(vehicle_plate="70H-222.22"), slot_at(tomorrow, "09:00"))
    assert response.status_code == 409 and "vehicle.registration_expires_on" in response.json["errors"]


def test_a_gate_outside_the_agreement_is_refused_for_a_crossing_truck(client, auth, vehicle, submitted, tomorrow):
    set_capacity("VINH-XUONG")
    shipment = submitted(gate=get_gate("VINH-XUONG"))
    response = book(client, auth, shipment, slot_at(tomorrow, "09:00"))
    assert response.status_code == 409 and "VINH-XUONG" in response.json["errors"]["gate"][0]


def test_the_perishable_lane_is_for_fresh_goods(client, auth, submitted, tomorrow):
    set_capacity(template=every_day(lane_type="perishable", capacity=3))
    melons = submitted()
    assert book(client, auth, melons, slot_at(tomorrow, "09:00"), lane_type="perishable").status_code == 201
    rice_paper = submitted(items=[{"hs_code": "19059070", "description_vi": "Bánh tráng"}])
    response = book(client, auth, rice_paper, slot_at(tomorrow, "09:00"), lane_type="perishable")
    assert response.status_code == 422 and "lane_type" in response.json["errors"]


def test_another_trader_cannot_book_the_shipment(client, token_for, exporter2, capacity, shipment, tomorrow):
    response = book(client, token_for(exporter2), shipment, slot_at(tomorrow, "09:00"))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["officer", "admin"])
def test_officers_and_admins_do_not_book(client, token_for, request, capacity, shipment, tomorrow, who):
    response = book(client, token_for(request.getfixturevalue(who)), shipment, slot_at(tomorrow, "09:00"))
    assert response.status_code == 403


def test_each_sees_the_bookings_of_their_scope(
    client, token_for, auth, officer, officer_xamat, exporter2, capacity, shipment, tomorrow
):
    booking = book(client, auth, shipment, slot_at(tomorrow, "09:00")).json
    listed = {
        who: client.get(f"/api/v1/bookings?gate=MOC-BAI&date={tomorrow}", headers=token_for(user)).json["total"]
        for who, user in (("exporter", None), ("officer", officer), ("xamat", officer_xamat), ("other", exporter2))
        if user is not None
    } | {"exporter": client.get(f"/api/v1/bookings?date={tomorrow}&status=confirmed", headers=auth).json["total"]}
    assert listed == {"exporter": 1, "officer": 1, "xamat": 0, "other": 0}
    assert client.get(f"/api/v1/bookings/{booking['id']}", headers=token_for(officer)).status_code == 200
    assert client.get(f"/api/v1/bookings/{booking['id']}", headers=token_for(officer_xamat)).status_code == 404
    assert client.get(f"/api/v1/bookings/{booking['id']}", headers=token_for(exporter2)).status_code == 404
    by_shipment = client.get(f"/api/v1/bookings?shipment={shipment.reference.lower()}", headers=auth).json
    assert [b["code"] for b in by_shipment["items"]] == [booking["code"]]
    assert client.get("/api/v1/bookings?shipment=BT-1999-000001", headers=auth).json["total"] == 0
    other_day = client.get(f"/api/v1/bookings?date={tomorrow + timedelta(days=1)}", headers=auth).json
    assert other_day["total"] == 0


def test_codes_are_unique(client, auth, capacity, submitted, tomorrow):
    for hhmm in ("09:00", "09:30", "10:00", "10:30"):
        book(client, auth, submitted(), slot_at(tomorrow, hhmm))
    codes = [b.code for b in db.session.query(Booking)]
    assert len(codes) == len(set(codes)) == 4


def test_unknown_fields_are_refused(client, auth, capacity, shipment, tomorrow):
    response = book(client, auth, shipment, slot_at(tomorrow, "09:00"), truck="fast")
    assert response.status_code == 422 and "truck" in response.json["errors"]


def test_a_province_officer_reads_bookings_but_does_not_book(client, token_for, capacity, shipment, tomorrow):
    from border_trade.auth.models import Role

    province = make_user(Role.PROVINCE_OFFICER)
    assert client.get("/api/v1/bookings", headers=token_for(province)).status_code == 200
    assert book(client, token_for(province), shipment, slot_at(tomorrow, "09:00")).status_code == 403


def test_an_import_books_the_import_capacity(client, auth, submitted, tomorrow):
    from border_trade.enums import Direction

    set_capacity(template=every_day(direction="import", capacity=4))
    export = book(client, auth, submitted(), slot_at(tomorrow, "09:00"))
    assert export.status_code == 422 and "slot_start" in export.json["errors"]  # no export capacity at all
    response = book(client, auth, submitted(direction=Direction.IMPORT), slot_at(tomorrow, "09:00"))
    assert response.status_code == 201 and response.json["direction"] == "import"
    slots = client.get(f"/api/v1/gates/MOC-BAI/slots?date={tomorrow}&direction=import", headers=auth).json["items"]
    assert [s["booked"] for s in slots if s["start"].endswith("T09:00:00+07:00")] == [1]
