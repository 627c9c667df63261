"""Capacity is never exceeded when many traders book the last places at once (PostgreSQL: real concurrent
transactions through the HTTP API, released together by a barrier)."""

import os
import threading

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.auth.tokens import new_token
from border_trade.equeue.models import Booking, BookingStatus
from border_trade.extensions import db
from border_trade.shipments.models import ShipmentStatus
from tests.equeue.conftest import make_vehicle, set_capacity, slot_at
from tests.factories import make_shipment, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def needs_postgres():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("concurrency tests run on PostgreSQL (set TEST_DATABASE_URL)")


def traders_with_shipments(count):
    """`count` traders, each with a registered truck and a submitted shipment; return (headers, reference)."""
    ready = []
    for _ in range(count):
        trader = make_user(Role.EXPORTER)
        make_vehicle(trader.organisation)
        shipment = make_shipment(trader.organisation, status=ShipmentStatus.SUBMITTED, vehicle_plate="70H-123.45")
        raw, _token = new_token(trader)
        ready.append(({"Authorization": f"Bearer {raw}"}, shipment.reference))
    db.session.commit()
    return ready


@pytest.mark.parametrize(("traders", "capacity", "already"), [(20, 7, 2), (50, 10, 0)])
def test_racing_traders_never_overfill_a_slot(app, needs_postgres, tomorrow, traders, capacity, already):
    override = {"date": tomorrow.isoformat(), "direction": "export", "lane_type": "general", "capacity": capacity}
    set_capacity(overrides=[override | {"start": "09:00", "end": "09:30"}])
    start = slot_at(tomorrow, "09:00").isoformat()
    for headers, reference in traders_with_shipments(already):
        assert (
            app.test_client()
            .post("/api/v1/bookings", json={"shipment": reference, "slot_start": start}, headers=headers)
            .status_code
            == 201
        )
    racers = traders_with_shipments(traders)
    barrier = threading.Barrier(traders)
    answers, errors = [], []

    def race(headers, reference):
        client = app.test_client()
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/bookings", json={"shipment": reference, "slot_start": start}, headers=headers
            )
            answers.append((response.status_code, response.get_json()))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=race, args=racer) for racer in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    statuses = sorted(status for status, _body in answers)
    left = capacity - already
    assert statuses == [201] * left + [409] * (traders - left), statuses
    for status, body in answers:
        if status == 409:
            assert body["next_free"] and body["next_free"][0]["start"] == f"{tomorrow}T09:30:00+07:00"
    db.session.remove()
    holding = db.session.scalar(
        sa.select(sa.func.count()).select_from(Booking).where(Booking.status == BookingStatus.CONFIRMED)
    )
    assert holding == capacity
