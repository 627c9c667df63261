"""Processes for the reliability suite: fresh databases, gunicorn, a private PostgreSQL, the load generator.

Everything listens on 127.0.0.1, runs in its own process group and is killed by its owner when a test ends.
"""

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.pg import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
LOADGEN = Path(__file__).with_name("loadgen.py")
DEFAULT_REPORT = ROOT / "instance" / "reliability.json"
FLASK = [sys.executable, "-m", "flask", "--app", "border_trade"]
GATE = "MOC-BAI"


def seconds():
    """How long each load phase runs (RELIABILITY_SECONDS, default 60)."""
    return max(5, int(os.environ.get("RELIABILITY_SECONDS", "60")))


def report_path():
    return Path(os.environ.get("RELIABILITY_REPORT") or DEFAULT_REPORT)


# Only a run of the suite writes the report (conftest turns this on); the quick tests that also belong to the default
# run must not overwrite a report with their share of the figures.
RECORDING = {"enabled": bool(os.environ.get("RELIABILITY_REPORT"))}


def record_measurements(section, values):
    """Merge one test's figures into the JSON report (RELIABILITY_REPORT), under `section`."""
    if not RECORDING["enabled"]:
        return
    path = report_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(path.read_text()) if path.exists() and path.stat().st_size else {}
        data.setdefault("sections", {})[section] = {
            **values,
            "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "load_average_1min": round(os.getloadavg()[0], 1),
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))
        tmp.replace(path)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, interval=0.1):
    """Poll until predicate() is truthy; return its value, or None after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def http(method, url, *, body=None, headers=None, timeout=10):
    """Send one request; return (status, headers, parsed JSON or raw bytes); status None when no answer came."""
    data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None and not request.has_header("Content-type"):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, answer_headers, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, dict(error.headers), error.read()
    except (OSError, urllib.error.URLError):
        return None, {}, None
    try:
        return status, answer_headers, json.loads(raw)
    except ValueError:
        return status, answer_headers, raw


def postgres_url():
    """The shared server from TEST_DATABASE_URL; the suite needs PostgreSQL."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the reliability suite needs TEST_DATABASE_URL pointing at PostgreSQL")
    return sa.engine.make_url(url)


def fresh_database(purpose):
    """Create an empty database on the shared server for one test and drop it afterwards; yield its URL."""
    postgres_url()  # skips without PostgreSQL, saying why
    return fresh_postgres_database(f"rel_{purpose}")


def app_env(url, folder, **extra):
    """Environment of a production-like app process on `url`, its files under `folder`."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BORDER_TRADE_ENV": "production",
        "SECRET_KEY": "reliability-" + "0" * 40,
        "PROXY_COUNT": "0",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",  # two workers: production refuses in-memory limits
        "BORDER_TRADE_INSTANCE": str(folder),
        "UPLOAD_FOLDER": str(Path(folder) / "uploads"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TEST_DATABASE_URL", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def flask_command(args, url, folder, timeout=300):
    result = subprocess.run(
        [*FLASK, *args], cwd=ROOT, env=app_env(url, folder), capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def migrate_and_seed(url, folder):
    """`flask db upgrade` then `flask seed` (reference data), as an operator would on a new server."""
    flask_command(["db", "upgrade"], url, folder)
    flask_command(["seed"], url, folder)


# -- seed: users, tokens, submitted shipments --------------------------------------------------------------------


def world_for_load(url, folder, duration):
    """Migrate and seed a new database, then seed enough submitted shipments for `duration` seconds of arrivals
    (the runs so far sent about 70 arrivals a second; 150 a second leaves room)."""
    migrate_and_seed(url, folder)
    return seed_world(url, shipments=max(600, duration * 150))


def seed_world(url, *, shipments):
    """Add an admin, an exporter with a product, a MOC-BAI officer (each with an API token) and `shipments`
    submitted shipments with their papers leaving through MOC-BAI tomorrow; return what the load generator needs."""
    from border_trade import create_app
    from border_trade.auth.models import Role
    from border_trade.auth.tokens import new_token
    from border_trade.extensions import db
    from border_trade.seed.world import submitted_shipments
    from border_trade.types import utcnow
    from config import TestingConfig
    from tests.factories import get_gate, make_product, make_user

    class SeedConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(SeedConfig)
    with app.app_context():
        admin = make_user(Role.ADMIN, email="admin@reliability.test")
        exporter = make_user(Role.EXPORTER, email="exporter@reliability.test")
        officer = make_user(Role.GATE_OFFICER, email="officer@reliability.test", gates=[get_gate(GATE)])
        product = make_product(exporter.organisation, ocop_certificate_no="OCOP-REL-1")
        tokens = {
            name: new_token(user, name="reliability")[0]
            for name, user in (("admin", admin), ("exporter", exporter), ("officer", officer))
        }
        db.session.commit()
        # the one factory of seed/world.py, as the demo and the benchmarks use it
        references = submitted_shipments(
            shipments,
            exporter=exporter,
            product=product,
            gate=get_gate(GATE),
            on=date.today() + timedelta(days=1),
            at=utcnow(),
        )
        world = {
            "tokens": tokens,
            "user_ids": {"admin": admin.id, "exporter": exporter.id, "officer": officer.id},
            "product_id": product.id,
            "shipments": references,
            "gate": GATE,
        }
        db.session.remove()
        db.engine.dispose()
    return world


# -- gunicorn -----------------------------------------------------------------------------------------------------


def children_of(pid):
    """Return the pids whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces or parentheses: the ppid is the second field after the last ")"
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on a free port; restartable; everything killed by stop()."""

    def __init__(self, url, folder, *, workers=2, port=None, name="gunicorn", **env):
        self.url = url
        self.folder = Path(folder)
        self.workers_wanted = workers
        self.port = port or free_port()
        self.name = name
        self.env = env
        self.process = None
        self.groups = []  # every process group started, for the final cleanup
        self.log_path = self.folder / f"{name}.log"

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=60):
        metrics = self.folder / f"{self.name}-metrics"
        metrics.mkdir(parents=True, exist_ok=True)
        env = app_env(
            self.url,
            self.folder,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=self.workers_wanted,
            PROMETHEUS_MULTIPROC_DIR=metrics,
            **self.env,
        )
        log = open(self.log_path, "a")  # noqa: SIM115  (kept open by the child)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.groups.append(self.process.pid)
        if not self.wait_ready(timeout):
            raise AssertionError(f"{self.name} did not answer within {timeout}s:\n{self.log_tail()}")
        return self

    def wait_ready(self, timeout):
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            status, _headers, _body = http("GET", self.base + "/api/v1/health", timeout=2)
            return status == 200 and len(self.workers()) == self.workers_wanted

        return wait_until(ready, timeout, 0.2)

    def workers(self):
        return children_of(self.process.pid) if self.process and self.process.poll() is None else []

    def kill_worker(self):
        """kill -9 one worker; return its pid."""
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_master(self, notice=2.0, grace=5.0):
        """kill -9 the master. Its workers, orphaned, keep serving while connections keep coming (a sync worker
        checks its parent only when idle), so they get what a service manager cleaning up the unit sends: after
        `notice` seconds SIGTERM (finish the request in hand), after `grace` more SIGKILL. Return the counts."""
        orphans = self.workers()
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)
        wait_until(lambda: not any(alive(pid) for pid in orphans), notice)
        left = [pid for pid in orphans if alive(pid)]
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        wait_until(lambda: not any(alive(pid) for pid in left), grace)
        stubborn = [pid for pid in left if alive(pid)]
        for pid in stubborn:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not any(alive(pid) for pid in orphans), 5)
        return {
            "orphans": len(orphans),
            "left_by_themselves": len(orphans) - len(left),
            "terminated": len(left) - len(stubborn),
            "killed_after_grace": len(stubborn),
        }

    def stop(self):
        """Stop gracefully (SIGTERM, 20 s), then kill every process group this object started."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(20)
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)
        if self.process:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5)

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_text(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


class Scheduler:
    """`flask scheduler run` in its own process group."""

    def __init__(self, url, folder, **env):
        self.url, self.folder, self.env = url, Path(folder), env
        self.process = None
        self.log_path = self.folder / "scheduler.log"

    def start(self):
        log = open(self.log_path, "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [*FLASK, "scheduler", "run"],
            cwd=ROOT,
            env=app_env(self.url, self.folder, **self.env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(20)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


# -- a private PostgreSQL that may be stopped -------------------------------------------------------------------


class OwnPostgres:
    """A throwaway PostgreSQL cluster (initdb in a temporary folder, its own port), run as the postgres user
    when this process is root; start() and stop() like an operator would."""

    def __init__(self):
        if not (PG_BIN / "initdb").exists():
            pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN}")
        self.folder = Path(tempfile.mkdtemp(prefix="bt-reliability-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user = []
        if os.geteuid() == 0:
            import pwd

            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("running as root and there is no postgres user to run initdb as")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.folder.chmod(0o700)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.log = self.folder / "postgres.log"
        self.running = False

    @property
    def url(self):
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args, timeout=120):
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, f"{args[0]} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def initdb(self):
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        return self

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=60"
        self._run(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "-t", "60", "start"
        )
        self.running = True
        return self

    def stop(self, mode="fast"):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def cleanup(self):
        if self.running:
            with contextlib.suppress(AssertionError, subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


# -- the load generator -------------------------------------------------------------------------------------------


class Load:
    """Run loadgen.py in another process against `base` for `duration` seconds; results() reads its log."""

    def __init__(self, folder, base, world, *, duration, threads=4, mix=None, name="load"):
        self.folder = Path(folder)
        self.out = self.folder / f"{name}.jsonl"
        self.plan = self.folder / f"{name}-plan.json"
        self.duration = duration
        self.plan.write_text(
            json.dumps(
                {
                    "base": base,
                    "seconds": duration,
                    "threads": threads,
                    "gate": world["gate"],
                    "officer_token": world["tokens"]["officer"],
                    "exporter_token": world["tokens"]["exporter"],
                    "product_id": world["product_id"],
                    "shipments": world["shipments"],
                    "mix": mix or {"arrived": 6, "lane_assigned": 2, "create": 2, "replay": 1},
                    "key_prefix": f"{name}-{secrets.token_hex(4)}-",
                    "planned_crossing_on": (date.today() + timedelta(days=2)).isoformat(),
                }
            )
        )
        self.process = None
        self.started_at = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, str(LOADGEN), str(self.plan), str(self.out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started_at = time.monotonic()
        return self

    def elapsed(self):
        return time.monotonic() - self.started_at

    def sleep_until(self, offset):
        """Sleep until `offset` seconds after the load started."""
        time.sleep(max(0.0, offset - self.elapsed()))

    def wait(self):
        try:
            output, _ = self.process.communicate(timeout=self.duration + 90)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("the load generator did not finish in time") from None
        except BaseException:  # interrupted (Ctrl-C, `timeout -s INT`): leave nothing running
            self.kill()
            raise
        assert self.process.returncode == 0, f"load generator failed:\n{output.decode(errors='replace')}"
        return self.results()

    def kill(self):
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def results(self):
        rows = []
        with open(self.out) as handle:
            for line in handle:
                if line.strip():
                    rows.append(json.loads(line))
        return rows


def retry_unacknowledged(base, rows, world, *, statuses=(None,)):
    """Send every unacknowledged gate event again with its Idempotency-Key and body, as a tablet would once the
    server answers again; return one row per retry (op "retry")."""
    retries = []
    headers = {"Authorization": f"Bearer {world['tokens']['officer']}"}
    for row in rows:
        if row["op"] not in ("arrived", "lane_assigned", "replay") or row["status"] not in statuses:
            continue
        started = time.monotonic()
        status, _headers, answer = http(
            "POST",
            f"{base}/api/v1/gates/{world['gate']}/crossings",
            body=row["body"],
            headers={**headers, "Idempotency-Key": row["key"]},
            timeout=30,
        )
        retry = {
            "op": "retry",
            "retry_of": row["op"],
            "key": row["key"],
            "body": row["body"],
            "status": status,
            "first_status": row["status"],
            "error": None if status is not None else "no answer",
            "ms": round((time.monotonic() - started) * 1000, 2),
            "replay_of_event": row.get("replay_of_event"),
        }
        if isinstance(answer, dict) and isinstance(answer.get("event"), dict):
            retry["event_id"] = answer["event"].get("id")
            retry["reference"] = (answer.get("shipment") or {}).get("reference")
        retries.append(retry)
    return retries
