"""Command groups: `flask seed`, `flask users` (and the ones later domains add)."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext


def register_cli(app):
    """Attach every command to the app."""
    app.cli.add_command(seed)
    from .auth.cli import users

    app.cli.add_command(users)
    from .crossings.cli import crossings

    app.cli.add_command(crossings)
    from .scheduler.cli import scheduler

    app.cli.add_command(scheduler)
    from .scheduler.partition_cli import partitions

    app.cli.add_command(partitions)
    from .reports.cli import reports

    app.cli.add_command(reports)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(fonts_command)


@click.command("fonts")
def fonts_command():
    """Cut the PDF fonts into their cache now (once per machine, about 10 s), not at a server's first request."""
    from .pdf.fonts import cut_fonts

    for name, path in cut_fonts().items():
        click.echo(f"{name}: {path}")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also create the demo organisations, users and shipments.")
@click.option(
    "--bench",
    type=click.IntRange(min=1),
    is_flag=False,
    flag_value=200_000,
    default=None,
    metavar="N",
    help="Also add N benchmark shipments with their goods lines and events (N defaults to 200,000).",
)
@with_appcontext
def seed(demo, bench):
    """Load the reference data (gates, provinces, HS codes); idempotent."""
    from .seed.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
    from .seed.reference import load_reference

    if demo and current_app.config.get("IS_PRODUCTION"):
        raise click.UsageError(
            f"--demo refused in production: it creates accounts whose password ({DEMO_PASSWORD}) is published. "
            "Create real accounts with `flask users create` instead."
        )
    changes = load_reference()
    click.echo(f"reference data: {changes} rows added or changed")
    if demo:
        summary = load_demo()
        click.echo(f"demo: {summary['users']} users, {summary['shipments']} shipments, {summary['rates']} rates added")
        click.echo(f"demo logins (password: {DEMO_PASSWORD}):")
        for email, _name, role, *_rest in DEMO_USERS:
            click.echo(f"  {email:32} {role.value}")
    if bench:
        seed_bench_command(bench)


def seed_bench_command(count):
    """Add `count` benchmark shipments with a progress bar, then say what was added."""
    import time

    from .seed.bench import seed_bench

    started = time.perf_counter()
    with click.progressbar(length=count, label="bench shipments", show_pos=True, file=sys.stderr) as bar:
        summary = seed_bench(count, progress=bar.update)
    click.echo(
        f"bench: {summary.shipments} shipments, {summary.items} goods lines, {summary.events} events, "
        f"{summary.exporters} exporters and {summary.products} products added in {time.perf_counter() - started:.0f} s"
    )


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Write a consistent copy of the database to TARGET (SQLite file, or pg_dump custom format)."""
    from flask import current_app

    from .backup import backup

    path = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    click.echo(f"backup written to {path}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source, yes):
    """Replace the database with the backup in SOURCE."""
    from flask import current_app

    from .backup import restore
    from .extensions import db

    if not yes:
        click.confirm("This replaces every record in the database. Continue?", abort=True)
    db.session.remove()
    db.engine.dispose()
    restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    click.echo(f"database restored from {source}")
