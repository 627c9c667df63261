"""Event ids committed out of order (PostgreSQL): a crossing that took a lower id and commits after the fold is not
skipped by the watermark, and the reports count it as soon as it commits (issue 20, docs/aggregates.md)."""

import os
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from border_trade.reports import queries
from border_trade.reports.queries import Criteria
from border_trade.reports.queries.daily import unfolded_days, watermark
from border_trade.reports.services.fold import FOLD_MARGIN, fold, verify
from border_trade.shipments.models import ShipmentEvent, ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_shipment

from .conftest import local

MARCH = Criteria(start=date(2025, 3, 1), end=date(2025, 3, 31))


@pytest.fixture
def needs_postgres():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("runs on PostgreSQL (set TEST_DATABASE_URL)")


def cross(connection, shipment_id, at, now):
    """What the crossing service writes, on a connection of its own: the shipment crossed, its event recorded now."""
    connection.execute(
        sa.update(sa.table("shipments", sa.column("id"), sa.column("crossed_at"), sa.column("status")))
        .where(sa.column("id") == shipment_id)
        .values(crossed_at=at, status=ShipmentStatus.CROSSED.value)
    )
    return connection.execute(
        sa.insert(ShipmentEvent.__table__)
        .values(shipment_id=shipment_id, kind="crossing", event="crossed", occurred_at=at, recorded_at=now, late=False)
        .returning(ShipmentEvent.__table__.c.id)
    ).scalar_one()


def test_an_id_committed_after_a_higher_one_is_folded_and_counted(db, app, needs_postgres, flat_rates, exporter_org):
    slow, quick = (
        make_shipment(exporter_org, gate=get_gate("MOC-BAI"), planned_crossing_on=date(2025, 3, day), vehicle_plate=p)
        for day, p in ((9, "70H-111.11"), (10, "70H-222.22"))
    )
    fold(utcnow())
    before = watermark()
    now = utcnow()
    with db.engine.connect() as first, db.engine.connect() as second:
        low = cross(first, slow.id, local(2025, 3, 9), now)  # takes the lower id, commits last
        high = cross(second, quick.id, local(2025, 3, 10), now)
        second.commit()
        assert low < high
        assert fold(now) == 1  # 10 March folded; 9 March is invisible to the fold
        assert watermark() == before  # both recorded within the margin: the watermark does not pass `low`
        first.commit()
    db.session.rollback()
    assert unfolded_days(MARCH.start, MARCH.end) == {date(2025, 3, 9), date(2025, 3, 10)}
    _rows, totals = queries.volume(MARCH, ())
    assert (totals.shipments, totals.trucks) == (2, 2)  # 9 March read from the shipments as soon as committed
    fold(now + 2 * FOLD_MARGIN + timedelta(seconds=1))
    assert watermark() == high and unfolded_days(MARCH.start, MARCH.end) == set()
    assert verify(MARCH.start, MARCH.end) == ([], set())
    _rows, totals = queries.volume(MARCH, ())
    assert (totals.shipments, totals.trucks) == (2, 2)
