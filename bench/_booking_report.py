"""The booking benchmark's figures and its check of the database: one line per burst, the summary, the section
"E-queue bookings" of docs/benchmarks.md (the other sections stay as they are).

    python -m bench._booking_report --verify 2026-12-04,2026-12-05 --window 06:00-12:00   # in the bench's env

prints, as JSON, each booked slot's bookings against its capacity and whether every slot is within it.
"""

import argparse
import json
import os
import platform
import textwrap
from datetime import UTC, date, datetime

from bench._crossing_setup import PYTHON, ROOT, step

SECTION = "## E-queue bookings"


def report_line(name, number, f):
    others = {k: v for k, v in f["statuses"].items() if k != "201"}
    return (
        f"{name:>12} burst {number}: {f['ok']:4d} × 201 / {f['sent']:4d} sent in {f['seconds']:.2f} s, "
        f"{f['ok_per_s']:7.1f} bookings/s, {f['answers_per_s']:7.1f} answers/s, p50 {f['p50_ms']:6.1f} ms, "
        f"p99 {f['p99_ms']:6.1f} ms, others {json.dumps(others)}"
        + (f"\n{'':>12} unexpected answer: {f['unexpected']}" if f.get("unexpected") else "")
    )


def verify(env, days, window):
    """Count, in the benchmark's database, the bookings of each slot of the days' window against its capacity."""
    command = ["-m", "bench._booking_report", "--verify", ",".join(d.isoformat() for d in days), "--window"]
    return json.loads(step("checking capacity", [str(PYTHON), *command, "-".join(window)], env, 120))


def check_capacity(days, window):
    """Inside an app context: {slots, full, over, bookings, within_capacity, per_shipment_max}."""
    import sqlalchemy as sa

    from border_trade.equeue.models import HOLDING, Booking
    from border_trade.equeue.queries import slots_for_days
    from border_trade.equeue.slots import LOCAL
    from border_trade.extensions import db
    from border_trade.gates.models import Gate

    gate = db.session.scalar(sa.select(Gate).where(Gate.code == "MOC-BAI"))
    slots = [
        s
        for s in slots_for_days(gate, days, direction="export", lane_type="general")
        if window[0] <= s.start.astimezone(LOCAL).strftime("%H:%M") < window[1]
    ]
    counted = dict(
        db.session.execute(
            sa.select(Booking.slot_start, sa.func.count())
            .where(
                Booking.gate_id == gate.id,
                Booking.status.in_(HOLDING),
                Booking.slot_start.in_([s.start for s in slots]),
            )
            .group_by(Booking.slot_start)
        ).all()
    )
    over = [
        {"start": s.start.isoformat(), "booked": counted.get(s.start, 0), "capacity": s.capacity}
        for s in slots
        if counted.get(s.start, 0) > s.capacity
    ]
    per_shipment = (
        sa.select(sa.func.count().label("n"))
        .where(Booking.status.in_(HOLDING))
        .group_by(Booking.shipment_id)
        .subquery()
    )
    most = db.session.scalar(sa.select(sa.func.max(per_shipment.c.n)))
    return {
        "slots": len(slots),
        "full": sum(1 for s in slots if counted.get(s.start, 0) == s.capacity),
        "over": over,
        "bookings": sum(counted.values()),
        "capacity": sum(s.capacity for s in slots),
        "per_shipment_max": most or 0,
        "within_capacity": not over,
    }


def _machine():
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        memory = "RAM unknown"
    return f"{platform.node()} · {os.cpu_count()} cores · {memory} · Python {platform.python_version()}"


def _total(bursts):
    ok = sum(b["ok"] for b in bursts)
    sent = sum(b["sent"] for b in bursts)
    seconds = sum(b["seconds"] for b in bursts)
    return {
        "ok": ok,
        "sent": sent,
        "seconds": seconds,
        "ok_per_s": ok / seconds if seconds else 0.0,
        "answers_per_s": sent / seconds if seconds else 0.0,
        "p99_ms": max(b["p99_ms"] for b in bursts),  # the worst burst's p99
        "p50_ms": sorted(b["p50_ms"] for b in bursts)[len(bursts) // 2],
        "others": sum(b["sent"] - b["ok"] for b in bursts),
    }


def summarise(results, args, check, loads, window):
    app, floor = _total(results["border-trade"]), _total(results["baseline"])
    ratio = app["answers_per_s"] / floor["answers_per_s"] if floor["answers_per_s"] else 0.0
    when = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    stored = sum(b["ok"] for b in results["border-trade"])
    load = " / ".join(f"{x:.2f}" for x in loads["before"])
    rows = [
        f"| border-trade `POST /api/v1/bookings` | {app['ok_per_s']:.1f} | {app['answers_per_s']:.1f} | "
        f"{app['p50_ms']:.1f} | {app['p99_ms']:.1f} | {app['ok']} | {app['others']} |",
        f"| floor: one-row insert (bench/baseline_app.py) | {floor['ok_per_s']:.1f} | {floor['answers_per_s']:.1f} | "
        f"{floor['p50_ms']:.1f} | {floor['p99_ms']:.1f} | {floor['ok']} | {floor['others']} |",
    ]
    markdown = "\n".join(
        [
            SECTION,
            "",
            "`.venv/bin/python bench/booking_bench.py --write-docs` rewrites this section. Per burst, "
            f"{args.clients} clients (one trader each, keep-alive connections, released together) post "
            f"{args.bookings} bookings for the same morning ({window[0]}-{window[1]} local, the demo's capacity: "
            "10 general places per 30-minute slot), taking the slots in turn; the places run out, so part of the "
            "answers are 409 (full, with `next_free`). The floor is the crossing benchmark's one-row insert "
            "(`bench/baseline_app.py`) given the same requests in the same run. gunicorn as in "
            "bench/crossing_bench.py (the repository's `gunicorn.conf.py`, 2 sync workers, "
            "`BORDER_TRADE_ENV=production`), a fresh PostgreSQL database on 127.0.0.1; the load generator runs on "
            "the same cores.",
            "",
            f"Measured {when} on {_machine()}, {args.rounds} bursts per target (figures over all bursts; p99: the "
            "worst burst's, over every answer). "
            f"Load average (1, 5, 15 min, `uptime`) before the run: {load}; after border-trade "
            f"{loads['border-trade'][0]:.2f}, after the floor {loads['baseline'][0]:.2f} (1 min).",
            "",
            "| target | bookings/s (201) | answers/s | p50 ms | p99 ms | 201 | other |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"- Answers per second against the floor: **{ratio:.2f}×**.",
            f"- After the bursts: {check['bookings']} bookings hold places in {check['slots']} slots of "
            f"{check['capacity']} places ({check['full']} full); no slot over its capacity: "
            f"**{'yes' if check['within_capacity'] else 'NO: ' + json.dumps(check['over'])}**; "
            f"{stored} answers 201 for {check['bookings']} bookings stored; at most {check['per_shipment_max']} "
            "booking per shipment.",
            "",
        ]
    )
    text = "\n".join(
        [
            "",
            f"border-trade: {app['ok_per_s']:.1f} bookings/s ({app['answers_per_s']:.1f} answers/s), "
            f"p99 {app['p99_ms']:.1f} ms",
            f"floor:        {floor['answers_per_s']:.1f} inserts/s, p99 {floor['p99_ms']:.1f} ms",
            f"ratio:        {ratio:.2f}× (answers/s); capacity check: {check}",
            "",
            markdown,
        ]
    )
    return {"text": text, "markdown": markdown}


def _wrapped(markdown, width=115):
    """Wrap the prose lines at `width` as the rest of docs/benchmarks.md is (tables and headings as they are)."""
    out = []
    for line in markdown.splitlines():
        if line.startswith(("|", "#")) or len(line) <= width:
            out.append(line)
        else:
            indent = "  " if line.startswith("- ") else ""
            out.append(textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False))
    return "\n".join(out) + "\n"


def write_docs(markdown):
    """Replace the section "E-queue bookings" of docs/benchmarks.md (or add it at the end); nothing else changes."""
    path = ROOT / "docs" / "benchmarks.md"
    lines = (path.read_text() if path.exists() else "# Benchmarks\n").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION), None)
    block = [*_wrapped(markdown).rstrip("\n").splitlines(keepends=True), "\n"]
    if start is None:
        while lines and not lines[-1].strip():
            lines.pop()
        lines += ["\n", *block]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        lines[start:end] = [*block, *(["\n"] if end < len(lines) else [])]
    path.write_text("".join(lines).rstrip("\n") + "\n")


def main():
    parser = argparse.ArgumentParser(description="Check the booking benchmark's database.")
    parser.add_argument("--verify", required=True, help="days, comma-separated")
    parser.add_argument("--window", required=True)
    options = parser.parse_args()

    from border_trade import create_app

    days = [date.fromisoformat(d) for d in options.verify.split(",")]
    with create_app().app_context():
        print(json.dumps(check_capacity(days, options.window.split("-"))))


if __name__ == "__main__":
    main()
