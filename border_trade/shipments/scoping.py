"""Which shipments a user may see: the filter every shipment query starts from."""

import sqlalchemy as sa

from ..auth.models import Role
from ..auth.permissions import gate_ids
from .models import Shipment, ShipmentStatus

# officers and departments see trucks once submitted to a gate, never an exporter's drafts
GATE_VISIBLE = [s for s in ShipmentStatus if s not in (ShipmentStatus.DRAFT, ShipmentStatus.READY)]


def visible_shipments(user):
    """Return a select() of the shipments a user may see."""
    query = sa.select(Shipment)
    if user.role is Role.ADMIN:
        return query
    if user.role is Role.EXPORTER:
        return query.where(Shipment.organisation_id == user.organisation_id)
    gates = gate_ids(user) or set()
    return query.where(Shipment.gate_id.in_(gates), Shipment.status.in_(GATE_VISIBLE))
