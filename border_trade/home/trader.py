"""A trader's home: what needs them, each count a link to the shipment (or booking) list that shows as many."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from ..equeue import queries as equeue_queries
from ..equeue.models import BookingStatus
from ..equeue.slots import local_today
from ..extensions import db
from ..shipments.models import Shipment, ShipmentStatus
from ..shipments.paperwork import OPEN, paperwork_flags
from ..shipments.queries import list_shipments_query, with_discrepancy
from ..shipments.scoping import visible_shipments
from .figures import Figure

S = ShipmentStatus
AT_THE_GATE = (S.AT_GATE, S.INSPECTING, S.CLEARED)
NEXT_CROSSINGS = 10

# (key, label, tone, the statuses counted): each links to the shipment list filtered by those statuses
BY_STATUS = (
    ("drafts", _l("Drafts to finish"), "secondary", (S.DRAFT,)),
    ("ready", _l("Ready to submit"), "primary", (S.READY,)),
    ("at_gate", _l("At the gate"), "info", AT_THE_GATE),
    ("held", _l("Held at the gate"), "danger", (S.HELD,)),
    ("returned", _l("Returned"), "warning", (S.RETURNED,)),
    ("receipts", _l("Crossed: receipt awaited"), "info", (S.CROSSED,)),
)


def trader_home(user, *, now=None):
    """Return the trader's figures (in display order) and the next open shipments with their paperwork flags."""
    now = now or datetime.now(UTC)
    today = local_today(now)
    statuses = dict(
        db.session.execute(
            visible_shipments(user).with_only_columns(Shipment.status, sa.func.count()).group_by(Shipment.status)
        ).all()
    )
    papers = paperwork_flags(user)
    discrepancies = _count(list_shipments_query(user).where(with_discrepancy()))
    bookings_today = _count(equeue_queries.list_bookings_query(user, day=today))
    to_confirm = _count(equeue_queries.list_bookings_query(user, status=BookingStatus.UNCONFIRMED.value))

    figures = []
    for key, label, tone, counted in BY_STATUS:
        number = sum(statuses.get(status, 0) for status in counted)
        url = url_for("shipments.index", status=[s.value for s in counted])
        figures.append(Figure(key, str(label), number, url, tone=tone))
    figures[2:2] = [
        Figure(
            "papers_missing",
            str(_l("Papers missing or expired")),
            len(papers["missing"]),
            url_for("shipments.index", papers="missing"),
            tone="danger",
        ),
        Figure(
            "papers_expiring",
            str(_l("Papers expiring before the crossing")),
            len(papers["expiring"]),
            url_for("shipments.index", papers="expiring"),
            tone="warning",
        ),
    ]
    figures += [
        Figure(
            "discrepancies",
            str(_l("Receipts with a discrepancy")),
            discrepancies,
            url_for("shipments.index", receipt="discrepancy"),
            tone="warning",
        ),
        Figure(
            "bookings_today",
            str(_l("Bookings today")),
            bookings_today,
            url_for("equeue.index", date=today.isoformat()),
            tone="info",
        ),
        Figure(
            "bookings_to_confirm",
            str(_l("Bookings to confirm")),
            to_confirm,
            url_for("equeue.index", status=BookingStatus.UNCONFIRMED.value),
            tone="primary",
        ),
    ]
    upcoming = db.session.scalars(
        visible_shipments(user)
        .where(Shipment.status.in_(OPEN))
        .options(joinedload(Shipment.gate))
        .order_by(Shipment.planned_crossing_on, Shipment.id)
        .limit(NEXT_CROSSINGS)
    ).all()
    return {"figures": figures, "upcoming": upcoming, "papers": papers, "today": today}


def _count(query):
    return db.session.scalar(query.with_only_columns(sa.func.count(), maintain_column_froms=True).order_by(None))
