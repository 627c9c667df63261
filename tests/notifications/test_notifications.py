"""Notices in the API, e-mails in the recipient's language, and signed webhooks with retries."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.notifications import webhooks
from border_trade.notifications.models import Notification, WebhookDelivery
from border_trade.notifications.services import notify, send_pending_emails
from border_trade.shipments.models import ShipmentStatus
from tests.factories import get_gate, make_shipment, make_user

NOW = datetime.now(UTC)


def test_inbox_api_lists_and_marks_read(client, token_for):
    user = make_user(Role.EXPORTER)
    other = make_user(Role.EXPORTER)
    notify([user], "crossing_missed", "c1", {"reference": "BT-2026-000001", "gate": "MOC-BAI", "date": "2026-12-01"})
    notify([other], "crossing_missed", "c1", {"reference": "BT-2026-000009", "gate": "MOC-BAI", "date": "2026-12-01"})
    db.session.commit()
    headers = token_for(user)
    listing = client.get("/api/v1/notifications?unread=true&lang=en", headers=headers).json
    assert listing["total"] == 1
    notice = listing["items"][0]
    assert notice["kind"] == "crossing_missed" and "BT-2026-000001" in notice["message"]
    assert notice["read_at"] is None
    vi = client.get("/api/v1/notifications?lang=vi", headers=headers).json["items"][0]["message"]
    assert "BT-2026-000001" in vi
    theirs = db.session.scalar(sa.select(Notification.id).where(Notification.user_id == other.id))
    assert client.post(f"/api/v1/notifications/{theirs}/read", headers=headers).status_code == 404
    read = client.post(f"/api/v1/notifications/{notice['id']}/read", headers=headers)
    assert read.status_code == 200 and read.json["read_at"]
    assert client.get("/api/v1/notifications?unread=true", headers=headers).json["total"] == 0


def test_emails_go_once_in_the_recipients_language(smtp):
    khmer = make_user(Role.EXPORTER, locale="km")
    english = make_user(Role.EXPORTER, locale="en", organisation=khmer.organisation)
    quiet = make_user(Role.EXPORTER, organisation=khmer.organisation, email_notices=False)
    params = {"reference": "BT-2026-000042", "gate": "XA-MAT", "date": "2026-12-01"}
    notify([khmer, english, quiet], "crossing_missed", "missed:42", params)
    db.session.commit()
    assert send_pending_emails() == 2
    assert send_pending_emails() == 0
    by_recipient = {m.rcpt_tos[0]: m.content.decode() for m in smtp.messages}
    assert set(by_recipient) == {khmer.email, english.email}
    assert "BT-2026-000042" in by_recipient[english.email]
    assert "Subject: [border-trade]" in by_recipient[english.email]
    from email import message_from_bytes

    khmer_body = message_from_bytes(smtp.messages[[m.rcpt_tos[0] for m in smtp.messages].index(khmer.email)].content)
    english_body = message_from_bytes(
        smtp.messages[[m.rcpt_tos[0] for m in smtp.messages].index(english.email)].content
    )
    khmer_text = khmer_body.get_payload(decode=True).decode()
    assert khmer_text != english_body.get_payload(decode=True).decode()
    assert any("\u1780" <= ch <= "\u17ff" for ch in khmer_text), khmer_text  # written in Khmer
    assert "BT-2026-000042" in khmer_text


class Receiver(BaseHTTPRequestHandler):
    bodies = []
    statuses = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.bodies.append((self.headers, body))
        status = Receiver.statuses.pop(0) if Receiver.statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(app):
    """A receiver on loopback (a random port): private networks are allowed for the test's duration."""
    Receiver.bodies, Receiver.statuses = [], []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = True
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks/border-trade"
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = False
    server.shutdown()
    server.server_close()


def test_webhook_is_signed_and_retried_with_backoff(client, token_for, receiver):
    exporter = make_user(Role.EXPORTER)
    headers = token_for(exporter)
    created = client.post("/api/v1/webhooks", json={"url": receiver}, headers=headers)
    assert created.status_code == 201
    secret = created.json["secret"]
    shipment = make_shipment(exporter.organisation, status=ShipmentStatus.SUBMITTED, gate=get_gate("MOC-BAI"))
    officer = token_for(make_user(Role.GATE_OFFICER))
    response = client.post(
        "/api/v1/gates/MOC-BAI/crossings",
        headers=officer | {"Idempotency-Key": "w1"},
        json={"shipment": shipment.reference, "event": "arrived"},
    )
    assert response.status_code == 201
    Receiver.statuses = [500]
    now = datetime.now(UTC)
    assert webhooks.deliver_due(now) == (0, 1)
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
    assert delivery.next_attempt_at > now
    assert webhooks.deliver_due(now) == (0, 0)  # not due yet
    assert webhooks.deliver_due(now + timedelta(minutes=2)) == (1, 0)
    headers_seen, body = Receiver.bodies[-1]
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers_seen["X-BorderTrade-Signature"] == expected
    payload = json.loads(body)
    assert payload["shipment"] == shipment.reference and payload["status"] == "at_gate"
    assert payload["from_status"] == "submitted"
    listing = client.get(f"/api/v1/webhooks/{created.json['id']}/deliveries", headers=headers).json["items"]
    assert listing[0]["status"] == "delivered" and listing[0]["attempts"] == 2
    other = token_for(make_user(Role.EXPORTER))
    assert client.get(f"/api/v1/webhooks/{created.json['id']}/deliveries", headers=other).status_code == 404


def test_webhook_gives_up_after_the_last_attempt(receiver):
    exporter = make_user(Role.EXPORTER)
    hook, _secret = webhooks.register_webhook(exporter, receiver)
    db.session.add(
        WebhookDelivery(webhook_id=hook.id, event="arrived", payload={"shipment": "BT"}, next_attempt_at=NOW)
    )
    db.session.commit()
    Receiver.statuses = [503] * webhooks.MAX_ATTEMPTS
    when = NOW
    for _ in range(webhooks.MAX_ATTEMPTS):
        webhooks.deliver_due(when)
        when += timedelta(hours=5)
    delivery = db.session.scalar(sa.select(WebhookDelivery))
    assert delivery.status == "failed" and delivery.attempts == webhooks.MAX_ATTEMPTS


def test_only_exporters_register_webhooks(client, token_for):
    response = client.post(
        "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/x"}, headers=token_for(make_user(Role.GATE_OFFICER))
    )
    assert response.status_code == 403
    bad = client.post("/api/v1/webhooks", json={"url": "ftp://x"}, headers=token_for(make_user(Role.EXPORTER)))
    assert bad.status_code == 422 and "url" in bad.json["errors"]
