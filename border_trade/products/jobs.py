"""The OCOP expiry check (registered in scheduler/jobs.py as `ocop_expiry`): a plain, idempotent function of the
current time. It publishes `ocop.expiry` for each recognition at a warning threshold (90 and 30 days before its last
valid day, and once it has lapsed); notifications/ocop.py turns it into the trader's notice, once per threshold."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..events import publish
from ..extensions import db
from .models import Product
from .ocop import WARNING_DAYS, warning_step

OCOP_EXPIRY = "ocop.expiry"  # payload: product, step (90, 30 or 0), days_left, now
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def expiring_recognitions(today):
    """Return (product, step, days_left) for every recognition at a warning threshold on `today`."""
    products = db.session.scalars(
        sa.select(Product)
        .where(
            Product.is_archived.is_(False),
            Product.ocop_stars.is_not(None),
            Product.ocop_certificate_expires_on.is_not(None),
            Product.ocop_certificate_expires_on <= today + timedelta(days=max(WARNING_DAYS)),
        )
        .order_by(Product.id)
    ).all()
    found = []
    for product in products:
        step = warning_step(product.ocop_certificate_expires_on, today)
        if step is not None:
            found.append((product, step, (product.ocop_certificate_expires_on - today).days))
    return found


def warn_ocop_expiry(now):
    """Publish the expiry warning of each OCOP recognition at 90 or 30 days before it lapses, or lapsed."""
    found = expiring_recognitions(now.astimezone(LOCAL).date())
    for product, step, days_left in found:
        publish(OCOP_EXPIRY, product=product, step=step, days_left=days_left, now=now)
    db.session.commit()
    return len(found)
