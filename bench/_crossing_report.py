"""The crossing benchmark's figures: one line per phase, the database counts, the summary and docs/benchmarks.md."""

import json
import os
import platform
from datetime import UTC, datetime

from bench._crossing_setup import PYTHON, ROOT, admin_connection, step


def report(name, result, rate):
    for phase, figures in result.items():
        label = {"warm": "warm-up", "fixed": f"{rate} req/s", "max": "max"}[phase]
        print(
            f"{name:>12} {label:>10}: {figures['ok']:6d} ok / {figures['sent']:6d} sent, "
            f"{figures['events_per_s']:7.1f} events/s, p50 {figures['p50_ms']:6.1f} ms, p99 {figures['p99_ms']:6.1f} ms"
            + (
                "" if figures["statuses"] == {"201": figures["ok"]} else "  statuses " + json.dumps(figures["statuses"])
            ),
            flush=True,
        )


def verify(env):
    """Count what the database holds, to check every 201 stored one event (and nothing more)."""
    code = (
        "import json, sqlalchemy as sa\n"
        "from border_trade import create_app\n"
        "from border_trade.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    q = lambda s: db.session.execute(sa.text(s)).scalar()\n"
        "    print(json.dumps({'arrived': q(\"SELECT count(*) FROM shipment_events WHERE event = 'arrived'\"),\n"
        "                      'keys': q('SELECT count(*) FROM idempotency_keys'),\n"
        "                      'baseline': q('SELECT count(*) FROM bench_baseline_events')}))\n"
    )
    return json.loads(step("counting", [str(PYTHON), "-c", code], env, 120))


def _turns(results):
    """The max phase turn by turn, and the warm-up (4 connections, the first requests of the run): on a machine that
    gives less CPU under sustained load the turns fall, and the combined figure hides by how much."""
    names = {"border-trade": "walk-in", "booked": "booked", "baseline": "baseline"}
    turns = "; ".join(
        f"{names[kind]} " + ", ".join(f"{rate:.0f}" for rate in result["max"].get("turn_rates", ()))
        for kind, result in results.items()
    )
    warm = ", ".join(
        f"{names[kind]} {result['warm']['events_per_s']:.0f}" for kind, result in results.items() if "warm" in result
    )
    return f"- Max phase turn by turn (events/s, in order): {turns}. Warm-up (4 connections, 3 s): {warm}."


def summarise(results, args, counts, loads, statements):
    app, booked, base = results["border-trade"], results["booked"], results["baseline"]
    floor = base["max"]["events_per_s"]
    ratio = app["max"]["events_per_s"] / floor if floor else 0.0
    booked_ratio = booked["max"]["events_per_s"] / floor if floor else 0.0
    when = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    machine = f"{platform.node()} · {os.cpu_count()} cores · {platform.processor() or platform.machine()}"
    machine += f" · {_memory()} · Python {platform.python_version()} · {_postgres_version()}"
    rows = []
    for name, result in (
        ("border-trade `POST /api/v1/gates/MOC-BAI/crossings`, walk-in", app),
        ("border-trade, booked (plate checked)", booked),
        ("baseline (one-row insert)", base),
    ):
        for phase, label in (
            ("fixed", f"{args.rate} req/s for {args.duration:g} s"),
            ("max", f"max, {args.connections} connections, {args.rounds} × {args.max_duration / args.rounds:g} s"),
        ):
            f = result[phase]
            errors = sum(n for code, n in f["statuses"].items() if code != "201")
            rows.append(
                f"| {name} | {label} | {f['events_per_s']:.1f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} | "
                f"{f['max_ms']:.1f} | {f['ok']} | {errors} |"
            )
    workers = "2 sync workers" if args.threads == 1 else f"2 workers × {args.threads} threads (gthread)"
    heading = f"### {workers}" + (" (the repository's gunicorn.conf.py)" if args.threads == 1 else "")
    verdicts = [
        _verdict("walk-in", ratio, app["fixed"]["p99_ms"], args.rate),
        _verdict("booked", booked_ratio, booked["fixed"]["p99_ms"], args.rate),
    ]
    answered = sum(r["ok"] for r in app.values()) + sum(r["ok"] for r in booked.values())
    answered += sum(kind["statuses"].get("201", 0) for kind in statements.values())
    markdown = "\n".join(
        [
            heading,
            "",
            f"Measured {when} on {machine}.",
            f"Load average (1 min) of the machine: {loads['before']:.1f} before the run, "
            f"{loads['fixed']:.1f} after the fixed-rate phases, {loads['max']:.1f} after the max phases "
            f"({args.rounds} turns of {args.max_duration / args.rounds:g} s per target, in rotation).",
            *(
                ["PostgreSQL ran without autovacuum: the benchmark ran `ANALYZE` before each phase and turn instead."]
                if loads.get("analysed")
                else []
            ),
            "",
            "| target | phase | events/s | p50 ms | p99 ms | max ms | 201 | other |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            *verdicts,
            f"- SQL statements per event (counted in the app, median of {args_counted(statements)}): "
            + "; ".join(_statements(kind, figures) for kind, figures in statements.items())
            + ". A range: the worker's first event of a caller also reads its token (auth.remembered), and the count "
            "runs in a fresh process. The baseline: 1 statement plus BEGIN and COMMIT (and the pool's ping, as "
            "border-trade's, only for a connection that sat idle).",
            _turns(results),
            f"- Stored afterwards: {counts['arrived']} `arrived` events and {counts['keys']} idempotency keys for "
            f"{answered} answers 201 (warm-up and statement count included); "
            f"{counts['baseline']} baseline rows for {sum(r['ok'] for r in base.values())}.",
            "",
        ]
    )
    text = "\n".join(
        [
            "",
            f"border-trade: {app['max']['events_per_s']:.1f} events/s at max (walk-in), "
            f"{booked['max']['events_per_s']:.1f} (booked); p99 at {args.rate} req/s "
            f"{app['fixed']['p99_ms']:.1f} ms (walk-in), {booked['fixed']['p99_ms']:.1f} ms (booked)",
            f"baseline:     {floor:.1f} events/s at max, p99 {base['fixed']['p99_ms']:.1f} ms at {args.rate} req/s",
            f"ratio:        {ratio:.2f}× walk-in, {booked_ratio:.2f}× booked (aim ≥ 0.5×)",
            "statements:   " + "; ".join(_statements(kind, figures) for kind, figures in statements.items()),
            f"database:     {counts}",
            "",
            markdown,
        ]
    )
    return {"text": text, "heading": heading, "markdown": markdown}


def args_counted(statements):
    names = {"walk_in": "walk-in arrivals", "booked": "booked arrivals"}
    return " and ".join(f"{sum(f['statuses'].values())} {names.get(kind, kind)}" for kind, f in statements.items())


def _statements(kind, figures):
    parts = figures["per_event"]
    sql = parts.get("sql", 0)
    extra = ", ".join(f"{name.upper()} {parts[name]:g}" for name in ("begin", "commit", "ping") if name in parts)
    spread = f", {figures['min']:g}–{figures['max']:g}" if figures.get("min") != figures.get("max") else ""
    return f"{kind.replace('_', '-')} **{figures['statements']:g}**{spread} (on average {sql:g} SQL + {extra})"


def _verdict(kind, ratio, p99, rate):
    met = "met" if ratio >= 0.5 else "NOT met"
    p99_met = "met" if p99 < 100 else "NOT met"
    return (
        f"- {kind}: throughput ratio at max (border-trade / baseline) **{ratio:.2f}×** (aim ≥ 0.5×: {met}); "
        f"p99 at {rate} req/s **{p99:.1f} ms** (aim < 100 ms: {p99_met})."
    )


def _memory():
    try:
        with open("/proc/meminfo") as meminfo:
            kb = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        return f"{kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        return "RAM unknown"


def _postgres_version():
    try:
        with admin_connection() as connection:
            return "PostgreSQL " + connection.execute("SHOW server_version").fetchone()[0].split()[0]
    except Exception:
        return "PostgreSQL"


SECTION = "## Gate crossings"
SECTION_INTRO = """## Gate crossings

`.venv/bin/python bench/crossing_bench.py [--threads N] --write-docs` rewrites the subsection of its gunicorn
configuration below. gunicorn runs with the repository's `gunicorn.conf.py` and 2 workers,
`BORDER_TRADE_ENV=production`, on a fresh PostgreSQL database on 127.0.0.1; each request records `arrived`
for a fresh submitted shipment with a fresh `Idempotency-Key` (bearer token of one Mộc Bài officer). The
baseline is `bench/baseline_app.py`: the same stack and database inserting one row per request. The load
generator (Python threads, a new connection per request) runs on the same 2 cores. Latency at the fixed rate
counts from the moment each request was due (open loop); requests that could not start within 10 s of that
moment are dropped and counted under "other".
"""


def write_docs(heading, markdown):
    """Put one run's figures under its heading in the "Gate crossings" section of docs/benchmarks.md.

    Other sections, the section's introduction and the other configurations' subsections stay as they are.
    """
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION), None)
    if start is None:
        lines += ["\n", *SECTION_INTRO.splitlines(keepends=True)]
        start = next(i for i, line in enumerate(lines) if line.strip() == SECTION)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    here = next((i for i in range(start + 1, end) if lines[i].strip() == heading), None)
    block = ["\n", *markdown.rstrip("\n").splitlines(keepends=True), "\n"]
    if here is None:
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines[end:end] = block
    else:
        stop = next((i for i in range(here + 1, end) if lines[i].startswith("### ")), end)
        while stop > here + 1 and not lines[stop - 1].strip():
            stop -= 1
        lines[here - 1 if here > 0 and not lines[here - 1].strip() else here : stop] = block
    text = "".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    path.write_text(text.rstrip("\n") + "\n")
