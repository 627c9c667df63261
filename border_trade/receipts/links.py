"""Receipt links: signed, expiring, single-use for confirming, readable afterwards; a new one replaces the old.

The token is the link's id signed with SECRET_KEY (itsdangerous, salt `receipt-link`): altering it breaks the
signature, and the database keeps only its SHA-256 (`token_hash`), so a copy of the database alone opens nothing.
The same link always gives the same token, so the crossing manifest can print it again as a QR code.
"""

import hashlib
import hmac
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..audit.services import record
from ..auth.permissions import require
from ..errors import Conflict, NotFound
from ..extensions import db
from ..shipments.models import Direction, ShipmentStatus
from ..shipments.queries import visible_shipment_or_404
from ..types import utcnow
from .models import ReceiptLink

SALT = "receipt-link"


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_of(link):
    """Return the token of a link (the same every time)."""
    return _serializer().dumps(link.id)


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def url_of(link):
    """Return the public address of a link's receipt page."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/receipt/{token_of(link)}"


def create_link(user, id_or_reference, *, now=None):
    """Make the receipt link of a crossed export (the trader's own); older links of the shipment stop working."""
    now = now or utcnow()
    shipment = visible_shipment_or_404(user, id_or_reference, lock=True)
    require(user, "shipment.write", shipment)
    if shipment.direction is Direction.IMPORT:
        raise Conflict(
            _("The importer confirms the receipt of an import in the app: no receipt link is needed."),
            errors={"direction": [_("This shipment is an import.")]},
        )
    if shipment.status is not ShipmentStatus.CROSSED:
        raise Conflict(
            _("A receipt link can be made once the shipment has crossed the border."),
            errors={"status": [_("The shipment is %(status)s.", status=shipment.status.label)]},
            current_status=shipment.status.value,
        )
    db.session.execute(
        sa.update(ReceiptLink)
        .where(ReceiptLink.shipment_id == shipment.id, ReceiptLink.replaced_at.is_(None))
        .values(replaced_at=now)
    )
    days = current_app.config["RECEIPT_LINK_DAYS"]
    link = ReceiptLink(
        shipment=shipment, created_by=user, created_at=now, expires_at=now + timedelta(days=days), token_hash=""
    )
    db.session.add(link)
    db.session.flush()  # the id is what the token signs
    link.token_hash = token_hash(token_of(link))
    record("receipt_link.create", actor=user, obj=shipment, after={"link": link.id, "expires_at": str(link.expires_at)})
    db.session.commit()
    return link


def link_for_token(token, *, now=None, lock=False):
    """Return the live link of a token, else 404 (forged, altered, replaced or expired: one answer for all)."""
    now = now or utcnow()
    missing = NotFound(_("This receipt link is not valid: it may have expired or been replaced."))
    try:
        link_id = _serializer().loads(token or "")
    except BadSignature:
        raise missing from None
    if not isinstance(link_id, int):
        raise missing
    query = sa.select(ReceiptLink).where(ReceiptLink.id == link_id)
    if lock:
        query = query.with_for_update()
    link = db.session.scalar(query)
    if link is None or not hmac.compare_digest(link.token_hash, token_hash(token)):
        raise missing
    if link.replaced_at is not None or link.expires_at <= now:
        raise missing
    return link


def active_link_url(shipment_id, *, now=None):
    """Return the address of a shipment's live, unused receipt link, or None (for the crossing manifest)."""
    now = now or utcnow()
    link = db.session.scalar(
        sa.select(ReceiptLink).where(
            ReceiptLink.shipment_id == shipment_id,
            ReceiptLink.replaced_at.is_(None),
            ReceiptLink.used_at.is_(None),
            ReceiptLink.expires_at > now,
        )
    )
    return url_of(link) if link is not None else None


def add_to_manifest(*, shipment, extras):
    """Give the crossing manifest the buyer's live receipt link (subscribed to `pdf.manifest_extras`)."""
    url = active_link_url(shipment.id)
    if url:
        extras["receipt_url"] = url
