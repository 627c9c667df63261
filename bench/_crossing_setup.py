"""The crossing benchmark's surroundings: its environment, a throwaway PostgreSQL database, gunicorn."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
PG = {"host": HOST, "port": 5432, "user": "postgres"}


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
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",  # several workers: production refuses in-memory limits
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


def install_app(env):
    """What a deploy does before starting the servers (docs/deploy.md): migrate the database and cut the PDF fonts
    (else each gunicorn worker cuts them after its first request, ~10 s of CPU each)."""
    flask = [str(PYTHON), "-m", "flask", "--app", "border_trade"]
    step("migrating", [*flask, "db", "upgrade"], env, 300)
    step("cutting the PDF fonts", [*flask, "fonts"], env, 300)


def admin_connection():
    import psycopg

    return psycopg.connect(**PG, dbname="postgres", autocommit=True, connect_timeout=10)


def create_database(name):
    with admin_connection() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    print(f"database {name} created", flush=True)


def drop_database(name):
    try:
        with admin_connection() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"database {name} dropped", flush=True)
    except Exception as error:  # cleanup must not hide the run's own error
        print(f"could not drop database {name}: {error}", file=sys.stderr, flush=True)


def stand_in_for_autovacuum(name):
    """`ANALYZE` the database when its server runs without autovacuum (this machine's PostgreSQL: conf.d/90-ci.conf);
    return whether it did.

    In production autovacuum analyses a table once a tenth of it changed, which re-plans the prepared statements
    that use it. Without it, a table that was empty when the world was loaded (the idempotency keys) keeps the plan
    of an empty table, a sequential scan, for the whole run: each event then reads every key stored so far. The
    benchmark calls this between its phases, outside the measured windows, for both targets alike.
    """
    import psycopg

    with psycopg.connect(**PG, dbname=name, autocommit=True, connect_timeout=10) as connection:
        if connection.execute("SHOW autovacuum").fetchone()[0] == "on":
            return False
        connection.execute("ANALYZE")
    return True


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def stop_group(process):
    """SIGTERM a process started in its own session (and its children); SIGKILL after 35 s."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=35)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


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
        stop_group(self.process)


class Scheduler:
    """`flask scheduler run`, as production runs it beside the app servers (deploy/border-trade-scheduler.service):
    its jobs (the queue-number checkpoints every minute among them) run during the benchmark as they would at a gate."""

    def __init__(self, env, workdir):
        self.env, self.log, self.process = env, workdir / "scheduler.log", None

    def start(self):
        command = [str(PYTHON), "-m", "flask", "--app", "border_trade", "scheduler", "run"]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        print(f"scheduler (pid {self.process.pid})", flush=True)

    def stop(self):
        stop_group(self.process)
