"""Time each role's home page over HTTP at the bench scale, next to a floor measured in the same run.

    python bench/home_bench.py [N] [--database URL] [--runs R] [--keep] [--write-docs]

Without --database: creates a fresh PostgreSQL database, migrates it (`flask db upgrade`), seeds the reference
data and N benchmark shipments (`flask seed --bench N`, default 200,000), folds the daily report figures
(`flask reports fold`, what the scheduler's job does), and drops the database at the end (unless --keep). With
--database URL: brings that database up to date (`flask db upgrade`, `flask reports fold`) and measures it.

The app runs in this process behind werkzeug's HTTP server on 127.0.0.1 (threaded, DEBUG off); each account
signs in through /login once, then the homes are asked R times each (default 25, after 3 warm-up rounds),
interleaved with the floor: `GET /api/v1/health` (the app's stack, one `SELECT 1` and the scheduler lease) and
`GET /gates` as a signed-in trader (a page with the navigation, one query). Printed: median and p95 ms of each and
the ratio of each home's median to the page floor's. The accounts: a trader of the busiest bench exporter, a
Tây Ninh province officer, an admin, a Mộc Bài gate officer (whose home is a redirect to the tablet).
With --write-docs the figures replace the "Home pages" section of docs/benchmarks.md (other sections stay).

The server is taken from BENCH_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
"""

import argparse
import http.cookiejar
import os
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PASSWORD = "bench-home-pass-2026"
ROLES = ("trader", "province", "admin", "gate officer")
DOCS = ROOT / "docs" / "benchmarks.md"
HEADING = "## Home pages"
NOTES = """Where the time goes (the province's home, 42 statements): nearly all in PostgreSQL, and most of it in one
statement, the OCOP figures of the year (`ocop_report` grouped by product: every OCOP goods line crossed at the
province's gates this year, converted at its day's rates), which the daily figures of issue 20 do not hold
(goods-line reports still read the shipments); EXPLAIN shows a sequential scan of `shipment_items` hashed against
the year's crossings. The figure depends on the machine's load: at load average 10 (other suites running) the
province's home took 468 ms median, about 400 ms of it in that statement; at load 4.5, 292 ms. The month, the year
by gate and the targets' export, import and truck figures come from the daily figures (a few ms each); the targets
of the caller's own province reuse the figures the page has already counted instead of one report each (3.4 s
before), and the OCOP report reads its goods lines once (rows and totals together) instead of three times. What
would keep the province well under 300 ms on a loaded machine: fold the OCOP goods lines per day and product as the
daily figures do for shipments. The trader's home is one grouped count of the organisation's shipments by status,
the paperwork of its open shipments (3 statements, the rules evaluated in Python), two booking counts and the next
ten open shipments."""


def run(command, env, label):
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shipments", nargs="?", type=int, default=200_000)
    parser.add_argument("--database", help="measure this (already seeded) database instead of a fresh one")
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--keep", action="store_true", help="keep the fresh database (its URL is printed)")
    parser.add_argument("--write-docs", action="store_true", help="write the figures to docs/benchmarks.md")
    args = parser.parse_args()

    import psycopg

    admin_url = SERVER.replace("postgresql+psycopg://", "postgresql://")
    name = None
    url = args.database
    steps = {}
    if url is None:
        name = f"border_trade_home_bench_{os.getpid()}"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = SERVER.rsplit("/", 1)[0] + "/" + name
    print(f"database: {url}", flush=True)
    try:
        env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "border_trade", "BORDER_TRADE_ENV": "development"}
        flask = [sys.executable, "-m", "flask", "--app", "border_trade"]
        steps["flask db upgrade"] = run([*flask, "db", "upgrade"], env, "flask db upgrade")
        if name is not None:
            steps["flask seed"] = run([*flask, "seed"], env, "flask seed")
            label = f"flask seed --bench {args.shipments}"
            steps[label] = run([*flask, "seed", "--bench", str(args.shipments)], env, label)
        steps["flask reports fold"] = run([*flask, "reports", "fold"], env, "flask reports fold")
        load_before = os.getloadavg()[0]
        results = measure(url, args.runs)
        results.update(steps=steps, load=(load_before, os.getloadavg()[0]), fresh=name is not None)
        report(results)
        if args.write_docs:
            write_docs(results, args)
    finally:
        if name is not None and not args.keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"dropped {name}")


def accounts(app):
    """Create (or reuse) one account per role; return {role: e-mail} and what the data holds."""
    import sqlalchemy as sa

    from border_trade.auth.models import Role, User
    from border_trade.auth.passwords import hash_password
    from border_trade.extensions import db
    from border_trade.gates.models import Gate, Province
    from border_trade.shipments.models import Shipment

    with app.app_context():
        busiest, count = db.session.execute(
            sa.select(Shipment.organisation_id, sa.func.count())
            .group_by(Shipment.organisation_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        ).one()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Shipment))
        tay_ninh = db.session.scalar(sa.select(Province).where(Province.code == "TAY-NINH"))
        moc_bai = db.session.scalar(sa.select(Gate).where(Gate.code == "MOC-BAI"))
        wanted = {
            "trader": dict(role=Role.EXPORTER, organisation_id=busiest),
            "province": dict(role=Role.PROVINCE_OFFICER, province_id=tay_ninh.id),
            "admin": dict(role=Role.ADMIN),
            "gate officer": dict(role=Role.GATE_OFFICER, gates=[moc_bai]),
        }
        emails = {}
        for role, values in wanted.items():
            email = f"home-bench-{role.replace(' ', '-')}@example.test"
            user = db.session.scalar(sa.select(User).where(User.email == email))
            if user is None:
                user = User(email=email, name=f"Bench {role}", locale="vi", **values)
                db.session.add(user)
            user.password_hash = hash_password(PASSWORD)
            emails[role] = email
        db.session.commit()
        db.session.remove()
    return emails, {"shipments": total, "trader_shipments": count}


class Browser:
    """A cookie jar and a CSRF-aware sign-in over real HTTP; redirects are not followed (a home may redirect)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self._NoRedirect()
        )

    def get(self, path):
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                body, status = response.read(), response.status
        except urllib.error.HTTPError as error:  # 3xx (not followed) and errors
            body, status = error.read(), error.code
        return (time.perf_counter() - started) * 1000, status, body

    def sign_in(self, email):
        _ms, _status, page = self.get("/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token}).encode()
        try:
            self.opener.open(self.base + "/login", data=data, timeout=60)
        except urllib.error.HTTPError as error:
            assert error.code == 302, f"signing in as {email}: {error.code}"


def measure(url, runs):
    os.environ["DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from werkzeug.serving import make_server

    from border_trade import create_app
    from config import DevelopmentConfig

    class BenchConfig(DevelopmentConfig):
        DEBUG = False
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False
        SQLALCHEMY_ECHO = False

    app = create_app(BenchConfig)
    emails, data = accounts(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        browsers = {role: Browser(base) for role in ROLES}
        for role, browser in browsers.items():
            browser.sign_in(emails[role])
        floor = Browser(base)
        targets = {f"home: {role}": (browsers[role], "/") for role in ROLES}
        targets["floor: GET /api/v1/health"] = (floor, "/api/v1/health")
        targets["floor: GET /gates (signed in)"] = (browsers["trader"], "/gates")
        timings = {label: [] for label in targets}
        statuses = {}
        for round_ in range(runs + 3):
            for label, (browser, path) in targets.items():
                ms, status, _body = browser.get(path)
                statuses[label] = status
                if round_ >= 3:
                    timings[label].append(ms)
    finally:
        server.shutdown()
    return {"timings": timings, "statuses": statuses, "data": data, "runs": runs}


def summary(values):
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def report(results):
    floor = summary(results["timings"]["floor: GET /gates (signed in)"])[0]
    data = results["data"]
    print(f"{data['shipments']:,} shipments; the trader's organisation has {data['trader_shipments']:,}")
    print(f"{'what':40} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'× floor':>8}")
    for label, values in results["timings"].items():
        median, p95 = summary(values)
        print(f"{label:40} {results['statuses'][label]:>6} {median:>10.1f} {p95:>8.1f} {median / floor:>8.2f}")


def write_docs(results, args):
    floor = summary(results["timings"]["floor: GET /gates (signed in)"])[0]
    lines = [
        HEADING,
        "",
        "`.venv/bin/python bench/home_bench.py [N] [--database URL] --write-docs` rewrites this section: each role's "
        "home (`GET /`) over HTTP (werkzeug's threaded server in the benchmark's process, a signed-in session per "
        "role, redirects not followed), interleaved with two floors measured in the same run: `GET /api/v1/health` "
        "and `GET /gates` signed in (the navigation and one query). Target: each home under 300 ms at 200,000 "
        "shipments.",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · PostgreSQL. {results['data']['shipments']:,} shipments (the trader's "
        f"organisation: {results['data']['trader_shipments']:,}); {results['runs']} rounds after 3 warm-up rounds. "
        f"Load average (1 min): {results['load'][0]:.1f} before, {results['load'][1]:.1f} after.",
        "",
        "| step | seconds |",
        "| --- | ---: |",
        *(f"| `{step}` | {seconds:.1f} |" for step, seconds in results["steps"].items()),
        "",
        "| what | status | median ms | p95 ms | × page floor |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, values in results["timings"].items():
        median, p95 = summary(values)
        lines.append(f"| {label} | {results['statuses'][label]} | {median:.1f} | {p95:.1f} | {median / floor:.2f} |")
    lines.append("")
    lines.append(
        "- Each home under 300 ms (median): "
        + ", ".join(
            f"{label.split(': ')[1]} **{summary(v)[0]:.0f} ms** ({'met' if summary(v)[0] < 300 else 'NOT met'})"
            for label, v in results["timings"].items()
            if label.startswith("home")
        )
        + "."
    )
    lines += ["", NOTES]
    text = DOCS.read_text(encoding="utf-8")
    section = "\n".join(lines) + "\n"
    if HEADING in text:
        start = text.index(HEADING)
        following = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + ("\n" + text[following + 1 :] if following != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")
    print(f"wrote {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
