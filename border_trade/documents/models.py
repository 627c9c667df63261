"""Registered paperwork, generated PDF issues and the versioned requirement rules."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..types import UTCDateTime, utcnow


class DocumentType(StrEnum):
    CUSTOMS_DECLARATION = "customs_declaration"
    COMMERCIAL_INVOICE = "commercial_invoice"
    PACKING_LIST = "packing_list"
    SALES_CONTRACT = "sales_contract"
    CO_FORM_D = "co_form_d"
    PHYTOSANITARY_CERTIFICATE = "phytosanitary_certificate"
    FOOD_SAFETY_CERTIFICATE = "food_safety_certificate"
    VETERINARY_CERTIFICATE = "veterinary_certificate"
    OCOP_CERTIFICATE = "ocop_certificate"
    VEHICLE_PERMIT = "vehicle_permit"
    BORDER_RESIDENT_DECLARATION = "border_resident_declaration"
    # second round (imports): PHYTOSANITARY_CERTIFICATE and CO_FORM_D also name the papers issued abroad for an import
    PLANT_QUARANTINE_REGISTRATION = "plant_quarantine_registration"
    IMPORT_FOOD_SAFETY_INSPECTION = "import_food_safety_inspection"
    CO_FORM_S = "co_form_s"

    @classmethod
    def labels(cls):
        return {
            cls.CUSTOMS_DECLARATION: _l("Customs declaration"),
            cls.COMMERCIAL_INVOICE: _l("Commercial invoice"),
            cls.PACKING_LIST: _l("Packing list"),
            cls.SALES_CONTRACT: _l("Sales contract or goods list"),
            cls.CO_FORM_D: _l("Certificate of Origin Form D"),
            cls.PHYTOSANITARY_CERTIFICATE: _l("Phytosanitary certificate"),
            cls.FOOD_SAFETY_CERTIFICATE: _l("Food safety certificate"),
            cls.VETERINARY_CERTIFICATE: _l("Veterinary certificate"),
            cls.OCOP_CERTIFICATE: _l("OCOP certificate"),
            cls.VEHICLE_PERMIT: _l("Cross-border vehicle permit"),
            cls.BORDER_RESIDENT_DECLARATION: _l("Border-resident declaration"),
            cls.PLANT_QUARANTINE_REGISTRATION: _l("Import plant-quarantine registration"),
            cls.IMPORT_FOOD_SAFETY_INSPECTION: _l("State food-safety inspection of imported food"),
            cls.CO_FORM_S: _l("Certificate of Origin Form S"),
        }


class PdfKind(StrEnum):
    COMMERCIAL_INVOICE = "commercial-invoice"
    PACKING_LIST = "packing-list"
    CO_FORM_D = "co-form-d"
    CROSSING_MANIFEST = "crossing-manifest"


class Document(db.Model):
    """A paper registered for a shipment, with an optional scan stored outside the web root."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    type: Mapped[DocumentType] = mapped_column(enum_column(DocumentType, 40))
    number: Mapped[str] = mapped_column(sa.String(80))
    issued_by: Mapped[str] = mapped_column(sa.String(200))
    issued_on: Mapped[date]
    expires_on: Mapped[date | None] = mapped_column(index=True)
    file_key: Mapped[str | None] = mapped_column(sa.String(80))
    file_name: Mapped[str | None] = mapped_column(sa.String(200))
    file_mime: Mapped[str | None] = mapped_column(sa.String(40))
    file_size: Mapped[int | None]
    file_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shipment = relationship("Shipment")
    created_by = relationship("User")

    def __repr__(self):
        return f"<Document {self.type} {self.number}>"


class IssuedPdf(db.Model):
    """A generated PDF: what was issued, when, and its hash, so its QR code can be verified."""

    __tablename__ = "issued_pdfs"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PdfKind] = mapped_column(enum_column(PdfKind, 30))
    number: Mapped[str] = mapped_column(sa.String(60))
    revision: Mapped[int] = mapped_column(default=1)
    languages: Mapped[str] = mapped_column(sa.String(10))
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shipment = relationship("Shipment")

    def __repr__(self):
        return f"<IssuedPdf {self.kind} {self.number} r{self.revision}>"


class RuleSet(db.Model):
    """One version of the paperwork rules, loaded from border_trade/data as data."""

    __tablename__ = "rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(20), unique=True)
    content: Mapped[dict] = mapped_column(sa.JSON)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    is_active: Mapped[bool] = mapped_column(default=False)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self):
        return f"<RuleSet {self.version}>"
