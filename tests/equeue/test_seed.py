"""The demo seeds capacity for every day of the week at the demo gates, with its derivation and sources."""

from datetime import date, timedelta

from border_trade.equeue.models import CapacityWindow
from border_trade.equeue.queries import slots_for_days
from border_trade.equeue.seed import demo_capacity, seed_capacity
from border_trade.extensions import db
from border_trade.seed.demo import load_demo
from tests.equeue.conftest import local_today
from tests.factories import get_gate


def test_the_demo_gates_have_capacity_every_day(app):
    load_demo()
    gate = get_gate("MOC-BAI")
    windows = db.session.query(CapacityWindow).filter_by(gate_id=gate.id).all()
    assert {w.weekday for w in windows} == set(range(7))
    assert {(str(w.direction), str(w.lane_type)) for w in windows} == {
        ("export", "general"),
        ("export", "perishable"),
        ("import", "general"),
        ("import", "perishable"),
    }
    for offset in range(7):
        day = date.today() + timedelta(days=offset)
        slots = slots_for_days(gate, [day], direction="export", lane_type="general")
        assert len(slots) == 32 and {s.capacity for s in slots} == {10}
    xamat = slots_for_days(get_gate("XA-MAT"), [date.today()], direction="import")
    assert len(xamat) == 2 * 20
    assert seed_capacity() == 0  # a second run adds nothing
    load_demo()
    assert db.session.query(CapacityWindow).filter_by(gate_id=gate.id).count() == len(windows)


def test_the_figures_say_where_they_come_from():
    for code, entry in demo_capacity().items():
        assert entry["unverified"] is True, code  # estimates, marked as such
        assert entry["sources"] and all(s.startswith("http") for s in entry["sources"])
        assert entry["derivation"]
    moc_bai = demo_capacity()["MOC-BAI"]
    per_direction = sum(moc_bai["capacity"].values())
    assert 12 <= per_direction <= 15  # issue 17: about 12-15 trucks per 30 minutes per direction


def test_the_demo_books_tomorrow_for_its_submitted_shipments(app):
    from border_trade.equeue.models import Booking, BookingStatus
    from border_trade.equeue.slots import LOCAL
    from border_trade.shipments.models import Shipment, ShipmentStatus

    load_demo()
    bookings = db.session.query(Booking).all()
    # one booking per submitted shipment at Mộc Bài and Xa Mát, both directions (Bình Hiệp has no capacity)
    submitted = [
        s
        for s in db.session.query(Shipment).filter_by(status=ShipmentStatus.SUBMITTED)
        if s.gate.code in ("MOC-BAI", "XA-MAT")
    ]
    assert len(submitted) >= 2
    assert sorted(b.shipment_id for b in bookings) == sorted(s.id for s in submitted)
    tomorrow = local_today() + timedelta(days=1)
    for booking in bookings:
        assert booking.status is BookingStatus.CONFIRMED and booking.vehicle.permit_number
        assert booking.slot_start.astimezone(LOCAL).date() == tomorrow
    assert {b.gate.code for b in bookings} == {"MOC-BAI", "XA-MAT"}
