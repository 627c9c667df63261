"""Officers of one gate pressing "call next" at the same moment each get a different truck (PostgreSQL: real
concurrent transactions through the HTTP API; a locked booking is skipped, not waited for)."""

import os
import threading

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.auth.tokens import new_token
from border_trade.equeue.models import Booking, BookingStatus
from border_trade.extensions import db
from tests.equeue.calls_helpers import make_booking, today_at
from tests.factories import get_gate, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def needs_postgres():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("concurrency tests run on PostgreSQL (set TEST_DATABASE_URL)")


def test_racing_officers_call_different_trucks(app, needs_postgres, exporter):
    bookings = [make_booking(exporter.organisation, today_at("07:00")) for _ in range(5)]
    officers = []
    for _ in range(8):
        raw, _token = new_token(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))
        officers.append({"Authorization": f"Bearer {raw}"})
    db.session.commit()
    barrier = threading.Barrier(len(officers))
    answers, errors = [], []

    def race(headers):
        try:
            barrier.wait()
            response = app.test_client().post("/api/v1/gates/MOC-BAI/calls", json={}, headers=headers)
            answers.append((response.status_code, response.get_json()))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=race, args=(headers,)) for headers in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    called = [body["booking"]["id"] for status, body in answers if status == 201]
    assert sorted(called) == sorted(b.id for b in bookings)  # each truck called once
    assert sorted(status for status, _body in answers) == [201] * 5 + [404] * 3
    db.session.remove()
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(Booking).where(Booking.status == BookingStatus.CALLED)
    ) == len(bookings)
