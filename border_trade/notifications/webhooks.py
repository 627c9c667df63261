"""Webhooks: shipment status changes delivered as signed JSON, stored and retried with backoff.

Deliveries go only to public addresses (netguard), one attempt at a time, each in its own transaction; a run
shares its time budget between organisations in turn, so one organisation's backlog or slow receiver cannot
starve the others.
"""

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from collections import deque
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import writes
from ..audit.services import record
from ..auth.models import Organisation
from ..auth.permissions import require
from ..errors import Invalid, NotFound
from ..extensions import db
from ..types import utcnow
from . import netguard
from .models import Webhook, WebhookDelivery

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
DUE_PER_ORGANISATION = 100  # deliveries of one organisation looked at in one run
SIGNATURE_HEADER = "X-BorderTrade-Signature"
SIGNATURE_V2_HEADER = "X-BorderTrade-Signature-V2"


def sign(secret, body):
    """Return the hex HMAC-SHA256 of a body with a webhook's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign_v2(secret, body, timestamp):
    """Return the timestamped signature `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (replays can be refused)."""
    return f"t={timestamp},v1={sign(secret, str(timestamp).encode() + b'.' + body)}"


def backoff(attempts):
    """Return the wait before the next attempt: 1, 2, 4, ... minutes, at most 4 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def enqueue_status_change(shipment, event, *, now=None):
    """Queue a delivery of a shipment's status change to each active webhook of its organisation.

    One INSERT … SELECT over the organisation's active webhooks (none, one or several: one statement, no list read
    first), in the caller's transaction; returns how many deliveries were queued (None when held in a batch).
    """
    now = now or utcnow()
    payload = {
        "type": "shipment.status_changed",
        "shipment": shipment.reference,
        "event": event.event,
        "from_status": event.from_status.value if event.from_status else None,
        "status": shipment.status.value,
        "occurred_at": event.occurred_at.isoformat(),
        "gate": event.gate.code if event.gate is not None else None,
    }
    # a statement of its own (it reads no pending change, so nothing needs flushing first); inside
    # `writes.batched()` (a gate event) it goes with the event's other writes at the batch's flush
    result = writes.write(
        ("webhooks.status_change",),
        _enqueue_statement,
        {"organisation_id": shipment.organisation_id, "event": event.event, "payload": payload, "now": now},
    )
    return None if result is None else result.rowcount


def _enqueue_statement(prefix):
    """INSERT INTO webhook_deliveries … SELECT over an organisation's active webhooks (built once per prefix by
    `writes`), its bind parameters named `prefix` + organisation_id, event, payload, now."""
    deliveries = WebhookDelivery.__table__
    hooks = (
        sa.select(
            Webhook.id,
            sa.bindparam(prefix + "event", type_=deliveries.c.event.type),
            sa.bindparam(prefix + "payload", type_=deliveries.c.payload.type),
            sa.literal("pending", deliveries.c.status.type),
            sa.literal(0, deliveries.c.attempts.type),
            sa.bindparam(prefix + "now", type_=deliveries.c.next_attempt_at.type),
            sa.bindparam(prefix + "now", type_=deliveries.c.created_at.type),
        )
        .where(Webhook.organisation_id == sa.bindparam(prefix + "organisation_id"), Webhook.is_active)
        .order_by(Webhook.id)
    )
    columns = ["webhook_id", "event", "payload", "status", "attempts", "next_attempt_at", "created_at"]
    return deliveries.insert().from_select(columns, hooks)


def enqueue_receipt(*, receipt, shipment, now):
    """Queue `shipment.delivered` once per receipt, and `shipment.discrepancy` once when any goods line differs
    (subscribed to `receipt.confirmed`); the same public-address rule as every delivery (netguard)."""
    hooks = db.session.scalars(
        sa.select(Webhook).where(Webhook.organisation_id == shipment.organisation_id, Webhook.is_active)
    ).all()
    common = {"shipment": shipment.reference, "status": shipment.status.value, "occurred_at": now.isoformat()}
    payloads = [
        {"type": "shipment.delivered", **common, "discrepancy": receipt.has_discrepancy,
         "declaration_no": receipt.declaration_no},
    ]  # fmt: skip
    differing = [line for line in receipt.lines if line.differs]
    if differing:
        lines = [
            {"item": line.item_position, "condition": line.condition.value,
             "received_quantity": f"{line.received_quantity:f}", "shipped_quantity": f"{line.shipped_quantity:f}"}
            for line in differing
        ]  # fmt: skip
        payloads.append({"type": "shipment.discrepancy", **common, "lines": lines})
    for hook in hooks:
        for payload in payloads:
            db.session.add(
                WebhookDelivery(
                    webhook_id=hook.id, event=payload["type"], payload=payload, next_attempt_at=now, created_at=now
                )
            )


def deliver_due(now=None, *, budget=None):
    """Try the due deliveries of active webhooks, organisations taking turns, until the run's time budget
    (WEBHOOK_RUN_BUDGET_SECONDS) is spent; return (delivered, failed attempts).

    Every attempt is counted and recorded in its own transaction before the next one starts; no receiver's
    answer (or lack of one) escapes as an error.
    """
    now = now or utcnow()
    config = current_app.config
    budget = config["WEBHOOK_RUN_BUDGET_SECONDS"] if budget is None else budget
    stop_at = time.monotonic() + budget
    queues = _due_by_organisation(now)
    delivered = failed = 0
    while queues and time.monotonic() < stop_at:
        for organisation_id in list(queues):
            if time.monotonic() >= stop_at:
                break
            queue = queues[organisation_id]
            delivery_id = queue.popleft()
            if not queue:
                del queues[organisation_id]
            outcome = _attempt(delivery_id, now, config)
            delivered += outcome is True
            failed += outcome is False
    return delivered, failed


def _due_by_organisation(now):
    """Return {organisation id: queue of due delivery ids, oldest first}, the organisations in random order."""
    due = (
        sa.select(WebhookDelivery.id)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now, Webhook.is_active)
    )
    organisations = list(db.session.scalars(due.with_only_columns(Webhook.organisation_id).distinct()))
    random.shuffle(organisations)  # no organisation is always served first when the budget runs short
    queues = {
        org: deque(
            db.session.scalars(
                due.where(Webhook.organisation_id == org).order_by(WebhookDelivery.id).limit(DUE_PER_ORGANISATION)
            )
        )
        for org in organisations
    }
    db.session.commit()
    return {org: queue for org, queue in queues.items() if queue}


def _attempt(delivery_id, now, config):
    """Make one attempt at a delivery; return True (delivered), False (failed attempt) or None (not due)."""
    try:
        claimed = _claim(delivery_id, now)
    except Exception:
        db.session.rollback()
        log.exception("webhook delivery %s could not be claimed", delivery_id)
        return None
    if claimed is None:
        return None
    url, secret, body = claimed
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "border-trade-webhooks",
        SIGNATURE_HEADER: "sha256=" + sign(secret, body),
        SIGNATURE_V2_HEADER: sign_v2(secret, body, int(time.time())),
        "X-BorderTrade-Delivery": str(delivery_id),
    }
    status, error = None, None
    try:
        status = netguard.post(url, body, headers, config)
        if not 200 <= status < 300:
            error = f"http_{status}"  # 3xx too: redirects are not followed
    except Exception as exc:  # whatever a receiver does is one failed attempt
        error = netguard.error_class(exc)
        log.warning("webhook delivery %s failed: %s (%r)", delivery_id, error, exc)
    try:
        delivery = db.session.get(WebhookDelivery, delivery_id)
        delivery.last_status_code, delivery.last_error = status, error
        if error is None:
            delivery.status, delivery.delivered_at = "delivered", now
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("the outcome of webhook delivery %s could not be recorded", delivery_id)
        return None
    return error is None


def _claim(delivery_id, now):
    """Count an attempt before it is made (a crash mid-way still counts); return (url, secret, body) or None."""
    delivery = db.session.get(WebhookDelivery, delivery_id, with_for_update=True, populate_existing=True)
    if delivery is None or delivery.status != "pending" or delivery.next_attempt_at > now:
        db.session.rollback()
        return None
    hook = delivery.webhook
    if not hook.is_active:
        delivery.status, delivery.last_error = "cancelled", "webhook_stopped"
        db.session.commit()
        return None
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
        db.session.commit()
        return None
    delivery.attempts += 1
    delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.last_error = "interrupted"  # replaced by the outcome; stays only when the process died meanwhile
    claimed = hook.url, hook.secret, _body(delivery)
    db.session.commit()
    return claimed


def _body(delivery):
    return json.dumps({"id": delivery.id, **delivery.payload}, separators=(",", ":"), sort_keys=True).encode()


# the error of a refused registration, by netguard's error class
def _url_error(kind, config):
    if kind == "blocked_scheme":
        return (
            _("Give an https address.") if config.get("WEBHOOK_REQUIRE_HTTPS") else _("Give an http or https address.")
        )
    if kind == "blocked_port":
        ports = ", ".join(str(p) for p in config["WEBHOOK_ALLOWED_PORTS"])
        return _("Only these ports are allowed: %(ports)s.", ports=ports)
    if kind == "blocked_address":
        return _("Give an address on the public internet: local, private and reserved addresses are refused.")
    if kind == "credentials_in_url":
        return _("Give an address without a user name or password.")
    return _("Invalid URL.")


def check_url(url):
    """Refuse (422 on `url`) an address a webhook may not use; a name that does not resolve yet passes
    (each delivery checks again)."""
    config = current_app.config
    try:
        target = netguard.parse(url, config)
        netguard.resolve_within(target, config, float(config["WEBHOOK_TIMEOUT_SECONDS"]))
    except netguard.Refused as refused:
        if refused.kind != "dns_error":
            raise Invalid(errors={"url": [_url_error(refused.kind, config)]}) from refused


def register_webhook(user, url):
    """Register a URL for the user's organisation; return (webhook, secret shown once)."""
    require(user, "webhook.manage")
    check_url(url)
    # one registration at a time per organisation, so the limit holds
    db.session.get(Organisation, user.organisation_id, with_for_update=True)
    limit = current_app.config["WEBHOOK_MAX_PER_ORGANISATION"]
    active = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Webhook)
        .where(Webhook.organisation_id == user.organisation_id, Webhook.is_active)
    )
    if active >= limit:
        db.session.rollback()
        message = ngettext(
            "An organisation can have at most %(num)d active webhook; stop one first.",
            "An organisation can have at most %(num)d active webhooks; stop one first.",
            limit,
        )
        raise Invalid(errors={"url": [message]})
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
    db.session.execute(
        sa.update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")
        .values(status="cancelled", last_error="webhook_stopped")
    )
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
