"""The crossing benchmark's statement count: how many SQL statements one `arrived` event costs, counted in the app.

    python -m bench._crossing_count --token T --walk-in FILE --booked FILE [--events 20] [--show]

runs in the benchmark's environment (DATABASE_URL of its database, BORDER_TRADE_ENV=production): builds the app as
gunicorn does (`wsgi:app`), listens to its engine and pool (SQLAlchemy events, in this process only: the
served app counts nothing), and posts `arrived` for the first `--events` shipments of each file through the Flask
test client, as the load generator would (bearer token, fresh Idempotency-Key). Prints JSON: per kind of arrival,
the statements of one event (median), split into SQL statements, BEGIN/COMMIT/ROLLBACK and pool pings, each
answer's status, and with --show the statements of the last event.

The shipments it uses must not be used by the load phases (the benchmark gives it the end of each pool).
"""

import argparse
import json
import statistics
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class StatementCounter:
    """Count what reaches the database through one engine: statements, transaction control and pool pings."""

    def __init__(self, engine):
        import sqlalchemy as sa

        self.counts = Counter()
        self.statements = []
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        sa.event.listen(engine, "begin", lambda connection: self._count("begin"))
        sa.event.listen(engine, "commit", lambda connection: self._count("commit"))
        sa.event.listen(engine, "rollback", lambda connection: self._count("rollback"))
        ping = engine.dialect.do_ping  # the pool's liveness check ("SELECT 1", below the cursor events)

        def counted_ping(dbapi_connection):
            self._count("ping")
            return ping(dbapi_connection)

        engine.dialect.do_ping = counted_ping

    def _statement(self, connection, cursor, statement, parameters, context, executemany):
        self.counts["sql"] += 1
        self.statements.append(" ".join(statement.split())[:160])

    def _count(self, kind):
        self.counts[kind] += 1
        self.statements.append(kind.upper())

    def start(self):
        self.counts.clear()
        self.statements = []

    def total(self):
        return sum(self.counts.values())


def count(app, counter, token, pool, events):
    from bench._crossing_world import GATE

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    totals, parts, statuses, last = [], Counter(), Counter(), []
    for item in pool[:events]:
        reference, _sep, plate = item.partition("|")
        body = {"shipment": reference, "event": "arrived", "occurred_at": datetime.now(UTC).isoformat()}
        if plate:
            body["plate"] = plate
        counter.start()
        response = client.post(
            f"/api/v1/gates/{GATE}/crossings", json=body, headers=headers | {"Idempotency-Key": uuid.uuid4().hex}
        )
        statuses[str(response.status_code)] += 1
        totals.append(counter.total())
        parts.update(counter.counts)
        last = counter.statements
    n = max(len(totals), 1)
    return {
        "statements": statistics.median(totals) if totals else 0,
        "min": min(totals, default=0),
        "max": max(totals, default=0),
        "per_event": {kind: round(value / n, 2) for kind, value in sorted(parts.items())},
        "statuses": dict(statuses),
        "last": last,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--token", required=True)
    parser.add_argument("--walk-in", required=True, help="file of references (one a line)")
    parser.add_argument("--booked", help="file of reference|plate")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--show", action="store_true", help="keep the statements of the last event of each kind")
    options = parser.parse_args()

    from border_trade.extensions import db
    from wsgi import app

    with app.app_context():
        counter = StatementCounter(db.engine)
    result = {}
    for kind, path in (("walk_in", options.walk_in), ("booked", options.booked)):
        if path:
            result[kind] = count(app, counter, options.token, Path(path).read_text().split(), options.events)
            if not options.show:
                del result[kind]["last"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
