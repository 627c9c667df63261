"""`flask reports ...`: fold the gate events into the daily figures, and check the figures against the events."""

from datetime import date, timedelta

import click
from flask.cli import AppGroup

reports = AppGroup("reports", help="Daily figures of the reports: fold and verify.")

DAY = click.DateTime(formats=["%Y-%m-%d"])


@reports.command("fold")
@click.option("--from", "first", type=DAY, help="Fold these days again, whatever the watermark (with --to).")
@click.option("--to", "last", type=DAY)
def fold_command(first, last):
    """Fold what changed since the last fold (what the scheduler's report_figures job does), or the given days."""
    from .services.fold import fold

    days = None
    if first or last:
        first, last = (first or last).date(), (last or first).date()
        if last < first:
            raise click.BadParameter("--to comes before --from")
        days = {first + timedelta(days=n) for n in range((last - first).days + 1)}
    click.echo(f"{fold(days=days)} days folded")


@reports.command("verify")
@click.option("--from", "first", type=DAY, required=True)
@click.option("--to", "last", type=DAY, default=None, help="Defaults to --from.")
def verify_command(first, last):
    """Recompute the period's days from the events; exit 1 and list the differences if the figures disagree."""
    from .services.fold import verify

    first = first.date()
    last = last.date() if last else first
    if last < first:
        raise click.BadParameter("--to comes before --from")
    differences, unfolded = verify(first, last)
    for table, key, stored, recomputed in differences:
        click.echo(f"{table} {_text(key)}: stored {_text(stored)}, from the events {_text(recomputed)}")
    days = (last - first).days + 1
    click.echo(
        f"{days - len(unfolded)} folded days checked, {len(unfolded)} not folded yet (read from the shipments), "
        f"{len(differences)} differences"
    )
    if differences:
        raise SystemExit(1)


def _text(value):
    if isinstance(value, tuple):
        return "(" + ", ".join(_text(v) for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
