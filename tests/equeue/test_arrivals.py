"""`arrived` at the gate: the plate read on the truck against the booking (409, audited override, spellings of one
plate), the booking marked arrived, walk-ins numbered."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.equeue.models import Booking, BookingStatus
from border_trade.extensions import db
from border_trade.fleet.models import PlateCountry
from border_trade.shipments.models import Shipment, ShipmentStatus
from tests.equeue.calls_helpers import arrive, make_booking, today_at
from tests.equeue.conftest import make_vehicle
from tests.factories import get_gate, make_shipment


@pytest.fixture
def officer_auth(token_for, officer):
    return token_for(officer)


@pytest.fixture
def khmer_truck(exporter):
    return make_vehicle(
        exporter.organisation,
        plate="2A-1234",
        country=PlateCountry.KH,
        permit_valid_to=date.today() + timedelta(days=9),
    )


def _reload(booking):
    return db.session.get(Booking, booking.id)


def test_a_wrong_plate_is_a_409_naming_plate_and_changes_nothing(client, officer_auth, exporter):
    booking = make_booking(exporter.organisation, today_at("08:00"))
    response = arrive(client, officer_auth, booking.shipment, plate="70H-999.99")
    assert response.status_code == 409, response.json
    assert "plate" in response.json["errors"] and "70H-999.99" in response.json["errors"]["plate"][0]
    assert _reload(booking).status is BookingStatus.CONFIRMED
    assert db.session.get(Shipment, booking.shipment_id).status is ShipmentStatus.SUBMITTED


def test_an_override_reason_lets_the_truck_in_and_is_audited(client, officer_auth, officer, exporter):
    booking = make_booking(exporter.organisation, today_at("08:00"))
    reason = "Replacement tractor after a breakdown; papers checked"
    response = arrive(client, officer_auth, booking.shipment, plate="70H-999.99", override_reason=reason)
    assert response.status_code == 201, response.json
    assert response.json["shipment"]["booking"] == booking.code and response.json["shipment"]["walk_in"] is False
    assert _reload(booking).status is BookingStatus.ARRIVED
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "booking.plate_override"))
    assert entry.actor_id == officer.id and entry.object_id == str(booking.id)
    assert entry.after["reason"] == reason and entry.after["plate_read"] == "70H-999.99"
    assert entry.before["plate"] == booking.vehicle.plate


def test_the_plate_matches_in_any_spelling_khmer_digits_too(client, officer_auth, exporter, khmer_truck):
    booking = make_booking(exporter.organisation, today_at("08:00"), vehicle=khmer_truck)
    response = arrive(client, officer_auth, booking.shipment, plate="ភ្នំពេញ ២A-១២៣៤")
    assert response.status_code == 201, response.json
    booking = _reload(booking)
    assert booking.status is BookingStatus.ARRIVED and booking.arrived_at is not None
    assert not db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "booking.plate_override"))
    other = make_booking(exporter.organisation, today_at("08:30"))
    assert (
        arrive(
            client, officer_auth, other.shipment, plate="70h " + other.vehicle.plate[4:].replace(".", "")
        ).status_code
        == 201
    )


def test_a_called_truck_arrives_and_its_booking_says_so(client, officer_auth, exporter):
    booking = make_booking(exporter.organisation, today_at("09:00"))
    assert client.post("/api/v1/gates/MOC-BAI/calls", json={}, headers=officer_auth).status_code == 201
    assert arrive(client, officer_auth, booking.shipment, plate=booking.vehicle.plate).status_code == 201
    shown = client.get(f"/api/v1/bookings/{booking.id}", headers=officer_auth).json
    assert shown["status"] == "arrived" and shown["arrived_at"]


def test_a_booked_truck_needs_its_plate_read_and_a_plate_must_be_one(client, officer_auth, exporter):
    booking = make_booking(exporter.organisation, today_at("08:00"))
    missing = arrive(client, officer_auth, booking.shipment)
    assert missing.status_code == 422 and "plate" in missing.json["errors"]
    garbled = arrive(client, officer_auth, booking.shipment, plate="HELLO")
    assert garbled.status_code == 422 and "plate" in garbled.json["errors"]
    assert _reload(booking).status is BookingStatus.CONFIRMED


def test_walk_ins_are_recorded_and_numbered(client, officer_auth, exporter):
    first = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    second = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED)
    elsewhere = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("XA-MAT"))
    one = arrive(client, officer_auth, first)  # no plate: optional for a walk-in
    assert one.status_code == 201, one.json
    assert one.json["shipment"]["walk_in"] is True and one.json["shipment"]["booking"] is None
    assert one.json["shipment"]["queue_number"] == 1 and one.json["shipment"]["status"] == "at_gate"
    two = arrive(client, officer_auth, second, plate="70H-123.45")
    assert two.json["shipment"]["queue_number"] == 2
    assert elsewhere.status  # another gate keeps its own count (its officer would record it there)


def test_a_cancelled_booking_makes_the_truck_a_walk_in(client, officer_auth, exporter):
    booking = make_booking(exporter.organisation, today_at("08:00"), status=BookingStatus.CANCELLED)
    response = arrive(client, officer_auth, booking.shipment)
    assert response.status_code == 201 and response.json["shipment"]["walk_in"] is True
    assert _reload(booking).status is BookingStatus.CANCELLED
