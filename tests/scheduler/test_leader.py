"""Two scheduler processes on PostgreSQL: exactly one leads and runs jobs; killing it hands over."""

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from border_trade.extensions import db
from border_trade.scheduler.models import JobRun, SchedulerLease

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def start_scheduler(url, tmp_path, name):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BORDER_TRADE_ENV": "development",
        "SECRET_KEY": "leader-test",
        "BORDER_TRADE_INSTANCE": str(tmp_path),
        "SCHEDULER_LEASE_SECONDS": "3",
        "SCHEDULER_RENEW_SECONDS": "1",
        "SCHEDULER_HEARTBEAT_SECONDS": "1",
    }
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "border_trade", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def runs():
    db.session.rollback()
    return db.session.scalars(sa.select(JobRun).where(JobRun.job == "heartbeat").order_by(JobRun.started_at)).all()


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_one_leader_no_double_runs_and_takeover(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("the leader test runs on PostgreSQL (set TEST_DATABASE_URL)")
    first = start_scheduler(url, tmp_path, "first")
    second = start_scheduler(url, tmp_path, "second")
    processes = [first, second]
    try:
        assert wait_for(lambda: len(runs()) >= 4, 30), (tmp_path / "first.log").read_text()
        time.sleep(3)
        seen = runs()
        holders = {r.holder for r in seen}
        assert len(holders) == 1, holders
        leader_pid = int(holders.pop().rsplit(":", 1)[1])
        starts = [r.started_at for r in seen]
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
        assert min(gaps) > 0.5, gaps  # two processes firing the same tick would leave near-zero gaps
        leader = first if first.pid == leader_pid else second
        follower = second if leader is first else first
        lease = db.session.get(SchedulerLease, "scheduler")
        assert lease.holder.endswith(f":{leader.pid}")

        os.kill(leader.pid, signal.SIGKILL)
        leader.wait(10)
        assert wait_for(lambda: any(r.holder.endswith(f":{follower.pid}") for r in runs()), 30), (
            tmp_path / "second.log"
        ).read_text()
        db.session.rollback()
        assert db.session.get(SchedulerLease, "scheduler").holder.endswith(f":{follower.pid}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS apscheduler_jobs"))
            connection.execute(sa.delete(SchedulerLease.__table__))
