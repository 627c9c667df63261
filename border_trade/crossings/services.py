"""Gate events: one transaction per event, idempotent under retries, one winner under races."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .. import idempotency
from ..audit.services import record
from ..auth.permissions import can, require
from ..customs.services import clearance_problem as customs_clearance_problem
from ..equeue.arrivals import check_in as equeue_check_in
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..events import SHIPMENT_STATUS_CHANGED, publish
from ..extensions import db
from ..gates.queries import get_gate_or_404
from ..observability import CROSSINGS
from ..quotas import services as quotas
from ..shipments.models import EventKind, Shipment, ShipmentEvent, ShipmentStatus
from ..shipments.workflow import gate_event_target
from ..types import utcnow

LATE_WINDOW = timedelta(hours=72)
CLOCK_SKEW = timedelta(minutes=2)
LATE_AFTER = timedelta(minutes=5)


def body_hash(gate_code, payload):
    """Hash what a request asked for, so a replay can be told from another request under the same key."""
    return idempotency.request_hash({"gate": gate_code.upper()}, payload)


def record_gate_event(user, gate_code, data, *, key, request_hash, render, now=None):
    """Record one gate event for a truck and move its shipment; return (status code, response body).

    `render(event, shipment)` builds the response body, which is stored with the key inside the same
    transaction, so a retry gets exactly the first answer.
    """
    now = now or utcnow()
    idempotency.check_key(key)
    require(user, "crossing.record")
    gate = get_gate_or_404(gate_code)
    gate_code = gate.code  # read now: after the commit the gate would be reloaded just for the metric
    if not can(user, "crossing.record", gate):
        raise Forbidden(_("You do not work at this gate."))
    previous = idempotency.replay(user, key, request_hash)
    if previous is not None:
        return previous

    occurred_at = data.get("occurred_at") or now
    if occurred_at > now + CLOCK_SKEW:
        raise Invalid(errors={"occurred_at": [_("The time lies in the future.")]})
    if occurred_at < now - LATE_WINDOW:
        raise Invalid(errors={"occurred_at": [_("Events older than 72 hours cannot be recorded here.")]})

    shipment = db.session.scalar(
        sa.select(Shipment).where(Shipment.reference == data["shipment"].strip().upper()).with_for_update()
    )
    if shipment is not None:
        # a request with the same key may have committed while this one waited for the row lock
        previous = idempotency.replay(user, key, request_hash)
        if previous is not None:
            db.session.rollback()
            return previous
    if shipment is None or shipment.status in (ShipmentStatus.DRAFT, ShipmentStatus.READY):
        # officers never see an exporter's unsubmitted work
        raise NotFound(_("No such shipment."))
    if shipment.gate_id != gate.id:
        # the 409 API.md asks for, in both directions, telling nothing about a record outside this gate
        # (not its gate, not its status, not its direction: one text for an export and an import)
        raise Conflict(
            _("This shipment does not cross the border at this gate."),
            errors={"shipment": [_("It crosses at another gate.")]},
        )
    event_name = data["event"]
    current = shipment.status
    target = gate_event_target(event_name, current, lane=shipment.lane, status_before_hold=shipment.status_before_hold)
    if target is None:
        raise Conflict(
            _("%(event)s cannot be recorded: the shipment is %(status)s.", event=event_name, status=current.label),
            errors={"event": [_("The shipment is %(status)s.", status=current.label)]},
            current_status=current.value,
        )
    if event_name == "cleared" and (problem := customs_clearance_problem(shipment)):  # customs (#18): red channel
        raise Conflict(problem, errors={"event": [problem]}, current_status=current.value)
    if event_name == "arrived":  # e-queue (#17): the plate against the booking; walk-ins get a queue number
        equeue_check_in(user, shipment, data, occurred_at=occurred_at)
    event = ShipmentEvent(
        shipment=shipment,
        kind=EventKind.CROSSING,
        event=event_name,
        from_status=current,
        to_status=target,
        occurred_at=occurred_at,
        recorded_at=now,
        actor=user,
        gate=gate,
        lane=data.get("lane"),
        seals=data.get("seals") or None,
        reason_code=data.get("reason_code"),
        note=data.get("note"),
        late=now - occurred_at > LATE_AFTER,
    )
    db.session.add(event)
    _apply(shipment, event, current, target)
    if target != current:
        publish(SHIPMENT_STATUS_CHANGED, shipment=shipment, event=event, now=now)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Shipment, shipment.id)
        raise Conflict(
            _("Someone else recorded an event for this shipment at the same moment."),
            current_status=fresh.status.value if fresh else None,
        ) from None
    if target != current and target in (ShipmentStatus.CROSSED, ShipmentStatus.RETURNED):  # tariff quota, once
        (quotas.consume if target is ShipmentStatus.CROSSED else quotas.release)(shipment.id, now=now)
    body = render(event, shipment)
    idempotency.remember(user, key, request_hash, 201, body, now)
    record(
        f"crossing.{event_name}",
        actor=user,
        obj=shipment,
        before={"status": current.value},
        after={"status": target.value, "event_id": event.id, "gate": gate.code},
    )
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # the same key raced in from a second request: answer like a replay of the winner
        db.session.rollback()
        previous = idempotency.replay(user, key, request_hash)
        if previous is None:
            raise
        return previous
    CROSSINGS.labels(event=event_name, gate=gate_code).inc()
    return 201, body


def _apply(shipment, event, current, target):
    if event.event == "lane_assigned":
        shipment.lane = event.lane
    if event.event == "held":
        shipment.status_before_hold = current
    if event.event == "released":
        shipment.status_before_hold = None
    if event.event == "arrived":
        shipment.arrived_at = event.occurred_at
    if event.event == "crossed":
        shipment.crossed_at = event.occurred_at
        shipment.seals = event.seals
    shipment.status = target
    # a lane assignment changes no status, but it is a write: bump the version so racing writers conflict
    shipment.updated_at = event.recorded_at
