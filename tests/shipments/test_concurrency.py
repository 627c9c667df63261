"""References stay unique when many shipments are created at once (PostgreSQL: real concurrent transactions)."""

import os
import threading
from datetime import date, timedelta

import pytest

from border_trade.extensions import db
from border_trade.shipments.models import Shipment
from border_trade.shipments.services import create_shipment

pytestmark = pytest.mark.postgres


@pytest.fixture
def needs_postgres():
    if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("concurrency tests run on PostgreSQL (set TEST_DATABASE_URL)")


def test_references_are_unique_under_concurrent_creation(app, needs_postgres, exporter, payload):
    body = payload()
    from border_trade.shipments.schemas import ShipmentInSchema

    data = ShipmentInSchema().load(body)
    user_id = exporter.id
    barrier = threading.Barrier(12)
    errors, references = [], []

    def worker():
        with app.app_context():
            from border_trade.auth.models import User

            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                for _ in range(3):
                    references.append(create_shipment(user, dict(data)).reference)
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(references) == len(set(references)) == 36
    year = (date.today() + timedelta(days=5)).year
    assert sorted(references) == [f"BT-{year}-{n:06d}" for n in range(1, 37)]
    assert db.session.query(Shipment).count() == 36
