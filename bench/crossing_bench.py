"""Benchmark the gate API: `arrived` crossings against a bare one-row-insert endpoint on the same stack.

    .venv/bin/python bench/crossing_bench.py [--rate 100] [--duration 20] [--max-duration 20] [--write-docs]

What it does, bounded in time and cleaning up after itself:

1. creates a fresh PostgreSQL database on 127.0.0.1 (user postgres), `flask db upgrade`s it, loads the
   reference data and seeds one gate officer with an API token and thousands of submitted shipments for Mộc Bài,
   with their goods lines and papers, from the seed factory (bench/_crossing_world.py): walk-ins, and as many
   again with a confirmed e-queue booking each (their trucks in the register);
2. starts `flask scheduler run` (its jobs run beside the app servers, as in production); for border-trade
   (`wsgi:app`) and then the baseline (`bench/baseline_app.py`): starts gunicorn with the
   repository's gunicorn.conf.py and 2 workers, BORDER_TRADE_ENV=production, on a free 127.0.0.1 port;
   warms it up; a load generator in another process posts `arrived` events (a fresh shipment and a fresh
   Idempotency-Key each) at a fixed rate, then as fast as a fixed number of connections allow; border-trade
   then does both again for booked trucks (the plate read on the truck, checked against the booking);
3. counts the SQL statements of one walk-in and one booked `arrived` in the app (bench/_crossing_count.py:
   SQLAlchemy event listeners in a process of its own, never in the served app);
4. prints events/s and p50/p99 latency for each, the ratios to the baseline measured in the same run and the
   statements per event; drops the database and stops every process.

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

from bench._crossing_load import combine, load
from bench._crossing_report import report, summarise, verify, write_docs
from bench._crossing_setup import (
    HOST,
    PYTHON,
    Gunicorn,
    Scheduler,
    bench_env,
    create_database,
    drop_database,
    install_app,
    stand_in_for_autovacuum,
    step,
)
from bench._crossing_world import GATE

HARD_LIMIT_SECONDS = 900  # the whole run, whatever happens
COUNTED = 20  # events of each kind whose statements are counted
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
    parser.add_argument("--rounds", type=int, default=4, help="turns of the max phase, the targets in rotation")
    parser.add_argument("--shipments", type=int, default=14000, help="submitted shipments (walk-ins) to seed")
    parser.add_argument("--booked", type=int, default=14000, help="booked submitted shipments to seed")
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
        install_app(env)
        seeded = json.loads(
            step(
                "seeding",
                [str(PYTHON), "-m", "bench._crossing_world", "--shipments", str(args.shipments),
                 "--booked", str(args.booked), "--out", str(workdir)],
                env,
                600,
            )
        )  # fmt: skip
        print(f"seeded {seeded['shipments']} walk-in and {seeded['booked']} booked shipments for {GATE}", flush=True)
        # the last few of each kind are kept for counting statements
        walk_ins, for_counting = _split(Path(seeded["references"]).read_text().split(), workdir / "count-walk-in.txt")
        booked, booked_for_counting = _split(
            Path(seeded["booked_references"]).read_text().split(), workdir / "count-booked.txt"
        )
        # the baseline needs no real shipment: it gets made-up references of the same shape
        made_up = [f"BT-2099-{n:06d}" for n in range(1, 200_001)]
        loads = {"before": os.getloadavg()[0]}
        urls = {}
        scheduler = Scheduler(env, workdir)  # its jobs run beside the app servers, as in production
        servers.append(scheduler)
        scheduler.start()
        for name, target in TARGETS.items():  # both servers up at once: an idle sync worker costs nothing
            server = Gunicorn(name, target["wsgi"], env, workdir, args.threads)
            servers.append(server)
            server.start()
            server.wait_ready(target["health"])
            urls[name] = f"http://{HOST}:{server.port}{target['path']}"
        # what each kind of request posts, and how far into its pool the runs have got
        kinds = {
            "border-trade": Pool(urls["border-trade"], walk_ins),
            "booked": Pool(urls["border-trade"], booked),
            "baseline": Pool(urls["baseline"], made_up),
        }
        results = {kind: {} for kind in kinds}
        for kind in ("border-trade", "baseline"):
            results[kind]["warm"] = kinds[kind].run(seeded["token"], "max", duration=3, connections=4)
        for kind, pool in kinds.items():
            loads["analysed"] = stand_in_for_autovacuum(database)  # before each phase: autovacuum's statistics
            results[kind]["fixed"] = pool.run(seeded["token"], "rate", duration=args.duration, rate=args.rate)
        loads["fixed"] = os.getloadavg()[0]
        # flat out in short turns, the three kinds in rotation: a shared machine's load changes during a run, and
        # the ratio compares figures measured under the same load
        turns = {kind: [] for kind in kinds}
        for _round in range(args.rounds):
            for kind, pool in kinds.items():
                stand_in_for_autovacuum(database)
                turns[kind].append(
                    pool.run(
                        seeded["token"],
                        "max",
                        duration=args.max_duration / args.rounds,
                        connections=args.connections,
                        keep=True,
                    )
                )
        for kind in kinds:
            results[kind]["max"] = combine(turns[kind])
            results[kind]["max"]["turn_rates"] = [turn["events_per_s"] for turn in turns[kind]]
            report(kind, results[kind], args.rate)
        loads["max"] = os.getloadavg()[0]
        for server in servers:
            server.stop()
        statements = json.loads(
            step(
                "counting statements",
                [str(PYTHON), "-m", "bench._crossing_count", "--token", seeded["token"],
                 "--walk-in", str(for_counting), "--booked", str(booked_for_counting), "--events", str(COUNTED)],
                env,
                300,
            )
        )  # fmt: skip
        counts = verify(env)
        summary = summarise(results, args, counts, loads, statements)
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


class Pool:
    """The references one kind of request posts, used up run after run."""

    def __init__(self, url, references):
        self.url, self.references, self.cursor = url, references, 0

    def run(self, token, mode, **options):
        figures = load(self.url, token, self.references, self.cursor, mode, **options)
        self.cursor += figures["sent"]
        return figures


def _split(pool, path):
    """Keep the last COUNTED of a pool for counting statements (written to `path`); return (the rest, path)."""
    path.write_text("\n".join(pool[-COUNTED:]))
    return pool[:-COUNTED], path


def _too_long(signum, frame):
    raise TimeoutError(f"the benchmark ran longer than {HARD_LIMIT_SECONDS} s")


if __name__ == "__main__":
    main()
