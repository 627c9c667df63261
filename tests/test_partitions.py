"""Monthly partitions of shipment_events and audit_entries (#20): PostgreSQL after the migration; SQLite has none."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import check, upgrade

from border_trade import create_app
from border_trade.audit.models import AuditEntry
from border_trade.extensions import db as _db
from border_trade.scheduler import partitions
from border_trade.scheduler.jobs import JOBS
from border_trade.seed.bench import seed_bench
from border_trade.shipments.models import EventKind, ShipmentEvent, ShipmentStatus
from config import TestingConfig
from tests.factories import make_organisation, make_shipment
from tests.pg import fresh_postgres_database

NOW = datetime(2026, 12, 3, 5, 0, tzinfo=UTC)
STRAY = datetime(2020, 5, 10, 3, 0, tzinfo=UTC)  # a month the migration gave no partition
OLD = datetime(2019, 3, 1, 3, 0, tzinfo=UTC)  # another, left in the default partition


def test_month_names_and_bounds():
    assert partitions.parse_month("2024-01") == date(2024, 1, 1)
    for bad in ("2024-13", "2024-1", "January", "", None):
        with pytest.raises(partitions.PartitionError):
            partitions.parse_month(bad)
    assert partitions.partition_name("shipment_events", date(2024, 1, 1)) == "shipment_events_y2024m01"
    assert partitions.next_month(date(2024, 12, 1)) == date(2025, 1, 1)
    assert partitions.month_start(date(2024, 1, 1)) == "2024-01-01 00:00:00+07:00"  # months of Viet Nam's time
    for name in ("shipment_events_y2024m01", "audit_entries_default"):
        assert partitions.PARTITION_NAME.match(name)
    for name in ("shipment_events", "audit_entries", "shipments_y2024m01", "shipment_events_2024"):
        assert not partitions.PARTITION_NAME.match(name)


def test_without_partitions_the_job_does_nothing_and_detach_refuses(app, runner):
    # SQLite, or PostgreSQL built by create_all (the test suite): plain tables
    with app.app_context():
        assert JOBS["partitions"][0](NOW) == 0
    result = runner.invoke(args=["partitions", "detach", "2024-01"])
    assert result.exit_code == 1
    assert "not partitioned" in result.output
    assert runner.invoke(args=["partitions", "detach", "2024-1"]).exit_code == 1
    assert "no partitions" in runner.invoke(args=["partitions", "list"]).output


def _place(table, row_id):
    query = f"SELECT tableoid::regclass::text FROM {table} WHERE id = :id"  # noqa: S608 (a constant table name)
    return _db.session.scalar(sa.text(query), {"id": row_id})


def _indexes_and_keys():
    tables = ("shipments", "shipment_items", "shipment_events")
    indexes = _db.session.execute(
        sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"), {"t": list(tables)}
    ).all()
    keys = _db.session.execute(
        sa.text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:t)"
        ),
        {"t": list(tables)},
    ).all()
    return set(indexes), set(keys)


def _event(shipment, at):
    return ShipmentEvent(
        shipment=shipment,
        kind=EventKind.CROSSING,
        event="arrived",
        from_status=ShipmentStatus.SUBMITTED,
        to_status=ShipmentStatus.AT_GATE,
        occurred_at=at,
    )


@pytest.mark.postgres
def test_partitions_on_postgresql(tmp_path):
    with fresh_postgres_database("partitions") as url:

        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url
            UPLOAD_FOLDER = str(tmp_path)

        app = create_app(Config)
        with app.app_context():
            upgrade()
            from border_trade.seed.reference import load_reference

            load_reference()
            connection = _db.session.connection()
            assert partitions.is_partitioned(connection, "shipment_events")
            assert partitions.is_partitioned(connection, "audit_entries")

            # the bench seed gives each month its partition and puts back the indexes and foreign keys it dropped
            schema = _indexes_and_keys()
            summary = seed_bench(150, today=date(2026, 11, 30))
            assert _indexes_and_keys() == schema
            assert _db.session.scalar(sa.text("SELECT count(*) FROM shipment_events_default")) == 0
            assert _db.session.scalar(sa.text("SELECT count(*) FROM shipment_events")) == summary.events
            assert _db.session.scalar(sa.text("SELECT count(DISTINCT tableoid) FROM shipment_events")) > 12

            # inserts return their id as before (the ORM's RETURNING and a Core insert … RETURNING)
            shipment = make_shipment(make_organisation())
            stray = _event(shipment, STRAY)
            _db.session.add_all(
                [stray, AuditEntry(action="test.stray", at=STRAY), AuditEntry(action="test.old", at=OLD)]
            )
            _db.session.flush()
            assert stray.id is not None
            returned = _db.session.execute(
                sa.insert(ShipmentEvent)
                .values(
                    shipment_id=shipment.id, kind="crossing", event="lane_assigned", occurred_at=NOW, recorded_at=NOW
                )
                .returning(ShipmentEvent.id)
            ).scalar_one()
            assert returned > stray.id  # the same sequence
            _db.session.commit()
            stray_id = stray.id
            audit_id = _db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "test.stray"))
            # a month without its partition lands in the default partition; this month has its own
            assert _place("shipment_events", stray_id) == "shipment_events_default"
            assert _place("audit_entries", audit_id) == "audit_entries_default"
            assert _place("shipment_events", returned) == "shipment_events_y2026m12"

            # the job creates this month and the next three, once
            assert JOBS["partitions"][0](datetime(2027, 6, 2, tzinfo=UTC)) == 8
            assert JOBS["partitions"][0](datetime(2027, 6, 2, tzinfo=UTC)) == 0
            names = {p.name for p in partitions.list_partitions(_db.session.connection(), "audit_entries")}
            assert {"audit_entries_y2027m06", "audit_entries_y2027m09"} <= names

            # a month created late takes its rows out of the default partition, unchanged
            connection = _db.session.connection()
            for table in partitions.PARTITIONED:
                assert partitions.create_month(connection, table, date(2020, 5, 1)) == 1
            _db.session.commit()
            assert _place("shipment_events", stray_id) == "shipment_events_y2020m05"
            assert _place("audit_entries", audit_id) == "audit_entries_y2020m05"
            # and the audit trail stays append-only, in the moved partition and in the default one
            assert _place("audit_entries", audit_id + 1) == "audit_entries_default"
            for at in (STRAY, OLD):
                with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                    _db.session.execute(sa.delete(AuditEntry).where(AuditEntry.at == at))
                _db.session.rollback()

            # detaching: only past months, only existing partitions; the rows leave the application
            for month, message in ((date(2026, 12, 1), "not over yet"), (date(2019, 1, 1), "no attached partition")):
                with pytest.raises(partitions.PartitionError, match=message):
                    partitions.detach_month(month, NOW)
                _db.session.rollback()
            assert partitions.detach_month(date(2020, 5, 1), NOW) == [
                "shipment_events_y2020m05",
                "audit_entries_y2020m05",
            ]
            assert not _db.session.scalar(sa.select(sa.func.count()).where(ShipmentEvent.id == stray_id))
            assert _db.session.scalar(sa.text("SELECT count(*) FROM shipment_events_y2020m05")) == 1
            check()  # Alembic: partitions, attached or detached, are no models; the parents match the models
