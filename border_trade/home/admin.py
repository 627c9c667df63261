"""The administrator's home: accounts, the active paperwork rules, the scheduler's health, and what could not be
delivered (webhook deliveries that failed for good, e-mail notices still unsent after the send job's window)."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..documents.models import RuleSet
from ..extensions import db
from ..notifications.models import Notification, NotificationPreference, Webhook, WebhookDelivery
from ..scheduler.models import JobRun
from ..scheduler.queries import get_leader
from .figures import Figure

# the send job runs every minute; a notice still unsent after this long is a failure (or a stopped scheduler)
EMAIL_LATE = timedelta(minutes=15)
RUNS_WINDOW = timedelta(hours=24)
LISTED = 50


def admin_home(*, now=None):
    """Return the admin's figures: accounts by role, the rules, the scheduler, undelivered webhooks and e-mails."""
    now = now or datetime.now(UTC)
    roles = dict(
        db.session.execute(
            sa.select(User.role, sa.func.count()).where(User.is_active_account).group_by(User.role)
        ).all()
    )
    rules = db.session.scalar(sa.select(RuleSet.version).where(RuleSet.is_active))
    failed_runs = db.session.scalar(
        sa.select(sa.func.count()).where(JobRun.outcome == "failed", JobRun.started_at >= now - RUNS_WINDOW)
    )
    deliveries = url_for("home.deliveries")
    figures = [
        Figure("users", str(_l("Active accounts")), sum(roles.values()), url_for("auth.users", state="active")),
        Figure(
            "failed_runs",
            str(_l("Failed scheduled runs (24 hours)")),
            failed_runs,
            url_for("scheduler.overview"),
            tone="danger",
        ),
        Figure(
            "failed_webhooks",
            str(_l("Webhook deliveries that failed")),
            _count(failed_webhooks()),
            deliveries + "#webhooks",
            tone="danger",
        ),
        Figure(
            "unsent_emails",
            str(_l("E-mail notices not sent")),
            _count(unsent_emails(now)),
            deliveries + "#emails",
            tone="warning",
        ),
    ]
    return {
        "figures": figures,
        "roles": sorted(roles.items(), key=lambda item: item[0].value),
        "rules": rules,
        "leader": get_leader(now),
        "now": now,
    }


def failed_webhooks():
    """Webhook deliveries that gave up (every attempt failed), newest first."""
    return (
        sa.select(WebhookDelivery)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == "failed")
        .order_by(WebhookDelivery.id.desc())
    )


def unsent_emails(now):
    """Notices their reader wants by e-mail that were not e-mailed within EMAIL_LATE, newest first."""
    refused = sa.exists().where(
        NotificationPreference.user_id == Notification.user_id,
        NotificationPreference.kind == Notification.kind,
        NotificationPreference.email.is_(False),
    )
    return (
        sa.select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.created_at < now - EMAIL_LATE,
            User.email_notices.is_(True),
            User.is_active_account.is_(True),
            ~refused,
        )
        .order_by(Notification.id.desc())
    )


def delivery_lists(*, now=None):
    """Return the newest failed webhook deliveries and unsent e-mail notices (LISTED of each) and their counts."""
    now = now or datetime.now(UTC)
    webhooks = failed_webhooks()
    emails = unsent_emails(now)
    return {
        "webhooks": db.session.scalars(webhooks.options(joinedload(WebhookDelivery.webhook)).limit(LISTED)).all(),
        "webhook_count": _count(webhooks),
        "emails": db.session.scalars(emails.options(joinedload(Notification.user)).limit(LISTED)).all(),
        "email_count": _count(emails),
    }


def _count(query):
    return db.session.scalar(query.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))
