"""Countries, provinces (with the 2025 mergers), border gates and their Cambodian counterparts."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db


class GateType(StrEnum):
    INTERNATIONAL = "international"
    MAIN = "main"
    SECONDARY = "secondary"

    @classmethod
    def labels(cls):
        return {
            cls.INTERNATIONAL: _l("International gate"),
            cls.MAIN: _l("Main gate"),
            cls.SECONDARY: _l("Secondary gate"),
        }


class GateStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    RESTRICTED = "restricted"

    @classmethod
    def labels(cls):
        return {cls.OPEN: _l("Open"), cls.CLOSED: _l("Closed"), cls.RESTRICTED: _l("Restricted")}


class Country(db.Model):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name_vi: Mapped[str] = mapped_column(sa.String(100))
    name_km: Mapped[str | None] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))

    def __repr__(self):
        return f"<Country {self.code}>"


class Province(db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"))
    name_vi: Mapped[str] = mapped_column(sa.String(100))
    name_km: Mapped[str | None] = mapped_column(sa.String(100))
    name_en: Mapped[str] = mapped_column(sa.String(100))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)

    successor: Mapped["Province | None"] = relationship(remote_side=[id])

    def current(self):
        """Follow the merger chain to the province that holds this one's territory today."""
        province, seen = self, {self.id}
        while province.successor is not None and province.successor.id not in seen:
            province = province.successor
            seen.add(province.id)
        return province

    def is_valid_on(self, on):
        """Tell whether the province existed on a date."""
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def __repr__(self):
        return f"<Province {self.code}>"


class CounterpartGate(db.Model):
    """The Cambodian checkpoint facing a Vietnamese gate."""

    __tablename__ = "counterpart_gates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(120))
    name_km: Mapped[str | None] = mapped_column(sa.String(120))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))

    province: Mapped[Province | None] = relationship()

    def __repr__(self):
        return f"<CounterpartGate {self.code}>"


class Gate(db.Model):
    """A Vietnamese land border gate facing Cambodia."""

    __tablename__ = "gates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(160))
    name_km: Mapped[str | None] = mapped_column(sa.String(160))
    name_en: Mapped[str] = mapped_column(sa.String(160))
    type: Mapped[GateType] = mapped_column(enum_column(GateType, 20))
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("countries.code"), default="VN")
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("provinces.id"), index=True)
    former_province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provinces.id"))
    counterpart_id: Mapped[int | None] = mapped_column(sa.ForeignKey("counterpart_gates.id"))
    road_transport_pair: Mapped[bool] = mapped_column(default=False)
    opening_hours: Mapped[str | None] = mapped_column(sa.String(40))
    status: Mapped[GateStatus] = mapped_column(enum_column(GateStatus, 20), default=GateStatus.OPEN)
    accepts_goods: Mapped[bool] = mapped_column(default=True)
    stuck_after_minutes: Mapped[int] = mapped_column(default=360)
    sources: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.Text)

    province: Mapped[Province] = relationship(foreign_keys=[province_id])
    former_province: Mapped[Province | None] = relationship(foreign_keys=[former_province_id])
    counterpart: Mapped[CounterpartGate | None] = relationship()

    @property
    def has_unverified_facts(self):
        return "[U]" in (self.sources or "") or "[U]" in (self.note or "")

    def province_on(self, on):
        """Return the province that held this gate on a date (the former one before its merger)."""
        former = self.former_province
        if former is not None and former.valid_to is not None and on <= former.valid_to:
            return former
        return self.province

    def __repr__(self):
        return f"<Gate {self.code}>"
