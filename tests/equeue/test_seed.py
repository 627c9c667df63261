"""The demo seeds capacity for every day of the week at the demo gates, with its derivation and sources, the
traders' trucks and drivers, and bookings for today (one called, one arrived) and tomorrow."""

from datetime import UTC, date, datetime, time, timedelta

from border_trade.equeue.models import Booking, CapacityWindow
from border_trade.equeue.models import BookingStatus as B
from border_trade.equeue.queries import slots_for_days
from border_trade.equeue.seed import demo_capacity, seed_capacity
from border_trade.equeue.slots import LOCAL
from border_trade.extensions import db
from border_trade.fleet.models import PermitKind
from border_trade.fleet.rules import permit_valid_on
from border_trade.seed.demo import load_demo
from border_trade.shipments.models import Shipment, ShipmentStatus
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


def demo_at(hhmm):
    """Load the demo as if run today (Viet Nam) at `hhmm`; return that moment."""
    hours, minutes = map(int, hhmm.split(":"))
    now = datetime.combine(local_today(), time(hours, minutes), LOCAL).astimezone(UTC)
    load_demo(now)
    return now


def test_the_demo_books_today_and_tomorrow_with_registered_trucks_and_drivers(app):
    now = demo_at("09:10")
    today = local_today()
    bookings = db.session.query(Booking).order_by(Booking.slot_start, Booking.id).all()
    # one booking per submitted shipment at Mộc Bài and Xa Mát, both directions (Bình Hiệp has no capacity)
    submitted = [
        s
        for s in db.session.query(Shipment).filter_by(status=ShipmentStatus.SUBMITTED)
        if s.gate.code in ("MOC-BAI", "XA-MAT")
    ]
    holding = [b for b in bookings if b.status is not B.ARRIVED]
    assert sorted(b.shipment_id for b in holding) == sorted(s.id for s in submitted)
    day = {b.id: b.slot_start.astimezone(LOCAL).date() for b in bookings}
    todays = [b for b in bookings if day[b.id] == today and b.status is not B.ARRIVED]
    assert [b.status for b in todays] == [B.CALLED, B.CONFIRMED, B.CONFIRMED, B.CONFIRMED]
    called = todays[0]
    assert called.slot_start.astimezone(LOCAL).time() == time(9, 0) and called.called_at == now
    assert all(b.slot_start > now and b.gate.code == "MOC-BAI" for b in todays[1:])  # later slots of today
    assert {s.planned_crossing_on for s in (b.shipment for b in todays)} == {today}
    others = [b for b in holding if b not in todays]
    assert others and {day[b.id] for b in others} == {today + timedelta(days=1)}
    assert {b.status for b in others} == {B.CONFIRMED} and {b.gate.code for b in others} == {"MOC-BAI", "XA-MAT"}
    (arrived,) = [b for b in bookings if b.status is B.ARRIVED]  # the last truck at the gate came under a booking
    assert arrived.shipment.status is ShipmentStatus.AT_GATE and arrived.arrived_at == arrived.shipment.arrived_at
    for booking in bookings:  # the trucks and drivers are the shipments' own, registered with valid papers
        assert booking.vehicle_id == booking.shipment.vehicle_id and booking.driver_id == booking.shipment.driver_id
        assert (
            permit_valid_on(booking.vehicle, day[booking.id]) and booking.vehicle.permit_kind is PermitKind.COMMERCIAL
        )
        assert booking.driver.licence_class and booking.driver.licence_expires_on > today and booking.driver.phone
    linked = db.session.query(Shipment).filter(Shipment.vehicle_id.is_not(None), Shipment.driver_id.is_not(None))
    assert linked.count() == db.session.query(Shipment).count()


def test_a_demo_loaded_after_the_gate_closes_books_nothing_today(app):
    demo_at("22:10")  # Mộc Bài is open 06:00-22:00: today's shipments are booked tomorrow
    days = {b.slot_start.astimezone(LOCAL).date() for b in db.session.query(Booking) if b.status is not B.ARRIVED}
    assert days == {local_today() + timedelta(days=1)}
    assert not db.session.query(Booking).filter_by(status=B.CALLED).count()
