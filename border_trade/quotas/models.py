"""A tariff quota of a period, and the claim one shipment holds on it (reserved, used or released)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..types import UTCDateTime, Weight, utcnow


class ClaimState(StrEnum):
    RESERVED = "reserved"
    USED = "used"
    RELEASED = "released"

    @classmethod
    def labels(cls):
        return {cls.RESERVED: _l("Reserved"), cls.USED: _l("Used"), cls.RELEASED: _l("Released")}


class TariffQuota(db.Model):
    """One quota of one period: `quantity` in `unit`, of which `reserved` (submitted) and `used` (crossed).

    `hs_prefixes` holds [{"prefix": "1006", "factor": "1"}, {"prefix": "100610", "factor": "0.5", ...}]: a goods
    line counts with the factor of the longest prefix its HS code starts with (paddy counted 2 kg = 1 kg rice).
    The CHECK constraints keep `remaining = quantity - reserved - used` at zero or above whatever the concurrency.
    """

    __tablename__ = "tariff_quotas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_km: Mapped[str | None] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    hs_prefixes: Mapped[list] = mapped_column(sa.JSON)
    unit: Mapped[str] = mapped_column(sa.String(3), default="TNE")
    period_from: Mapped[date]
    period_to: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(Weight)
    reserved: Mapped[Decimal] = mapped_column(Weight, default=Decimal("0"))
    used: Mapped[Decimal] = mapped_column(Weight, default=Decimal("0"))
    gates: Mapped[list] = mapped_column(sa.JSON, default=list)
    origin_document: Mapped[str | None] = mapped_column(sa.String(40))
    source: Mapped[str] = mapped_column(sa.Text)
    unverified: Mapped[bool] = mapped_column(default=False)
    # what could not be confirmed, e.g. ["gates", "hs_prefixes.100610"] (shown with the quota)
    unverified_fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # set when an admin edits the quota: the seed then leaves the row alone
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint("quantity >= 0", name="quantity"),
        sa.CheckConstraint("reserved >= 0", name="reserved"),
        sa.CheckConstraint("used >= 0", name="used"),
        sa.CheckConstraint("reserved + used <= quantity", name="remaining"),
        sa.CheckConstraint("period_from <= period_to", name="period"),
    )

    @property
    def remaining(self):
        return max(self.quantity - self.reserved - self.used, Decimal("0"))

    def name(self, language):
        return getattr(self, f"name_{language}", None) or self.name_vi

    def __repr__(self):
        return f"<TariffQuota {self.code}>"


class QuotaClaim(db.Model):
    """The quantity one shipment holds on a quota: reserved at submitted, used at crossed, or released."""

    __tablename__ = "tariff_quota_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    quota_id: Mapped[int] = mapped_column(sa.ForeignKey("tariff_quotas.id"), index=True)
    # one claim a shipment (plain id: this package sits below shipments)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"), unique=True)
    quantity: Mapped[Decimal] = mapped_column(Weight)
    state: Mapped[ClaimState] = mapped_column(enum_column(ClaimState, 10), default=ClaimState.RESERVED)
    gate_code: Mapped[str | None] = mapped_column(sa.String(40))
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quota: Mapped[TariffQuota] = relationship()

    __table_args__ = (sa.CheckConstraint("quantity >= 0", name="quantity"),)

    def __repr__(self):
        return f"<QuotaClaim {self.shipment_id} {self.state}>"
