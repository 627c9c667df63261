"""What the permission matrix's e-queue rows need in its world: MOC-BAI's capacity, the exporter's registered truck
and a booking of a second submitted shipment (made on first use, kept in `world.extra`)."""

from datetime import timedelta

from border_trade.equeue.schemas import BookingInSchema
from border_trade.equeue.services import create_booking
from border_trade.shipments.models import ShipmentStatus
from tests.equeue.conftest import every_day, local_today, make_vehicle, set_capacity, slot_at
from tests.factories import make_shipment

CAPACITY = {"slot_minutes": 30, "template": every_day(capacity=5), "overrides": []}


def _day():
    return local_today() + timedelta(days=1)


def _ready(world):
    if "equeue" not in world.extra:
        set_capacity()
        exporter = world.users["exporter"]
        make_vehicle(exporter.organisation, plate=world.shipment.vehicle_plate or "70H-123.45")
        other = make_shipment(
            exporter.organisation, status=ShipmentStatus.SUBMITTED, vehicle_plate=world.shipment.vehicle_plate
        )
        body = {"shipment": other.reference, "slot_start": slot_at(_day(), "09:00").isoformat()}
        world.extra["equeue"] = create_booking(exporter, BookingInSchema().load(body))
    return world.extra["equeue"]


def booking_id(world):
    return _ready(world).id


def new_booking(world):
    _ready(world)
    return {"shipment": world.shipment.reference, "slot_start": slot_at(_day(), "10:00").isoformat()}


def move(world):
    _ready(world)
    return {"slot_start": slot_at(_day(), "11:00").isoformat()}


def slots_path(world):
    return f"/api/v1/gates/MOC-BAI/slots?date={_day()}"
