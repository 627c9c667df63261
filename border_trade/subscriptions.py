"""Which domain listens to which event (see events.py); part of the composition root, called by create_app."""

from .customs.manifest import add_to_manifest as add_declaration_to_manifest
from .documents.pdf_data import MANIFEST_EXTRAS
from .equeue.calls import BOOKING_CALLED
from .equeue.services.confirmation import BOOKING_UNCONFIRMED
from .events import DOCUMENT_REGISTERED, SHIPMENT_STATUS_CHANGED, subscribe
from .notifications.bookings import notify_confirmation_needed
from .notifications.calls import notify_booking_called
from .notifications.ocop import notify_ocop_expiry
from .notifications.origin import notify_einvoice_due, notify_origin_follow_up
from .notifications.receipts import notify_receipt
from .notifications.webhooks import enqueue_receipt, enqueue_status_change
from .origin.jobs import EINVOICE_DUE, ORIGIN_FOLLOW_UP
from .origin.services import on_status_changed as set_einvoice_due
from .products.jobs import OCOP_EXPIRY
from .receipts.links import add_to_manifest
from .receipts.services import RECEIPT_CONFIRMED
from .shipments.services.documents import add_document_to_timeline


def register_subscriptions(app):
    """Connect the handlers of every domain event."""
    subscribe(app, SHIPMENT_STATUS_CHANGED, _queue_webhooks)
    subscribe(app, DOCUMENT_REGISTERED, add_document_to_timeline)
    subscribe(app, RECEIPT_CONFIRMED, notify_receipt)  # the buyer's receipt (#18): the trader's notice
    subscribe(app, RECEIPT_CONFIRMED, enqueue_receipt)  # and its webhooks, once each
    subscribe(app, MANIFEST_EXTRAS, add_to_manifest)  # the receipt link as the manifest's second QR code
    subscribe(app, MANIFEST_EXTRAS, add_declaration_to_manifest)  # the declaration's number and channel (#18)
    subscribe(app, BOOKING_CALLED, notify_booking_called)
    subscribe(app, BOOKING_UNCONFIRMED, notify_confirmation_needed)  # after three no-shows: confirm the day before
    subscribe(app, SHIPMENT_STATUS_CHANGED, set_einvoice_due)  # a cleared export's e-invoice due day (#18)
    subscribe(app, ORIGIN_FOLLOW_UP, notify_origin_follow_up)
    subscribe(app, EINVOICE_DUE, notify_einvoice_due)
    subscribe(app, OCOP_EXPIRY, notify_ocop_expiry)  # OCOP recognitions at 90/30 days and lapsed (#19)


def _queue_webhooks(*, shipment, event, now):
    enqueue_status_change(shipment, event, now=now)
