"""Pieces the booking use cases share: the shipment's gate and direction, the slot lock, codes, the 409s."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ...enums import Direction
from ...errors import Conflict, Invalid
from ...extensions import db
from .. import queries
from ..models import CHANGEABLE, HOLDING, Booking, BookingSlot, LaneType
from ..slots import LOCAL

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from paper safely
CODE_LENGTH = 6
CHANGE_CUTOFF = timedelta(hours=2)
# HS chapters of goods that spoil: 02 meat, 03 fish, 04 dairy and eggs, 06 live plants and cut flowers,
# 07 vegetables, 08 fruit and nuts (Harmonized System nomenclature, chapter titles)
PERISHABLE_CHAPTERS = {"02", "03", "04", "06", "07", "08"}


def shipment_gate(shipment):
    """The Vietnamese gate the shipment's truck crosses at (its exit gate for an export, entry gate for an import)."""
    return shipment.gate


def shipment_direction(shipment):
    """Which way the shipment crosses."""
    return Direction(shipment.direction)


def is_perishable(shipment):
    """Tell whether a goods line of the shipment is in a perishable HS chapter (may use the perishable lane)."""
    return any((item.hs_code or "")[:2] in PERISHABLE_CHAPTERS for item in shipment.items)


def check_lane(shipment, lane_type):
    if LaneType(lane_type) is LaneType.PERISHABLE and not is_perishable(shipment):
        raise Invalid(
            _("Some fields are invalid."),
            errors={
                "lane_type": [
                    _(
                        "Only shipments of fresh goods (meat, fish, dairy, plants, vegetables, fruit) "
                        "may use the perishable lane."
                    )
                ]
            },
        )


def new_code():
    """Return a booking code no booking has (6 characters of an unambiguous alphabet: about 887 million)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Booking.id).where(Booking.code == code)) is None:
            return code


def lock_slot(gate, slot):
    """Lock the slot's row (made on first use) until the transaction ends; return the bookings holding a place.

    PostgreSQL: INSERT … ON CONFLICT DO NOTHING then SELECT … FOR UPDATE, so concurrent bookings of one slot
    queue behind each other here and each counts the places the ones before it took (READ COMMITTED gives every
    statement a fresh snapshot). SQLite writes one transaction at a time anyway.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    key = dict(gate_id=gate.id, direction=slot.direction, lane_type=slot.lane_type, slot_start=slot.start)
    db.session.execute(insert(BookingSlot).values(**key).on_conflict_do_nothing())
    db.session.execute(sa.select(BookingSlot.id).filter_by(**key).with_for_update()).one()
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(
            Booking.gate_id == gate.id,
            Booking.direction == slot.direction,
            Booking.lane_type == slot.lane_type,
            Booking.slot_start == slot.start,
            Booking.status.in_(HOLDING),
        )
    )


def slot_or_422(gate, direction, lane_type, start, now, field="slot_start"):
    """Return the gate's slot starting at `start`, or raise 422 naming the field."""
    slot = queries.find_slot(gate, direction, lane_type, start)
    if slot is None:
        raise Invalid(
            _("Some fields are invalid."),
            errors={
                field: [
                    _(
                        "The gate has no slot starting at this time for this direction and lane (%(lane)s).",
                        lane=LaneType(lane_type).label,
                    )
                ]
            },
        )
    if slot.end <= now:
        raise Invalid(_("Some fields are invalid."), errors={field: [_("This slot is over.")]})
    return slot


def full_conflict(gate, slot, now):
    """The 409 of a full slot, with the next free slots of the same gate, direction and lane at the top level."""
    free = queries.next_free(gate, slot.direction, slot.lane_type, slot.start, now=now)
    return Conflict(
        _("This slot is full."),
        errors={"slot_start": [_("No place is left in this slot.")]},
        next_free=[
            {"start": s.start.astimezone(LOCAL).isoformat(), "end": s.end.astimezone(LOCAL).isoformat()} for s in free
        ],
    )


def check_cutoff(booking, now):
    """Refuse (409) a change within two hours of the slot, or of a booking that is no longer the trader's to change."""
    if booking.status not in CHANGEABLE:
        raise Conflict(
            _("A booking that is %(status)s cannot be changed.", status=booking.status.label),
            errors={"status": [str(booking.status)]},
        )
    if now >= booking.slot_start - CHANGE_CUTOFF:
        raise Conflict(
            _("A booking cannot be changed or cancelled within 2 hours of its slot."),
            errors={"slot_start": [_("The slot starts in less than 2 hours.")]},
        )
