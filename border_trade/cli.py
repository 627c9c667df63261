"""Command groups: `flask seed`, `flask users` (and the ones later domains add)."""

import click
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


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also create the demo organisations, users and shipments.")
@with_appcontext
def seed(demo):
    """Load the reference data (gates, provinces, HS codes); idempotent."""
    from .seed.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
    from .seed.reference import load_reference

    changes = load_reference()
    click.echo(f"reference data: {changes} rows added or changed")
    if demo:
        summary = load_demo()
        click.echo(f"demo: {summary['users']} users, {summary['shipments']} shipments, {summary['rates']} rates added")
        click.echo(f"demo logins (password: {DEMO_PASSWORD}):")
        for email, _name, role, *_rest in DEMO_USERS:
            click.echo(f"  {email:32} {role.value}")
