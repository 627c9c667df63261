"""What the permission matrix's receipt rows need in its world: a crossed export of the exporter (and its live
receipt link, for the public confirmation), made on first use and kept in `world.extra`."""

from datetime import timedelta

from border_trade.receipts.links import create_link, token_of
from border_trade.shipments.models import ShipmentStatus
from border_trade.types import utcnow
from tests.factories import get_gate, make_shipment

BODY = {"lines": [{"item": 1, "received_quantity": "400", "condition": "ok"}]}


def crossed(world):
    if "receipt_shipment" not in world.extra:
        world.extra["receipt_shipment"] = make_shipment(
            world.users["exporter"].organisation,
            status=ShipmentStatus.CROSSED,
            gate=get_gate("MOC-BAI"),
            crossed_at=utcnow() - timedelta(hours=1),
        )
    return world.extra["receipt_shipment"]


def link_path(world):
    return f"/api/v1/shipments/{crossed(world).id}/receipt-link"


def confirm_path(world):
    if "receipt_token" not in world.extra:
        world.extra["receipt_token"] = token_of(create_link(world.users["exporter"], crossed(world).id))
    return f"/api/v1/receipts/{world.extra['receipt_token']}"
