"""Which domain listens to which event (see events.py); part of the composition root, called by create_app."""

from .events import SHIPMENT_STATUS_CHANGED, subscribe
from .notifications.webhooks import enqueue_status_change


def register_subscriptions(app):
    """Connect the handlers of every domain event."""
    subscribe(app, SHIPMENT_STATUS_CHANGED, _queue_webhooks)


def _queue_webhooks(*, shipment, event, now):
    enqueue_status_change(shipment, event, now=now)
