"""The customs declaration of a shipment: one row per shipment, kept apart from the shipments table."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..shipments.models import Lane
from ..types import UTCDateTime, utcnow

# The customs selectivity channel (VNACCS phân luồng) is the glossary's "lane": green, yellow, red.
Channel = Lane


class DeclarationStatus(StrEnum):
    REGISTERED = "registered"
    CLEARED = "cleared"
    CANCELLED = "cancelled"
    AMENDED = "amended"

    @classmethod
    def labels(cls):
        return {
            cls.REGISTERED: _l("Registered"),
            cls.CLEARED: _l("Cleared"),
            cls.CANCELLED: _l("Cancelled"),
            cls.AMENDED: _l("Amended"),
        }


class CustomsDeclaration(db.Model):
    """The VNACCS declaration a shipment crosses under (recorded by its trader or an officer of its gate)."""

    __tablename__ = "customs_declarations"

    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    number: Mapped[str] = mapped_column(sa.String(12), index=True)
    type_code: Mapped[str] = mapped_column(sa.String(3))
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[Lane | None] = mapped_column(enum_column(Lane, 10))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[DeclarationStatus] = mapped_column(
        enum_column(DeclarationStatus, 12), default=DeclarationStatus.REGISTERED
    )
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    shipment = relationship("Shipment")
    updated_by = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<CustomsDeclaration {self.shipment_id} {self.number} {self.status}>"
