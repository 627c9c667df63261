"""Which open shipments lack a required paper, or hold one that expires close to the crossing.

Each shipment's checklist is the paperwork rules evaluated on its facts (as on the shipment page); here the
open shipments a user may see are evaluated together, in a fixed number of statements (shipments, goods lines
with their products, current papers), for the trader's home and the shipment list's `papers=` filter.
"""

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..documents.models import Document
from ..documents.rules import evaluate
from ..documents.services import active_rules
from ..extensions import db
from .models import Shipment, ShipmentItem, ShipmentStatus
from .scoping import visible_shipments
from .services.common import document_facts, facts_of

# papers matter until the truck reaches the gate
OPEN = (ShipmentStatus.DRAFT, ShipmentStatus.READY, ShipmentStatus.SUBMITTED)
PAPER_FILTERS = ("missing", "expiring")


def paperwork_flags(user):
    """Return {"missing": ids, "expiring": ids} of the user's open shipments: a required paper missing or expired
    for the planned crossing, or a paper that expires within the rules' warning window of it."""
    shipments = db.session.scalars(
        visible_shipments(user)
        .where(Shipment.status.in_(OPEN))
        .options(selectinload(Shipment.items).selectinload(ShipmentItem.product))
    ).all()
    flags = {name: set() for name in PAPER_FILTERS}
    if not shipments:
        return flags
    papers = defaultdict(list)
    ids = [s.id for s in shipments]
    for document in db.session.scalars(
        sa.select(Document).where(Document.shipment_id.in_(ids), Document.superseded_at.is_(None)).order_by(Document.id)
    ):
        papers[document.shipment_id].append(document)
    rules = active_rules()
    for shipment in shipments:
        checklist = evaluate(facts_of(shipment), document_facts(papers[shipment.id]), rules, "en")
        if checklist.unmet():
            flags["missing"].add(shipment.id)
        if any(line.status == "expiring" for line in checklist.items):
            flags["expiring"].add(shipment.id)
    return flags


def paperwork_ids(user, which):
    """Return the ids of the user's open shipments in one paperwork state ("missing" or "expiring"), else None."""
    if which not in PAPER_FILTERS:
        return None
    return paperwork_flags(user)[which]
