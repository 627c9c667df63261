"""Scheduled checks of origin proofs and e-invoices (registered in scheduler/jobs.py): plain, idempotent functions
of the current time. They publish an event per item; notifications/origin.py turns it into the trader's notice (and
e-mail), once per cause."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from ..events import publish
from ..extensions import db
from ..shipments.models import Shipment
from .models import EInvoice, OriginProof, ProofStatus
from .services import local_day

ORIGIN_FOLLOW_UP = "origin.follow_up"  # payload: proof, shipment, now
EINVOICE_DUE = "einvoice.due"  # payload: einvoice, shipment, now
# ORIGIN_PROOF_FOLLOW_UP_DAYS: reported as the period ATIGA's OCP gives the importing customs; unconfirmed (rules.md)
DEFAULT_FOLLOW_UP_DAYS = 60
WAITING = (ProofStatus.ISSUED, ProofStatus.PRESENTED)


def follow_up_days():
    return int(current_app.config.get("ORIGIN_PROOF_FOLLOW_UP_DAYS") or DEFAULT_FOLLOW_UP_DAYS)


def follow_up_origin_proofs(now):
    """Ask the trader about each origin proof still unanswered (neither utilised nor rejected) the set number of days
    after its shipment crossed."""
    since = now - timedelta(days=follow_up_days())
    rows = db.session.execute(
        sa.select(OriginProof, Shipment)
        .join(Shipment, OriginProof.shipment_id == Shipment.id)
        .where(OriginProof.status.in_(WAITING), Shipment.crossed_at.is_not(None), Shipment.crossed_at <= since)
    ).all()
    for proof, shipment in rows:
        publish(ORIGIN_FOLLOW_UP, proof=proof, shipment=shipment, now=now)
    db.session.commit()
    return len(rows)


def remind_einvoices_due(now):
    """Remind the trader of each export whose e-invoice is due today (or overdue) and not yet recorded."""
    today = local_day(now)
    rows = db.session.execute(
        sa.select(EInvoice, Shipment)
        .join(Shipment, EInvoice.shipment_id == Shipment.id)
        .where(EInvoice.number.is_(None), EInvoice.due_on.is_not(None), EInvoice.due_on <= today)
    ).all()
    for einvoice, shipment in rows:
        publish(EINVOICE_DUE, einvoice=einvoice, shipment=shipment, now=now)
    db.session.commit()
    return len(rows)
