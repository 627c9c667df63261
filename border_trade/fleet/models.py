"""A trader's register of vehicles (with the cross-border permit) and drivers."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import StrEnum, enum_column
from ..extensions import db
from ..types import UTCDateTime, utcnow


class PlateCountry(StrEnum):
    VN = "VN"
    KH = "KH"

    @classmethod
    def labels(cls):
        return {cls.VN: _l("Viet Nam"), cls.KH: _l("Cambodia")}


class VehicleKind(StrEnum):
    TRACTOR = "tractor"
    TRAILER = "trailer"
    RIGID = "rigid"
    REEFER = "reefer"

    @classmethod
    def labels(cls):
        return {
            cls.TRACTOR: _l("Tractor unit"),
            cls.TRAILER: _l("Trailer or semi-trailer"),
            cls.RIGID: _l("Rigid truck"),
            cls.REEFER: _l("Refrigerated truck"),
        }


class PermitKind(StrEnum):
    COMMERCIAL = "commercial"
    NON_COMMERCIAL = "non_commercial"
    GMS = "gms"

    @classmethod
    def labels(cls):
        return {
            cls.COMMERCIAL: _l("Commercial transport"),
            cls.NON_COMMERCIAL: _l("Non-commercial transport"),
            cls.GMS: _l("GMS cross-border transport"),
        }


class Vehicle(db.Model):
    """One truck, trailer or tractor of an organisation; `plate` is the canonical spelling (fleet.plates)."""

    __tablename__ = "vehicles"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    plate: Mapped[str] = mapped_column(sa.String(16))
    country: Mapped[PlateCountry] = mapped_column(enum_column(PlateCountry, 2))
    kind: Mapped[VehicleKind] = mapped_column(enum_column(VehicleKind, 16), default=VehicleKind.RIGID)
    registration_expires_on: Mapped[date | None]
    permit_number: Mapped[str | None] = mapped_column(sa.String(40))
    permit_issued_by: Mapped[str | None] = mapped_column(sa.String(200))
    permit_kind: Mapped[PermitKind | None] = mapped_column(enum_column(PermitKind, 20))
    permit_valid_from: Mapped[date | None]
    permit_valid_to: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organisation = relationship("Organisation")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # one truck is one record: a race between two POSTs of the same plate cannot make two
        sa.UniqueConstraint("organisation_id", "plate", name="uq_vehicles_organisation_plate"),
        sa.CheckConstraint(
            "permit_valid_from IS NULL OR permit_valid_to IS NULL OR permit_valid_to >= permit_valid_from",
            name="permit_dates",
        ),
    )

    @property
    def permit(self):
        """The cross-border permit as API.md shapes it, or None when the vehicle has none."""
        if self.permit_number is None:
            return None
        return {
            "number": self.permit_number,
            "issued_by": self.permit_issued_by,
            "kind": self.permit_kind,
            "valid_from": self.permit_valid_from,
            "valid_to": self.permit_valid_to,
        }

    def __repr__(self):
        return f"<Vehicle {self.id} {self.plate}>"


class Driver(db.Model):
    """A driver of an organisation; `id_no` (citizen id or passport) is unique within it when given."""

    __tablename__ = "drivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    id_no: Mapped[str | None] = mapped_column(sa.String(40))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    licence_class: Mapped[str | None] = mapped_column(sa.String(8))
    licence_expires_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organisation = relationship("Organisation")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.UniqueConstraint("organisation_id", "id_no", name="uq_drivers_organisation_id_no"),)

    def __repr__(self):
        return f"<Driver {self.id} {self.name!r}>"
