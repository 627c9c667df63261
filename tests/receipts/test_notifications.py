"""The trader hears of the receipt once: an in-app notice, an e-mail in their language (SMTP sink on loopback), and
the webhooks `shipment.delivered` / `shipment.discrepancy` (one delivery each, sent to a loopback receiver)."""

import json
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.notifications.models import Notification, Webhook, WebhookDelivery
from border_trade.notifications.services import send_pending_emails
from border_trade.notifications.webhooks import deliver_due
from tests.factories import make_user
from tests.notifications.conftest import smtp  # noqa: F401  (the SMTP sink fixture)
from tests.receipts.conftest import FULL, SHORT, body


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        self.server.seen.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(app):
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    server.seen = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    saved = {k: app.config[k] for k in ("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "WEBHOOK_RESOLVER")}
    app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = True  # loopback only, in this test
    app.config["WEBHOOK_RESOLVER"] = lambda host, port: [("127.0.0.1", port)]
    yield server
    app.config.update(saved)
    server.shutdown()
    server.server_close()


def hook(trader, url="https://erp.example.test/hooks"):
    record = Webhook(organisation_id=trader.organisation_id, url=url, secret="s" * 48)
    db.session.add(record)
    db.session.commit()
    return record


def deliveries():
    return db.session.scalars(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def test_a_discrepancy_reaches_the_trader_once_in_app_by_email_and_webhook(client, token, trader, crossed, smtp):  # noqa: F811
    trader.locale = "km"
    colleague = make_user(Role.EXPORTER, organisation=trader.organisation, locale="vi")
    outsider = make_user(Role.EXPORTER)
    hook(trader)
    assert client.post(f"/api/v1/receipts/{token}", json=body(FULL, SHORT)).status_code == 201
    assert client.post(f"/api/v1/receipts/{token}", json=body(FULL, SHORT)).status_code == 409

    notices = db.session.scalars(sa.select(Notification).order_by(Notification.user_id)).all()
    assert [(n.user_id, n.kind) for n in notices] == [
        (trader.id, "receipt_discrepancy"),
        (colleague.id, "receipt_discrepancy"),
    ]
    assert notices[0].params == {"reference": crossed.reference, "lines": "2"}
    assert outsider.id not in {n.user_id for n in notices}

    kinds = [(d.event, d.payload["type"]) for d in deliveries()]
    assert sorted(kinds) == [
        ("delivered", "shipment.status_changed"),
        ("shipment.delivered", "shipment.delivered"),
        ("shipment.discrepancy", "shipment.discrepancy"),
    ]
    discrepancy = next(d for d in deliveries() if d.event == "shipment.discrepancy").payload
    assert discrepancy["lines"] == [
        {"item": 2, "condition": "short", "received_quantity": "480.000", "shipped_quantity": "500.000"}
    ]

    assert send_pending_emails() == 2
    assert send_pending_emails() == 0  # once
    by_address = {m.rcpt_tos[0]: message_from_bytes(m.content) for m in smtp.messages}
    khmer = by_address[trader.email].get_payload(decode=True).decode()
    vietnamese = by_address[colleague.email].get_payload(decode=True).decode()
    assert crossed.reference in khmer and crossed.reference in vietnamese
    assert khmer != vietnamese  # each in the reader's language


def test_a_receipt_in_full_sends_delivered_only(client, token, trader, crossed):
    hook(trader)
    good = body(FULL, SHORT | {"received_quantity": "500", "condition": "ok"})
    assert client.post(f"/api/v1/receipts/{token}", json=good).status_code == 201
    assert sorted(d.event for d in deliveries()) == ["delivered", "shipment.delivered"]
    assert db.session.scalar(sa.select(Notification.kind)) == "receipt_delivered"


def test_the_webhooks_are_delivered_once_to_a_loopback_receiver(client, token, trader, crossed, receiver):
    hook(trader, url=f"http://127.0.0.1:{receiver.server_port}/hook")
    client.post(f"/api/v1/receipts/{token}", json=body(FULL, SHORT))
    assert deliver_due(budget=10) == (3, 0)
    assert deliver_due(budget=10) == (0, 0)
    types = sorted(payload["type"] for payload in receiver.seen)
    assert types == ["shipment.delivered", "shipment.discrepancy", "shipment.status_changed"]
