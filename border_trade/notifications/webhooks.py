"""Webhooks: shipment status changes delivered as signed JSON, stored and retried with backoff."""

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import require
from ..errors import Invalid, NotFound
from ..extensions import db
from ..types import utcnow
from .models import Webhook, WebhookDelivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
SIGNATURE_HEADER = "X-BorderTrade-Signature"


def sign(secret, body):
    """Return the hex HMAC-SHA256 of a body with a webhook's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(attempts):
    """Return the wait before the next attempt: 1, 2, 4, ... minutes, at most 4 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def enqueue_status_change(shipment, event, *, now=None):
    """Queue a delivery of a shipment's status change to each active webhook of its organisation."""
    now = now or utcnow()
    hooks = db.session.scalars(
        sa.select(Webhook).where(Webhook.organisation_id == shipment.organisation_id, Webhook.is_active)
    ).all()
    payload = {
        "type": "shipment.status_changed",
        "shipment": shipment.reference,
        "event": event.event,
        "from_status": event.from_status.value if event.from_status else None,
        "status": shipment.status.value,
        "occurred_at": event.occurred_at.isoformat(),
        "gate": event.gate.code if event.gate is not None else None,
    }
    for hook in hooks:
        db.session.add(
            WebhookDelivery(webhook_id=hook.id, event=event.event, payload=payload, next_attempt_at=now, created_at=now)
        )
    return len(hooks)


def deliver_due(now=None):
    """Try every delivery that is due; return (delivered, failed attempts)."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(WebhookDelivery)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id)
        .limit(200)
    ).all()
    delivered = failed = 0
    for delivery in due:
        hook = delivery.webhook
        body = json.dumps({"id": delivery.id, **delivery.payload}, separators=(",", ":"), sort_keys=True).encode()
        request = urllib.request.Request(  # noqa: S310 - only http(s) URLs are accepted at registration
            hook.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: "sha256=" + sign(hook.secret, body),
                "X-BorderTrade-Delivery": str(delivery.id),
            },
        )
        delivery.attempts += 1
        try:
            with urllib.request.urlopen(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as response:  # noqa: S310 - URL checked at registration
                delivery.last_status_code = response.status
            delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
            delivered += 1
        except urllib.error.HTTPError as error:
            delivery.last_status_code, delivery.last_error = error.code, str(error)[:500]
            failed += 1
        except (urllib.error.URLError, OSError, ValueError) as error:
            delivery.last_status_code, delivery.last_error = None, str(error)[:500]
            failed += 1
        if delivery.status != "delivered":
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = "failed"
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
        db.session.commit()
    return delivered, failed


def register_webhook(user, url):
    """Register a URL for the user's organisation; return (webhook, secret shown once)."""
    require(user, "webhook.manage")
    if not url.startswith(("https://", "http://")):
        raise Invalid(errors={"url": [_("Give an http or https address.")]})
    secret = secrets.token_hex(24)
    hook = Webhook(organisation_id=user.organisation_id, url=url, secret=secret)
    db.session.add(hook)
    db.session.flush()
    record("webhook.create", actor=user, obj=hook, after={"url": url})
    db.session.commit()
    return hook, secret


def visible_webhooks(user):
    require(user, "webhook.manage")
    return db.session.scalars(
        sa.select(Webhook).where(Webhook.organisation_id == user.organisation_id).order_by(Webhook.id)
    ).all()


def webhook_or_404(user, webhook_id):
    hook = next((h for h in visible_webhooks(user) if h.id == webhook_id), None)
    if hook is None:
        raise NotFound(_("No such webhook."))
    return hook


def deactivate_webhook(user, webhook_id):
    hook = webhook_or_404(user, webhook_id)
    hook.is_active = False
    record("webhook.deactivate", actor=user, obj=hook)
    db.session.commit()
    return hook


def deliveries(user, webhook_id, limit=100):
    hook = webhook_or_404(user, webhook_id)
    return db.session.scalars(
        sa.select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
