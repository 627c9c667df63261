"""A shipment's generated PDFs as a user asks for them: the shipment found (locked) in the user's scope, then
issued by `documents.pdfs`."""

from ...auth.permissions import require
from ...documents import pdfs
from ...documents.pdfs import DEFAULT_LANGUAGES, IssuedFile
from ...types import utcnow
from ..queries import visible_shipment_or_404


def issue_pdf(user, shipment_id, kind, languages=DEFAULT_LANGUAGES, now=None) -> bytes:
    """Build a shipment's PDF for someone who may see the shipment, recording it for verification; return bytes."""
    return issue(user, shipment_id, kind, languages, now).content


def issue(user, shipment_id, kind, languages=DEFAULT_LANGUAGES, now=None) -> IssuedFile:
    """Issue (or re-issue unchanged) a shipment's PDF and return its record and bytes.

    :raises NotFound: the shipment is outside the user's scope, or the kind is unknown.
    :raises Invalid: the languages are not one or two of vi, km, en.
    """
    now = now or utcnow()
    kind = pdfs.pdf_kind(kind)
    languages = pdfs.parse_languages(languages)
    shipment = visible_shipment_or_404(user, shipment_id, lock=True)
    require(user, "shipment.read", shipment)
    return pdfs.issue_for(user, shipment, kind, languages, now)
