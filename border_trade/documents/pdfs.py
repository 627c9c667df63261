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
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_translations
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..audit.services import record
from ..auth.permissions import require
from ..errors import Invalid, NotFound
from ..extensions import db
from ..gates.models import Country
from ..i18n import LANGUAGES, bilingual, localized
from ..products.models import Product
from ..shipments.models import Currency
from ..shipments.money import rate_on
from ..shipments.queries import visible_shipment_or_404
from ..types import utcnow
from .models import Document, DocumentType, IssuedPdf, PdfKind
from .pdf import form_d, invoice, layout, manifest, packing_list
from .pdf.fonts import register_fonts
from .pdf.formats import LOCAL_TZ
from .pdf.model import DocumentData, Line, Paper, Party, Totals, Transport

BUILDERS = {
    PdfKind.COMMERCIAL_INVOICE: invoice,
    PdfKind.PACKING_LIST: packing_list,
    PdfKind.CO_FORM_D: form_d,
    PdfKind.CROSSING_MANIFEST: manifest,
}
KIND_CODES = {
    PdfKind.COMMERCIAL_INVOICE: "CI",
    PdfKind.PACKING_LIST: "PL",
    PdfKind.CO_FORM_D: "FD",
    PdfKind.CROSSING_MANIFEST: "CM",
}
DEFAULT_LANGUAGES = ("vi", "km")
TOKEN_SALT = "pdf-verify"
MAX_TOKEN_LENGTH = 200
# ATIGA: a certificate issued more than three days after shipment is ticked "Issued Retroactively" (box 13)
RETROACTIVE_AFTER = timedelta(days=3)
# Gate names say what kind of gate they are; Form D's route names only the place ("By truck, Mộc Bài (VN) – …").
GATE_NAME_PREFIXES = ("Cửa khẩu quốc tế ", "Cửa khẩu chính ", "Cửa khẩu phụ ", "Cửa khẩu ")
GATE_NAME_SUFFIXES = (" International Border Gate", " Main Border Gate", " Secondary Border Gate", " Border Gate")
# bilingual() joins the two translations; this separator never occurs in one, so they can be split again
_JOIN = "\x1e"


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


def issue_pdf(user, shipment_id, kind, languages=DEFAULT_LANGUAGES, now=None) -> bytes:
    """Build a shipment's PDF for someone who may see the shipment, recording it for verification; return bytes."""
    return issue(user, shipment_id, kind, languages, now).content


def issue(user, shipment_id, kind, languages=DEFAULT_LANGUAGES, now=None) -> IssuedFile:
    """Issue (or re-issue unchanged) a shipment's PDF and return its record and bytes.

    :raises NotFound: the shipment is outside the user's scope, or the kind is unknown.
    :raises Invalid: the languages are not one or two of vi, km, en.
    """
    now = now or utcnow()
    kind = pdf_kind(kind)
    languages = parse_languages(languages)
    shipment = visible_shipment_or_404(user, shipment_id, lock=True)
    require(user, "shipment.read", shipment)
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


# --- from the database to the builders' dataclasses ---------------------------------------------------------------


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


def document_data(shipment, kind: PdfKind, languages: tuple[str, ...], now: datetime) -> DocumentData:
    """Load what a PDF of the shipment prints into the builders' dataclasses (labels translated, names per language).

    ``now`` decides what is still valid: an OCOP recognition that has lapsed by then (or by the crossing date)
    prints no stars. Number, revision and issue time are filled in by ``for_record``.
    """
    labels = translated_labels(kind, languages)
    as_of = max(now.astimezone(LOCAL_TZ).date(), shipment.planned_crossing_on)
    _load_products(shipment)
    papers = [
        document
        for document in sorted(shipment_documents(shipment), key=lambda d: (d.issued_on, d.id))
        if document.superseded_at is None
    ]
    numbers = {document.type: document.number for document in papers}
    organisation = shipment.organisation
    gate = shipment.exit_gate
    shipped = shipment.crossed_at.astimezone(LOCAL_TZ).date() if shipment.crossed_at else None
    return DocumentData(
        kind=kind.value,
        languages=languages,
        number="",
        revision=0,
        issued_at=now,
        reference=shipment.reference,
        verify_url="",
        labels=labels,
        exporter=Party(
            name=tuple(
                (organisation.name_km if lang == "km" and organisation.name_km else organisation.name)
                for lang in languages
            ),
            address=organisation.address or "",
            country=country_names(organisation.country_code or "VN", languages),
            tax_id=organisation.tax_id or "",
            phone=organisation.phone or "",
        ),
        consignee=Party(
            name=(shipment.consignee_name,),
            address=shipment.consignee_address or "",
            country=country_names(shipment.consignee_country, languages),
            tax_id=shipment.consignee_tax_id or "",
        ),
        lines=tuple(_line(item, languages, as_of) for item in shipment.items),
        totals=Totals(
            currency=shipment.currency.value,
            value=shipment.value,
            value_vnd=shipment.value_vnd,
            value_usd=shipment.value_usd,
            vnd_per_unit=(
                rate_on(shipment.currency, shipment.planned_crossing_on)
                if shipment.currency is not Currency.VND
                else None
            ),
            net_kg=shipment.net_weight_kg,
            gross_kg=shipment.gross_weight_kg,
            packages=sum(item.packages or 0 for item in shipment.items),
        ),
        transport=Transport(
            exit_gate=tuple(localized(gate, "name", lang) for lang in languages),
            exit_place=tuple(place_name(localized(gate, "name", lang)) for lang in languages),
            entry_gate=(
                tuple(localized(gate.counterpart, "name", lang) for lang in languages) if gate.counterpart else ("—",)
            ),
            departure_on=shipped or shipment.planned_crossing_on,
            vehicle_plate=shipment.vehicle_plate or "",
            trailer_plate=shipment.trailer_plate or "",
            driver_name=shipment.driver_name or "",
            driver_id_no=shipment.driver_id_no or "",
            seals=tuple(shipment.seals or ()),
            lane=_labels_in(shipment.lane, languages) if shipment.lane else (),
        ),
        invoice_no=shipment.invoice_no or f"{shipment.reference}/{KIND_CODES[PdfKind.COMMERCIAL_INVOICE]}",
        invoice_on=shipment.invoice_on,
        incoterm=shipment.incoterm or "",
        incoterm_place=shipment.incoterm_place or "",
        regime=_labels_in(shipment.regime, languages),
        status=_labels_in(shipment.status, languages),
        origin_country=country_names("VN", languages),
        destination_country=country_names(shipment.consignee_country, languages),
        preferential_tariff=shipment.preferential_tariff,
        declaration_no=numbers.get(DocumentType.CUSTOMS_DECLARATION, ""),
        contract_no=numbers.get(DocumentType.SALES_CONTRACT, ""),
        papers=tuple(
            Paper(
                kind=_labels_in(document.type, languages),
                number=document.number,
                issued_by=document.issued_by,
                issued_on=document.issued_on,
                expires_on=document.expires_on,
            )
            for document in papers
        ),
    )


def place_name(gate_name: str) -> str:
    """Return a gate's name without the words saying it is a gate ("Cửa khẩu quốc tế Mộc Bài" → "Mộc Bài")."""
    for prefix in GATE_NAME_PREFIXES:
        if gate_name.startswith(prefix):
            return gate_name.removeprefix(prefix)
    for suffix in GATE_NAME_SUFFIXES:
        if gate_name.endswith(suffix):
            return gate_name.removesuffix(suffix)
    return gate_name


def _load_products(shipment) -> None:
    """Load the products of all goods lines in one query (each line's product then comes from the session)."""
    ids = {item.product_id for item in shipment.items if item.product_id is not None}
    if ids:
        db.session.scalars(sa.select(Product).where(Product.id.in_(ids))).all()


_label_cache: dict[tuple, dict[str, tuple[str, ...]]] = {}


def translated_labels(kind: PdfKind, languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Return every label a kind prints, translated into each language (the catalogues' texts, via bilingual()).

    Kept per kind, languages and loaded catalogues: a reloaded catalogue is a new translations object, so a
    changed translation is never served from the cache.
    """
    catalogues = []
    for lang in languages:
        with force_locale(lang):
            catalogues.append(get_translations())
    key = (kind, languages, *catalogues)
    labels = _label_cache.get(key)
    if labels is None:
        first, second = (*languages, None)[:2]
        labels = {
            name: tuple(bilingual(msgid, first, second, sep=_JOIN).split(_JOIN))
            for name, msgid in {**layout.LABELS, **BUILDERS[kind].LABELS}.items()
        }
        if len(_label_cache) > 64:  # catalogues reloaded many times (tests): start afresh
            _label_cache.clear()
        _label_cache[key] = labels
    return labels


def shipment_documents(shipment) -> list[Document]:
    """Return every paper registered for a shipment (replaced ones included)."""
    return db.session.scalars(sa.select(Document).where(Document.shipment_id == shipment.id)).all()


def country_names(code: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """Return a country's name in each language (its code when the country is unknown)."""
    country = db.session.get(Country, code)
    return tuple(localized(country, "name", lang) or code for lang in languages) if country else (code,)


def _labels_in(member, languages: tuple[str, ...]) -> tuple[str, ...]:
    """Return an enum member's label (a lazy msgid from its labels()) translated into each language."""
    texts = []
    for lang in languages:
        with force_locale(lang):
            texts.append(str(member.label))
    return tuple(texts)


def _line(item, languages: tuple[str, ...], as_of) -> Line:
    product = item.product
    stars = product.ocop_stars if product is not None and product.ocop_valid_on(as_of) else None

    def described(lang: str) -> str:
        own = getattr(item, f"description_{lang}", None)
        named = getattr(product, f"name_{lang}", None) if product is not None else None
        return own or named or item.description_vi

    return Line(
        position=item.position,
        description=tuple(described(lang) for lang in languages),
        hs_code=item.hs_code,
        unit=item.unit,
        quantity=item.quantity,
        unit_price=item.unit_price,
        amount=item.value,
        net_kg=item.net_weight_kg,
        gross_kg=item.gross_weight_kg,
        packages=item.packages,
        package_type=item.package_type or "",
        marks=item.marks or "",
        origin_criterion=item.origin_criterion or "",
        fob_value=item.fob_value,
        ocop_stars=stars,
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
