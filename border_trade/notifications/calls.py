"""Who hears that a booked truck is called to the gate (`booking.called`, subscribed in subscriptions.py).

The trader's users get an in-app notice in the publisher's transaction; the `send_notices` job e-mails it within a
minute to those who want e-mail, in each one's language (`services.send_pending_emails`, `mail.py`). The driver
gets an SMS once the call is committed (`sms.send_after_commit`), in Vietnamese and Khmer (the vehicle's
country's language first), when the booking names a driver with a phone number.
"""

from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from ..auth.models import Role, User
from ..extensions import db
from ..i18n import localized
from .services import notify
from .sms import phone_number, send_after_commit

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def _traders(organisation_id):
    return db.session.scalars(
        sa.select(User).where(
            User.organisation_id == organisation_id, User.role == Role.EXPORTER, User.is_active_account
        )
    ).all()


def _local_time(moment):
    return moment.astimezone(LOCAL).strftime("%H:%M")


def sms_text(booking):
    """The driver's message: the vehicle's country's language first (Cambodian plates: Khmer), then the other."""
    country = str(getattr(booking.vehicle, "country", "VN"))
    languages = ("km", "vi") if country == "KH" else ("vi", "km")
    parts = []
    for language in languages:
        with force_locale(language):
            parts.append(
                _(
                    "%(plate)s (booking %(code)s): you are called to %(gate)s. Arrive by %(deadline)s.",
                    plate=booking.vehicle.plate,
                    code=booking.code,
                    gate=localized(booking.gate, "name", language) or booking.gate.code,
                    deadline=_local_time(booking.call_deadline),
                )
            )
    return "\n".join(parts)


def notify_booking_called(*, booking, actor, now):
    """Tell the trader (in-app, then e-mail) and the driver (SMS) that the booked truck is called."""
    params = {
        "code": booking.code,
        "reference": booking.shipment.reference,
        "gate": booking.gate.code,
        "plate": booking.vehicle.plate,
        "deadline": _local_time(booking.call_deadline),
    }
    cause = f"booking_called:{booking.id}:{booking.called_at.isoformat()}"
    notify(_traders(booking.organisation_id), "booking_called", cause, params, shipment=booking.shipment, now=now)
    phone = phone_number(booking.driver.phone) if booking.driver is not None else None
    if phone:
        send_after_commit(phone, sms_text(booking))
