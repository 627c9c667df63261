"""E-queue fixtures: users of each kind, a gate capacity, a submitted shipment with a registered truck."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from border_trade.auth.models import Role
from border_trade.equeue.schemas import CapacitySchema
from border_trade.equeue.services import replace_capacity
from border_trade.extensions import db
from border_trade.fleet.models import PermitKind, PlateCountry, Vehicle
from border_trade.shipments.models import ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today():
    """Today at the gates (Asia/Ho_Chi_Minh): from 17:00 UTC on it is the next day there."""
    return datetime.now(LOCAL).date()


def slot_at(day, hhmm):
    """The local slot start `hhmm` on `day`, as an aware datetime."""
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LOCAL)


def every_day(direction="export", lane_type="general", start="06:00", end="22:00", capacity=12):
    return [
        {"weekday": d, "start": start, "end": end, "direction": direction, "lane_type": lane_type, "capacity": capacity}
        for d in range(7)
    ]


def set_capacity(gate_code="MOC-BAI", *, template=None, overrides=(), slot_minutes=30):
    admin = make_user(Role.ADMIN)
    body = {"slot_minutes": slot_minutes, "template": template or every_day(), "overrides": list(overrides)}
    return replace_capacity(admin, gate_code, CapacitySchema().load(body))


def make_vehicle(organisation, **overrides):
    today = local_today()
    values = dict(
        organisation_id=organisation.id,
        plate="70H-123.45",
        country=PlateCountry.VN,
        registration_expires_on=today + timedelta(days=365),
        permit_number="VN-KH 0001/2026",
        permit_issued_by="Sở Xây dựng Tây Ninh",
        permit_kind=PermitKind.COMMERCIAL,
        permit_valid_from=today - timedelta(days=30),
        permit_valid_to=today + timedelta(days=300),
    )
    values.update(overrides)
    vehicle = Vehicle(**values)
    db.session.add(vehicle)
    db.session.commit()
    return vehicle


@pytest.fixture
def tomorrow():
    return local_today() + timedelta(days=1)


@pytest.fixture
def exporter():
    return make_user(Role.EXPORTER)


@pytest.fixture
def exporter2():
    return make_user(Role.EXPORTER)


@pytest.fixture
def officer():
    return make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])


@pytest.fixture
def officer_xamat():
    return make_user(Role.GATE_OFFICER, gates=[get_gate("XA-MAT")])


@pytest.fixture
def admin():
    return make_user(Role.ADMIN)


@pytest.fixture
def capacity():
    return set_capacity()


@pytest.fixture
def vehicle(exporter):
    return make_vehicle(exporter.organisation)


@pytest.fixture
def submitted(exporter, vehicle):
    """A submitted export shipment of `exporter` to MOC-BAI whose free-text plate is the registered truck's."""

    def build(organisation=None, **overrides):
        values = dict(status=ShipmentStatus.SUBMITTED, vehicle_plate="70H-123.45")
        values.update(overrides)
        return make_shipment(organisation or exporter.organisation, **values)

    return build


@pytest.fixture
def shipment(submitted):
    return submitted()
