"""The scheduler process: one leader (a lease row in the database), APScheduler running the jobs of jobs.py."""

import logging
import os
import signal
import socket
import threading
import traceback
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from ..extensions import db
from ..observability import JOB_RUNS
from ..types import utcnow
from .jobs import JOBS
from .models import JobRun, SchedulerLease
from .queries import LEASE_NAME

log = logging.getLogger(__name__)
MISFIRE_GRACE_SECONDS = 15 * 60


class RunResult(NamedTuple):
    id: int
    job: str
    outcome: str
    items_touched: int
    error: str | None


def holder_name():
    """Name this process as host:pid (what /api/v1/health shows as the leader)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def try_lead(holder, now, lease_seconds):
    """Take or renew the lease when it is free, expired or ours; return True when this process leads."""
    expires = now + timedelta(seconds=lease_seconds)
    claim = (
        sa.update(SchedulerLease)
        .where(
            SchedulerLease.name == LEASE_NAME,
            sa.or_(
                SchedulerLease.holder == holder, SchedulerLease.expires_at.is_(None), SchedulerLease.expires_at < now
            ),
        )
        .values(
            holder=holder,
            heartbeat_at=now,
            expires_at=expires,
            acquired_at=sa.case((SchedulerLease.holder == holder, SchedulerLease.acquired_at), else_=now),
        )
        .execution_options(synchronize_session=False)
    )
    if db.session.execute(claim).rowcount == 1:
        db.session.commit()
        return True
    if db.session.get(SchedulerLease, LEASE_NAME) is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    SchedulerLease(
                        name=LEASE_NAME, holder=holder, acquired_at=now, heartbeat_at=now, expires_at=expires
                    )
                )
            db.session.commit()
            return True
        except sa.exc.IntegrityError:
            db.session.rollback()
    db.session.rollback()
    return False


def release(holder):
    """Give the lease up (on a clean shutdown) so another process can lead at once."""
    db.session.execute(
        sa.update(SchedulerLease)
        .where(SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == holder)
        .values(expires_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def leads(holder, now):
    lease = db.session.get(SchedulerLease, LEASE_NAME)
    db.session.commit()
    return lease is not None and lease.holder == holder and lease.expires_at is not None and lease.expires_at > now


def run_job(app, job_id, *, holder=None, now=None, require_lease=False):
    """Run one job inside an app context and record the run; a failure is logged and recorded, never raised."""
    with app.app_context():
        now = now or utcnow()
        if require_lease and not leads(holder, now):
            log.warning("job %s skipped: %s no longer leads", job_id, holder)
            return None
        function, _trigger = JOBS[job_id]
        run = JobRun(job=job_id, started_at=now, holder=holder, outcome="running")
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        try:
            touched = function(now)
            outcome, error = "success", None
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job_id)
            touched, outcome, error = 0, "failed", traceback.format_exc()[-4000:]
        run = db.session.get(JobRun, run_id)
        run.finished_at, run.outcome, run.items_touched, run.error = utcnow(), outcome, int(touched or 0), error
        db.session.commit()
        JOB_RUNS.labels(job=job_id, outcome=outcome).inc()
        return RunResult(run_id, job_id, outcome, run.items_touched, error)


_APP = None  # the app of this scheduler process; the job store keeps only picklable job references


def scheduled(job_id, holder):
    """Entry point APScheduler calls (by textual reference) for every job."""
    return run_job(_APP, job_id, holder=holder, require_lease=True)


def build_scheduler(app, holder):
    """Create an APScheduler with the jobs in a SQLAlchemy job store on the app database (not started)."""
    global _APP
    _APP = app
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=url, tablename="apscheduler_jobs")},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone="Asia/Ho_Chi_Minh",
    )
    for job_id, (_function, trigger) in JOBS.items():
        if job_id == "heartbeat" and app.config.get("SCHEDULER_HEARTBEAT_SECONDS"):
            trigger = {"trigger": "interval", "seconds": app.config["SCHEDULER_HEARTBEAT_SECONDS"]}
        scheduler.add_job(
            "border_trade.scheduler.runner:scheduled",
            id=job_id,
            name=job_id,
            replace_existing=True,
            args=[job_id, holder],
            **trigger,
        )
    return scheduler


def next_runs(app, now=None):
    """Return [(job id, next run)] as the leader's job store holds them, else as each trigger computes them."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    now = now or utcnow()
    stored = {}
    with app.app_context():
        if sa.inspect(db.engine).has_table("apscheduler_jobs"):
            rows = db.session.execute(sa.text("SELECT id, next_run_time FROM apscheduler_jobs")).all()
            stored = {row.id: row.next_run_time for row in rows}
    result = []
    for job_id, (_function, trigger) in sorted(JOBS.items()):
        if stored.get(job_id) is not None:
            result.append((job_id, datetime.fromtimestamp(stored[job_id], UTC)))
            continue
        options = {k: v for k, v in trigger.items() if k != "trigger"}
        kind = CronTrigger if trigger["trigger"] == "cron" else IntervalTrigger
        fire = kind(timezone="Asia/Ho_Chi_Minh", **options).get_next_fire_time(None, now)
        result.append((job_id, fire))
    return result


def serve(app, *, stop=None, poll_seconds=None):
    """Lead when possible and run the jobs; otherwise wait and take over within a lease period. Blocks until stop."""
    stop = stop or threading.Event()
    holder = holder_name()
    lease_seconds = app.config["SCHEDULER_LEASE_SECONDS"]
    poll = poll_seconds or app.config["SCHEDULER_RENEW_SECONDS"]
    scheduler = None

    def _stop(*_args):
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    log.info("scheduler %s starting (lease %ss, renew every %ss)", holder, lease_seconds, poll)
    try:
        while not stop.is_set():
            with app.app_context():
                leading = try_lead(holder, utcnow(), lease_seconds)
            if leading and scheduler is None:
                log.info("scheduler %s leads", holder)
                scheduler = build_scheduler(app, holder)
                scheduler.start()
            elif not leading and scheduler is not None:
                log.warning("scheduler %s lost the lease; stopping its jobs", holder)
                scheduler.shutdown(wait=False)
                scheduler = None
            stop.wait(poll)
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
            with app.app_context():
                release(holder)
        log.info("scheduler %s stopped", holder)
