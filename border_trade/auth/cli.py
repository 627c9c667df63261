"""`flask users ...`: create accounts, set passwords and deactivate accounts from the command line."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..errors import AppError
from ..extensions import db
from ..i18n import LANGUAGES
from . import queries, services
from .models import Role, User


@click.group("users")
def users():
    """Manage accounts (changes are recorded in the audit trail with the actor "cli")."""


def _fail(error):
    lines = [str(error.message or "")] if error.message else []
    for field, messages in (error.errors or {}).items():
        lines.extend(f"{field}: {message}" for message in messages)
    raise click.ClickException("\n".join(lines) or error.__class__.__name__)


def _user_or_fail(email):
    user = queries.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account with the e-mail address {email}")
    return user


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True, type=click.Choice(Role.values()), help="The account's role.")
@click.option("--organisation", help="Exporters: the organisation's id or tax id.")
@click.option("--gate", "gates", multiple=True, help="Gate officers: a gate code (repeat for several gates).")
@click.option("--province", help="Province officers and viewers: the province code, e.g. TAY-NINH.")
@click.option("--locale", type=click.Choice(LANGUAGES), default="vi", show_default=True)
@click.password_option(help="The initial password (asked for when not given).")
@with_appcontext
def create(email, name, role, organisation, gates, province, locale, password):
    """Create an account with its role and scope."""
    try:
        user = services.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            organisation=organisation,
            gates=gates,
            province=province,
            locale=locale,
        )
    except AppError as error:
        _fail(error)
    click.echo(f"created {user.email} ({user.role.value}), id {user.id}")


@users.command("set-password")
@click.argument("email")
@click.password_option(help="The new password (asked for when not given).")
@with_appcontext
def set_password(email, password):
    """Set a new password for an account; its sessions end and its API tokens are revoked."""
    user = _user_or_fail(email)
    try:
        services.reset_password(user.id, password)
    except AppError as error:
        _fail(error)
    click.echo(f"password set for {user.email}: their sessions ended and their API tokens were revoked")


@users.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate(email):
    """Deactivate an account: its sessions end and its API tokens are revoked."""
    user = _user_or_fail(email)
    services.deactivate_user(user.id)
    click.echo(f"deactivated {user.email}: their sessions ended and their API tokens were revoked")


@users.command("activate")
@click.argument("email")
@with_appcontext
def activate(email):
    """Let a deactivated account sign in again."""
    user = _user_or_fail(email)
    services.activate_user(user.id)
    click.echo(f"activated {user.email}")


@users.command("list")
@with_appcontext
def list_users():
    """List every account with its role and state."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        state = "active" if user.is_active else "deactivated"
        click.echo(f"{user.id:>5}  {user.email:40} {user.role.value:17} {state}")
