"""Queue-number checkpoints (#20, equeue.checkpoints): an arrival adds the arrivals since the day's checkpoint to it
instead of counting the whole day, and gets the same number as the full count; a late arrival drops the checkpoint."""

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.equeue.arrivals import queue_number
from border_trade.equeue.checkpoints import LOCK_CLASS, MARGIN, refresh_checkpoints
from border_trade.equeue.models import QueueCheckpoint
from border_trade.equeue.slots import local_day_and_minute
from border_trade.extensions import db
from border_trade.gates.models import Gate
from border_trade.shipments.models import Shipment, ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_shipment, make_user


@pytest.fixture
def officer_auth(token_for):
    return token_for(make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")]))


def _trucks(n, **values):
    exporter = make_user(Role.EXPORTER)
    return [make_shipment(exporter.organisation, gate=get_gate("MOC-BAI"), **values) for _ in range(n)]


def _arrive(client, auth, shipment, occurred_at):
    body = {"shipment": shipment.reference, "event": "arrived", "occurred_at": occurred_at.isoformat()}
    response = client.post(
        "/api/v1/gates/MOC-BAI/crossings", json=body, headers=auth | {"Idempotency-Key": uuid.uuid4().hex}
    )
    assert response.status_code == 201, response.json
    return response.json["shipment"]["queue_number"]


@pytest.fixture(autouse=True)
def _not_at_midnight():
    # every arrival of a test falls on one local day: the last 5 minutes before it must be today's
    if local_day_and_minute(utcnow())[1] < 6:
        pytest.skip("the first minutes of the local day: the arrivals of a few minutes ago were yesterday's")


def _checkpoint(direction="export"):
    return db.session.scalar(
        sa.select(QueueCheckpoint).where(
            QueueCheckpoint.gate_id == get_gate("MOC-BAI").id, QueueCheckpoint.direction == direction
        )
    )


def _gates_and_directions():
    """How many checkpoints the job writes: one per gate and direction, with arrivals or none yet."""
    return 2 * db.session.scalar(sa.select(sa.func.count(Gate.id)))


def _full_count(reference, at):
    shipment = db.session.scalar(sa.select(Shipment).where(Shipment.reference == reference))
    return queue_number(shipment, at)


def test_arrivals_count_from_the_checkpoint_and_agree_with_the_full_count(app, client, officer_auth):
    if db.engine.dialect.name != "postgresql":
        assert refresh_checkpoints() == 0  # SQLite counts in full: no checkpoint is written
        assert _checkpoint() is None
        return
    now = utcnow()
    # five trucks arrived 4 minutes to 3 minutes 20 ago (before the checkpoint's upto), two a few seconds ago
    earlier = _trucks(7, status=ShipmentStatus.AT_GATE)
    for n, truck in enumerate(earlier):
        truck.arrived_at = now - (timedelta(seconds=240 - 10 * n) if n < 5 else timedelta(seconds=30 - n))
    db.session.commit()
    assert refresh_checkpoints(now) == _gates_and_directions()
    checkpoint = _checkpoint()
    assert checkpoint.arrivals == 5 and checkpoint.upto == now - 2 * MARGIN  # before upto: the count's start
    assert checkpoint.recorded == 7 and checkpoint.seq_value is not None  # all seven; the tickets handed out
    new = _trucks(1, status=ShipmentStatus.SUBMITTED)[0]
    headers = officer_auth | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"shipment": new.reference, "event": "arrived", "occurred_at": utcnow().isoformat()}
    first = client.post("/api/v1/gates/MOC-BAI/crossings", json=body, headers=headers)
    assert first.json["shipment"]["queue_number"] == 8 == _full_count(new.reference, utcnow())
    # a replay answers the first answer and takes no ticket: the next truck is the ninth
    assert client.post("/api/v1/gates/MOC-BAI/crossings", json=body, headers=headers).json == first.json
    ninth = _trucks(1, status=ShipmentStatus.SUBMITTED)[0]
    assert _arrive(client, officer_auth, ninth, utcnow()) == 9 == _full_count(ninth.reference, utcnow())
    # the number really comes from the checkpoint and the ticket: a checkpoint that says 100 gives 100 + 2 + 1
    db.session.execute(sa.update(QueueCheckpoint).values(recorded=100))
    db.session.commit()
    other = _trucks(1, status=ShipmentStatus.SUBMITTED)[0]
    assert _arrive(client, officer_auth, other, utcnow()) == 100 + 2 + 1


def test_a_late_arrival_drops_the_checkpoint_and_is_counted_by_the_next(app, client, officer_auth):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("checkpoints are PostgreSQL's")
    now = utcnow()
    earlier = _trucks(3, status=ShipmentStatus.AT_GATE)
    for n, truck in enumerate(earlier):
        truck.arrived_at = now - timedelta(seconds=280 - n)
    db.session.commit()
    refresh_checkpoints(now)
    assert _checkpoint().arrivals == 3
    # a tablet's outbox syncs an arrival of 3 minutes ago: before the checkpoint's upto, which did not count it
    late = _trucks(1, status=ShipmentStatus.SUBMITTED)[0]
    assert _arrive(client, officer_auth, late, now - timedelta(seconds=180)) == 4
    assert _checkpoint() is None  # dropped: numbers are counted in full until the job counts again
    live = _trucks(1, status=ShipmentStatus.SUBMITTED)[0]
    assert _arrive(client, officer_auth, live, utcnow()) == 5 == _full_count(live.reference, utcnow())
    refresh_checkpoints(utcnow())
    assert _checkpoint().arrivals == 4  # the three and the late one; the live one is after its upto
    another = _trucks(1, status=ShipmentStatus.SUBMITTED)[0]
    assert _arrive(client, officer_auth, another, utcnow()) == 6


def test_the_job_drops_the_checkpoints_of_past_days(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("checkpoints are PostgreSQL's")
    now = utcnow()
    truck = _trucks(1, status=ShipmentStatus.AT_GATE)[0]
    truck.arrived_at = now - timedelta(minutes=4)
    db.session.commit()
    refresh_checkpoints(now)
    db.session.execute(sa.update(QueueCheckpoint).values(day=QueueCheckpoint.day - 3))
    db.session.commit()
    refresh_checkpoints(now + timedelta(minutes=1))
    days = set(db.session.scalars(sa.select(QueueCheckpoint.day)).all())
    assert len(days) == 1 and min(days) >= (now - timedelta(days=1)).date()


def test_a_checkpoint_of_no_arrival_numbers_the_first_trucks_by_ticket(app, client, officer_auth):
    """Before the day's first truck the job writes a checkpoint of zero: the first arrivals take tickets at once
    instead of counting every arrival before them until the job's next run."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("checkpoints are PostgreSQL's")
    refresh_checkpoints(utcnow())
    checkpoint = _checkpoint()
    assert checkpoint is not None and (checkpoint.recorded, checkpoint.arrivals) == (0, 0)
    first, second = _trucks(2, status=ShipmentStatus.SUBMITTED)
    assert _arrive(client, officer_auth, first, utcnow()) == 1 == _full_count(first.reference, utcnow())
    # numbered from the checkpoint and its ticket, not counted: a checkpoint that says 100 gives 100 + 1 + 1
    db.session.execute(sa.update(QueueCheckpoint).values(recorded=100))
    db.session.commit()
    assert _arrive(client, officer_auth, second, utcnow()) == 102


@pytest.mark.postgres
def test_the_job_waits_for_a_late_arrival_in_flight_and_counts_it(app):
    """A late arrival holds the gate's advisory lock until it commits: a checkpoint counted meanwhile would miss it,
    so the job waits for it and counts it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL (set TEST_DATABASE_URL)")
    now = utcnow()
    gate = get_gate("MOC-BAI")
    first, late = _trucks(2, status=ShipmentStatus.SUBMITTED)
    first.arrived_at = now - timedelta(seconds=250)
    db.session.commit()
    done = []
    with db.engine.connect() as tablet:  # the late arrival's transaction: the lock and its shipment's arrival
        tablet.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_CLASS, gate.id * 2)))
        tablet.execute(
            sa.update(Shipment).where(Shipment.id == late.id).values(arrived_at=now - timedelta(seconds=200))
        )

        def job():
            with app.app_context():
                done.append(refresh_checkpoints(now))

        thread = threading.Thread(target=job)
        thread.start()
        thread.join(2)
        assert thread.is_alive() and done == []  # waiting for the arrival's transaction
        tablet.commit()
        thread.join(30)
    assert done == [_gates_and_directions()]  # the job ran to its end once the arrival committed
    assert _checkpoint().arrivals == 2  # the late arrival is in
