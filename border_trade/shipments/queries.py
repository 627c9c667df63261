"""Read helpers for shipments and their catalogue data."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..errors import NotFound
from ..extensions import db
from ..types import ascii_id
from .models import Direction, EventKind, HsCode, Shipment, ShipmentEvent, ShipmentStatus
from .scoping import visible_shipments


def list_hs_codes_query(q=None):
    """Build the query of HS codes matching a code prefix (dots ignored) or words in any language."""
    query = sa.select(HsCode)
    if q:
        q = q.strip()
        digits = q.replace(".", "").replace(" ", "")
        conditions = [
            sa.func.lower(getattr(HsCode, f"name_{lang}")).contains(q.lower(), autoescape=True)
            for lang in ("vi", "en", "km")
        ]
        if digits.isascii() and digits.isdigit():
            conditions.append(HsCode.code.startswith(digits, autoescape=True))
        query = query.where(sa.or_(*conditions))
    return query


def visible_shipment_or_404(user, id_or_reference, *, lock=False):
    """Return a shipment the user may see, by id or reference, or raise 404 (never revealing others exist)."""
    query = visible_shipments(user)
    key = str(id_or_reference)
    shipment_id = ascii_id(key)
    if shipment_id is not None:
        query = query.where(Shipment.id == shipment_id)
    elif key.isdigit():  # 0, too large, or another script's digits ("³", "٣"): no id, and never a reference
        raise NotFound(_("No such shipment."))
    else:
        query = query.where(Shipment.reference == key.upper())
    if lock:
        query = query.with_for_update()
    shipment = db.session.scalar(query)
    if shipment is None:
        raise NotFound(_("No such shipment."))
    return shipment


def list_shipments_query(
    user,
    *,
    status=None,
    gate=None,
    exit_gate=None,
    entry_gate=None,
    direction=None,
    date_from=None,
    date_to=None,
    q=None,
    ids=None,
    receipt=None,
):
    """Build the query of the user's visible shipments with the list filters of API.md: `gate` in both directions,
    `exit_gate` exports only, `entry_gate` imports only, `direction` one direction.

    `status` may be one status or several (any of them); `ids` keeps only those shipments (the paperwork filter
    of `shipments.paperwork` hands them); `receipt="discrepancy"` keeps delivered shipments whose receipt
    recorded a discrepancy (the trader's home counts the same).
    """
    from ..gates.models import Gate

    def at(code):
        return Shipment.gate_id.in_(sa.select(Gate.id).where(Gate.code == code.strip().upper()))

    query = visible_shipments(user)
    if status and not isinstance(status, str | ShipmentStatus):
        query = query.where(Shipment.status.in_(list(status)))
    elif status:
        query = query.where(Shipment.status == status)
    if ids is not None:
        query = query.where(Shipment.id.in_(sorted(ids)) if ids else sa.false())
    if receipt == "discrepancy":
        query = query.where(with_discrepancy())
    if direction:
        query = query.where(Shipment.direction == direction)
    if gate:
        query = query.where(at(gate))
    if exit_gate:
        query = query.where(at(exit_gate), Shipment.direction == Direction.EXPORT)
    if entry_gate:
        query = query.where(at(entry_gate), Shipment.direction == Direction.IMPORT)
    if date_from:
        query = query.where(Shipment.planned_crossing_on >= date_from)
    if date_to:
        query = query.where(Shipment.planned_crossing_on <= date_to)
    if q:
        text = q.strip()
        query = query.where(
            sa.or_(
                Shipment.reference.contains(text.upper(), autoescape=True),
                sa.func.lower(Shipment.vehicle_plate).contains(text.lower(), autoescape=True),
                sa.func.lower(Shipment.consignee_name).contains(text.lower(), autoescape=True),
                sa.func.lower(Shipment.consignor_name).contains(text.lower(), autoescape=True),
            )
        )
    return query


def with_discrepancy():
    """The condition of a delivered shipment whose receipt recorded a discrepancy (a timeline entry per line)."""
    recorded = sa.exists().where(
        ShipmentEvent.shipment_id == Shipment.id,
        ShipmentEvent.kind == EventKind.RECEIPT,
        ShipmentEvent.event == "discrepancy",
    )
    return sa.and_(Shipment.status == ShipmentStatus.DELIVERED, recorded)


def timeline(shipment_id):
    """Return a shipment's events in time order (late events from offline tablets fall into place)."""
    from .models import ShipmentEvent

    return db.session.scalars(
        sa.select(ShipmentEvent)
        .where(ShipmentEvent.shipment_id == shipment_id)
        .order_by(ShipmentEvent.occurred_at, ShipmentEvent.id)
    ).all()
