"""Who hears that a booking must be confirmed the day before (`booking.unconfirmed`, published by the e-queue when
a trader with three no-shows in 30 days books; subscribed in subscriptions.py): the trader's users get one in-app
notice per booking, e-mailed in each one's language by the `send_notices` job."""

from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..auth.models import Role, User
from ..extensions import db
from .services import notify

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _traders(organisation_id):
    return db.session.scalars(
        sa.select(User).where(
            User.organisation_id == organisation_id, User.role == Role.EXPORTER, User.is_active_account
        )
    ).all()


def _local(moment):
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def notify_confirmation_needed(*, booking, deadline, now):
    """Ask the trader to confirm the booking before its deadline (18:00 local the day before), else it is released."""
    params = {
        "code": booking.code,
        "reference": booking.shipment.reference,
        "gate": booking.gate.code,
        "slot": _local(booking.slot_start),
        "deadline": _local(deadline),
    }
    cause = f"booking_confirm:{booking.id}"
    notify(_traders(booking.organisation_id), "booking_confirm", cause, params, shipment=booking.shipment, now=now)
