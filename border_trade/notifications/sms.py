"""SMS to drivers through a pluggable sender chosen by settings.

`SMS_SENDER=log` (default; development and tests): `LogSender` writes each message to the log and keeps it in
`messages` (tests read them there). `SMS_SENDER=http` (production): `HttpSender` POSTs
`{"to": "+84…", "text": "…"}` as JSON with `Authorization: Bearer SMS_TOKEN` to `SMS_URL`, through the webhooks'
SSRF guard (`netguard`: public addresses only, checked after resolving once, pinned connection, no redirects, a
wall-clock deadline); `SMS_ALLOW_PRIVATE_NETWORKS` lets it reach loopback or a private gateway (tests, an in-house
gateway). A 2xx answer is success; anything else raises `SmsError`.

Messages are sent after the transaction that decided them commits (`send_after_commit`): a rolled-back call sends
nothing. A failed send is logged and not retried (the in-app notice and the e-mail remain).
"""

import json
import logging
import re

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from . import netguard

log = logging.getLogger(__name__)
_PENDING = "border_trade.sms_pending"
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")


class SmsError(Exception):
    """A message the gateway did not accept; `kind` is the error class (netguard's, or http_<status>)."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


class LogSender:
    """Writes messages to the log and keeps them (development, tests)."""

    def __init__(self):
        self.messages = []

    def send(self, to, text):
        log.info("SMS (SMS_SENDER=log, not sent) to=%s\n%s", to, text)
        self.messages.append({"to": to, "text": text})


class HttpSender:
    """POSTs each message as JSON to the gateway at SMS_URL (bearer SMS_TOKEN), through the SSRF guard."""

    def __init__(self, config):
        self.url = config.get("SMS_URL") or ""
        self.token = config.get("SMS_TOKEN") or ""
        self.guard = {
            "WEBHOOK_ALLOW_PRIVATE_NETWORKS": bool(config.get("SMS_ALLOW_PRIVATE_NETWORKS")),
            "WEBHOOK_REQUIRE_HTTPS": bool(config.get("SMS_REQUIRE_HTTPS")),
            "WEBHOOK_ALLOWED_PORTS": (80, 443),
            "WEBHOOK_RESOLVER": config.get("WEBHOOK_RESOLVER") or "system",
            "WEBHOOK_TIMEOUT_SECONDS": config.get("SMS_TIMEOUT_SECONDS") or 5,
            "WEBHOOK_DEADLINE_SECONDS": config.get("SMS_TIMEOUT_SECONDS") or 5,
        }

    def check(self):
        """Refuse (SmsError) a URL the guard would never send to (scheme, port, literal private address)."""
        try:
            netguard.parse(self.url, self.guard)
        except netguard.Refused as refused:
            raise SmsError(refused.kind) from refused

    def send(self, to, text):
        body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "border-trade-sms"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            status = netguard.post(self.url, body, headers, self.guard)
        except netguard.Refused as refused:
            raise SmsError(refused.kind) from refused
        if not 200 <= status < 300:
            raise SmsError(f"http_{status}")


SENDERS = {"log": LogSender, "http": HttpSender}


def sender(app=None):
    """Return the app's SMS sender (made once per app, as SMS_SENDER names it)."""
    app = app or current_app._get_current_object()
    existing = app.extensions.get("border_trade.sms")
    if existing is None:
        kind = (app.config.get("SMS_SENDER") or "log").lower()
        if kind not in SENDERS:
            raise RuntimeError(f"SMS_SENDER={kind!r}: use one of {', '.join(SENDERS)}")
        existing = LogSender() if kind == "log" else HttpSender(app.config)
        app.extensions["border_trade.sms"] = existing
    return existing


def phone_number(text):
    """Return a phone number in international form (+84…, +855…; a local Vietnamese 0… becomes +84…), or None."""
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if not _PHONE.match(digits):
        return None
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return "+84" + digits[1:]
    return "+" + digits


def send_after_commit(to, text):
    """Send `text` to `to` once the current transaction commits; nothing when it rolls back."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # the rollback of this transaction must drop the message
    session.info.setdefault(_PENDING, []).append((to, text))
    if not sa.event.contains(session, "after_commit", _send_pending):
        sa.event.listen(session, "after_commit", _send_pending)
        sa.event.listen(session, "after_soft_rollback", _drop_pending)


def _send_pending(session):
    pending = session.info.pop(_PENDING, [])
    for to, text in pending:
        try:
            sender().send(to, text)
        except Exception:  # the call stands; the driver also hears through the trader
            log.warning("SMS to %s failed", to, exc_info=True)


def _drop_pending(session, previous_transaction):
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(_PENDING, None)
