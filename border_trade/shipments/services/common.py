"""Pieces shared by the shipment use cases: lookups, facts for the rules, events, snapshots."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ...documents.models import Document
from ...documents.rules import DocumentFacts, ItemFacts, ShipmentFacts
from ...events import SHIPMENT_STATUS_CHANGED, publish
from ...extensions import db
from ...versioning import check_version, etag_value  # noqa: F401  (re-exported)
from ..models import EventKind, ShipmentEvent
from ..queries import visible_shipment_or_404  # noqa: F401  (re-exported for the use cases)

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local_today(now):
    """Return the calendar date in Vietnam at `now`."""
    return now.astimezone(LOCAL).date()


def current_documents(shipment_id):
    """Return the shipment's documents that have not been replaced."""
    return db.session.scalars(
        sa.select(Document)
        .where(Document.shipment_id == shipment_id, Document.superseded_at.is_(None))
        .order_by(Document.id)
    ).all()


def facts_of(shipment):
    """Copy what the paperwork rules need out of a shipment."""
    items = [
        ItemFacts(
            position=item.position,
            description=item.description_vi,
            hs_code=item.hs_code,
            ocop_stars=item.product.ocop_stars if item.product is not None else None,
            ocop_expires_on=item.product.ocop_certificate_expires_on if item.product is not None else None,  # 19
            origin_criterion=item.origin_criterion,
            fob_value=item.fob_value,
        )
        for item in shipment.items
    ]
    return ShipmentFacts(
        regime=shipment.regime.value,
        direction=str(getattr(shipment, "direction", None) or "export"),  # export rules or the I-rules of imports
        under_quota=getattr(shipment, "under_quota", None),  # the tariff quota's code (C/O form S), once it exists
        preferential_tariff=shipment.preferential_tariff,
        transhipment=shipment.transhipment,
        vehicle_plate=shipment.vehicle_plate,
        residents=shipment.residents,
        planned_crossing_on=shipment.planned_crossing_on,
        value_vnd=shipment.value_vnd,
        items=items,
    )


def document_facts(documents):
    return [
        DocumentFacts(
            id=d.id,
            document_type=d.type.value,
            number=d.number,
            issued_by=d.issued_by,
            issued_on=d.issued_on,
            expires_on=d.expires_on,
        )
        for d in documents
    ]


def add_status_event(shipment, *, to, actor, now: datetime, note=None, event=None, kind=EventKind.STATUS):
    """Append a status move to the shipment's timeline and set its status."""
    entry = ShipmentEvent(
        shipment=shipment,
        kind=kind,
        event=event or to.value,
        from_status=shipment.status if shipment.id else None,
        to_status=to,
        occurred_at=now,
        recorded_at=now,
        actor=actor,
        note=note,
    )
    db.session.add(entry)
    changed = entry.from_status is not None and entry.from_status != to
    shipment.status = to
    if changed:
        publish(SHIPMENT_STATUS_CHANGED, shipment=shipment, event=entry, now=now)
    return entry


def snapshot(shipment):
    """Return the audited view of a shipment (plain JSON values)."""
    return {
        "status": shipment.status.value if shipment.status else None,
        "direction": shipment.direction.value if shipment.direction else None,
        "gate": shipment.gate.code if shipment.gate else None,
        "planned_crossing_on": shipment.planned_crossing_on.isoformat() if shipment.planned_crossing_on else None,
        "regime": shipment.regime.value if shipment.regime else None,
        "currency": shipment.currency.value if shipment.currency else None,
        "consignee_name": shipment.consignee_name,
        "consignor_name": shipment.consignor_name,
        "vehicle_plate": shipment.vehicle_plate,
        "vehicle_id": shipment.vehicle_id,
        "driver_id": shipment.driver_id,
        "items": len(shipment.items),
        "value": str(shipment.value) if shipment.value is not None else None,
        "version": shipment.version,
    }
