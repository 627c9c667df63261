"""Notices: created once per cause, read in the app, e-mailed in the recipient's language."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ..errors import NotFound
from ..extensions import db
from ..types import utcnow
from .mail import send_mail
from .messages import KINDS, render
from .models import Notification, NotificationPreference

log = logging.getLogger(__name__)
EMAIL_WINDOW = timedelta(days=2)


def notify(users, kind, cause, params, *, shipment=None, document=None, now=None):
    """Create the notice for each user unless that user already has one for this cause; return how many were new.

    Runs inside the caller's transaction (jobs commit once at the end).
    """
    now = now or utcnow()
    created = 0
    for user in {u.id: u for u in users if u is not None and u.is_active}.values():
        exists = db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == user.id, Notification.cause == cause)
        )
        if exists:
            continue
        db.session.add(
            Notification(
                user_id=user.id,
                kind=kind,
                params=params,
                cause=cause,
                created_at=now,
                shipment_id=getattr(shipment, "id", None),
                document_id=getattr(document, "id", None),
            )
        )
        created += 1
    db.session.flush()
    return created


def wants_email(user, kind):
    """Tell whether a user wants this kind of notice by e-mail (default: yes, when e-mail notices are on)."""
    return bool(user.email_notices) and _pref(user, kind)


def send_pending_emails(now=None):
    """E-mail every recent notice not yet e-mailed to users who want it; return how many were sent."""
    now = now or utcnow()
    pending = db.session.scalars(
        sa.select(Notification)
        .where(Notification.emailed_at.is_(None), Notification.created_at >= now - EMAIL_WINDOW)
        .order_by(Notification.id)
    ).all()
    sent = 0
    for notice in pending:
        user = notice.user
        if not wants_email(user, notice.kind):
            continue
        with force_locale(user.locale or "vi"):
            subject = _("[border-trade] %(title)s", title=str(KINDS.get(notice.kind, notice.kind)))
            body = render_template(
                "email/notice.txt", user=user, message=render(notice.kind, notice.params), notice=notice
            )
        try:
            send_mail(user.email, subject, body)
        except OSError:
            log.warning("e-mail to %s failed; it will be retried", user.email, exc_info=True)
            continue
        notice.emailed_at = now
        db.session.commit()
        sent += 1
    return sent


def list_notifications(user, *, unread=False, limit=50):
    """Return the user's notices, newest first."""
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    return db.session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).all()


def unread_count(user):
    return db.session.scalar(
        sa.select(sa.func.count()).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def mark_read(user, notification_id, now=None):
    """Mark one of the user's notices read (404 for anyone else's)."""
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.id == notification_id, Notification.user_id == user.id)
    )
    if notice is None:
        raise NotFound(_("No such notice."))
    if notice.read_at is None:
        notice.read_at = now or utcnow()
        db.session.commit()
    return notice


def email_kinds(user):
    """Return the kinds of notice the user gets by e-mail."""
    return {kind for kind in KINDS if _pref(user, kind)}


def _pref(user, kind):
    preference = db.session.get(NotificationPreference, (user.id, kind))
    return True if preference is None else preference.email


def set_email_preferences(user, kinds, *, email_notices=True):
    """Save whether the user wants e-mail at all, and which kinds of notice (`kinds`: the set to e-mail)."""
    user.email_notices = bool(email_notices)
    for kind in KINDS:
        preference = db.session.get(NotificationPreference, (user.id, kind))
        if preference is None:
            preference = NotificationPreference(user_id=user.id, kind=kind)
            db.session.add(preference)
        preference.email = kind in kinds
    db.session.commit()
