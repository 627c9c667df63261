"""A shipment's paperwork as a user reaches it: the shipment found in the user's scope, then documents does the rest."""

from flask_babel import gettext as _

from ...auth.permissions import require
from ...documents import services as documents
from ...errors import Conflict
from ...extensions import db
from ...types import utcnow
from ..models import EventKind, ShipmentEvent, ShipmentStatus
from ..queries import visible_shipment_or_404

# papers may be registered until the truck leaves; afterwards the file is closed
OPEN_FOR_DOCUMENTS = {ShipmentStatus.DRAFT, ShipmentStatus.READY, ShipmentStatus.SUBMITTED}


def register_document(user, shipment_id, data, *, upload=None, now=None):
    """Register a paper for a shipment, with an optional scan (PDF, JPEG or PNG up to 10 MB)."""
    now = now or utcnow()
    shipment = visible_shipment_or_404(user, shipment_id)
    require(user, "document.write", shipment)
    if shipment.status not in OPEN_FOR_DOCUMENTS:
        raise Conflict(
            _("Papers can no longer be registered: the shipment is %(status)s.", status=shipment.status.label),
            current_status=shipment.status.value,
        )
    return documents.add_document(user, shipment, data, upload=upload, now=now)


def list_documents(user, shipment_id, *, include_replaced=True):
    """Return a visible shipment's documents, oldest first."""
    shipment = visible_shipment_or_404(user, shipment_id)
    return documents.shipment_documents(shipment, include_replaced=include_replaced)


def document_scan(user, shipment_id, document_id):
    """Return (path, mime, name) of a document's scan for someone who may see the shipment, else 404."""
    return documents.scan_file(list_documents(user, shipment_id), document_id)


def add_document_to_timeline(*, document, replaced, actor, now):
    """On `document.registered`: the paper joins the shipment's timeline, in the registering transaction."""
    db.session.add(
        ShipmentEvent(
            shipment=document.shipment,
            kind=EventKind.DOCUMENT,
            event="document_replaced" if replaced else "document_registered",
            occurred_at=now,
            recorded_at=now,
            actor=actor,
            note=f"{document.type.value} {document.number}",
        )
    )
