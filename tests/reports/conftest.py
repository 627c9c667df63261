"""Crossed shipments with known values, crossing times and rates, for the report tests."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from border_trade.auth.models import Role
from border_trade.shipments.models import (
    Currency,
    EventKind,
    ExchangeRate,
    ShipmentEvent,
    ShipmentStatus,
)
from tests.factories import get_gate, get_province, make_organisation, make_product, make_shipment, make_user

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year, month, day, hour=10, minute=0):
    """Return an aware UTC instant for a wall-clock time in Vietnam."""
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL).astimezone(UTC)


@pytest.fixture
def add_rate(db):
    def add(currency, on, vnd_per_unit):
        db.session.add(ExchangeRate(currency=Currency(currency), rate_on=on, vnd_per_unit=Decimal(vnd_per_unit)))
        db.session.commit()

    return add


@pytest.fixture
def flat_rates(add_rate):
    """USD at 25,000 VND and KHR at 6.25 VND from 2023-12-01 (a round world: 1 USD = 4,000 KHR)."""
    add_rate("USD", date(2023, 12, 1), "25000")
    add_rate("KHR", date(2023, 12, 1), "6.25")


@pytest.fixture
def exporter_org(db):
    return make_organisation(name="HTX Dưa lưới Tân Châu")


@pytest.fixture
def other_exporter_org(db):
    return make_organisation(name="Công ty Bánh tráng Sương Mai")


@pytest.fixture
def crossed(db):
    """Return `crossed(organisation, crossed_at, *, gate="MOC-BAI", dwell_minutes=120, **shipment overrides)`.

    The shipment is built by make_shipment (planned 5 days before the crossing unless said otherwise), then
    moved through `arrived` and `crossed` events at the gate, with `arrived_at`/`crossed_at` set as the
    crossing service sets them.
    """

    def make(organisation, crossed_at, *, gate="MOC-BAI", dwell_minutes=120, **overrides):
        overrides.setdefault("planned_crossing_on", crossed_at.astimezone(LOCAL).date() - timedelta(days=5))
        shipment = make_shipment(organisation, gate=get_gate(gate), **overrides)
        arrived_at = crossed_at - timedelta(minutes=dwell_minutes)
        for name, at, before, after in (
            ("arrived", arrived_at, ShipmentStatus.SUBMITTED, ShipmentStatus.AT_GATE),
            ("cleared", crossed_at - timedelta(minutes=5), ShipmentStatus.AT_GATE, ShipmentStatus.CLEARED),
            ("crossed", crossed_at, ShipmentStatus.CLEARED, ShipmentStatus.CROSSED),
        ):
            shipment.events.append(
                ShipmentEvent(
                    kind=EventKind.CROSSING,
                    event=name,
                    from_status=before,
                    to_status=after,
                    occurred_at=at,
                    recorded_at=at,
                    gate=shipment.gate,
                )
            )
        shipment.arrived_at = arrived_at
        shipment.crossed_at = crossed_at
        shipment.status = ShipmentStatus.CROSSED
        db.session.commit()
        return shipment

    return make


@pytest.fixture
def product(exporter_org):
    return make_product(exporter_org, name_vi="Dưa lưới Tân Châu", name_km="ត្រសក់ស្រូវ", ocop_stars=4)


@pytest.fixture
def officer(db):
    return make_user(Role.PROVINCE_OFFICER, province=get_province("TAY-NINH"))


@pytest.fixture
def admin(db):
    return make_user(Role.ADMIN)
