"""Time the one-year `group_by=gate,month` volume report through the API against `SELECT count(*)` of the events.

    python bench/report_bench.py [N] [--runs R] [--keep] [--write-docs]

Creates a fresh PostgreSQL database, migrates it (`flask db upgrade`), seeds the reference data and N benchmark
shipments (`flask seed --bench N`, default 200,000), folds the events into the daily figures (`flask reports
fold`, what the scheduler's report_figures job does every minute), then runs, alternately, R times each (default
15): the report through the HTTP API (Flask test client, an admin's bearer token; it reads the daily figures),
the floor of issue 20 (one `SELECT count(*) FROM shipment_events`), and the same report as one hand-written SQL
query over the shipments (what reading history costs). It prints the medians and the ratios API / count(*) and
API / history. The database is dropped at the end (unless --keep).
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

# The same figures as /api/v1/reports/volume?group_by=gate,month read from history: crossings counted on their
# local day, each converted at that day's rates (the latest on or before it) and rounded like shipment totals,
# then summed; truck trips (distinct plate, gate and day; a plateless shipment on its own); a totals row through
# GROUPING SETS.
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
           CASE WHEN s.vehicle_plate IS NOT NULL THEN r.day::text || '|' || s.gate_id || '|' || s.vehicle_plate END
               AS trip,
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
       count(DISTINCT f.trip) + count(*) - count(f.plate) AS trucks,
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
        fold_s = run([*flask, "reports", "fold"], env, "flask reports fold")
        load_before = os.getloadavg()[0]
        results = measure(url, args.runs)
        results.update(
            shipments=args.shipments,
            migrate_s=migrate_s,
            seed_s=seed_s,
            fold_s=fold_s,
            load=(load_before, os.getloadavg()[0]),
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
            "figures": db.session.scalar(sa.text("SELECT count(*) FROM report_daily")),
            "gate_days": db.session.scalar(sa.text("SELECT count(*) FROM report_daily_trips")),
            "goods_figures": db.session.scalar(sa.text("SELECT count(*) FROM report_goods_daily")),
            "goods_shared": db.session.scalar(sa.text("SELECT count(*) FROM report_goods_shared_shipments")),
            "goods_trips": db.session.scalar(sa.text("SELECT count(*) FROM report_goods_shared_trips")),
        }
    client = app.test_client()
    path = f"/api/v1/reports/volume?from={start}&to={today}&group_by=gate,month"
    headers = {"Authorization": f"Bearer {token}"}
    first = datetime.combine(start, datetime.min.time(), LOCAL)
    after = datetime.combine(today + timedelta(days=1), datetime.min.time(), LOCAL)
    params = {"start": start, "end": today, "first": first, "after": after}

    api_ms, sql_ms, count_ms = [], [], []
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
            began = time.perf_counter()
            connection.execute("SELECT count(*) FROM shipment_events").fetchone()
            connection.rollback()
            count = (time.perf_counter() - began) * 1000
            if attempt >= 2:
                api_ms.append(api)
                sql_ms.append(sql)
                count_ms.append(count)
    body = response.get_json()
    totals = rows[-1]
    assert body["totals"]["shipments"] == totals[2], (body["totals"], totals)
    assert body["totals"]["value_usd"] == f"{totals[7]:.2f}", (body["totals"], totals)
    assert body["totals"]["value_vnd"] == f"{totals[6]:.0f}", (body["totals"], totals)
    assert body["totals"]["trucks"] == totals[3], (body["totals"], totals)
    assert len(body["rows"]) == len(rows) - 1
    goods = goods_reports(app, client, headers, start, today, runs)
    return {
        **goods,
        "period": f"{start} – {today}",
        "rows": len(body["rows"]),
        "crossings": body["totals"]["shipments"],
        "api_ms": statistics.median(api_ms),
        "sql_ms": statistics.median(sql_ms),
        "api_min_ms": min(api_ms),
        "sql_min_ms": min(sql_ms),
        "count_ms": statistics.median(count_ms),
        "count_min_ms": min(count_ms),
        "runs": runs,
        **counts,
    }


def _measured(totals):
    return totals.shipments, totals.trucks, totals.value_usd


def goods_reports(app, client, headers, start, today, runs):
    """Time the one-year OCOP report and the volume report by product group and month, from the goods figures,
    against the same answers read from the goods lines (checked equal): {name_ms, name_live_ms}."""
    from dataclasses import replace

    from border_trade.reports.queries import Criteria, live_volume
    from border_trade.reports.queries.ocop import ocop_lines

    period = f"from={start}&to={today}"
    year = Criteria(start=start, end=today)
    every_day = frozenset(start + timedelta(days=n) for n in range((today - start).days + 1))
    exports = replace(year, direction="export", days=every_day)
    cases = {
        "ocop": (
            f"/api/v1/reports/ocop?{period}&group_by=origin_province",
            lambda: ocop_lines(exports, ("origin_province",))[1][:2],
            lambda body: (body["totals"]["shipments"], body["totals"]["value_usd"]),
        ),
        "goods": (
            f"/api/v1/reports/volume?{period}&group_by=product_group,month",
            lambda: _measured(live_volume(year, ("product_group", "month"))[1]),
            lambda body: (body["totals"]["shipments"], body["totals"]["trucks"], body["totals"]["value_usd"]),
        ),
    }
    results = {}
    for name, (path, live, totals) in cases.items():
        api_ms, live_ms = [], []
        for attempt in range(runs + 1):  # one warm-up round
            began = time.perf_counter()
            response = client.get(path, headers=headers)
            api = (time.perf_counter() - began) * 1000
            assert response.status_code == 200, response.get_data(as_text=True)[:500]
            with app.app_context():
                began = time.perf_counter()
                expected = live()
                history = (time.perf_counter() - began) * 1000
            if attempt >= 1:
                api_ms.append(api)
                live_ms.append(history)
        got = totals(response.get_json())
        assert tuple(str(v) for v in got) == tuple(str(v) for v in expected), (name, got, expected)
        results[f"{name}_ms"] = statistics.median(api_ms)
        results[f"{name}_live_ms"] = statistics.median(live_ms)
    return results


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
    floor = r["api_ms"] / r["count_ms"]
    history = r["api_ms"] / r["sql_ms"]
    measured = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    seeded = (
        f"{r['shipments']:,} shipments, {r['items']:,} goods lines, {r['events']:,} events "
        f"in {r['seed_s']:.0f} s (migrations {r['migrate_s']:.0f} s)"
    )
    folded = (
        f"{r['fold_s']:.0f} s: {r['figures']:,} rows by key, {r['gate_days']:,} by gate and day, "
        f"{r['goods_figures']:,} by goods key ({r['goods_shared']:,} shared shipments, {r['goods_trips']:,} plates)"
    )
    section = f"""## Provincial reports

`.venv/bin/python bench/report_bench.py [N] --write-docs` rewrites this section. It creates a fresh PostgreSQL
database on 127.0.0.1, runs `flask db upgrade`, `flask seed --bench N` and `flask reports fold` (the first fold
reads every crossing into the daily figures; afterwards the scheduler's `report_figures` job folds what changed
each minute, docs/aggregates.md), then asks for the one-year volume report by gate and month
(`GET /api/v1/reports/volume?from=…&to=…&group_by=gate,month`, an admin's bearer token, Flask test client in
the same process), counts the rows of `shipment_events` (`count(*)`, the floor of issue 20), runs the report as
one hand-written SQL query over the shipments (what reading history costs; psycopg, same server), alternately,
{r["runs"]} times each after two warm-up rounds. The API and the SQL give the same rows and totals (checked:
shipments, truck trips, VND and USD). The database is dropped afterwards.

Measured {measured} on {machine()}.
Load average (1 min) of the machine: {r["load"][0]:.1f} before the runs, {r["load"][1]:.1f} after.

| step | result |
| --- | --- |
| `flask seed --bench {r["shipments"]}` | {seeded} |
| `flask reports fold` (first, every day) | {folded} |
| one-year report {r["period"]} | {r["rows"]} rows (gate × month) and a totals row over {r["crossings"]:,} crossings |
| API from the daily figures, median (fastest) | {r["api_ms"]:.0f} ms ({r["api_min_ms"]:.0f} ms) |
| `count(*)` of `shipment_events`, median (fastest) | {r["count_ms"]:.0f} ms ({r["count_min_ms"]:.0f} ms) |
| hand-written SQL over the shipments, median (fastest) | {r["sql_ms"]:.0f} ms ({r["sql_min_ms"]:.0f} ms) |
| OCOP report by origin, figures / goods lines, median | {r["ocop_ms"]:.0f} ms / {r["ocop_live_ms"]:.0f} ms |
| by product group and month, figures / goods lines, median | {r["goods_ms"]:.0f} ms / {r["goods_live_ms"]:.0f} ms |

- API under 300 ms: **{r["api_ms"]:.0f} ms** ({"met" if r["api_ms"] < 300 else "NOT met"}).
- API / count(*) of the events: **{floor:.2f}×** (issue 20 asks ≤ 1.0×: {"met" if floor <= 1.0 else "NOT met"}).
- API / the same report read from history: **{history:.2f}×**.

The API's time no longer grows with the events kept: this report reads one row per gate and day of the period
(`report_daily_trips`), plus, for the days not folded yet (today's last minutes, a late event), the shipments
of those days only; split by direction, regime or exporter it reads one row per day and key (`report_daily`).
Reports grouped by a goods attribute (product group, HS chapter, OCOP stars, product) and the OCOP report read
the daily goods figures (one row per day and goods key, docs/aggregates.md); "goods lines" above is the same
answer read from history in the same process (the API's answer is checked equal to it).
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
    floor = r["api_ms"] / r["count_ms"]
    print(
        f"\nseeded {r['shipments']:,} shipments ({r['items']:,} goods lines, {r['events']:,} events) "
        f"in {r['seed_s']:.0f} s (migrations {r['migrate_s']:.0f} s); first fold {r['fold_s']:.0f} s "
        f"({r['figures']:,} rows by key, {r['gate_days']:,} by gate and day)\n"
        f"one-year report {r['period']}, group_by=gate,month: {r['rows']} rows, {r['crossings']:,} crossings\n"
        f"median of {r['runs']} runs: API {r['api_ms']:.0f} ms, count(*) of the events {r['count_ms']:.0f} ms, "
        f"hand-written SQL over history {r['sql_ms']:.0f} ms\n"
        f"ratio API / count(*) {floor:.2f} (fastest: API {r['api_min_ms']:.0f} ms, count {r['count_min_ms']:.0f} ms), "
        f"API / history {r['api_ms'] / r['sql_ms']:.2f}\n"
        f"goods figures ({r['goods_figures']:,} rows, {r['goods_shared']:,} shared shipments): OCOP by origin "
        f"{r['ocop_ms']:.0f} ms (goods lines {r['ocop_live_ms']:.0f} ms), volume by product group and month "
        f"{r['goods_ms']:.0f} ms (goods lines {r['goods_live_ms']:.0f} ms)\n"
        f"targets: API under 300 ms {'met' if r['api_ms'] < 300 else 'MISSED'}, "
        f"at most 1.0x the count(*) {'met' if floor <= 1.0 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
