"""A shipment's origin proof and e-invoice: one row each per shipment, kept apart from the shipments table."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..types import UTCDateTime, utcnow


class ProofKind(StrEnum):
    FORM_D = "form_d"
    E_FORM_D = "e_form_d"
    FORM_S = "form_s"
    ORIGIN_DECLARATION = "origin_declaration"

    @classmethod
    def labels(cls):
        return {
            cls.FORM_D: _l("Form D (paper)"),
            cls.E_FORM_D: _l("e-Form D"),
            cls.FORM_S: _l("Form S"),
            cls.ORIGIN_DECLARATION: _l("Origin declaration by a certified exporter"),
        }


class ProofStatus(StrEnum):
    ISSUED = "issued"
    PRESENTED = "presented"
    UTILISED = "utilised"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls):
        return {
            cls.ISSUED: _l("Issued"),
            cls.PRESENTED: _l("Presented"),
            cls.UTILISED: _l("Utilised"),
            cls.REJECTED: _l("Rejected"),
            cls.CANCELLED: _l("Cancelled"),
        }


class OriginProof(db.Model):
    """The proof of origin a shipment claims the preferential tariff with, and what the importing customs answered."""

    __tablename__ = "origin_proofs"

    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    kind: Mapped[ProofKind] = mapped_column(enum_column(ProofKind, 20))
    reference: Mapped[str | None] = mapped_column(sa.String(64))
    issued_on: Mapped[date | None]
    status: Mapped[ProofStatus] = mapped_column(enum_column(ProofStatus, 12), default=ProofStatus.ISSUED)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    shipment = relationship("Shipment")

    @property
    def answered(self):
        return self.status in (ProofStatus.UTILISED, ProofStatus.REJECTED, ProofStatus.CANCELLED)


class EInvoice(db.Model):
    """The Vietnamese e-invoice of an export: its due day (set when the export is cleared) and, once issued, its form,
    series, number and date."""

    __tablename__ = "einvoices"

    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    form: Mapped[str | None] = mapped_column(sa.String(1))
    series: Mapped[str | None] = mapped_column(sa.String(6))
    number: Mapped[str | None] = mapped_column(sa.String(8))
    issued_on: Mapped[date | None]
    cleared_on: Mapped[date | None]
    due_on: Mapped[date | None] = mapped_column(index=True)
    due_source: Mapped[str | None] = mapped_column(sa.String(40))  # the rule's effective_from in einvoice_deadlines
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    shipment = relationship("Shipment")

    @property
    def recorded(self):
        return bool(self.number)
