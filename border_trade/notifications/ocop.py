"""Who hears that an OCOP recognition lapses (`ocop.expiry`, published by products/jobs.py and subscribed in
subscriptions.py): the product's organisation's traders get one in-app notice per threshold (90 days, 30 days,
lapsed) of each recognition, e-mailed in each one's language by the `send_notices` job."""

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


def notify_ocop_expiry(*, product, step, days_left, now):
    """Warn the traders once per threshold; a renewed recognition (another last valid day) is warned afresh."""
    expires_on = product.ocop_certificate_expires_on
    kind = "ocop_expired" if step == 0 else "ocop_expiring"
    params = {"product": product.name_vi, "date": expires_on.isoformat(), "days": max(days_left, 0)}
    cause = f"{kind}:{product.id}:{expires_on.isoformat()}:{step}"
    notify(_traders(product.organisation_id), kind, cause, params, now=now)
