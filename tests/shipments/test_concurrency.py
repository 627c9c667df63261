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


def race(app, user_id, threads, work):
    """Run `work(user)` in `threads` threads released at once, each in its own app context and session;
    return the results, failing the test on any exception."""
    from border_trade.auth.models import User

    barrier = threading.Barrier(threads)
    errors, results = [], []

    def worker():
        with app.app_context():
            user = db.session.get(User, user_id)
            barrier.wait()
            try:
                results.append(work(user))
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(60)
    assert not errors, errors
    return results


def test_references_are_unique_under_concurrent_creation(app, needs_postgres, exporter, payload):
    from border_trade.shipments.schemas import ShipmentInSchema

    data = ShipmentInSchema().load(payload())
    batches = race(app, exporter.id, 12, lambda user: [create_shipment(user, dict(data)).reference for _ in range(3)])
    references = [reference for batch in batches for reference in batch]
    assert len(references) == len(set(references)) == 36
    year = (date.today() + timedelta(days=5)).year
    assert sorted(references) == [f"BT-{year}-{n:06d}" for n in range(1, 37)]
    assert db.session.query(Shipment).count() == 36


def test_racing_copies_of_one_keyed_request_create_one_shipment(app, needs_postgres, exporter, payload):
    from border_trade import idempotency
    from border_trade.shipments.schemas import ShipmentInSchema
    from border_trade.shipments.services import create_shipment_once

    body = payload()
    hashed = idempotency.request_hash({"endpoint": "POST /api/v1/shipments"}, body)

    def send(user):
        shipment, replayed = create_shipment_once(
            user, ShipmentInSchema().load(body), key="erp-race-1", request_hash=hashed
        )
        return shipment.id, replayed

    answers = race(app, exporter.id, 8, send)
    assert len({shipment_id for shipment_id, _replayed in answers}) == 1 and len(answers) == 8
    assert sorted(replayed for _id, replayed in answers) == [False] + [True] * 7
    assert db.session.query(Shipment).count() == 1
