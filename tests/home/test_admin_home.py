"""The administrator's home: accounts, rules, the scheduler, and what could not be delivered (listed on a page only
admins open)."""

import re
from datetime import timedelta

from border_trade.auth.models import Role
from border_trade.extensions import db
from border_trade.notifications.models import Notification, Webhook, WebhookDelivery
from border_trade.types import utcnow
from tests.factories import make_user


def number(html, key):
    return int(re.search(rf'data-figure="{key}" data-number="(\d+)"', html).group(1))


def test_the_admin_sees_undelivered_webhooks_and_e_mails_and_their_list(login_as):
    admin = login_as(Role.ADMIN, locale="en")
    trader = make_user(Role.EXPORTER)
    hook = Webhook(organisation=trader.organisation, url="https://example.test/hook", secret="s")
    old = utcnow() - timedelta(hours=2)
    db.session.add_all(
        [
            WebhookDelivery(webhook=hook, event="shipment.status_changed", payload={}, status="failed", attempts=8),
            WebhookDelivery(webhook=hook, event="shipment.status_changed", payload={}, status="delivered"),
            Notification(user_id=trader.id, kind="document_expiring", params={}, cause="a", created_at=old),
            Notification(user_id=trader.id, kind="document_expiring", params={}, cause="b", created_at=utcnow()),
            Notification(
                user_id=trader.id, kind="document_expiring", params={}, cause="c", created_at=old, emailed_at=old
            ),
        ]
    )
    db.session.commit()
    html = admin.get("/").get_data(as_text=True)
    assert 'data-home="admin"' in html
    assert number(html, "failed_webhooks") == 1 and number(html, "unsent_emails") == 1
    assert number(html, "users") == 2
    page = admin.get("/admin/deliveries").get_data(as_text=True)
    assert page.count("<tr data-delivery=") == 1 and page.count("<tr data-notification=") == 1


def test_only_admins_open_the_list_of_undelivered_messages(login_as):
    assert login_as(Role.EXPORTER).get("/admin/deliveries").status_code == 403
    assert login_as(Role.PROVINCE_OFFICER).get("/admin/deliveries").status_code == 403
