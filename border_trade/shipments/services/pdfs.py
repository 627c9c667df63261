"""A shipment's generated PDFs as a user asks for them: the shipment found (locked) in the user's scope, then
issued by `documents.pdfs`."""

from flask_babel import gettext as _

from ...auth.permissions import require
from ...documents import pdfs
from ...documents.models import PdfKind
from ...documents.pdfs import DEFAULT_LANGUAGES, IssuedFile
from ...errors import Conflict
from ...types import utcnow
from ..models import Direction
from ..queries import visible_shipment_or_404

# the papers of an import that the seller abroad issues (API.md: 409); its packing list and manifest are ours
ISSUED_ABROAD = (PdfKind.COMMERCIAL_INVOICE, PdfKind.CO_FORM_D)


def issue_pdf(user, shipment_id, kind, languages=DEFAULT_LANGUAGES, now=None) -> bytes:
    """Build a shipment's PDF for someone who may see the shipment, recording it for verification; return bytes."""
    return issue(user, shipment_id, kind, languages, now).content


def issue(user, shipment_id, kind, languages=DEFAULT_LANGUAGES, now=None) -> IssuedFile:
    """Issue (or re-issue unchanged) a shipment's PDF and return its record and bytes.

    :raises NotFound: the shipment is outside the user's scope, or the kind is unknown.
    :raises Invalid: the languages are not one or two of vi, km, en.
    :raises Conflict: an import's commercial invoice or Form D (the seller abroad issues them).
    """
    now = now or utcnow()
    kind = pdfs.pdf_kind(kind)
    languages = pdfs.parse_languages(languages)
    shipment = visible_shipment_or_404(user, shipment_id, lock=True)
    require(user, "shipment.read", shipment)
    if shipment.direction is Direction.IMPORT and kind in ISSUED_ABROAD:
        raise Conflict(
            _(
                "The seller abroad issues the commercial invoice and the C/O Form D of an import; "
                "register the ones you received as documents of the shipment."
            ),
            errors={"kind": [_("Only the packing list and the crossing manifest are made for an import.")]},
        )
    return pdfs.issue_for(user, shipment, kind, languages, now)
