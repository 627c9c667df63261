"""Bulk writing for large seeds: COPY on PostgreSQL, multi-row Core inserts elsewhere; reference counters moved on."""

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

    def analyze(self):
        """Vacuum and analyze the loaded tables (PostgreSQL), as after any bulk import.

        Fresh statistics for the planner; the visibility map and hint bits set now rather than by the first
        readers and an autovacuum that would otherwise start in the middle of the next measurements.
        """
        if self.postgresql:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for name in self.TABLES:
                    connection.execute(sa.text(f"VACUUM (ANALYZE) {name}"))
