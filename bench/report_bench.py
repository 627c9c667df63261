"""Time the one-year `group_by=gate,month` volume report through the API next to the same aggregate in one SQL query.

    python bench/report_bench.py [N] [--runs R] [--keep] [--write-docs]

Creates a fresh PostgreSQL database, migrates it (`flask db upgrade`), seeds the reference data and N benchmark
shipments (`flask seed --bench N`, default 200,000), then runs the report R times (default 15) through the HTTP API
(Flask test client, an admin's bearer token) and as one hand-written SQL query, alternately, and prints the
median milliseconds of each and their ratio. The database is dropped at the end (unless --keep).
With --write-docs the figures replace the "Provincial reports" section of docs/benchmarks.md (other sections stay).

The server is taken from BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

# The same figures as /api/v1/reports/volume?group_by=gate,month: crossings counted on their local day,
# each converted at that day's rates (the latest on or before it) and rounded like shipment totals, then summed;
# distinct plates as trucks; a totals row through GROUPING SETS.
HAND_WRITTEN_SQL = """
WITH rates AS MATERIALIZED (
    SELECT d::date AS day,
           (SELECT vnd_per_unit FROM exchange_rates
             WHERE currency = 'USD' AND rate_on <= d::date ORDER BY rate_on DESC LIMIT 1) AS usd,
           (SELECT vnd_per_unit FROM exchange_rates
             WHERE currency = 'KHR' AND rate_on <= d::date ORDER BY rate_on DESC LIMIT 1) AS khr
      FROM generate_series(%(start)s::timestamp, %(end)s::timestamp, interval '1 day') AS d
), facts AS (
    SELECT s.gate_id AS gate_id,
           date_trunc('month', r.day)::date AS month,
           s.vehicle_plate AS plate,
           s.gross_weight_kg AS gross,
           s.net_weight_kg AS net,
           r.usd AS usd_rate,
           round(s.value * CASE s.currency WHEN 'VND' THEN 1 WHEN 'USD' THEN r.usd WHEN 'KHR' THEN r.khr END) AS vnd
      FROM shipments AS s
      JOIN rates AS r ON r.day = (s.crossed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
     WHERE s.crossed_at >= %(first)s AND s.crossed_at < %(after)s
)
SELECT g.code AS gate,
       to_char(f.month, 'YYYY-MM') AS month,
       count(*) AS shipments,
       count(DISTINCT f.plate) + count(*) - count(f.plate) AS trucks,
       sum(f.gross) AS gross_weight_kg,
       sum(f.net) AS net_weight_kg,
       sum(CASE WHEN f.usd_rate IS NOT NULL THEN f.vnd END) AS value_vnd,
       sum(round(f.vnd / f.usd_rate, 2)) AS value_usd,
       count(*) - count(f.vnd / f.usd_rate) AS missing_rates
  FROM facts AS f
  JOIN gates AS g ON g.id = f.gate_id
 GROUP BY GROUPING SETS ((g.code, f.month), ())
 ORDER BY g.code NULLS LAST, f.month
"""


def libpq_url(url):
    return url.replace("postgresql+psycopg://", "postgresql://")


def run(command, env, label):
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shipments", nargs="?", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    parser.add_argument("--write-docs", action="store_true", help="write the figures to docs/benchmarks.md")
    args = parser.parse_args()

    import psycopg

    name = f"border_trade_bench_{os.getpid()}"
    server = libpq_url(SERVER)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    print(f"database: {url}", flush=True)
    try:
        env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "border_trade", "BORDER_TRADE_ENV": "development"}
        flask = [sys.executable, "-m", "flask", "--app", "border_trade"]
        migrate_s = run([*flask, "db", "upgrade"], env, "flask db upgrade")
        seed_s = run([*flask, "seed", "--bench", str(args.shipments)], env, f"flask seed --bench {args.shipments}")
        load_before = os.getloadavg()[0]
        results = measure(url, args.runs)
        results.update(
            shipments=args.shipments, migrate_s=migrate_s, seed_s=seed_s, load=(load_before, os.getloadavg()[0])
        )
        report(results)
        if args.write_docs:
            write_docs(results)
    finally:
        if not args.keep:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"dropped {name}")


def measure(url, runs):
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    import psycopg
    import sqlalchemy as sa

    from border_trade import create_app
    from border_trade.auth.models import Role, User
    from border_trade.auth.passwords import hash_password
    from border_trade.auth.tokens import new_token
    from border_trade.extensions import db
    from config import DevelopmentConfig

    class BenchConfig(DevelopmentConfig):
        DEBUG = False
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False

    app = create_app(BenchConfig)
    today = datetime.now(UTC).astimezone(LOCAL).date()
    start = today.replace(year=today.year - 1) + timedelta(days=1)
    with app.app_context():
        admin = User(
            email="bench@example.test", name="Bench", role=Role.ADMIN, password_hash=hash_password("bench" * 4)
        )
        db.session.add(admin)
        db.session.commit()
        token, _record = new_token(admin)
        db.session.commit()
        counts = {
            "events": db.session.scalar(sa.text("SELECT count(*) FROM shipment_events")),
            "items": db.session.scalar(sa.text("SELECT count(*) FROM shipment_items")),
        }
    client = app.test_client()
    path = f"/api/v1/reports/volume?from={start}&to={today}&group_by=gate,month"
    headers = {"Authorization": f"Bearer {token}"}
    first = datetime.combine(start, datetime.min.time(), LOCAL)
    after = datetime.combine(today + timedelta(days=1), datetime.min.time(), LOCAL)
    params = {"start": start, "end": today, "first": first, "after": after}

    api_ms, sql_ms = [], []
    with psycopg.connect(libpq_url(url)) as connection:
        connection.execute("SET jit = off")  # as the report queries set for their own transaction
        connection.execute("SET work_mem = '64MB'")
        connection.execute("SET enable_mergejoin = off")
        connection.commit()
        for attempt in range(runs + 2):  # two warm-up rounds
            began = time.perf_counter()
            response = client.get(path, headers=headers)
            api = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            began = time.perf_counter()
            rows = connection.execute(HAND_WRITTEN_SQL, params).fetchall()
            connection.rollback()
            sql = (time.perf_counter() - began) * 1000
            if attempt >= 2:
                api_ms.append(api)
                sql_ms.append(sql)
    body = response.get_json()
    totals = rows[-1]
    assert body["totals"]["shipments"] == totals[2], (body["totals"], totals)
    assert body["totals"]["value_usd"] == f"{totals[7]:.2f}", (body["totals"], totals)
    assert body["totals"]["value_vnd"] == f"{totals[6]:.0f}", (body["totals"], totals)
    assert len(body["rows"]) == len(rows) - 1
    return {
        "period": f"{start} – {today}",
        "rows": len(body["rows"]),
        "crossings": body["totals"]["shipments"],
        "api_ms": statistics.median(api_ms),
        "sql_ms": statistics.median(sql_ms),
        "api_min_ms": min(api_ms),
        "sql_min_ms": min(sql_ms),
        "runs": runs,
        **counts,
    }


def machine():
    import platform

    import psycopg

    with psycopg.connect(libpq_url(SERVER)) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()} · {os.cpu_count()} cores · {platform.machine()} · {memory:.1f} GiB RAM · "
        f"Python {platform.python_version()} · PostgreSQL {version}"
    )


def write_docs(r):
    """Replace (or add) the "Provincial reports" section of docs/benchmarks.md with these figures."""
    ratio = r["api_ms"] / r["sql_ms"]
    measured = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    seeded = (
        f"{r['shipments']:,} shipments, {r['items']:,} goods lines, {r['events']:,} events "
        f"in {r['seed_s']:.0f} s (migrations {r['migrate_s']:.0f} s)"
    )
    section = f"""## Provincial reports

`.venv/bin/python bench/report_bench.py [N] --write-docs` rewrites this section. It creates a fresh PostgreSQL
database on 127.0.0.1, runs `flask db upgrade` and `flask seed --bench N`, then asks for the one-year volume
report by gate and month (`GET /api/v1/reports/volume?from=…&to=…&group_by=gate,month`, an admin's bearer
token, Flask test client in the same process) and runs the same aggregate as one hand-written SQL query
(psycopg, same server), alternately, {r["runs"]} times each after two warm-up rounds. Both convert every
shipment at its crossing day's rates and count distinct trucks; both run with the settings the report
queries set for their transaction (`jit = off`, `work_mem = 64MB`, `enable_mergejoin = off`). The
database is dropped afterwards.

Measured {measured} on {machine()}.
Load average (1 min) of the machine: {r["load"][0]:.1f} before the runs, {r["load"][1]:.1f} after.

| step | result |
| --- | --- |
| `flask seed --bench {r["shipments"]}` | {seeded} |
| one-year report {r["period"]} | {r["rows"]} rows (gate × month) and a totals row over {r["crossings"]:,} crossings |
| API, median (fastest) | {r["api_ms"]:.0f} ms ({r["api_min_ms"]:.0f} ms) |
| hand-written SQL, median (fastest) | {r["sql_ms"]:.0f} ms ({r["sql_min_ms"]:.0f} ms) |

- API under 300 ms: **{r["api_ms"]:.0f} ms** ({"met" if r["api_ms"] < 300 else "NOT met"}).
- API / SQL: **{ratio:.2f}×** (aim ≤ 1.5×: {"met" if ratio <= 1.5 else "NOT met"}).

What EXPLAIN ANALYZE showed, and the choices made from it: the year holds about 40 % of the shipments, so
PostgreSQL scans `shipments` sequentially (a month uses `ix_shipments_crossed_at`, a gate and a month a bitmap
AND with `ix_shipments_gate_id`, about 15 ms); a covering index on `crossed_at` made that scan index-only
but the report no faster, so no index was added. The rates of the period's days are looked up once
(a materialised CTE over an integer series) and hashed; left to itself the planner chose a merge join that
sorted every crossing by day, and JIT compilation cost more than it saved, hence the three settings. The
largest remaining cost is the sort behind the distinct count of trucks: without it the query takes about
half the time. Each shipment is converted and rounded on its own (as its totals are), so totals equal the sum
of their rows under any grouping; a pre-aggregated daily table could not keep that and the distinct trucks.
"""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find("## Provincial reports")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + 3)
        text = text[:start] + section + ("\n" + text[following + 1 :] if following != -1 else "")
    path.write_text(text, encoding="utf-8")
    print(f"wrote the figures to {path}")


def report(r):
    ratio = r["api_ms"] / r["sql_ms"]
    print(
        f"\nseeded {r['shipments']:,} shipments ({r['items']:,} goods lines, {r['events']:,} events) "
        f"in {r['seed_s']:.0f} s (migrations {r['migrate_s']:.0f} s)\n"
        f"one-year report {r['period']}, group_by=gate,month: {r['rows']} rows, {r['crossings']:,} crossings\n"
        f"median of {r['runs']} runs: API {r['api_ms']:.0f} ms, hand-written SQL {r['sql_ms']:.0f} ms, "
        f"ratio {ratio:.2f} (fastest: API {r['api_min_ms']:.0f} ms, SQL {r['sql_min_ms']:.0f} ms)\n"
        f"targets: API under 300 ms {'met' if r['api_ms'] < 300 else 'MISSED'}, "
        f"within 1.5x of the SQL {'met' if ratio <= 1.5 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
