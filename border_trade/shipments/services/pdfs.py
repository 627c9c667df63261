"""A shipment's generated PDFs as a user asks for them: the shipment found (locked) in the user's scope, then
issued by `documents.pdfs`."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ...auth.permissions import require
from ...documents import pdfs
from ...documents.models import IssuedPdf, PdfKind
from ...documents.pdfs import DEFAULT_LANGUAGES, IssuedFile
from ...errors import Conflict
from ...extensions import db
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


def kinds_of(shipment) -> list[PdfKind]:
    """The PDFs a shipment has, in their order: an import's packing list and crossing manifest; an export's invoice,
    packing list, Form D worksheet (only when it claims the ATIGA preference) and crossing manifest."""
    if shipment.direction is Direction.IMPORT:
        return [kind for kind in PdfKind if kind not in ISSUED_ABROAD]
    return [kind for kind in PdfKind if kind is not PdfKind.CO_FORM_D or shipment.preferential_tariff]


def issued_pdfs(shipment) -> list[IssuedPdf]:
    """Every PDF issued for a shipment (already found in the caller's scope), newest revision first, in one query."""
    return list(
        db.session.scalars(
            sa.select(IssuedPdf)
            .where(IssuedPdf.shipment_id == shipment.id)
            .order_by(IssuedPdf.kind, IssuedPdf.languages, IssuedPdf.revision.desc())
        )
    )
