"""Issue the generated PDFs (invoice, packing list, Form D worksheet, crossing manifest) and verify their QR codes.

Each download is recorded as an ``IssuedPdf``: the number ``<reference>/<code>``, a revision, the languages,
the issue time and the SHA-256 of the bytes. The QR code on every page points at
``PUBLIC_BASE_URL/verify/<token>``, the token signing the record's id and revision. Asking again for a
document whose content has not changed returns the same record and the same bytes; when the content
changed, a new revision is issued and the previous one is marked superseded. Revisions are counted per
language pair, so a Khmer-English copy never supersedes the Vietnamese-Khmer one.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, replace
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..audit.services import record
from ..errors import Invalid, NotFound
from ..extensions import db
from ..i18n import LANGUAGES
from ..pdf.fonts import register_fonts
from ..types import utcnow
from .models import IssuedPdf, PdfKind
from .pdf.formats import LOCAL_TZ
from .pdf.model import DocumentData
from .pdf_data import BUILDERS, KIND_CODES, document_data

DEFAULT_LANGUAGES = ("vi", "km")
# ATIGA: a certificate issued more than three days after shipment is ticked "Issued Retroactively" (box 13)
RETROACTIVE_AFTER = timedelta(days=3)
TOKEN_SALT = "pdf-verify"
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class IssuedFile:
    record: IssuedPdf
    content: bytes

    @property
    def filename(self) -> str:
        return f"{self.record.number.replace('/', '-')}-r{self.record.revision}.pdf"


def parse_languages(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """Return the requested languages ("vi,km") as one or two distinct codes, or raise 422 naming `lang`."""
    if value is None:
        return DEFAULT_LANGUAGES
    codes = tuple(part.strip() for part in value.split(",")) if isinstance(value, str) else tuple(value)
    if not 1 <= len(codes) <= 2 or len(set(codes)) != len(codes) or not set(codes) <= set(LANGUAGES):
        raise Invalid(errors={"lang": [_("Give one or two of vi, km and en, separated by a comma (vi,km).")]})
    return codes


def pdf_kind(value: str | PdfKind) -> PdfKind:
    """Return the PDF kind named in a URL, or raise 404."""
    try:
        return PdfKind(value)
    except ValueError:
        raise NotFound(_("No such document.")) from None


def issue_for(user, shipment, kind: PdfKind, languages: tuple[str, ...], now=None) -> IssuedFile:
    """Issue (or re-issue unchanged) a shipment's PDF and return its record and bytes; commit.

    The shipment is already found (locked) in the user's scope, the kind and languages parsed: callers go through
    `shipments.services.pdfs.issue`.
    """
    now = now or utcnow()
    builder = BUILDERS[kind]
    content = document_data(shipment, kind, languages, now)
    chain = (
        IssuedPdf.shipment_id == shipment.id,
        IssuedPdf.kind == kind,
        IssuedPdf.languages == ",".join(languages),
    )
    current = db.session.scalar(
        sa.select(IssuedPdf)
        .where(*chain, IssuedPdf.superseded_at.is_(None))
        .order_by(IssuedPdf.revision.desc())
        .limit(1)
    )
    if current is not None and current.sha256:
        # Same content, same record: rebuilding with its number, revision and time gives its bytes exactly.
        pdf = builder.build(for_record(content, current))
        if _sha256(pdf) == current.sha256:
            return IssuedFile(current, pdf)
    last_revision = db.session.scalar(sa.select(sa.func.max(IssuedPdf.revision)).where(*chain)) or 0
    issued = IssuedPdf(
        shipment=shipment,
        kind=kind,
        number=f"{shipment.reference}/{KIND_CODES[kind]}",
        revision=last_revision + 1,
        languages=",".join(languages),
        issued_at=now,
        issued_by_id=user.id,
    )
    db.session.add(issued)
    db.session.flush()
    pdf = builder.build(for_record(content, issued))
    issued.sha256 = _sha256(pdf)
    if current is not None:
        current.superseded_at = now
    record(
        "pdf.issue",
        actor=user,
        obj=issued,
        after={
            "shipment": shipment.reference,
            "kind": kind.value,
            "number": issued.number,
            "revision": issued.revision,
            "languages": issued.languages,
            "sha256": issued.sha256,
            "supersedes": current.id if current is not None else None,
        },
    )
    db.session.commit()
    return IssuedFile(issued, pdf)


def verify(token: str) -> dict:
    """Tell whether a QR token names an issued PDF: {"valid": false} for a forged or altered one."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return {"valid": False}
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return {"valid": False}
    if not (isinstance(payload, list) and len(payload) == 2 and all(type(v) is int for v in payload)):
        return {"valid": False}
    pdf_id, revision = payload
    issued = db.session.get(IssuedPdf, pdf_id) if 0 < pdf_id < 2**31 else None
    if issued is None or issued.revision != revision or not issued.sha256:
        return {"valid": False}
    return {
        "valid": True,
        "document": issued.kind.value,
        "shipment": issued.shipment.reference,
        "number": issued.number,
        "revision": issued.revision,
        "languages": issued.languages.split(","),
        "issued_at": issued.issued_at,
        "sha256": issued.sha256,
        "superseded": issued.superseded_at is not None,
        "superseded_at": issued.superseded_at,
    }


def verification_token(issued: IssuedPdf) -> str:
    """Return the signed token the QR code carries for an issued PDF."""
    return _serializer().dumps([issued.id, issued.revision])


def verification_url(issued: IssuedPdf) -> str:
    """Return the public address a person reaches by scanning the QR code."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{verification_token(issued)}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def for_record(content: DocumentData, issued: IssuedPdf) -> DocumentData:
    """Return the document data stamped with a record's number, revision, issue time and verification address."""
    issued_on = issued.issued_at.astimezone(LOCAL_TZ).date()
    return replace(
        content,
        number=issued.number,
        revision=issued.revision,
        issued_at=issued.issued_at,
        verify_url=verification_url(issued),
        invoice_on=content.invoice_on or issued_on,
        issued_retroactively=issued_on > content.transport.departure_on + RETROACTIVE_AFTER,
    )


# --- warm-up -------------------------------------------------------------------------------------------------------

_warm_up_lock = threading.Lock()
_warmed_up = False


def warm_up() -> None:
    """Cut and register the fonts now (about 10 s the first time on a machine, then cached), not in a request."""
    register_fonts()


def start_warm_up() -> None:
    """Run warm_up() once per process in a background thread."""
    global _warmed_up
    with _warm_up_lock:
        if _warmed_up:
            return
        _warmed_up = True
    threading.Thread(target=warm_up, name="pdf-font-warm-up", daemon=True).start()
