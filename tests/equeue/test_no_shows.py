"""The no-show job with an injected clock, and what three no-shows lead to: the next booking waits for
confirmation, a notice asks for it, 18:00 the day before releases it, confirming keeps it."""

import os
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.equeue.models import Booking, BookingStatus
from border_trade.equeue.noshow import mark_no_shows
from border_trade.equeue.schemas import BookingInSchema
from border_trade.equeue.services import confirm_booking, create_booking, release_unconfirmed
from border_trade.extensions import db
from border_trade.notifications.messages import render
from border_trade.notifications.models import Notification
from border_trade.scheduler.jobs import JOBS
from border_trade.shipments.models import EventKind, ShipmentEvent
from border_trade.types import utcnow
from tests.equeue.calls_helpers import arrive, make_booking
from tests.equeue.conftest import slot_at

B = BookingStatus


def status_of(booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id).status


def test_bookings_past_their_slot_and_the_grace_without_a_truck_are_no_shows(exporter, tomorrow):
    org, eight = exporter.organisation, slot_at(tomorrow, "08:00")
    end = eight + timedelta(minutes=30)
    waiting = make_booking(org, eight)
    late = make_booking(org, eight, status=B.LATE)
    called = make_booking(org, eight, status=B.CALLED, called_at=end, call_deadline=end + timedelta(minutes=25))
    kept = {
        make_booking(org, eight, status=B.ARRIVED, arrived_at=eight): B.ARRIVED,
        make_booking(org, eight, status=B.UNCONFIRMED): B.UNCONFIRMED,  # left to the 18:00 release
        make_booking(org, eight, status=B.CANCELLED): B.CANCELLED,
    }
    came = make_booking(org, eight)  # its arrival is a gate event the booking missed: not a no-show
    db.session.add(
        ShipmentEvent(shipment_id=came.shipment_id, kind=EventKind.CROSSING, event="arrived", occurred_at=eight)
    )
    db.session.commit()
    kept[came] = B.CONFIRMED
    grace = timedelta(minutes=20)  # CALL_WINDOW_MINUTES by default
    assert mark_no_shows(end + grace - timedelta(seconds=1)) == 0
    assert mark_no_shows(end + grace) == 2
    assert (status_of(waiting), status_of(late), status_of(called)) == (B.NO_SHOW, B.NO_SHOW, B.CALLED)
    assert mark_no_shows(end + timedelta(minutes=25)) == 1  # a called truck keeps its whole call window
    assert status_of(called) is B.NO_SHOW
    assert mark_no_shows(end + timedelta(hours=3)) == 0  # idempotent
    assert {booking.id: status_of(booking) for booking in kept} == {b.id: s for b, s in kept.items()}
    audited = db.session.scalars(sa.select(AuditEntry.object_id).where(AuditEntry.action == "booking.no_show")).all()
    assert sorted(audited) == sorted(str(b.id) for b in (waiting, late, called))


def test_the_grace_is_a_setting(app, exporter, tomorrow):
    booking = make_booking(exporter.organisation, slot_at(tomorrow, "08:00"))
    app.config["NO_SHOW_GRACE_MINUTES"] = 60
    try:
        assert mark_no_shows(slot_at(tomorrow, "09:29")) == 0
        assert mark_no_shows(slot_at(tomorrow, "09:30")) == 1
    finally:
        del app.config["NO_SHOW_GRACE_MINUTES"]
    assert status_of(booking) is B.NO_SHOW


def test_three_no_shows_then_bookings_are_confirmed_the_day_before(exporter, capacity, submitted, tomorrow):
    org, now = exporter.organisation, utcnow()
    missed = [make_booking(org, slot_at(tomorrow - timedelta(days=n), "08:00")) for n in (3, 4, 5)]
    assert mark_no_shows(now) == 3 and {status_of(b) for b in missed} == {B.NO_SHOW}
    day_after = tomorrow + timedelta(days=1)
    booked_at = slot_at(tomorrow, "08:00")

    def book(hhmm):
        body = {"shipment": submitted().reference, "slot_start": slot_at(day_after, hhmm).isoformat()}
        return create_booking(exporter, BookingInSchema().load(body), now=booked_at)

    left, kept = book("09:00"), book("10:00")
    assert left.status is B.UNCONFIRMED and kept.status is B.UNCONFIRMED
    notices = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "booking_confirm").order_by(Notification.id)
    ).all()
    assert [(n.user_id, n.params["code"]) for n in notices] == [(exporter.id, left.code), (exporter.id, kept.code)]
    text = render("booking_confirm", notices[0].params)
    assert left.code in text and f"{tomorrow.isoformat()} 18:00" in text and "09:00" in text
    assert confirm_booking(exporter, kept.id, now=booked_at + timedelta(hours=1)).status is B.CONFIRMED
    assert release_unconfirmed(slot_at(tomorrow, "17:59")) == 0
    assert release_unconfirmed(slot_at(tomorrow, "18:00")) == 1
    assert (status_of(left), status_of(kept)) == (B.CANCELLED, B.CONFIRMED)


def test_the_no_show_job_is_registered():
    function, trigger = JOBS["no_shows"]
    assert function is mark_no_shows and trigger == {"trigger": "interval", "minutes": 5}


def test_an_arrival_recorded_late_undoes_a_no_show_when_the_truck_came_in_time(client, token_for, exporter, officer):
    org, now = exporter.organisation, utcnow().replace(microsecond=0)
    start = now - timedelta(minutes=90)
    came, missed = make_booking(org, start), make_booking(org, start)
    assert mark_no_shows(now) == 2
    headers = token_for(officer)
    # the tablet was offline: the arrival at start + 10 min reaches the server only now
    at = (start + timedelta(minutes=10)).isoformat()
    answer = arrive(client, headers, came.shipment, plate=came.vehicle.plate, occurred_at=at)
    assert answer.status_code == 201, answer.json
    assert answer.json["shipment"]["walk_in"] is False and answer.json["shipment"]["booking"] == came.code
    assert status_of(came) is B.ARRIVED
    # past the slot's end and the grace, the truck is a walk-in and the no-show stands
    late = arrive(client, headers, missed.shipment, occurred_at=(now - timedelta(minutes=5)).isoformat())
    assert late.status_code == 201 and late.json["shipment"]["walk_in"] is True
    assert status_of(missed) is B.NO_SHOW


@pytest.mark.postgres
def test_a_booking_locked_by_an_arrival_being_recorded_is_skipped_not_waited_for(app, exporter, tomorrow):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("concurrency tests run on PostgreSQL (set TEST_DATABASE_URL)")
    org, eight = exporter.organisation, slot_at(tomorrow, "08:00")
    busy, free = make_booking(org, eight), make_booking(org, eight)
    done = []
    with db.engine.connect() as tablet:  # another transaction holds the booking's row, as an arrival would
        tablet.execute(sa.select(Booking.id).where(Booking.id == busy.id).with_for_update())

        def job():
            with app.app_context():
                done.append(mark_no_shows(eight + timedelta(hours=2)))

        thread = threading.Thread(target=job)
        thread.start()
        thread.join(30)
        assert done == [1]  # finished while the row was still locked: skipped, not waited for
        tablet.rollback()
    assert (status_of(busy), status_of(free)) == (B.CONFIRMED, B.NO_SHOW)
    assert mark_no_shows(eight + timedelta(hours=2, minutes=5)) == 1  # the next run marks it
    assert status_of(busy) is B.NO_SHOW
