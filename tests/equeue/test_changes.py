"""Moving, cancelling and confirming a booking: the 2-hour rule, statuses, the 18:00 release of unconfirmed ones."""

from datetime import UTC, datetime, timedelta

import pytest

from border_trade.equeue.models import Booking, BookingStatus
from border_trade.equeue.schemas import BookingInSchema
from border_trade.equeue.services import create_booking, release_unconfirmed
from border_trade.extensions import db
from tests.equeue.conftest import LOCAL, every_day, make_vehicle, set_capacity, slot_at
from tests.factories import get_gate


@pytest.fixture
def auth(token_for, exporter):
    return token_for(exporter)


@pytest.fixture
def booked(client, auth, capacity, shipment, tomorrow):
    body = {"shipment": shipment.reference, "slot_start": slot_at(tomorrow, "09:00").isoformat()}
    response = client.post("/api/v1/bookings", json=body, headers=auth)
    assert response.status_code == 201
    return response.json


def test_the_trader_moves_a_booking(client, auth, booked, tomorrow):
    response = client.patch(
        f"/api/v1/bookings/{booked['id']}", json={"slot_start": slot_at(tomorrow, "14:00").isoformat()}, headers=auth
    )
    assert response.status_code == 200, response.json
    assert response.json["slot_start"] == f"{tomorrow}T14:00:00+07:00" and response.json["code"] == booked["code"]
    slots = client.get(f"/api/v1/gates/MOC-BAI/slots?date={tomorrow}&direction=export", headers=auth).json["items"]
    booked_at = {s["start"][11:16]: s["booked"] for s in slots if s["booked"]}
    assert booked_at == {"14:00": 1}


def test_moving_to_a_full_slot_answers_409_with_next_free(client, auth, booked, submitted, tomorrow):
    override = {"date": tomorrow.isoformat(), "direction": "export", "lane_type": "general", "capacity": 1}
    set_capacity(overrides=[override | {"start": "15:00", "end": "15:30"}])
    other = {"shipment": submitted().reference, "slot_start": slot_at(tomorrow, "15:00").isoformat()}
    assert client.post("/api/v1/bookings", json=other, headers=auth).status_code == 201
    response = client.patch(
        f"/api/v1/bookings/{booked['id']}", json={"slot_start": slot_at(tomorrow, "15:00").isoformat()}, headers=auth
    )
    assert response.status_code == 409 and response.json["next_free"][0]["start"] == f"{tomorrow}T15:30:00+07:00"
    assert db.session.get(Booking, booked["id"]).slot_start == slot_at(tomorrow, "09:00")


def test_the_trader_cancels_and_the_place_is_free_again(client, auth, booked, tomorrow):
    response = client.delete(f"/api/v1/bookings/{booked['id']}", headers=auth)
    assert response.status_code == 200 and response.json["status"] == "cancelled"
    slots = client.get(f"/api/v1/gates/MOC-BAI/slots?date={tomorrow}&direction=export", headers=auth).json["items"]
    assert all(s["booked"] == 0 for s in slots)
    again = client.delete(f"/api/v1/bookings/{booked['id']}", headers=auth)
    assert again.status_code == 409


def test_within_two_hours_of_the_slot_nothing_changes(client, auth, shipment):
    set_capacity(template=every_day(start="00:00", end="24:00"))
    now = datetime.now(UTC)
    start = (now + timedelta(minutes=31)).astimezone(LOCAL)
    start = start.replace(minute=30 if start.minute >= 30 else 0, second=0, microsecond=0) + timedelta(minutes=30)
    assert timedelta(0) < start - now < timedelta(hours=2)
    body = {"shipment": shipment.reference, "slot_start": start.isoformat()}
    booking = client.post("/api/v1/bookings", json=body, headers=auth)
    assert booking.status_code == 201, booking.json  # booking a close slot is fine
    later = (start + timedelta(hours=5)).isoformat()
    moved = client.patch(f"/api/v1/bookings/{booking.json['id']}", json={"slot_start": later}, headers=auth)
    cancelled = client.delete(f"/api/v1/bookings/{booking.json['id']}", headers=auth)
    assert moved.status_code == 409 and cancelled.status_code == 409
    assert "2" in moved.json["message"] and "slot_start" in cancelled.json["errors"]
    assert db.session.get(Booking, booking.json["id"]).status is BookingStatus.CONFIRMED


def test_the_two_hour_rule_counts_from_the_slot_start(exporter, capacity, shipment, tomorrow):
    from border_trade.equeue.services import cancel_booking
    from border_trade.errors import Conflict

    data = BookingInSchema().load(
        {"shipment": shipment.reference, "slot_start": slot_at(tomorrow, "10:00").isoformat()}
    )
    booking = create_booking(exporter, data, now=slot_at(tomorrow, "06:00"))
    with pytest.raises(Conflict):
        cancel_booking(exporter, booking.id, now=slot_at(tomorrow, "08:00"))
    assert cancel_booking(exporter, booking.id, now=slot_at(tomorrow, "07:59")).status is BookingStatus.CANCELLED


@pytest.mark.parametrize("who", ["exporter2", "officer_xamat"])
def test_others_cannot_see_the_booking_to_change_it(client, token_for, request, booked, who):
    headers = token_for(request.getfixturevalue(who))
    assert client.delete(f"/api/v1/bookings/{booked['id']}", headers=headers).status_code == (
        404 if who == "exporter2" else 403
    )
    assert client.get(f"/api/v1/bookings/{booked['id']}", headers=headers).status_code == 404


def test_the_gates_officer_reads_but_does_not_move(client, token_for, officer, booked, tomorrow):
    headers = token_for(officer)
    assert client.get(f"/api/v1/bookings/{booked['id']}", headers=headers).status_code == 200
    body = {"slot_start": slot_at(tomorrow, "14:00").isoformat()}
    assert client.patch(f"/api/v1/bookings/{booked['id']}", json=body, headers=headers).status_code == 403


def no_shows(exporter, submitted, count=3):
    vehicle = make_vehicle(exporter.organisation, plate="70H-404.04")
    for n in range(count):
        day = datetime.now(UTC) - timedelta(days=n + 2)
        booking = Booking(
            code=f"NOSHW{n}",
            shipment=submitted(),
            organisation_id=exporter.organisation_id,
            gate=get_gate("MOC-BAI"),
            direction="export",
            lane_type="general",
            slot_start=day,
            slot_end=day + timedelta(minutes=30),
            status=BookingStatus.NO_SHOW,
            vehicle=vehicle,
        )
        db.session.add(booking)
    db.session.commit()


def test_after_three_no_shows_bookings_wait_for_confirmation(
    client, auth, exporter, capacity, submitted, vehicle, tomorrow
):
    no_shows(exporter, submitted)
    start = slot_at(tomorrow + timedelta(days=1), "09:00")
    response = client.post(
        "/api/v1/bookings", json={"shipment": submitted().reference, "slot_start": start.isoformat()}, headers=auth
    )
    assert response.status_code == 201 and response.json["status"] == "unconfirmed"
    confirmed = client.post(f"/api/v1/bookings/{response.json['id']}/confirm", headers=auth)
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed" and confirmed.json["confirmed_at"]
    assert client.post(f"/api/v1/bookings/{response.json['id']}/confirm", headers=auth).status_code == 200


def test_unconfirmed_bookings_are_released_at_18_the_day_before(exporter, capacity, submitted, vehicle, tomorrow):
    no_shows(exporter, submitted, count=3)
    day_after = tomorrow + timedelta(days=1)
    data = BookingInSchema().load(
        {"shipment": submitted().reference, "slot_start": slot_at(day_after, "09:00").isoformat()}
    )
    booking = create_booking(exporter, data, now=slot_at(tomorrow, "08:00"))
    assert booking.status is BookingStatus.UNCONFIRMED
    assert release_unconfirmed(slot_at(tomorrow, "17:59")) == 0
    assert release_unconfirmed(slot_at(tomorrow, "18:00")) == 1
    assert db.session.get(Booking, booking.id).status is BookingStatus.CANCELLED
    assert db.session.get(Booking, booking.id).cancel_reason == "unconfirmed"
    assert release_unconfirmed(slot_at(tomorrow, "18:05")) == 0  # a rerun changes nothing


def test_a_released_booking_cannot_be_confirmed(client, auth, exporter, capacity, submitted, vehicle, tomorrow):
    no_shows(exporter, submitted)
    start = slot_at(tomorrow + timedelta(days=1), "09:00")
    body = {"shipment": submitted().reference, "slot_start": start.isoformat()}
    booking_id = client.post("/api/v1/bookings", json=body, headers=auth).json["id"]
    release_unconfirmed(datetime.now(UTC) + timedelta(days=2))
    response = client.post(f"/api/v1/bookings/{booking_id}/confirm", headers=auth)
    assert response.status_code == 409 and response.json["errors"]["status"] == ["cancelled"]


def test_the_release_job_is_registered():
    from border_trade.scheduler.jobs import JOBS

    function, trigger = JOBS["release_unconfirmed_bookings"]
    assert function is release_unconfirmed and trigger == {"trigger": "cron", "hour": 18, "minute": 0}
