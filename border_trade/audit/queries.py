"""Read the audit trail (administrators only), filtered and newest first."""

import contextlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..permissions import require
from ..types import ascii_id
from .models import AuditEntry


def visible_audit_entries(user, *, actor=None, action=None, object=None, from_=None, to=None):
    """Build the query of audit entries a user may read, filtered; 403 unless the user may read the trail.

    `actor`: an e-mail address or a user id; `action`: one action or a family (`auth` matches `auth.*`);
    `object`: `type` or `type:id`; `from_`/`to`: days (local, inclusive) or aware datetimes.
    """
    require(user, "audit.read")
    query = sa.select(AuditEntry)
    if actor:
        actor = actor.strip()
        by_email = sa.func.lower(AuditEntry.actor_email) == actor.lower()
        actor_id = ascii_id(actor)
        query = query.where(sa.or_(by_email, AuditEntry.actor_id == actor_id) if actor_id else by_email)
    if action:
        action = action.strip().rstrip(".")
        query = query.where(
            sa.or_(AuditEntry.action == action, AuditEntry.action.startswith(action + ".", autoescape=True))
        )
    if object:
        object_type, _sep, object_id = object.strip().partition(":")
        query = query.where(AuditEntry.object_type == object_type)
        if object_id:
            query = query.where(AuditEntry.object_id == object_id)
    if from_ is not None:
        query = query.where(AuditEntry.at >= _instant(from_))
    if to is not None:
        end = _instant(to + timedelta(days=1)) if _is_day(to) else _instant(to)
        query = query.where(AuditEntry.at < end if _is_day(to) else AuditEntry.at <= end)
    return query


def iter_newest_first(query, *, app=None, batch_size=500):
    """Yield an audit query's entries newest first, read in keyset-paged batches, each by its own short session.

    Exports stream these after the request's session has closed, so a cursor opened by the request would be gone
    (on PostgreSQL a server-side cursor dies with its transaction); no transaction stays open between batches
    while a slow client downloads, and memory holds one batch. The trail is append-only and paged by id, so no
    entry is read twice or skipped. With `app`, each batch is read inside its own app context, so the generator
    holds no context between batches and may be streamed without `stream_with_context` (a download abandoned
    half-way then leaves nothing to pop).
    """
    last_id = None
    while True:
        page = query if last_id is None else query.where(AuditEntry.id < last_id)
        with (
            app.app_context() if app is not None else contextlib.nullcontext(),
            db.session.session_factory() as session,
        ):
            entries = session.scalars(page.order_by(AuditEntry.id.desc()).limit(batch_size)).all()
        yield from entries
        if len(entries) < batch_size:
            return
        last_id = entries[-1].id


def _is_day(value):
    return isinstance(value, date) and not isinstance(value, datetime)


def _instant(value):
    if _is_day(value):
        zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Ho_Chi_Minh")
        return datetime.combine(value, time(0), zone).astimezone(UTC)
    return value.astimezone(UTC)
