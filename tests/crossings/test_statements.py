"""How many SQL statements a walk-in `arrived` costs (#20): a guard on the gate API's round trips, not a timing.

bench/crossing_bench.py measures the speed; this keeps the statement count from creeping back: the token with its
user and gates, the key, the shipment's lock, the booking, the queue number, the event, the shipment's update,
the webhooks, the audit entry, the stored answer.
"""

import uuid

import sqlalchemy as sa

from border_trade.audit.models import AuditEntry
from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.idempotency import IdempotencyKey
from border_trade.shipments.models import ShipmentEvent, ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user

MOST = 10  # SQL statements per walk-in arrival, BEGIN, COMMIT and the pool's ping not counted


def test_a_walk_in_arrival_costs_ten_statements_at_most(app, client, token_for):
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
        for reference in references:  # the first may also record the token's last use
            seen.clear()
            body = {"shipment": reference, "event": "arrived"}
            response = client.post(
                "/api/v1/gates/MOC-BAI/crossings", json=body, headers=auth | {"Idempotency-Key": uuid.uuid4().hex}
            )
            assert response.status_code == 201, response.json
            counts.append(len([s for s in seen if s not in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")]))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert counts[-1] <= MOST, seen
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
