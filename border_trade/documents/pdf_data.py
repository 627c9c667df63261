"""From the database to the PDF builders' dataclasses: a shipment, its goods, papers and parties, with every label
translated into the requested languages. The builders never touch the database; pdfs.py issues what this makes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale, get_translations

from ..enums import Direction
from ..events import publish
from ..extensions import db
from ..gates.models import Country
from ..i18n import bilingual, localized
from ..products.models import Product
from ..reference import Currency, rate_on
from .models import Document, DocumentType, PdfKind
from .pdf import form_d, invoice, layout, manifest, packing_list
from .pdf.formats import LOCAL_TZ
from .pdf.model import DocumentData, Line, OriginDeclaration, Paper, Party, Totals, Transport

BUILDERS = {
    PdfKind.COMMERCIAL_INVOICE: invoice,
    PdfKind.PACKING_LIST: packing_list,
    PdfKind.CO_FORM_D: form_d,
    PdfKind.CROSSING_MANIFEST: manifest,
}
# published while a crossing manifest's data loads: payload shipment, extras (a dict the subscribers fill; the
# receipts domain adds "receipt_url", the buyer's live receipt link, #18; customs adds "declaration_number" and
# "declaration_channel", a Lane, from the recorded declaration, #18)
MANIFEST_EXTRAS = "pdf.manifest_extras"
KIND_CODES = {
    PdfKind.COMMERCIAL_INVOICE: "CI",
    PdfKind.PACKING_LIST: "PL",
    PdfKind.CO_FORM_D: "FD",
    PdfKind.CROSSING_MANIFEST: "CM",
}
# Gate names say what kind of gate they are; Form D's route names only the place ("By truck, Mộc Bài (VN) – …").
GATE_NAME_PREFIXES = ("Cửa khẩu quốc tế ", "Cửa khẩu chính ", "Cửa khẩu phụ ", "Cửa khẩu ")
GATE_NAME_SUFFIXES = (" International Border Gate", " Main Border Gate", " Secondary Border Gate", " Border Gate")
# bilingual() joins the two translations; this separator never occurs in one, so they can be split again
_JOIN = "\x1e"
# An import prints the consignor abroad where an export prints the exporter, the importer (the organisation) where it
# prints the consignee, and its gates the other way round: each label key on the left reads as the one on the right.
IMPORT_LABELS = {
    "exporter": "consignor",
    "consignee": "importer",
    "exit_gate": "exit_gate_abroad",
    "entry_gate": "entry_gate_vn",
}


def document_data(shipment, kind: PdfKind, languages: tuple[str, ...], now: datetime) -> DocumentData:
    """Load what a PDF of the shipment prints into the builders' dataclasses (labels translated, names per language).

    ``now`` decides what is still valid: an OCOP recognition that has lapsed by then (or by the crossing date)
    prints no stars. Number, revision and issue time are filled in by ``for_record``.
    """
    labels = translated_labels(kind, languages)
    inbound = shipment.direction is Direction.IMPORT
    if inbound:
        labels = {**labels, **{key: labels[other] for key, other in IMPORT_LABELS.items()}}
    as_of = max(now.astimezone(LOCAL_TZ).date(), shipment.planned_crossing_on)
    _load_products(shipment)
    papers = [
        document
        for document in sorted(shipment_documents(shipment), key=lambda d: (d.issued_on, d.id))
        if document.superseded_at is None
    ]
    numbers = {document.type: document.number for document in papers}
    organisation = shipment.organisation
    gate = shipment.gate
    shipped = shipment.crossed_at.astimezone(LOCAL_TZ).date() if shipment.crossed_at else None
    ours = Party(
        name=tuple(
            (organisation.name_km if lang == "km" and organisation.name_km else organisation.name) for lang in languages
        ),
        address=organisation.address or "",
        country=country_names(organisation.country_code or "VN", languages),
        tax_id=organisation.tax_id or "",
        phone=organisation.phone or "",
    )
    abroad = (
        Party(
            name=(shipment.consignor_name or "",),
            address=shipment.consignor_address or "",
            country=country_names(shipment.consignor_country or "KH", languages),
            tax_id=shipment.consignor_tax_id or "",
        )
        if inbound
        else Party(
            name=(shipment.consignee_name,),
            address=shipment.consignee_address or "",
            country=country_names(shipment.consignee_country, languages),
            tax_id=shipment.consignee_tax_id or "",
        )
    )
    extras = {}
    if kind is PdfKind.CROSSING_MANIFEST:
        publish(MANIFEST_EXTRAS, shipment=shipment, extras=extras)
    # a recorded customs declaration (customs/, issue 18) wins over the papers' number and the shipment's lane
    channel = extras.get("declaration_channel") or shipment.lane
    vietnamese_gate = tuple(localized(gate, "name", lang) for lang in languages)
    gate_abroad = tuple(localized(gate.counterpart, "name", lang) for lang in languages) if gate.counterpart else ("—",)
    return DocumentData(
        kind=kind.value,
        languages=languages,
        number="",
        revision=0,
        issued_at=now,
        reference=shipment.reference,
        verify_url="",
        labels=labels,
        # the seller and the buyer: an import's seller is the consignor abroad, its buyer the importer (ours)
        exporter=abroad if inbound else ours,
        consignee=ours if inbound else abroad,
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
            exit_gate=gate_abroad if inbound else vietnamese_gate,
            exit_place=tuple(place_name(localized(gate, "name", lang)) for lang in languages),
            entry_gate=vietnamese_gate if inbound else gate_abroad,
            departure_on=shipped or shipment.planned_crossing_on,
            vehicle_plate=shipment.vehicle_plate or "",
            trailer_plate=shipment.trailer_plate or "",
            driver_name=shipment.driver_name or "",
            driver_id_no=shipment.driver_id_no or "",
            seals=tuple(shipment.seals or ()),
            lane=_labels_in(channel, languages) if channel else (),
        ),
        invoice_no=shipment.invoice_no or f"{shipment.reference}/{KIND_CODES[PdfKind.COMMERCIAL_INVOICE]}",
        invoice_on=shipment.invoice_on,
        incoterm=shipment.incoterm or "",
        incoterm_place=shipment.incoterm_place or "",
        regime=_labels_in(shipment.regime, languages),
        status=_labels_in(shipment.status, languages),
        origin_country=country_names(shipment.consignor_country or "KH", languages)
        if inbound
        else country_names("VN", languages),
        destination_country=country_names("VN" if inbound else shipment.consignee_country, languages),
        preferential_tariff=shipment.preferential_tariff,
        declaration_no=extras.get("declaration_number") or numbers.get(DocumentType.CUSTOMS_DECLARATION, ""),
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
        receipt_url=extras.get("receipt_url", ""),
        origin_declaration=(
            OriginDeclaration(code=organisation.certified_exporter_code, country="Viet Nam")
            if kind is PdfKind.COMMERCIAL_INVOICE and not inbound and organisation.certified_exporter_code
            else None
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
