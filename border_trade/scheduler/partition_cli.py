"""`flask partitions list | ensure | detach YYYY-MM`: the monthly partitions of events and audit trail (PostgreSQL)."""

from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from ..extensions import db
from . import partitions as p

partitions = AppGroup("partitions", help="Monthly partitions of shipment_events and audit_entries (PostgreSQL).")


@partitions.command("list")
def list_command():
    """Print each attached partition: table, partition, bounds, estimated rows."""
    connection = db.session.connection()
    found = False
    for table in p.PARTITIONED:
        for partition in p.list_partitions(connection, table):
            found = True
            click.echo(f"{table} {partition.name} {partition.bounds} ~{max(partition.rows, 0)} rows")
    if not found:
        click.echo("no partitions (SQLite, or a PostgreSQL schema without the partitioning migration)")


@partitions.command("ensure")
@click.option("--months-ahead", type=click.IntRange(0, 24), default=p.MONTHS_AHEAD, show_default=True)
def ensure_command(months_ahead):
    """Create the partitions of this month and the next months now (the daily job 'partitions' does it too)."""
    created = p.ensure_partitions(datetime.now(UTC), months_ahead)
    click.echo(f"{created} partitions created")


@partitions.command("detach")
@click.argument("month")
def detach_command(month):
    """Detach MONTH (YYYY-MM, a past month) from both tables, keeping its rows in plain tables to archive."""
    try:
        detached = p.detach_month(p.parse_month(month), datetime.now(UTC))
    except p.PartitionError as error:
        raise click.ClickException(str(error)) from error
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    for name in detached:
        click.echo(f"detached {name}")
    click.echo("Its rows no longer show in the application. Archive each table, check the dump, then drop it:")
    for name in detached:
        click.echo(f"  pg_dump -Fc --table={name} --file={name}.dump '{url}'")
        click.echo(f"  psql '{url}' -c 'DROP TABLE {name}'")
