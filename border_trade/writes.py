"""Writes held back and sent together: for a hot path (a gate event) whose writes nobody reads back before commit.

Inside `batched()` the write helpers of other domains (the audit trail, idempotency keys, webhook deliveries, a
versioned row's UPDATE) hand their statement to the batch instead of running it; `flush()` sends them all at once,
in the order they came: on PostgreSQL as **one** statement (each write a data-modifying CTE of one `WITH`), on
other databases one after the other. Outside a batch every helper runs its statement at once, as before.

The rule that makes it safe: nothing in the transaction reads back what the batch holds before `flush()` (a CTE
of a `WITH` does not see the others' rows either). A handler of a domain event published inside a batch gets the
objects it needs as arguments and reads only its own tables.

A part is `(key, factory, params)`: `factory(prefix)` returns the DML statement with every bind parameter named
`prefix + name`, `params` are the values by `name`, `key` names the statement's shape (the factory's result is
built once per key, and the combined statement once per sequence of keys). A part may be *checked*: it must
change exactly one row (a versioned UPDATE), else `flush()` raises StaleDataError.
"""

import functools
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from .extensions import db

_INFO_KEY = "border_trade.write_batch"


@dataclass(frozen=True, eq=False)
class Part:
    key: tuple
    factory: object  # callable(prefix) -> DML statement
    params: dict
    checked: bool = False  # must change exactly one row


@dataclass
class Batch:
    parts: list = field(default_factory=list)


@contextmanager
def batched():
    """Hold the write helpers' statements back until `flush()` (or drop them when the block raises)."""
    info = db.session.info
    if info.get(_INFO_KEY) is not None:  # nested: the outer batch collects
        yield info[_INFO_KEY]
        return
    batch = info[_INFO_KEY] = Batch()
    try:
        yield batch
    finally:
        info.pop(_INFO_KEY, None)


def is_batching():
    return db.session.info.get(_INFO_KEY) is not None


def write(key, factory, params, *, checked=False):
    """Run the statement now (outside a batch; return its result) or add it to the open batch (return None)."""
    part = Part(key, factory, params, checked)
    batch = db.session.info.get(_INFO_KEY)
    if batch is not None:
        batch.parts.append(part)
        return None
    result = db.session.connection().execute(_single(key, factory), params)
    _check(part, result.rowcount)
    return result


def flush():
    """Send the open batch's statements and empty it; StaleDataError when a checked part changed no row."""
    batch = db.session.info.get(_INFO_KEY)
    if batch is None or not batch.parts:
        return
    parts, batch.parts = batch.parts, []
    connection = db.session.connection()
    if connection.dialect.name != "postgresql" or len(parts) == 1:
        for part in parts:
            _check(part, connection.execute(_single(part.key, part.factory), part.params).rowcount)
        return
    params = {f"w{n}_{name}": value for n, part in enumerate(parts) for name, value in part.params.items()}
    counts = connection.execute(_combined(parts), params).one()
    checked = [part for part in parts if part.checked]
    for part, count in zip(checked, counts, strict=False):
        _check(part, count)


def commit_as_written():
    """Commit, leaving the session's objects as they are instead of expiring them all (`expire_on_commit`): for a
    request that ends with its commit and whose objects hold what was written (`update_versioned` sets them, the
    rest was read in this transaction). Expiring them costs a gate event ~0.1 ms for nothing read afterwards."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def update_versioned(obj, changes, *, key):
    """UPDATE a versioned row where its version is still the one read (the ORM's optimistic check), with `changes`
    and the next version; set the loaded object to the written values without making it dirty (the unit of work
    has nothing left to write for it). In a batch the UPDATE waits for `flush()`; the check happens there."""
    table = obj.__table__
    version = obj.version
    params = {**changes, "version": version + 1, "which": obj.id, "read_version": version}
    columns = tuple(sorted((*changes, "version")))
    write(
        ("update", table.name, columns, key), functools.partial(_update_factory, table, columns), params, checked=True
    )
    for name, value in (*changes.items(), ("version", version + 1)):
        set_committed_value(obj, name, value)


def insert_rows(table, rows, *, key):
    """INSERT rows with the same columns: one single-row statement each (a multi-row VALUES is never in
    SQLAlchemy's compiled cache; a batch sends them together anyway)."""
    columns = tuple(rows[0])
    factory = functools.partial(_insert_factory, table, columns)
    for row in rows:
        write(("insert", table.name, columns, key), factory, row)


def _insert_factory(table, columns, prefix):
    return table.insert().values({name: sa.bindparam(prefix + name, type_=table.c[name].type) for name in columns})


def _update_factory(table, columns, prefix):
    return (
        table.update()
        .where(table.c.id == sa.bindparam(prefix + "which"), table.c.version == sa.bindparam(prefix + "read_version"))
        .values({name: sa.bindparam(prefix + name, type_=table.c[name].type) for name in columns})
    )


def _check(part, rowcount):
    if part.checked and rowcount != 1:
        raise StaleDataError(f"{part.key[1]}: expected one row changed, got {rowcount}")


# statements built once per shape: a key (or a sequence of keys) names what the factories build
_SINGLE, _COMBINED = {}, {}


def _single(key, factory):
    statement = _SINGLE.get(key)
    if statement is None:
        statement = _SINGLE[key] = factory("")
    return statement


def _combined(parts):
    keys = tuple((part.key, part.checked) for part in parts)
    statement = _COMBINED.get(keys)
    if statement is None:
        statement = _COMBINED[keys] = _build_combined(parts)
    return statement


def _build_combined(parts):
    """WITH w0 AS (…), w1 AS (…) … SELECT (SELECT count(*) FROM <checked part>) …: one statement for the batch."""
    ctes, counted = [], []
    for n, part in enumerate(parts):
        statement = part.factory(f"w{n}_")
        if part.checked:
            statement = statement.returning(statement.table.c.id)
        cte = statement.cte(f"w{n}")
        ctes.append(cte)
        if part.checked:
            counted.append(sa.select(sa.func.count()).select_from(cte).scalar_subquery())
    # PostgreSQL runs the data-modifying CTEs the main query does not read after it, in the reverse of their order in
    # the WITH list (each is pushed to the front of a list as it is set up): listed last to first, they run first to
    # last, so rows of one table get their serial ids in the order they were written (an event's audit entries).
    # tests/test_writes.py holds PostgreSQL to it.
    return sa.select(*(counted or [sa.literal(0)])).add_cte(*reversed(ctes))
