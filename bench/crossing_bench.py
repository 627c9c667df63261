"""Benchmark the gate API: `arrived` crossings against a bare one-row-insert endpoint on the same stack.

    .venv/bin/python bench/crossing_bench.py [--rate 100] [--duration 20] [--max-duration 20] [--write-docs]

What it does, bounded in time and cleaning up after itself:

1. creates a fresh PostgreSQL database on 127.0.0.1 (user postgres), `flask db upgrade`s it, loads the
   reference data and seeds one gate officer with an API token and thousands of submitted shipments for Mộc Bài;
2. for border-trade (`wsgi:app`) and then the baseline (`bench/baseline_app.py`): starts gunicorn with the
   repository's gunicorn.conf.py and 2 workers, BORDER_TRADE_ENV=production, on a free 127.0.0.1 port;
   warms it up; a load generator in another process posts `arrived` events (a fresh shipment and a fresh
   Idempotency-Key each) at a fixed rate, then as fast as a fixed number of connections allow;
3. prints events/s and p50/p99 latency for both and the ratio; drops the database and stops every process.

Latency at the fixed rate is measured from the moment each request was due (open loop), so a server that
falls behind shows it in its p99 instead of slowing the generator down.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
PG = {"host": HOST, "port": 5432, "user": "postgres"}
GATE = "MOC-BAI"
HARD_LIMIT_SECONDS = 900  # the whole run, whatever happens
GRACE_SECONDS = 10  # how late a request due at the fixed rate may still start
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


# ---------------------------------------------------------------------------------------------------- main


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
                [str(PYTHON), __file__, "_seed", "--shipments", str(args.shipments), "--out", str(workdir)],
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


def bench_env(database, workdir):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PROMETHEUS_MULTIPROC_DIR", "GUNICORN_BIND", "GUNICORN_WORKERS"}
    }
    (workdir / "metrics").mkdir()
    env.update(
        DATABASE_URL=f"postgresql+psycopg://{PG['user']}@{PG['host']}:{PG['port']}/{database}",
        BORDER_TRADE_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        BORDER_TRADE_INSTANCE=str(workdir / "instance"),
        UPLOAD_FOLDER=str(workdir / "uploads"),
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


def step(title, command, env, timeout):
    print(f"{title}…", flush=True)
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{title} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _admin_connection():
    import psycopg

    return psycopg.connect(**PG, dbname="postgres", autocommit=True, connect_timeout=10)


def create_database(name):
    with _admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    print(f"database {name} created", flush=True)


def drop_database(name):
    try:
        with _admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"database {name} dropped", flush=True)
    except Exception as error:  # cleanup must not hide the run's own error
        print(f"could not drop database {name}: {error}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py, 2 workers, in its own process group."""

    def __init__(self, name, wsgi, env, workdir, threads=1):
        self.name, self.wsgi, self.env, self.threads = name, wsgi, env, threads
        self.port = free_port()
        self.log = workdir / f"gunicorn-{name}.log"
        self.process = None

    def start(self):
        command = [
            str(GUNICORN),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--threads",
            str(self.threads),
            "--bind",
            f"{HOST}:{self.port}",
            self.wsgi,
        ]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        print(f"{self.name}: gunicorn (pid {self.process.pid}) on {HOST}:{self.port}", flush=True)

    def wait_ready(self, path, timeout=60):
        import http.client

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
                connection.request("GET", path)
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name}: not ready after {timeout} s:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass


def load(url, token, references, start, mode, *, duration, rate=0, connections=1):
    """Run the load generator in its own process and return its figures."""
    budget = int(rate * duration) if mode == "rate" else None
    chunk = references[start:] if budget is None else references[start : start + budget]
    if not chunk:
        raise RuntimeError("no submitted shipment left: seed more with --shipments")
    payload = json.dumps(
        {
            "url": url,
            "token": token,
            "references": chunk,
            "mode": mode,
            "duration": duration,
            "rate": rate,
            "connections": connections,
        }
    )
    done = subprocess.run(
        [str(PYTHON), __file__, "_load"],
        input=payload,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


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
        with _admin_connection() as connection:
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


# ---------------------------------------------------------------------------------------------------- seeding


def seed(shipments, out):
    """Load reference data, one officer with a token and `shipments` submitted shipments for today (bench env)."""
    import sqlalchemy as sa

    from border_trade import create_app
    from border_trade.auth.models import Organisation, OrganisationKind, Role, User
    from border_trade.auth.passwords import hash_password
    from border_trade.auth.tokens import new_token
    from border_trade.crossings.queries import LOCAL
    from border_trade.extensions import db
    from border_trade.gates.models import Gate, Province
    from border_trade.seed.reference import load_reference
    from border_trade.shipments.models import Currency, Regime, Shipment, ShipmentStatus

    app = create_app()
    with app.app_context():
        load_reference()
        gate = db.session.scalar(sa.select(Gate).where(Gate.code == GATE))
        province = db.session.scalar(sa.select(Province).where(Province.code == "TAY-NINH"))
        organisation = Organisation(
            name="Bench exporter", kind=OrganisationKind.EXPORTER, country_code="VN", province=province
        )
        officer = User(
            email="officer.bench@bench.test",
            name="Bench officer",
            role=Role.GATE_OFFICER,
            password_hash=hash_password(secrets.token_hex(16)),
            locale="vi",
            gates=[gate],
        )
        db.session.add_all([organisation, officer])
        db.session.flush()
        token, _record = new_token(officer, name="bench")
        today = datetime.now(LOCAL).date()
        year = today.year
        template = Shipment(
            reference=f"BT-{year}-000001",
            organisation=organisation,
            status=ShipmentStatus.SUBMITTED,
            regime=Regime.EXPORT,
            exit_gate=gate,
            planned_crossing_on=today,
            incoterm="DAP",
            currency=Currency.USD,
            consignee_name="Angkor Fresh Import Co., Ltd.",
            consignee_country="KH",
            vehicle_plate="70H-000.01",
            driver_name="Nguyễn Văn Tâm",
        )
        db.session.add(template)
        db.session.commit()
        # clone the template row in SQL: thousands of shipments in a second, each with its own reference
        table = Shipment.__table__
        columns = [c.name for c in table.columns if c.name not in ("id", "reference", "vehicle_plate")]
        names = ", ".join(columns)
        # column names come from the model; the numbers are bound parameters
        clone = (
            f"INSERT INTO shipments (reference, vehicle_plate, {names}) "  # noqa: S608
            f"SELECT 'BT-{year}-' || lpad(n::text, 6, '0'), '70H-' || lpad(n::text, 6, '0'), {names} "
            "FROM shipments, generate_series(2, :count) AS n WHERE shipments.id = :template"
        )
        db.session.execute(sa.text(clone), {"count": shipments, "template": template.id})
        db.session.execute(
            sa.text("INSERT INTO reference_counters (year, last_value) VALUES (:year, :last)"),
            {"year": year, "last": shipments},
        )
        db.session.commit()
        references = db.session.scalars(
            sa.select(Shipment.reference).where(Shipment.status == ShipmentStatus.SUBMITTED).order_by(Shipment.id)
        ).all()
        from bench.baseline_app import metadata

        metadata.create_all(db.engine)
    (Path(out) / "references.txt").write_text("\n".join(references))
    print(json.dumps({"token": token, "shipments": len(references), "references": str(Path(out) / "references.txt")}))


# ---------------------------------------------------------------------------------------------------- load


def run_load(spec):
    """Post `arrived` events; return counts and latencies (ms). Runs in its own process."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(spec["url"])
    references = iter(spec["references"])
    take = threading.Lock()
    local = threading.local()
    latencies, statuses, lock = [], {}, threading.Lock()
    headers = {"Authorization": f"Bearer {spec['token']}", "Content-Type": "application/json"}

    def next_reference():
        with take:
            return next(references, None)

    started = time.perf_counter()
    # at a fixed rate, a server that falls behind builds a backlog: requests not started by then are dropped,
    # so the phase ends in bounded time (and the drop count says the rate was not held)
    give_up = started + spec["duration"] + GRACE_SECONDS

    def send(reference, due):
        if time.perf_counter() > give_up:
            with lock:
                statuses["dropped"] = statuses.get("dropped", 0) + 1
            return
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        body = json.dumps({"shipment": reference, "event": "arrived", "occurred_at": datetime.now(UTC).isoformat()})
        try:
            connection.request("POST", parts.path, body, headers | {"Idempotency-Key": uuid.uuid4().hex})
            response = connection.getresponse()
            response.read()
            code = str(response.status)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            connection.close()
            local.connection = None
            code = "network"
        elapsed = (time.perf_counter() - due) * 1000
        with lock:
            statuses[code] = statuses.get(code, 0) + 1
            if code == "201":
                latencies.append(elapsed)

    sent = 0
    if spec["mode"] == "rate":
        interval = 1 / spec["rate"]
        with ThreadPoolExecutor(max_workers=64) as pool:
            while time.perf_counter() < started + spec["duration"] + 1:
                reference = next_reference()
                if reference is None:
                    break
                due = started + sent * interval
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                pool.submit(send, reference, due)
                sent += 1
    else:
        deadline = started + spec["duration"]
        counter = [0]

        def worker():
            while time.perf_counter() < deadline:
                reference = next_reference()
                if reference is None:
                    return
                with lock:
                    counter[0] += 1
                send(reference, time.perf_counter())

        threads = [threading.Thread(target=worker) for _ in range(spec["connections"])]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sent = counter[0]
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p):
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, round(p / 100 * (len(latencies) - 1)))]

    ok = statuses.get("201", 0)
    return {
        "sent": sent,
        "ok": ok,
        "statuses": statuses,
        "seconds": round(elapsed, 3),
        "events_per_s": ok / elapsed if elapsed else 0.0,
        "p50_ms": percentile(50),
        "p90_ms": percentile(90),
        "p99_ms": percentile(99),
        "max_ms": latencies[-1] if latencies else 0.0,
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_seed":
        sub = argparse.ArgumentParser()
        sub.add_argument("_seed")
        sub.add_argument("--shipments", type=int, required=True)
        sub.add_argument("--out", required=True)
        options = sub.parse_args()
        seed(options.shipments, options.out)
    elif len(sys.argv) > 1 and sys.argv[1] == "_load":
        print(json.dumps(run_load(json.loads(sys.stdin.read()))))
    else:
        main()
