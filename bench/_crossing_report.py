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


def summarise(results, args, counts, loads):
    app, base = results["border-trade"], results["baseline"]
    ratio = app["max"]["events_per_s"] / base["max"]["events_per_s"] if base["max"]["events_per_s"] else 0.0
    when = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    machine = f"{platform.node()} · {os.cpu_count()} cores · {platform.processor() or platform.machine()}"
    machine += f" · {_memory()} · Python {platform.python_version()} · {_postgres_version()}"
    rows = []
    for name, result in (
        ("border-trade `POST /api/v1/gates/MOC-BAI/crossings`", app),
        ("baseline (one-row insert)", base),
    ):
        for phase, label in (
            ("fixed", f"{args.rate} req/s for {args.duration:g} s"),
            ("max", f"max, {args.connections} connections, {args.max_duration:g} s"),
        ):
            f = result[phase]
            errors = sum(n for code, n in f["statuses"].items() if code != "201")
            rows.append(
                f"| {name} | {label} | {f['events_per_s']:.1f} | {f['p50_ms']:.1f} | {f['p99_ms']:.1f} | "
                f"{f['max_ms']:.1f} | {f['ok']} | {errors} |"
            )
    verdict_ratio = "met" if ratio >= 0.5 else "NOT met"
    workers = "2 sync workers" if args.threads == 1 else f"2 workers × {args.threads} threads (gthread)"
    verdict_p99 = "met" if app["fixed"]["p99_ms"] < 100 else "NOT met"
    heading = f"### {workers}" + (" (the repository's gunicorn.conf.py)" if args.threads == 1 else "")
    markdown = "\n".join(
        [
            heading,
            "",
            f"Measured {when} on {machine}.",
            f"Load average (1 min) of the machine: {loads['before']:.1f} before the run, "
            f"{loads['border-trade']:.1f} after border-trade, {loads['baseline']:.1f} after the baseline.",
            "",
            "| target | phase | events/s | p50 ms | p99 ms | max ms | 201 | other |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            f"- Throughput ratio at max (border-trade / baseline): **{ratio:.2f}×** (aim ≥ 0.5×: {verdict_ratio}).",
            f"- p99 at {args.rate} req/s: **{app['fixed']['p99_ms']:.1f} ms** (aim < 100 ms: {verdict_p99}).",
            f"- Stored afterwards: {counts['arrived']} `arrived` events and {counts['keys']} idempotency keys for "
            f"{sum(r['ok'] for r in app.values())} answers 201 (warm-up included); "
            f"{counts['baseline']} baseline rows for {sum(r['ok'] for r in base.values())}.",
            "",
        ]
    )
    text = "\n".join(
        [
            "",
            f"border-trade: {app['max']['events_per_s']:.1f} events/s at max, p99 {app['fixed']['p99_ms']:.1f} ms "
            f"at {args.rate} req/s",
            f"baseline:     {base['max']['events_per_s']:.1f} events/s at max, p99 {base['fixed']['p99_ms']:.1f} ms "
            f"at {args.rate} req/s",
            f"ratio:        {ratio:.2f}× (aim ≥ 0.5×: {verdict_ratio}); p99 aim < 100 ms: {verdict_p99}",
            f"database:     {counts}",
            "",
            markdown,
        ]
    )
    return {"text": text, "heading": heading, "markdown": markdown}


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
