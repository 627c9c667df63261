"""Domain events: how a lower domain tells a higher one that something happened, without importing it.

The application factory subscribes the handlers (`border_trade.subscriptions`); a service publishes by name.
Handlers run at once, in the publisher's request and transaction: what they add to the session is committed (or
rolled back) with the publisher's change. Subscriptions belong to one app, so every app built by `create_app`
gets its own.

Events (name: keyword arguments):
    shipment.status_changed: shipment, event (the ShipmentEvent that moved it), now. A gate event publishes it
        inside its write batch (writes.py): the event's and the shipment's rows are not written yet, so a handler
        uses the objects it gets and reads only its own tables (its writes may join the batch or the unit of work)
    document.registered: document (added to the session, not yet flushed), replaced (the Document it replaces, or
        None), actor, now
    booking.called: booking, actor, now (equeue.calls → notifications.calls: notice, e-mail, SMS to the driver)
    booking.unconfirmed: booking, deadline, now (equeue.services.bookings → notifications.bookings: a notice asks the
        trader to confirm by 18:00 the day before)
    receipt.confirmed: receipt, shipment, now (receipts → notifications: notice, webhooks shipment.delivered and
        shipment.discrepancy)
    origin.follow_up, einvoice.due: proof or einvoice, shipment, now (origin.jobs → notifications.origin)
    ocop.expiry: product, step (90, 30 or 0), days_left, now (products.jobs → notifications.ocop)
    pdf.manifest_extras: shipment, extras (documents.pdf_data asks; receipts adds the buyer's receipt link, customs the
        declaration number and channel)
"""

from collections import defaultdict

from flask import current_app

SHIPMENT_STATUS_CHANGED = "shipment.status_changed"
DOCUMENT_REGISTERED = "document.registered"


def subscribe(app, name, handler):
    """Call `handler(**payload)` whenever `name` is published inside `app`."""
    app.extensions.setdefault("border_trade.events", defaultdict(list))[name].append(handler)


def publish(name, **payload):
    """Run the current app's handlers of `name`, in the order they subscribed."""
    for handler in current_app.extensions.get("border_trade.events", {}).get(name, ()):
        handler(**payload)
