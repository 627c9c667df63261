"""Shipments, their goods lines and timeline (HS codes and exchange rates: reference.py)."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import Direction, Regime, StrEnum, enum_column  # Direction, Regime: importable from here too
from ..extensions import db
from ..reference import Currency, ExchangeRate, HsCode  # noqa: F401  (trade reference data, used here too)
from ..types import Money, UTCDateTime, Weight, utcnow


class ShipmentStatus(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"
    AT_GATE = "at_gate"
    INSPECTING = "inspecting"
    HELD = "held"
    CLEARED = "cleared"
    CROSSED = "crossed"
    DELIVERED = "delivered"
    RETURNED = "returned"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls):
        return {
            cls.DRAFT: _l("Draft"),
            cls.READY: _l("Ready"),
            cls.SUBMITTED: _l("Submitted"),
            cls.AT_GATE: _l("At the gate"),
            cls.INSPECTING: _l("Being inspected"),
            cls.HELD: _l("Held"),
            cls.CLEARED: _l("Cleared"),
            cls.CROSSED: _l("Crossed"),
            cls.DELIVERED: _l("Delivered"),
            cls.RETURNED: _l("Returned"),
            cls.REJECTED: _l("Rejected"),
            cls.CANCELLED: _l("Cancelled"),
        }


class Lane(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @classmethod
    def labels(cls):
        return {cls.GREEN: _l("Green lane"), cls.YELLOW: _l("Yellow lane"), cls.RED: _l("Red lane")}


class EventKind(StrEnum):
    STATUS = "status"
    CROSSING = "crossing"
    DOCUMENT = "document"
    RECEIPT = "receipt"  # the buyer's or importer's receipt (receipts/): delivered, discrepancy


class ReferenceCounter(db.Model):
    """The last shipment number handed out in a year (BT-YYYY-NNNNNN)."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)


class Shipment(db.Model):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)
    # indexed by ix_shipments_org_created, which leads with it
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[ShipmentStatus] = mapped_column(
        enum_column(ShipmentStatus, 20), default=ShipmentStatus.DRAFT, index=True
    )
    status_before_hold: Mapped[ShipmentStatus | None] = mapped_column(enum_column(ShipmentStatus, 20))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, 10), default=Direction.EXPORT)
    regime: Mapped[Regime] = mapped_column(enum_column(Regime, 32), default=Regime.COMMERCIAL)
    # The Vietnamese gate the truck crosses at: the exit gate of an export, the entry gate of an import.
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"))  # indexed by ix_shipments_gate_direction_arrived
    planned_crossing_on: Mapped[date]
    incoterm: Mapped[str] = mapped_column(sa.String(3), default="DAP")
    incoterm_place: Mapped[str | None] = mapped_column(sa.String(120))
    currency: Mapped[Currency] = mapped_column(enum_column(Currency, 3), default=Currency.USD)
    preferential_tariff: Mapped[bool] = mapped_column(default=False)
    under_quota: Mapped[str | None] = mapped_column(sa.String(40))  # a tariff quota's code (quotas.TariffQuota)
    transhipment: Mapped[bool] = mapped_column(default=False)
    residents: Mapped[int | None]
    # The party abroad: the consignee of an export (the schemas require its name), the consignor of an import.
    consignee_name: Mapped[str | None] = mapped_column(sa.String(200))
    consignee_address: Mapped[str | None] = mapped_column(sa.String(300))
    consignee_country: Mapped[str] = mapped_column(sa.String(2), default="KH")
    consignee_tax_id: Mapped[str | None] = mapped_column(sa.String(40))
    consignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    consignor_name: Mapped[str | None] = mapped_column(sa.String(200))
    consignor_address: Mapped[str | None] = mapped_column(sa.String(300))
    consignor_country: Mapped[str | None] = mapped_column(sa.String(2), default="KH")
    consignor_tax_id: Mapped[str | None] = mapped_column(sa.String(40))
    vehicle_plate: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    trailer_plate: Mapped[str | None] = mapped_column(sa.String(20))
    driver_name: Mapped[str | None] = mapped_column(sa.String(120))
    driver_id_no: Mapped[str | None] = mapped_column(sa.String(40))
    # the register's records of the truck and the driver (fleet), when the plate or the driver is known there
    vehicle_id: Mapped[int | None] = mapped_column(sa.ForeignKey("vehicles.id"), index=True)
    driver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drivers.id"), index=True)
    lane: Mapped[Lane | None] = mapped_column(enum_column(Lane, 10))
    seals: Mapped[list | None] = mapped_column(sa.JSON)
    invoice_no: Mapped[str | None] = mapped_column(sa.String(40))
    invoice_on: Mapped[date | None]
    net_weight_kg: Mapped[Decimal] = mapped_column(Weight, default=Decimal("0"))
    gross_weight_kg: Mapped[Decimal] = mapped_column(Weight, default=Decimal("0"))
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    value_usd: Mapped[Decimal | None] = mapped_column(Money)
    value_vnd: Mapped[Decimal | None] = mapped_column(Money)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    crossed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    consignee = relationship("Organisation", foreign_keys=[consignee_id])
    created_by = relationship("User")
    gate = relationship("Gate")
    vehicle = relationship("Vehicle")
    driver = relationship("Driver")
    items: Mapped[list["ShipmentItem"]] = relationship(
        back_populates="shipment", order_by="ShipmentItem.position", cascade="all, delete-orphan"
    )
    events: Mapped[list["ShipmentEvent"]] = relationship(
        back_populates="shipment",
        cascade="all, delete-orphan",
        order_by="(ShipmentEvent.occurred_at, ShipmentEvent.id)",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_shipments_org_created", "organisation_id", "id"),
        sa.Index("ix_shipments_direction_crossed", "direction", "crossed_at"),
        # the e-queue's queue number counts the day's arrivals at a gate and direction at every arrival
        sa.Index("ix_shipments_gate_direction_arrived", "gate_id", "direction", "arrived_at"),
    )

    def __repr__(self):
        return f"<Shipment {self.reference} {self.status}>"


class ShipmentItem(db.Model):
    __tablename__ = "shipment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id"))
    description_vi: Mapped[str] = mapped_column(sa.String(300))
    description_km: Mapped[str | None] = mapped_column(sa.String(300))
    description_en: Mapped[str | None] = mapped_column(sa.String(300))
    hs_code: Mapped[str] = mapped_column(sa.ForeignKey("hs_codes.code"))
    quantity: Mapped[Decimal] = mapped_column(Weight)
    unit: Mapped[str] = mapped_column(sa.String(10))
    packages: Mapped[int | None]
    package_type: Mapped[str | None] = mapped_column(sa.String(4))
    marks: Mapped[str | None] = mapped_column(sa.String(200))
    net_weight_kg: Mapped[Decimal] = mapped_column(Weight)
    gross_weight_kg: Mapped[Decimal] = mapped_column(Weight)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    value: Mapped[Decimal] = mapped_column(Money)
    origin_criterion: Mapped[str | None] = mapped_column(sa.String(12))
    fob_value: Mapped[Decimal | None] = mapped_column(Money)

    shipment: Mapped[Shipment] = relationship(back_populates="items")
    product = relationship("Product")
    hs = relationship("HsCode")

    __table_args__ = (sa.UniqueConstraint("shipment_id", "position", name="uq_shipment_items_position"),)

    def __repr__(self):
        return f"<ShipmentItem {self.shipment_id}#{self.position}>"


class ShipmentEvent(db.Model):
    """One line of a shipment's timeline: a status move, a gate event or a document change."""

    __tablename__ = "shipment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, 10))
    event: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[ShipmentStatus | None] = mapped_column(enum_column(ShipmentStatus, 20))
    to_status: Mapped[ShipmentStatus | None] = mapped_column(enum_column(ShipmentStatus, 20))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    gate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gates.id"))
    lane: Mapped[Lane | None] = mapped_column(enum_column(Lane, 10))
    seals: Mapped[list | None] = mapped_column(sa.JSON)
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    late: Mapped[bool] = mapped_column(default=False)
    details: Mapped[dict | None] = mapped_column(sa.JSON)  # optional structured facts (a receipt's discrepancy)

    shipment: Mapped[Shipment] = relationship(back_populates="events")
    actor = relationship("User")
    gate = relationship("Gate")

    __table_args__ = (
        sa.Index("ix_shipment_events_shipment_time", "shipment_id", "occurred_at"),
        sa.Index("ix_shipment_events_event_time", "event", "occurred_at"),
    )

    def __repr__(self):
        return f"<ShipmentEvent {self.shipment_id} {self.event}>"
