"""The buyer's receipt of a shipment: the link sent abroad, the receipt per goods line, and its photos."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..types import UTCDateTime, Weight, utcnow


class Condition(StrEnum):
    OK = "ok"
    SHORT = "short"
    DAMAGED = "damaged"
    REJECTED = "rejected"

    @classmethod
    def labels(cls):
        return {
            cls.OK: _l("Received in good order"),
            cls.SHORT: _l("Short"),
            cls.DAMAGED: _l("Damaged"),
            cls.REJECTED: _l("Rejected"),
        }


class ReceiptLink(db.Model):
    """A link the trader sends the buyer abroad: only the SHA-256 of its random token is stored.

    It confirms once (`used_at`), stays readable afterwards, and dies at `expires_at` or when a newer link of the
    same shipment replaces it (`replaced_at`).
    """

    __tablename__ = "receipt_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    shipment = relationship("Shipment")
    created_by = relationship("User")

    def __repr__(self):
        return f"<ReceiptLink {self.id} shipment={self.shipment_id}>"


class Receipt(db.Model):
    """What the buyer (export) or the Vietnamese importer (import) received; one per shipment."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"), unique=True)
    link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("receipt_links.id", ondelete="SET NULL"))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # the importer, in the app
    declaration_no: Mapped[str | None] = mapped_column(sa.String(64))
    has_discrepancy: Mapped[bool] = mapped_column(default=False)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shipment = relationship("Shipment")
    confirmed_by = relationship("User")
    lines: Mapped[list["ReceiptLine"]] = relationship(
        back_populates="receipt", order_by="ReceiptLine.item_position", cascade="all, delete-orphan"
    )

    def __repr__(self):
        return f"<Receipt shipment={self.shipment_id}>"


class ReceiptLine(db.Model):
    __tablename__ = "receipt_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("receipts.id", ondelete="CASCADE"), index=True)
    item_position: Mapped[int]
    shipped_quantity: Mapped[Decimal] = mapped_column(Weight)  # copied: the goods line as it crossed
    received_quantity: Mapped[Decimal] = mapped_column(Weight)
    condition: Mapped[Condition] = mapped_column(enum_column(Condition, 10))
    note: Mapped[str | None] = mapped_column(sa.String(500))

    receipt: Mapped[Receipt] = relationship(back_populates="lines")
    photos: Mapped[list["ReceiptPhoto"]] = relationship(
        back_populates="line", order_by="ReceiptPhoto.id", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.UniqueConstraint("receipt_id", "item_position", name="uq_receipt_lines_position"),)

    @property
    def differs(self):
        """Tell whether the line is a discrepancy: not in good order, or not the quantity shipped."""
        return self.condition is not Condition.OK or self.received_quantity != self.shipped_quantity

    def __repr__(self):
        return f"<ReceiptLine {self.receipt_id}#{self.item_position}>"


class ReceiptPhoto(db.Model):
    """A photo of a goods line as received: stored outside the web root under a random key (documents.storage)."""

    __tablename__ = "receipt_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("receipt_lines.id", ondelete="CASCADE"), index=True)
    file_key: Mapped[str] = mapped_column(sa.String(64))
    mime: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))

    line: Mapped[ReceiptLine] = relationship(back_populates="photos")

    def __repr__(self):
        return f"<ReceiptPhoto {self.id}>"
