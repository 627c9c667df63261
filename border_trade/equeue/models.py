"""Capacity windows of a gate, the per-slot lock rows, and bookings of a slot by a submitted shipment."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..enums import Direction, StrEnum, enum_column
from ..extensions import db
from ..types import UTCDateTime, utcnow

DEFAULT_SLOT_MINUTES = 30


class LaneType(StrEnum):
    GENERAL = "general"
    PERISHABLE = "perishable"

    @classmethod
    def labels(cls):
        return {cls.GENERAL: _l("General lane"), cls.PERISHABLE: _l("Perishable goods lane")}


class BookingStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"
    CALLED = "called"
    ARRIVED = "arrived"
    LATE = "late"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @classmethod
    def labels(cls):
        return {
            cls.UNCONFIRMED: _l("Waiting for confirmation"),
            cls.CONFIRMED: _l("Confirmed"),
            cls.CALLED: _l("Called to the gate"),
            cls.ARRIVED: _l("Arrived"),
            cls.LATE: _l("Late"),
            cls.NO_SHOW: _l("No-show"),
            cls.CANCELLED: _l("Cancelled"),
        }


# a booking in one of these holds its place in the slot; cancelled and no-show bookings free it
HOLDING = (
    BookingStatus.UNCONFIRMED,
    BookingStatus.CONFIRMED,
    BookingStatus.CALLED,
    BookingStatus.ARRIVED,
    BookingStatus.LATE,
)
# the trader may still move or cancel a booking in these
CHANGEABLE = (BookingStatus.UNCONFIRMED, BookingStatus.CONFIRMED)


class CapacitySetting(db.Model):
    """A gate's slot length; its capacity windows are `CapacityWindow` rows."""

    __tablename__ = "capacity_settings"

    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"), primary_key=True, autoincrement=False)
    slot_minutes: Mapped[int] = mapped_column(default=DEFAULT_SLOT_MINUTES)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    gate = relationship("Gate")


class CapacityWindow(db.Model):
    """Trucks per slot between two times of day: a weekly template row (`weekday`, 0 = Monday) or a day override
    (`on_date`). Times are minutes after local midnight (Asia/Ho_Chi_Minh); `end_minute` may be 1440 (24:00)."""

    __tablename__ = "capacity_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"), index=True)
    weekday: Mapped[int | None]
    on_date: Mapped[date | None]
    start_minute: Mapped[int]
    end_minute: Mapped[int]
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, 10))
    lane_type: Mapped[LaneType] = mapped_column(enum_column(LaneType, 12))
    capacity: Mapped[int]

    __table_args__ = (
        sa.CheckConstraint("(weekday IS NULL) <> (on_date IS NULL)", name="template_or_override"),
        sa.CheckConstraint("weekday IS NULL OR (weekday >= 0 AND weekday <= 6)", name="weekday_range"),
        sa.CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute", name="times"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        sa.Index("ix_capacity_windows_gate_date", "gate_id", "on_date"),
    )

    @property
    def is_override(self):
        return self.on_date is not None

    def __repr__(self):
        when = self.on_date or f"weekday {self.weekday}"
        return f"<CapacityWindow {self.gate_id} {when} {self.start_minute}-{self.end_minute} {self.capacity}>"


class BookingSlot(db.Model):
    """The lock row of one slot, made the first time someone books it: a booking (or a move) into the slot locks
    it (SELECT … FOR UPDATE) before counting the slot's holding bookings, so two traders can never both take the
    last place. The count itself is read from `bookings`, so it cannot drift."""

    __tablename__ = "booking_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, 10))
    lane_type: Mapped[LaneType] = mapped_column(enum_column(LaneType, 12))
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("gate_id", "direction", "lane_type", "slot_start", name="uq_booking_slots_key"),
    )


class Booking(db.Model):
    """A submitted shipment's place in one slot of its gate; `code` is the short code on the manifest and the QR."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(12), unique=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"))
    direction: Mapped[Direction] = mapped_column(enum_column(Direction, 10))
    lane_type: Mapped[LaneType] = mapped_column(enum_column(LaneType, 12), default=LaneType.GENERAL)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus, 12), default=BookingStatus.CONFIRMED)
    vehicle_id: Mapped[int] = mapped_column(sa.ForeignKey("vehicles.id"))
    driver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drivers.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(40))
    # call-forward and arrival (written by the gate's side of the queue)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # order within a slot: earliest first
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    shipment = relationship("Shipment")
    gate = relationship("Gate")
    vehicle = relationship("Vehicle")
    driver = relationship("Driver")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_bookings_gate_slot", "gate_id", "slot_start"),
        sa.Index("ix_bookings_slot_key", "gate_id", "direction", "lane_type", "slot_start", "status"),
    )

    @property
    def holds_place(self):
        return self.status in HOLDING

    def __repr__(self):
        return f"<Booking {self.code} {self.status}>"


class QueueCheckpoint(db.Model):
    """How many trucks had arrived at a gate in a direction on a local day before `upto` (PostgreSQL only).

    Written by the `queue_checkpoints` job; an arrival's queue number adds the arrivals since `upto` to it instead
    of counting the whole day (equeue.checkpoints)."""

    __tablename__ = "queue_checkpoints"

    gate_id: Mapped[int] = mapped_column(sa.ForeignKey("gates.id"), primary_key=True)
    direction: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    upto: Mapped[datetime] = mapped_column(UTCDateTime)
    arrivals: Mapped[int]
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the day's arrivals committed when the job counted, and the last value its gate and direction's sequence of
    # queue tickets had handed out just before: a live arrival's number is recorded + its ticket − seq_value
    recorded: Mapped[int | None]
    seq_value: Mapped[int | None] = mapped_column(sa.BigInteger)
