"""Benchmark the booking endpoint under a burst: many traders booking the same morning's slots at once, against the
crossing benchmark's one-row-insert floor on the same stack, measured in the same run.

    .venv/bin/python bench/booking_bench.py [--bookings 200] [--clients 16] [--rounds 3] [--write-docs]

What it does, bounded in time and cleaning up after itself:

1. creates a fresh PostgreSQL database on 127.0.0.1 (user postgres), `flask db upgrade`s it, loads the reference
   data and the demo's capacity (Mộc Bài 06:00-22:00, 10 general places per 30-minute slot and direction), and
   seeds one trader per client, each with an API token and submitted shipments for Mộc Bài whose trucks are in
   its register with a valid permit (bench/_booking_world.py);
2. for border-trade (`wsgi:app`) and then the floor (`bench/baseline_app.py`, the crossing benchmark's): starts
   gunicorn as bench/crossing_bench.py does (bench/_crossing_setup.py: the repository's gunicorn.conf.py, 2 workers,
   BORDER_TRADE_ENV=production); warms it up with one burst on another day's afternoon; then, per round, every
   client is released at once and posts its share of `--bookings` bookings, one after the other, for the same
   morning (06:00-12:00 of a day of its own per round), the slots taken in turn; 200 bookings on 12 slots of 10
   places: 120 are confirmed and 80 answer 409 (full, with the next free slots);
3. checks in the database that no slot holds more bookings than its capacity and that every 201 stored one
   booking; prints bookings per second and the p99 next to the floor; drops the database, stops every process.

The load generator is bench/_booking_load.py, the figures and the check bench/_booking_report.py.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench.` imports from the root

from bench._booking_load import burst
from bench._booking_report import report_line, summarise, verify, write_docs
from bench._booking_world import GATE
from bench._crossing_setup import HOST, PYTHON, Gunicorn, bench_env, create_database, drop_database, install_app, step

HARD_LIMIT_SECONDS = 900
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
TARGETS = {
    "border-trade": {"wsgi": "wsgi:app", "path": "/api/v1/bookings", "health": "/api/v1/health"},
    "baseline": {"wsgi": "bench.baseline_app:app", "path": "/baseline/crossings", "health": "/baseline/health"},
}


def slot_starts(day, first, last, minutes):
    """The local ISO starts of the slots from `first` up to (not including) `last` ("HH:MM") on `day`."""
    start = datetime.combine(day, datetime.strptime(first, "%H:%M").time(), LOCAL)
    end = datetime.combine(day, datetime.strptime(last, "%H:%M").time(), LOCAL)
    starts = []
    while start < end:
        starts.append(start.isoformat())
        start += timedelta(minutes=minutes)
    return starts


def plan(world, bookings, day, window, minutes, used):
    """One burst: each client's bodies, `bookings` in all, spread over the window's slots in turn; `used` counts
    each trader's shipments already taken."""
    traders = world["traders"]
    starts = slot_starts(day, *window, minutes)
    clients = [{"token": t["token"], "bodies": []} for t in traders]
    for number in range(bookings):
        who = number % len(traders)
        reference = traders[who]["references"][used[who]]
        used[who] += 1
        clients[who]["bodies"].append(
            {"shipment": reference, "slot_start": starts[number % len(starts)], "lane_type": "general"}
        )
    return clients


def as_baseline(clients):
    """The same requests for the floor: one row per POST (the body kept, nothing checked)."""
    return [
        {
            "token": c["token"],
            "bodies": [
                {"shipment": b["shipment"], "event": "booked", "occurred_at": b["slot_start"]} for b in c["bodies"]
            ],
        }
        for c in clients
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, default=200, help="bookings per burst (one morning)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients, one trader each")
    parser.add_argument("--rounds", type=int, default=3, help="bursts measured, each on another day's morning")
    parser.add_argument("--morning", default="06:00-12:00", help="the slots booked, local time")
    parser.add_argument("--write-docs", action="store_true", help="write the figures into docs/benchmarks.md")
    args = parser.parse_args()

    signal.signal(signal.SIGALRM, _too_long)
    signal.alarm(HARD_LIMIT_SECONDS)
    workdir = Path(tempfile.mkdtemp(prefix="bt-booking-bench-"))
    database = f"bt_booking_bench_{os.getpid()}_{secrets.token_hex(3)}"
    servers = []
    try:
        env = bench_env(database, workdir)
        create_database(database)
        install_app(env)
        per_trader = -(-args.bookings // args.clients) * (args.rounds + 1)
        command = ["-m", "bench._booking_world", "--traders", str(args.clients), "--per-trader", str(per_trader)]
        seeded = json.loads(step("seeding", [str(PYTHON), *command, "--out", str(workdir)], env, 600))
        world = json.loads(Path(seeded["path"]).read_text())
        minutes = world["capacity"]["slot_minutes"]
        today = datetime.now(LOCAL).date()
        days = [today + timedelta(days=n) for n in range(1, args.rounds + 1)]
        window = args.morning.split("-")
        used = [0] * args.clients
        warm_up = plan(world, args.bookings, today + timedelta(days=args.rounds + 1), ("13:00", "19:00"), minutes, used)
        rounds = [plan(world, args.bookings, day, window, minutes, used) for day in days]
        results, loads = {}, {"before": os.getloadavg()}
        for name, target in TARGETS.items():
            server = Gunicorn(name, target["wsgi"], env, workdir)
            servers.append(server)
            server.start()
            server.wait_ready(target["health"])
            url = f"http://{HOST}:{server.port}{target['path']}"
            shape = (lambda c: c) if name == "border-trade" else as_baseline
            burst(url, shape(warm_up))
            results[name] = [burst(url, shape(clients)) for clients in rounds]
            server.stop()
            loads[name] = os.getloadavg()
            for number, figures in enumerate(results[name], start=1):
                print(report_line(name, number, figures), flush=True)
        check = verify(env, days, window)
        summary = summarise(results, args, check, loads, window)
        print(summary["text"], flush=True)
        if args.write_docs:
            write_docs(summary["markdown"])
            print("docs/benchmarks.md updated", flush=True)
        if not check["within_capacity"]:
            raise SystemExit("a slot holds more bookings than its capacity")
    finally:
        for server in servers:
            server.stop()
        drop_database(database)
        shutil.rmtree(workdir, ignore_errors=True)
        signal.alarm(0)


def _too_long(signum, frame):
    raise TimeoutError(f"the benchmark ran longer than {HARD_LIMIT_SECONDS} s")


if __name__ == "__main__":
    print(f"booking benchmark at {GATE}", flush=True)
    main()
