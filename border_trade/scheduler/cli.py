"""`flask scheduler run | jobs | run-once JOB`."""

import click
from flask import current_app
from flask.cli import AppGroup

scheduler = AppGroup("scheduler", help="The job scheduler (one leading process).")


@scheduler.command("run")
def run():
    """Run the scheduler in this process (leads when no other process does)."""
    from .runner import serve

    serve(current_app._get_current_object())


@scheduler.command("jobs")
def jobs():
    """Print one line per job: its id, then its next run."""
    from .runner import next_runs

    for job_id, when in next_runs(current_app._get_current_object()):
        click.echo(f"{job_id} {when.isoformat() if when else '-'}")


@scheduler.command("run-once")
@click.argument("job")
def run_once(job):
    """Run one job now (recorded like any run)."""
    from .jobs import JOBS
    from .runner import holder_name, run_job

    if job not in JOBS:
        raise click.BadParameter(f"unknown job; one of: {', '.join(sorted(JOBS))}", param_hint="JOB")
    result = run_job(current_app._get_current_object(), job, holder=f"cli:{holder_name()}")
    click.echo(f"{job}: {result.outcome}, {result.items_touched} items")
    if result.outcome != "success":
        click.echo(result.error, err=True)
        raise SystemExit(1)
