"""OCOP products in an organisation's catalogue."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..types import UTCDateTime, Weight, utcnow
from .ocop import DecisionLevel, OcopProductGroup, is_valid_on


class OcopGroup(StrEnum):
    FOOD = "food"
    BEVERAGE = "beverage"
    HERBAL = "herbal"
    TEXTILE_GARMENT = "textile_garment"
    SOUVENIR_FURNITURE_DECORATION = "souvenir_furniture_decoration"
    RURAL_TOURISM_SERVICE = "rural_tourism_service"

    @classmethod
    def labels(cls):
        return {
            cls.FOOD: _l("Food"),
            cls.BEVERAGE: _l("Beverages"),
            cls.HERBAL: _l("Herbal products"),
            cls.TEXTILE_GARMENT: _l("Textiles and garments"),
            cls.SOUVENIR_FURNITURE_DECORATION: _l("Souvenirs, furniture and decoration"),
            cls.RURAL_TOURISM_SERVICE: _l("Rural tourism services"),
        }


class Product(db.Model):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_km: Mapped[str | None] = mapped_column(sa.String(200))
    name_en: Mapped[str | None] = mapped_column(sa.String(200))
    hs_code: Mapped[str] = mapped_column(sa.ForeignKey("hs_codes.code"))
    ocop_stars: Mapped[int | None]
    ocop_group: Mapped[OcopGroup | None] = mapped_column(enum_column(OcopGroup, 40))
    ocop_certificate_no: Mapped[str | None] = mapped_column(sa.String(80))
    ocop_recognised_on: Mapped[date | None]
    ocop_certificate_expires_on: Mapped[date | None]
    ocop_authority: Mapped[str | None] = mapped_column(sa.String(200))
    # the OCOP register (issue 19): the recognition decision (its number is ocop_certificate_no), its level and
    # authority, and the Decision 919 product group; ocop_certificate_expires_on is derived from ocop_decision_on
    ocop_decision_on: Mapped[date | None]
    ocop_decision_level: Mapped[DecisionLevel | None] = mapped_column(enum_column(DecisionLevel, 20))
    ocop_decision_authority: Mapped[str | None] = mapped_column(sa.String(200))
    ocop_product_group: Mapped[OcopProductGroup | None] = mapped_column(enum_column(OcopProductGroup, 40))
    producer: Mapped[str | None] = mapped_column(sa.String(200))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))
    unit: Mapped[str] = mapped_column(sa.String(10), default="PCE")
    net_weight_per_unit_kg: Mapped[Decimal | None] = mapped_column(Weight)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organisation = relationship("Organisation")
    hs = relationship("HsCode")
    province = relationship("Province")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.CheckConstraint("ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5", name="ocop_stars"),)

    def ocop_valid_on(self, on):
        """Tell whether the OCOP recognition may be printed on a date (36 months, then it lapses)."""
        return is_valid_on(self.ocop_stars, self.ocop_certificate_expires_on, on)

    def __repr__(self):
        return f"<Product {self.id} {self.name_vi!r}>"
