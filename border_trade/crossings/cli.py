"""`flask crossings ...`: operator commands for gate data."""

import click
from flask.cli import AppGroup

crossings = AppGroup("crossings", help="Gate operations maintenance.")


@crossings.command("purge-keys")
def purge_keys():
    """Delete idempotency keys older than 7 days."""
    from ..idempotency import purge

    click.echo(f"{purge()} expired idempotency keys deleted")
