"""Monthly partitions of the gate events and the audit trail (PostgreSQL only).

Migration 3f6b9d2e8a41 turned `shipment_events` (by `occurred_at`) and `audit_entries` (by `at`) into tables
partitioned by range, one partition per month of Viet Nam's time (UTC+07:00, as the reports count days) plus a
default partition that catches any row of a month without its own (a tablet's clock far off, a backdated entry).
The scheduler creates the next months ahead (`ensure_partitions`, daily); an operator detaches an old month to
archive it (`flask partitions detach 2024-01`, then pg_dump the detached table and drop it).

A partition is created as a plain table and then attached, so inserts into the parent are not blocked (ATTACH takes
a SHARE UPDATE EXCLUSIVE lock on the parent); rows of that month already in the default partition are moved into it
first, in the same transaction. SQLite, and a PostgreSQL schema built by `create_all` (the test suite), have no
partitions: every function here then does nothing.
"""

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db

# table -> its partition column
PARTITIONED = {"shipment_events": "occurred_at", "audit_entries": "at"}
MONTHS_AHEAD = 3
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
LOCAL_OFFSET = "+07:00"  # Asia/Ho_Chi_Minh: UTC+07:00 all year, no daylight saving
# a partition (attached or detached, kept for archiving): Alembic ignores these, they are not models
PARTITION_NAME = re.compile(r"^(shipment_events|audit_entries)_(y\d{4}m\d{2}|default)$")
LOCK_TIMEOUT = "5s"  # never queue behind a long report and hold the gates' inserts up meanwhile


class PartitionError(Exception):
    """A partition operation that cannot be done (message for the operator)."""


@dataclass
class Partition:
    table: str
    name: str
    bounds: str  # PostgreSQL's own text of the bounds ("DEFAULT" or "FOR VALUES FROM (…) TO (…)")
    rows: int  # the planner's estimate (reltuples), -1 when never analysed


def partition_name(table, month):
    return f"{table}_y{month.year:04d}m{month.month:02d}"


def next_month(month):
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def month_start(month):
    """The first instant of a local month, as a PostgreSQL timestamptz literal."""
    return f"{month.isoformat()} 00:00:00{LOCAL_OFFSET}"


def parse_month(text):
    """Return the first day of a month written YYYY-MM."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise PartitionError(f"a month is written YYYY-MM (e.g. 2024-01), not {text!r}")
    return date(int(match[1]), int(match[2]), 1)


def is_partitioned(connection, table):
    if connection.dialect.name != "postgresql":
        return False
    return bool(
        connection.scalar(
            sa.text("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(:t)"), {"t": f"public.{table}"}
        )
    )


def list_partitions(connection, table):
    """Return the attached partitions of a table, in name order ([] without partitioning)."""
    if not is_partitioned(connection, table):
        return []
    rows = connection.execute(
        sa.text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(:t) ORDER BY c.relname"
        ),
        {"t": f"public.{table}"},
    )
    return [Partition(table, name, bounds, rows) for name, bounds, rows in rows]


def create_month(connection, table, month):
    """Create and attach a month's partition if missing; move that month's rows out of the default partition.

    Returns 1 when a partition was created, 0 when it existed. Runs in the caller's transaction.
    """
    name, column = partition_name(table, month), PARTITIONED[table]
    if connection.scalar(sa.text("SELECT to_regclass(:n)"), {"n": f"public.{name}"}) is not None:
        return 0
    start, end = month_start(month), month_start(next_month(month))
    connection.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    connection.execute(sa.text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS)"))
    default = f"{table}_default"
    # identifiers come from PARTITIONED and partition_name, never from input; the bounds are parameters
    in_range = f"{column} >= CAST(:start AS timestamptz) AND {column} < CAST(:end AS timestamptz)"
    bounds = {"start": start, "end": end}
    if connection.scalar(sa.text(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {in_range})"), bounds):  # noqa: S608
        # a row of this month came before its partition: move it, or ATTACH would refuse. The audit trail's
        # append-only trigger refuses the DELETE, so it is off for this transaction only (DDL is transactional:
        # no other session ever sees it off). The rows move unchanged.
        connection.execute(sa.text(f"INSERT INTO {name} SELECT * FROM {default} WHERE {in_range}"), bounds)  # noqa: S608
        connection.execute(sa.text(f"ALTER TABLE {default} DISABLE TRIGGER USER"))
        connection.execute(sa.text(f"DELETE FROM {default} WHERE {in_range}"), bounds)  # noqa: S608
        connection.execute(sa.text(f"ALTER TABLE {default} ENABLE TRIGGER USER"))
    connection.execute(sa.text(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ('{start}') TO ('{end}')"))
    return 1


def ensure_partitions(now, months_ahead=MONTHS_AHEAD):
    """Create the partitions of the current month and the next `months_ahead` (a scheduled job); return how many."""
    connection = db.session.connection()
    created = 0
    local = now.astimezone(LOCAL)
    month = date(local.year, local.month, 1)
    for table in PARTITIONED:
        if not is_partitioned(connection, table):
            continue
        current = month
        for _ in range(months_ahead + 1):
            created += create_month(connection, table, current)
            current = next_month(current)
    db.session.commit()
    return created


def detach_month(month, now, tables=tuple(PARTITIONED)):
    """Detach a past month's partitions (kept as plain tables for archiving); return the detached table names.

    :raises PartitionError: no partitioning here, the month is not over yet, or it has no partition.
    """
    connection = db.session.connection()
    local = now.astimezone(LOCAL)
    if next_month(month) > date(local.year, local.month, 1):
        raise PartitionError(f"{month:%Y-%m} is not over yet: only past months are detached")
    detached = []
    for table in tables:
        if not is_partitioned(connection, table):
            raise PartitionError(f"{table} is not partitioned (partitions exist only on PostgreSQL after migrating)")
        name = partition_name(table, month)
        if name not in {p.name for p in list_partitions(connection, table)}:
            raise PartitionError(f"{table} has no attached partition for {month:%Y-%m}")
        connection.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        connection.execute(sa.text(f"ALTER TABLE {table} DETACH PARTITION {name}"))
        detached.append(name)
    db.session.commit()
    return detached
