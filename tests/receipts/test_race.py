"""Two confirmations of one receipt at the same moment (PostgreSQL): exactly one is recorded, the other is 409."""

import os
import threading

import pytest
import sqlalchemy as sa

from border_trade.extensions import db
from border_trade.notifications.models import Notification
from border_trade.receipts.models import Receipt
from border_trade.shipments.models import EventKind, ShipmentEvent
from tests.receipts.conftest import body

pytestmark = pytest.mark.postgres


def test_racing_confirmations_record_one_receipt(app, token, crossed):
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("races run on PostgreSQL (set TEST_DATABASE_URL)")
    barrier = threading.Barrier(6)
    codes = []

    def confirm():
        client = app.test_client()
        barrier.wait()
        codes.append(client.post(f"/api/v1/receipts/{token}", json=body()).status_code)

    threads = [threading.Thread(target=confirm) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(codes) == [201] + [409] * 5, codes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Receipt)) == 1
    events = db.session.scalars(
        sa.select(ShipmentEvent.event).where(ShipmentEvent.kind == EventKind.RECEIPT).order_by(ShipmentEvent.id)
    ).all()
    assert events == ["delivered", "discrepancy"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
