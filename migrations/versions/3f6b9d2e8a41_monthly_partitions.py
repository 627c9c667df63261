"""monthly partitions of shipment_events and audit_entries on PostgreSQL (issue 20); nothing on SQLite

Each table is rebuilt as PARTITION BY RANGE on its time column (`occurred_at`, `at`): one partition per month of
Viet Nam's time (UTC+07:00) that holds rows, the current month and the next three, and a default partition.
The primary key becomes (id, time column), as PostgreSQL requires of a partitioned table's unique constraints;
`id` keeps its column default on the same sequence (now owned by the new table), so `INSERT … RETURNING id`
works as before. Uniqueness of `id` alone is kept by the sequence, no longer by a constraint. No foreign key
references either table's id, so none had to change. Indexes, foreign keys and triggers (the audit trail's
append-only trigger) are read from the old table and recreated on the new one, after the rows are copied.
The downgrade rebuilds plain tables with the rows of the attached partitions (a detached, archived month stays
where the operator put it). The models do not change: SQLite keeps plain tables.

Revision ID: 3f6b9d2e8a41
Revises: 3f6a2b9c8d41
Create Date: 2026-12-03 18:10:00

"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3f6b9d2e8a41"
down_revision = "3f6a2b9c8d41"
branch_labels = None
depends_on = None

TABLES = {"shipment_events": "occurred_at", "audit_entries": "at"}
MONTHS_AHEAD = 3
ZONE = "Asia/Ho_Chi_Minh"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in TABLES.items():
        _rebuild(table, column, partitioned=True)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in TABLES.items():
        _rebuild(table, column, partitioned=False)


def _rebuild(table, column, *, partitioned):
    bind = op.get_bind()
    # copying millions of rows and building their indexes takes minutes: the application's statement timeout
    # (STATEMENT_TIMEOUT_MS, which `flask db upgrade` inherits from the app's engine) would cancel it
    op.execute("SET LOCAL statement_timeout = 0")
    old = f"{table}_old"
    regclass = f"public.{table}"
    # the definitions name the table as it is now: read them before renaming it
    indexes = bind.execute(
        sa.text(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = to_regclass(:t) AND NOT i.indisprimary ORDER BY c.relname"
        ),
        {"t": regclass},
    ).all()
    constraints = bind.execute(
        sa.text(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = to_regclass(:t) AND contype IN ('f', 'u', 'c') AND coninhcount = 0 ORDER BY conname"
        ),
        {"t": regclass},
    ).all()
    triggers = (
        bind.execute(
            sa.text(
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = to_regclass(:t) AND NOT tgisinternal"
            ),
            {"t": regclass},
        )
        .scalars()
        .all()
    )
    sequence = bind.scalar(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table})

    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    for name, _definition in constraints:
        op.execute(f'ALTER TABLE {old} DROP CONSTRAINT "{name}"')
    op.execute(f"ALTER TABLE {old} DROP CONSTRAINT pk_{table}")
    for name, _definition in indexes:
        op.execute(f'DROP INDEX "{name}"')
    if partitioned:
        op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS) PARTITION BY RANGE ({column})")
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        for month in _months(bind, old, column):
            name = f"{table}_y{month.year:04d}m{month.month:02d}"
            op.execute(
                f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM ('{_start(month)}') TO ('{_start(_next(month))}')"
            )
    else:
        op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS)")
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")  # noqa: S608 (names from TABLES)
    key = f"id, {column}" if partitioned else "id"
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    for _name, definition in indexes:
        op.execute(definition.replace(" ON ONLY ", " ON "))  # a partitioned table's own index reads "ON ONLY"
    for name, definition in constraints:
        op.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for definition in triggers:
        op.execute(definition)  # the old table's trigger goes with it
    if sequence:
        op.execute(f"ALTER SEQUENCE {sequence} OWNED BY {table}.id")
    op.execute(f"DROP TABLE {old} CASCADE")  # CASCADE: its partitions, when it was the partitioned one
    op.execute(f"ANALYZE {table}")


def _months(bind, table, column):
    """The months (local time) that hold rows, and the current month and the next MONTHS_AHEAD."""
    held = bind.execute(
        sa.text(f"SELECT DISTINCT date_trunc('month', {column} AT TIME ZONE '{ZONE}')::date FROM {table}")  # noqa: S608
    ).scalars()
    today = datetime.now(ZoneInfo(ZONE)).date()
    month = date(today.year, today.month, 1)
    ahead = set()
    for _ in range(MONTHS_AHEAD + 1):
        ahead.add(month)
        month = _next(month)
    return sorted(set(held) | ahead)


def _start(month):
    return f"{month.isoformat()} 00:00:00+07:00"


def _next(month):
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)
