"""Who hears about origin proofs and e-invoices (`origin.follow_up`, `einvoice.due`, published by the origin jobs and
subscribed in subscriptions.py): the trader's users get one in-app notice per cause, e-mailed in each one's language
by the `send_notices` job (`services.send_pending_emails`)."""

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


def notify_origin_follow_up(*, proof, shipment, now):
    """Ask the trader, once per proof, whether the importing customs utilised or rejected it."""
    crossed = shipment.crossed_at.date().isoformat() if shipment.crossed_at else ""
    params = {"reference": shipment.reference, "proof": proof.reference or proof.kind.value, "date": crossed}
    notify(_traders(shipment.organisation_id), "origin_follow_up", f"origin_follow_up:{shipment.id}", params,
           shipment=shipment, now=now)  # fmt: skip


def notify_einvoice_due(*, einvoice, shipment, now):
    """Remind the trader, once per due day, to issue and record the export's e-invoice."""
    params = {
        "reference": shipment.reference,
        "cleared": einvoice.cleared_on.isoformat() if einvoice.cleared_on else "",
        "date": einvoice.due_on.isoformat(),
    }
    cause = f"einvoice_due:{shipment.id}:{einvoice.due_on.isoformat()}"
    notify(_traders(shipment.organisation_id), "einvoice_due", cause, params, shipment=shipment, now=now)
