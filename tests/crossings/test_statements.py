"""How many SQL statements a walk-in `arrived` costs (#20): a guard on the gate API's round trips, not a timing.

bench/crossing_bench.py measures the speed; this keeps the statement count from creeping back. On PostgreSQL: the
shipment's lock with the key's stored answer, the queue number, the waiting booking, the event's id and the check of
the caller the worker remembers from its first event (auth.remembered; the first event reads the token with its user
and gates); one statement for every write (writes.py). Elsewhere the writes go one by one: the
event, the shipment's update, the webhooks, the audit entry, the stored answer.
"""

import uuid

import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.idempotency import IdempotencyKey
from border_trade.shipments.models import ShipmentEvent, ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user

# SQL statements per walk-in arrival, BEGIN, COMMIT and the pool's ping not counted
MOST = {"postgresql": 2, "sqlite": 7}
SKIP = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def test_a_walk_in_arrival_costs_two_statements_on_postgresql(app, client, token_for):
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    auth = token_for(officer)
    exporter = make_user(Role.EXPORTER)
    shipments = [
        make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
        for _ in range(2)
    ]
    references = [s.reference for s in shipments]
    seen = []

    def count(connection, cursor, statement, parameters, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        counts = []
        for reference in references:  # the first also reads the token (and may record its last use)
            seen.clear()
            body = {"shipment": reference, "event": "arrived"}
            response = client.post(
                "/api/v1/gates/MOC-BAI/crossings", json=body, headers=auth | {"Idempotency-Key": uuid.uuid4().hex}
            )
            assert response.status_code == 201, response.json
            counts.append(len([s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")]))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert counts[-1] <= MOST[db.engine.dialect.name], seen
    if db.engine.dialect.name == "postgresql":
        assert seen[-1] == "WITH", seen  # every write in one statement
    # everything the guarantees need was written
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent).where(ShipmentEvent.event == "arrived"))
        >= 2
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "crossing.arrived")
        )
        == 2
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotencyKey)) == 2


def _counting(seen):
    def count(connection, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()[:4]).upper())

    return count


def test_a_booked_arrival_costs_no_more_statements_on_postgresql(app, client, token_for):
    from tests.equeue.calls_helpers import make_booking, today_at

    exporter = make_user(Role.EXPORTER)
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    auth = token_for(officer)
    bookings = [make_booking(exporter.organisation, today_at(f"0{8 + n}:00")) for n in range(2)]
    trucks = [(booking.shipment.reference, booking.vehicle.plate) for booking in bookings]  # read before counting
    seen = []
    count = _counting(seen)
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        for reference, plate in trucks:
            seen.clear()
            body = {"shipment": reference, "event": "arrived", "plate": plate}
            response = client.post(
                "/api/v1/gates/MOC-BAI/crossings", json=body, headers=auth | {"Idempotency-Key": uuid.uuid4().hex}
            )
            assert response.status_code == 201, response.json
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    statements = [s for s in seen if s.split()[0] not in SKIP]
    # PostgreSQL: the booking read and locked with the shipment, its UPDATE and audit entry with the other writes;
    # elsewhere its read, UPDATE and audit entry are statements of their own
    extra = {"postgresql": 0, "sqlite": 3}[db.engine.dialect.name]
    assert len(statements) <= MOST[db.engine.dialect.name] + extra, seen
    entries = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    # the trail in the order things happened: each truck's booking marked arrived, then its arrival
    assert [a for a in entries if a in ("booking.arrive", "crossing.arrived")] == [
        "booking.arrive",
        "crossing.arrived",
    ] * 2


def test_a_replay_is_answered_from_the_lock_and_writes_nothing(app, client, token_for):
    officer = make_user(Role.GATE_OFFICER, gates=[get_gate("MOC-BAI")])
    auth = token_for(officer)
    exporter = make_user(Role.EXPORTER)
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
    headers = auth | {"Idempotency-Key": uuid.uuid4().hex}
    body = {"shipment": shipment.reference, "event": "arrived"}
    first = client.post("/api/v1/gates/MOC-BAI/crossings", json=body, headers=headers)
    assert first.status_code == 201
    seen = []
    count = _counting(seen)
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        again = client.post("/api/v1/gates/MOC-BAI/crossings", json=body, headers=headers)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert again.status_code == 201 and again.json == first.json
    assert not [s for s in seen if s.split()[0] in ("INSERT", "UPDATE", "WITH", "DELETE")], seen
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShipmentEvent)) == 1
