"""Money is exact Decimal end to end; datetimes are aware UTC; tax ids are validated."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from stdnum.exceptions import ValidationError

from border_trade.extensions import db
from border_trade.shipments.models import Shipment, ShipmentEvent
from tests.factories import make_organisation, make_shipment


@pytest.mark.parametrize("amount", ["0.01", "12500.00", "9999999999999999.99", "123456789012.34"])
def test_money_round_trips_exactly(amount):
    shipment = make_shipment(make_organisation())
    shipment.value = Decimal(amount)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Shipment, shipment.id).value
    assert stored == Decimal(amount) and isinstance(stored, Decimal)
    assert str(stored) == amount


def test_sums_in_sql_stay_exact():
    org = make_organisation()
    for amount in ("0.10", "0.20", "1234567890123.45"):
        shipment = make_shipment(org)
        shipment.value = Decimal(amount)
    db.session.commit()
    total = db.session.scalar(sa.select(sa.func.sum(Shipment.value)))
    assert total == Decimal("1234567890123.75")


def test_float_money_is_refused():
    shipment = make_shipment(make_organisation())
    shipment.value = 0.1
    with pytest.raises(sa.exc.StatementError):
        db.session.commit()


def test_datetimes_come_back_aware_utc():
    shipment = make_shipment(make_organisation())
    local = datetime(2026, 3, 14, 8, 30, tzinfo=timezone(timedelta(hours=7)))
    db.session.add(ShipmentEvent(shipment=shipment, kind="crossing", event="arrived", occurred_at=local))
    db.session.commit()
    db.session.expire_all()
    event = db.session.scalar(sa.select(ShipmentEvent))
    assert event.occurred_at == local
    assert event.occurred_at.tzinfo is not None and event.occurred_at.utcoffset() == timedelta(0)
    assert event.occurred_at.hour == 1


def test_naive_datetimes_are_refused():
    shipment = make_shipment(make_organisation())
    db.session.add(
        ShipmentEvent(shipment=shipment, kind="crossing", event="arrived", occurred_at=datetime(2026, 3, 14, 8, 30))
    )
    with pytest.raises(sa.exc.StatementError):
        db.session.commit()


def test_vietnamese_tax_ids_are_validated():
    assert make_organisation(tax_id="3907654320").tax_id == "3907654320"
    with pytest.raises(ValidationError):
        make_organisation(tax_id="3907654321")
    # foreign tax ids follow their own country's rules and are kept as given
    assert make_organisation(country_code="KH", tax_id="K009-902103344").tax_id == "K009-902103344"


def test_utc_now_default_is_a_callable():
    before = datetime.now(UTC)
    org = make_organisation()
    db.session.commit()
    assert org.created_at >= before - timedelta(seconds=1)
