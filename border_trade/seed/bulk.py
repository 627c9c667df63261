"""Bulk writing for large seeds: COPY on PostgreSQL, multi-row Core inserts elsewhere; reference counters moved on."""

import contextlib

import sqlalchemy as sa

from ..extensions import db
from ..shipments.models import ReferenceCounter, Shipment, ShipmentEvent, ShipmentItem


def last_reference(year):
    """Return the last reference number handed out in a year."""
    return db.session.scalar(sa.select(ReferenceCounter.last_value).where(ReferenceCounter.year == year)) or 0


def update_counters(counters):
    """Move each year's reference counter on to at least the last number used ({year: last})."""
    for year, last in counters.items():
        counter = db.session.get(ReferenceCounter, year)
        if counter is None:
            db.session.add(ReferenceCounter(year=year, last_value=last))
        else:
            counter.last_value = max(counter.last_value, last)


class BulkWriter:
    """Bulk writer: COPY on PostgreSQL, multi-row Core inserts elsewhere."""

    TABLES = {
        "shipments": Shipment.__table__,
        "shipment_items": ShipmentItem.__table__,
        "shipment_events": ShipmentEvent.__table__,
    }

    def __init__(self, connection):
        self.connection = connection
        self.postgresql = connection.dialect.name == "postgresql"

    def reserve(self, table, count):
        """Return the first and last of `count` fresh ids of a table."""
        if self.postgresql:
            sequence = self.connection.scalar(sa.text(f"SELECT pg_get_serial_sequence('{table}', 'id')"))
            last = self.connection.scalar(
                sa.text("SELECT setval(CAST(:seq AS regclass), nextval(CAST(:seq AS regclass)) + :n - 1)"),
                {"seq": sequence, "n": count},
            )
            return last - count + 1, last
        first = (self.connection.scalar(sa.select(sa.func.max(self.TABLES[table].c.id))) or 0) + 1
        return first, first + count - 1

    def write(self, batch):
        for name in ("shipments", "shipment_items", "shipment_events"):
            rows = batch[name]
            if not rows:
                continue
            if self.postgresql:
                self._copy(name, rows)
            else:
                self.connection.execute(self.TABLES[name].insert(), rows)

    def _copy(self, name, rows):
        columns = list(rows[0])
        raw = self.connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])

    @contextlib.contextmanager
    def indexes_built_after(self):
        """On PostgreSQL, drop the loaded tables' secondary indexes and foreign keys, and recreate them on leaving.

        One index build and one validating join per table cost much less than maintaining three indexes and
        checking a foreign key for each of millions of rows. Primary keys and unique constraints stay (they guard
        the ids and references). Everything happens in the caller's transaction: if the load fails, the rollback
        brings the indexes back with it. Meanwhile the tables are locked (ACCESS EXCLUSIVE) against other sessions.
        """
        if not self.postgresql:
            yield
            return
        # index builds over millions of rows take minutes: the application's statement timeout is not for them
        self.connection.execute(sa.text("SET LOCAL statement_timeout = 0"))
        names = [f"public.{name}" for name in self.TABLES]
        indexes = self.connection.execute(
            sa.text(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY(CAST(:t AS regclass[])) "
                "AND NOT i.indisprimary AND NOT i.indisunique"
            ),
            {"t": names},
        ).all()
        keys = self.connection.execute(
            sa.text(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = ANY(CAST(:t AS regclass[])) AND contype = 'f' AND coninhcount = 0"
            ),
            {"t": names},
        ).all()
        for table, name, _definition in keys:
            self.connection.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for name, _definition in indexes:
            self.connection.execute(sa.text(f'DROP INDEX "{name}"'))
        yield
        self.connection.execute(sa.text("SET LOCAL maintenance_work_mem = '256MB'"))  # sorts in memory
        for _name, definition in indexes:
            # a partitioned table's own index reads "ON ONLY": built that way it would cover no partition
            self.connection.execute(sa.text(definition.replace(" ON ONLY ", " ON ")))
        for table, name, definition in keys:
            self.connection.execute(sa.text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))

    def analyze(self):
        """Vacuum and analyze the loaded tables (PostgreSQL), as after any bulk import.

        Fresh statistics for the planner; the visibility map and hint bits set now rather than by the first
        readers and an autovacuum that would otherwise start in the middle of the next measurements.
        """
        if self.postgresql:
            vacuum_analyze(self.TABLES)


def vacuum_analyze(tables=()):
    """VACUUM (ANALYZE) the named tables, or the whole database without names (PostgreSQL; nothing elsewhere)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("SET statement_timeout = 0"))
        for name in tables or ("",):
            connection.execute(sa.text(f"VACUUM (ANALYZE) {name}".strip()))
