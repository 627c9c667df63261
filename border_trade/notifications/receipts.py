"""Who hears that a buyer (or the importer) confirmed a receipt (`receipt.confirmed`, subscribed in
subscriptions.py): the trader's users get one in-app notice per receipt, e-mailed in each one's language by the
`send_notices` job (`services.send_pending_emails`); the webhooks are `webhooks.enqueue_receipt`."""

import sqlalchemy as sa

from ..auth.models import Role, User
from ..extensions import db
from .services import notify


def _traders(organisation_id):
    return db.session.scalars(
        sa.select(User).where(
            User.organisation_id == organisation_id, User.role == Role.EXPORTER, User.is_active_account
        )
    ).all()


def notify_receipt(*, receipt, shipment, now):
    """Tell the trader's users that the shipment was delivered, naming the goods lines that differ, once."""
    differing = [line.item_position for line in receipt.lines if line.differs]
    kind = "receipt_discrepancy" if differing else "receipt_delivered"
    params = {"reference": shipment.reference, "lines": ", ".join(str(p) for p in differing)}
    notify(_traders(shipment.organisation_id), kind, f"receipt:{receipt.id}", params, shipment=shipment, now=now)
