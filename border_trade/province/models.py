"""Linkage groups of provinces (the OCOP linkage between Tây Ninh, Long An, Tiền Giang…) and yearly targets."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..types import Money, UTCDateTime, utcnow

linkage_group_members = sa.Table(
    "linkage_group_members",
    db.metadata,
    sa.Column("group_id", sa.ForeignKey("linkage_groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("province_id", sa.ForeignKey("provinces.id"), primary_key=True),
)


class LinkageGroup(db.Model):
    """A group of provinces (historic codes allowed) whose OCOP goods the linkage report follows."""

    __tablename__ = "linkage_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    provinces = relationship("Province", secondary=linkage_group_members, order_by="Province.code")

    def __repr__(self):
        return f"<LinkageGroup {self.id} {self.name!r}>"


class TargetMetric(StrEnum):
    EXPORT_VALUE_USD = "export_value_usd"
    IMPORT_VALUE_USD = "import_value_usd"
    OCOP_PRODUCTS_EXPORTED = "ocop_products_exported"
    TRUCKS = "trucks"

    @classmethod
    def labels(cls):
        return {
            cls.EXPORT_VALUE_USD: _l("Export value (USD)"),
            cls.IMPORT_VALUE_USD: _l("Import value (USD)"),
            cls.OCOP_PRODUCTS_EXPORTED: _l("OCOP products exported"),
            cls.TRUCKS: _l("Trucks (plate, gate, day)"),
        }


class Target(db.Model):
    """A province's yearly target for one metric."""

    __tablename__ = "province_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("provinces.id"))
    metric: Mapped[TargetMetric] = mapped_column(enum_column(TargetMetric, 30))
    target: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    province = relationship("Province")

    __table_args__ = (
        sa.UniqueConstraint("year", "province_id", "metric", name="uq_province_targets_year_province_metric"),
        sa.CheckConstraint("target > 0", name="province_target_positive"),
    )

    def __repr__(self):
        return f"<Target {self.year} {self.metric} {self.target}>"
