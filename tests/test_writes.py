"""writes.py: writes held back in a batch and sent together (one statement on PostgreSQL), or at once outside one."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from border_trade import writes
from border_trade.audit.models import AuditEntry
from border_trade.extensions import db
from border_trade.shipments.models import Shipment, ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_shipment, make_user

AUDIT = AuditEntry.__table__


def _entry(action, now):
    return {"at": now, "action": action, "object_type": "test", "object_id": "1", "before": None, "after": {"n": 1}}


def _count(action):
    return db.session.scalar(sa.select(sa.func.count()).select_from(AUDIT).where(AUDIT.c.action == action))


@pytest.fixture
def statements(app):
    seen = []

    def count(connection, cursor, statement, parameters, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", count)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", count)


def test_outside_a_batch_a_write_runs_at_once(app):
    now = utcnow()
    writes.insert_rows(AUDIT, [_entry("test.now", now)], key="t")
    assert _count("test.now") == 1


def test_a_batch_holds_the_writes_until_its_flush_and_sends_them_together(app, statements):
    now = utcnow()
    shipment = make_shipment(make_user().organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
    version = shipment.version
    with writes.batched():
        writes.insert_rows(AUDIT, [_entry("test.held", now), _entry("test.held", now + timedelta(seconds=1))], key="t")
        writes.update_versioned(shipment, {"status": ShipmentStatus.AT_GATE, "updated_at": now}, key="t")
        # the object carries the new values at once, and the unit of work has nothing to write for it
        assert shipment.status is ShipmentStatus.AT_GATE and shipment.version == version + 1
        assert shipment not in db.session.dirty
        statements.clear()
        assert _count("test.held") == 0  # nothing written yet
        statements.clear()
        writes.flush()
    written = [s for s in statements if s not in ("BEGIN", "COMMIT")]
    if db.engine.dialect.name == "postgresql":
        assert written == ["WITH"]  # one statement: two INSERTs and the UPDATE as CTEs
    else:
        assert written == ["INSERT", "INSERT", "UPDATE"]
    db.session.commit()
    assert _count("test.held") == 2
    stored = db.session.execute(sa.select(Shipment.status, Shipment.version).where(Shipment.id == shipment.id)).one()
    assert stored == (ShipmentStatus.AT_GATE, version + 1)


def test_a_checked_update_of_a_stale_version_fails_at_the_flush(app):
    now = utcnow()
    shipment = make_shipment(make_user().organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
    # someone else moved the row on since it was read
    db.session.execute(
        sa.update(Shipment).where(Shipment.id == shipment.id).values(version=Shipment.version + 5),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(StaleDataError), writes.batched():
        writes.insert_rows(AUDIT, [_entry("test.stale", now)], key="t")
        writes.update_versioned(shipment, {"status": ShipmentStatus.AT_GATE, "updated_at": now}, key="t")
        writes.flush()
    db.session.rollback()
    assert _count("test.stale") == 0  # the batch's other writes went with the rollback
    assert db.session.get(Shipment, shipment.id).status is ShipmentStatus.SUBMITTED


def test_a_block_that_raises_drops_its_batch(app):
    now = utcnow()
    with pytest.raises(RuntimeError), writes.batched():
        writes.insert_rows(AUDIT, [_entry("test.dropped", now)], key="t")
        raise RuntimeError("refused")
    assert not writes.is_batching()
    with writes.batched():
        writes.flush()  # an empty batch sends nothing
    db.session.commit()
    assert _count("test.dropped") == 0


def test_a_nested_batch_writes_with_the_outer_one(app):
    now = utcnow()
    with writes.batched() as outer:
        with writes.batched() as inner:
            writes.insert_rows(AUDIT, [_entry("test.nested", now)], key="t")
        assert inner is outer and len(outer.parts) == 1
        writes.flush()
    db.session.commit()
    assert _count("test.nested") == 1


def test_the_event_id_sequence_is_the_serial_of_shipment_events(app):
    from border_trade.crossings.locking import EVENT_ID_SEQUENCE

    if db.engine.dialect.name != "postgresql":
        pytest.skip("sequences are PostgreSQL's")
    serial = db.session.scalar(sa.text("SELECT pg_get_serial_sequence('shipment_events', 'id')"))
    assert serial.split(".")[-1] == EVENT_ID_SEQUENCE


def test_a_batch_of_many_parameters_is_parsed_once_by_psycopg(app):
    """A booked arrival's batch has 58 parameters: psycopg keeps its parse (border_trade._keep_batch_parses, on
    engine setup) instead of parsing it again on every execution (by default only statements of at most 50
    parameters are kept)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg is PostgreSQL's driver")
    from psycopg import _queries

    now = utcnow()
    rows = [_entry(f"test.many.{n}", now) for n in range(10)]  # 10 audit entries of 6 parameters: 60 in all
    for _round in range(2):
        before = _queries._query2pg.cache_info()
        with writes.batched():
            writes.insert_rows(AUDIT, rows, key="test.many")
            writes.flush()
        after = _queries._query2pg.cache_info()
        db.session.rollback()
    assert after.hits > before.hits  # the second execution found the first one's parse
    assert after.misses == before.misses


def test_a_statement_over_4_kb_is_parsed_once_by_psycopg(app):
    """The gate event's lock statement is over 4 kB with the remembered caller's check (crossings/locking.py):
    psycopg keeps its parse too (border_trade._keep_batch_parses; by default only statements of at most 4096
    characters are kept)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("psycopg is PostgreSQL's driver")
    from psycopg import _queries

    padding = " ".join(f"AS c{n}," for n in range(1000))[:5000]  # a statement of about 5 kB
    statement = sa.text(f"SELECT :value /* {padding} */")
    for _round in range(2):
        before = _queries._query2pg.cache_info()
        db.session.execute(statement, {"value": 1})
        after = _queries._query2pg.cache_info()
    assert len(str(statement)) > 4096
    assert after.hits > before.hits  # the second execution found the first one's parse
    assert after.misses == before.misses


def test_rows_written_in_one_batch_get_their_ids_in_the_order_written(app):
    """An event's audit entries (the booking marked arrived, then the arrival) keep their order in the trail: on
    PostgreSQL the batch's CTEs run in the order they were written (writes._build_combined), elsewhere one by one."""
    now = utcnow()
    with writes.batched():
        for n in range(4):
            writes.insert_rows(AUDIT, [_entry(f"test.order.{n}", now)], key=f"test.order.{n % 2}")
        writes.flush()
    db.session.commit()
    actions = db.session.scalars(
        sa.select(AUDIT.c.action).where(AUDIT.c.action.like("test.order.%")).order_by(AUDIT.c.id)
    ).all()
    assert actions == [f"test.order.{n}" for n in range(4)]


def test_commit_as_written_commits_and_expires_nothing(app):
    from sqlalchemy import inspect

    from border_trade.auth.models import Role
    from tests.factories import make_user

    user = make_user(Role.VIEWER)
    db.session.commit()
    user.name = "Renamed"
    writes.commit_as_written()
    assert "name" in inspect(user).dict and not inspect(user).expired_attributes  # kept, not expired
    assert db.session().expire_on_commit  # the session's setting is back
    db.session.close()
    assert db.session.scalar(sa.text("SELECT name FROM users WHERE id = :id"), {"id": user.id}) == "Renamed"


def test_an_audit_entry_recorded_in_a_batch_is_a_row_of_the_batch(app):
    """`audit.services.record` inside `writes.batched()`: no ORM object, a row written at the flush in the order
    recorded; outside a batch, an entry added to the session as before."""
    from border_trade.audit.services import record

    with writes.batched() as batch:
        assert record("test.batched.1") is None and record("test.batched.2") is None
        assert not [obj for obj in db.session.new if isinstance(obj, AuditEntry)]
        assert len(batch.parts) == 2 and _count("test.batched.1") == 0  # held back until the flush
        writes.flush()
    db.session.commit()
    actions = db.session.scalars(
        sa.select(AUDIT.c.action).where(AUDIT.c.action.like("test.batched.%")).order_by(AUDIT.c.id)
    ).all()
    assert actions == ["test.batched.1", "test.batched.2"]
    entry = record("test.unbatched")
    assert entry in db.session.new
