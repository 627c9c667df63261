"""Which domain listens to which event (see events.py); part of the composition root, called by create_app."""

from .equeue.calls import BOOKING_CALLED
from .events import DOCUMENT_REGISTERED, SHIPMENT_STATUS_CHANGED, subscribe
from .notifications.calls import notify_booking_called
from .notifications.webhooks import enqueue_status_change
from .shipments.services.documents import add_document_to_timeline


def register_subscriptions(app):
    """Connect the handlers of every domain event."""
    subscribe(app, SHIPMENT_STATUS_CHANGED, _queue_webhooks)
    subscribe(app, DOCUMENT_REGISTERED, add_document_to_timeline)
    subscribe(app, BOOKING_CALLED, notify_booking_called)


def _queue_webhooks(*, shipment, event, now):
    enqueue_status_change(shipment, event, now=now)
