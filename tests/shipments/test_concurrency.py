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


def test_racing_copies_of_one_keyed_request_create_one_shipment(app, needs_postgres, exporter, payload):
    from border_trade import idempotency
    from border_trade.auth.models import User
    from border_trade.shipments.schemas import ShipmentInSchema
    from border_trade.shipments.services import create_shipment_once

    body = payload()
    hashed = idempotency.request_hash({"endpoint": "POST /api/v1/shipments"}, body)
    user_id = exporter.id
    barrier = threading.Barrier(8)
    errors, answers = [], []

    def worker():
        with app.app_context():
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                shipment, replayed = create_shipment_once(
                    user, ShipmentInSchema().load(body), key="erp-race-1", request_hash=hashed
                )
                answers.append((shipment.id, replayed))
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len({shipment_id for shipment_id, _replayed in answers}) == 1 and len(answers) == 8
    assert sorted(replayed for _id, replayed in answers) == [False] + [True] * 7
    assert db.session.query(Shipment).count() == 1
