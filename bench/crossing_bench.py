"""Benchmark the gate API: `arrived` crossings against a bare one-row-insert endpoint on the same stack.

    .venv/bin/python bench/crossing_bench.py [--rate 100] [--duration 20] [--max-duration 20] [--write-docs]

What it does, bounded in time and cleaning up after itself:

1. creates a fresh PostgreSQL database on 127.0.0.1 (user postgres), `flask db upgrade`s it, loads the
   reference data and seeds one gate officer with an API token and thousands of submitted shipments for Mộc Bài,
   with their goods lines and papers, from the seed factory (bench/_crossing_world.py);
2. for border-trade (`wsgi:app`) and then the baseline (`bench/baseline_app.py`): starts gunicorn with the
   repository's gunicorn.conf.py and 2 workers, BORDER_TRADE_ENV=production, on a free 127.0.0.1 port;
   warms it up; a load generator in another process posts `arrived` events (a fresh shipment and a fresh
   Idempotency-Key each) at a fixed rate, then as fast as a fixed number of connections allow;
3. prints events/s and p50/p99 latency for both and the ratio; drops the database and stops every process.

Latency at the fixed rate is measured from the moment each request was due (open loop), so a server that
falls behind shows it in its p99 instead of slowing the generator down. The load generator is
bench/_crossing_load.py, the processes bench/_crossing_setup.py, the figures bench/_crossing_report.py.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench.` imports from the root

from bench._crossing_load import load
from bench._crossing_report import report, summarise, verify, write_docs
from bench._crossing_setup import HOST, PYTHON, Gunicorn, bench_env, create_database, drop_database, step
from bench._crossing_world import GATE

HARD_LIMIT_SECONDS = 900  # the whole run, whatever happens
TARGETS = {
    "border-trade": {
        "wsgi": "wsgi:app",
        "path": f"/api/v1/gates/{GATE}/crossings",
        "health": "/api/v1/health",
    },
    "baseline": {
        "wsgi": "bench.baseline_app:app",
        "path": "/baseline/crossings",
        "health": "/baseline/health",
    },
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=100, help="requests per second in the fixed-rate phase")
    parser.add_argument("--duration", type=float, default=20, help="seconds of the fixed-rate phase")
    parser.add_argument("--max-duration", type=float, default=20, help="seconds of the max-throughput phase")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections at max throughput")
    parser.add_argument("--shipments", type=int, default=14000, help="submitted shipments to seed")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn worker (1: the sync workers of gunicorn.conf.py)"
    )
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()

    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(HARD_LIMIT_SECONDS)
    workdir = Path(tempfile.mkdtemp(prefix="bt-bench-"))
    database = f"bt_bench_{os.getpid()}_{secrets.token_hex(3)}"
    servers = []
    try:
        env = bench_env(database, workdir)
        create_database(database)
        step("migrating", [str(PYTHON), "-m", "flask", "--app", "border_trade", "db", "upgrade"], env, 300)
        seeded = json.loads(
            step(
                "seeding",
                [str(PYTHON), "-m", "bench._crossing_world", "--shipments", str(args.shipments), "--out", str(workdir)],
                env,
                600,
            )
        )
        print(f"seeded {seeded['shipments']} submitted shipments for {GATE}", flush=True)
        references = Path(seeded["references"]).read_text().split()
        # the baseline needs no real shipment: it gets made-up references of the same shape
        made_up = [f"BT-2099-{n:06d}" for n in range(1, 200_001)]
        results = {}
        loads = {"before": os.getloadavg()[0]}
        for name, target in TARGETS.items():
            pool = references if name == "border-trade" else made_up
            cursor = 0
            server = Gunicorn(name, target["wsgi"], env, workdir, args.threads)
            servers.append(server)
            server.start()
            server.wait_ready(target["health"])
            url = f"http://{HOST}:{server.port}{target['path']}"
            warm = load(url, seeded["token"], pool, cursor, "max", duration=3, connections=4)
            cursor += warm["sent"]
            fixed = load(url, seeded["token"], pool, cursor, "rate", duration=args.duration, rate=args.rate)
            cursor += fixed["sent"]
            flat_out = load(
                url, seeded["token"], pool, cursor, "max", duration=args.max_duration, connections=args.connections
            )
            server.stop()
            results[name] = {"warm": warm, "fixed": fixed, "max": flat_out}
            loads[name] = os.getloadavg()[0]
            report(name, results[name], args.rate)
        counts = verify(env)
        summary = summarise(results, args, counts, loads)
        print(summary["text"], flush=True)
        if args.write_docs:
            write_docs(summary["heading"], summary["markdown"])
            print("docs/benchmarks.md updated", flush=True)
    finally:
        for server in servers:
            server.stop()
        drop_database(database)
        shutil.rmtree(workdir, ignore_errors=True)
        signal.alarm(0)


def _too_long(signum, frame):
    raise TimeoutError(f"the benchmark ran longer than {HARD_LIMIT_SECONDS} s")


if __name__ == "__main__":
    main()
