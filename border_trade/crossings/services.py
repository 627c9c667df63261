"""Gate events: one transaction per event, idempotent under retries, one winner under races."""

import functools
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from .. import idempotency
from ..audit.services import record, write_pending_entries
from ..auth.permissions import can, require
from ..customs.services import clearance_problem as customs_clearance_problem
from ..enums import Role
from ..equeue.arrivals import check_in as equeue_check_in
from ..errors import AppError, Conflict, Forbidden, Invalid, NotFound
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

# the statements of every event, built once (their parameters come at execution)
_INSERT_EVENT = ShipmentEvent.__table__.insert()
_UPDATE_SHIPMENT = Shipment.__table__.update().where(
    Shipment.__table__.c.id == sa.bindparam("which"), Shipment.__table__.c.version == sa.bindparam("read_version")
)


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
    gate = _gate(user, gate_code)
    gate_code = gate.code  # read now: after the commit the gate would be reloaded just for the metric
    if not can(user, "crossing.record", gate):
        raise Forbidden(_("You do not work at this gate."))
    previous = idempotency.replay(user, key, request_hash)  # the key's one read on the way of a new event
    if previous is not None:
        return previous

    occurred_at = data.get("occurred_at") or now
    if occurred_at > now + CLOCK_SKEW:
        raise Invalid(errors={"occurred_at": [_("The time lies in the future.")]})
    if occurred_at < now - LATE_WINDOW:
        raise Invalid(errors={"occurred_at": [_("Events older than 72 hours cannot be recorded here.")]})

    try:
        # reads only: what the checks change (an e-queue booking and its audit entry) waits for the commit
        with db.session.no_autoflush:
            shipment, current, target = _lock_and_check(user, gate, data, occurred_at)
    except AppError:
        # A request with the same key may have committed while this one waited for the row lock (the shipment
        # has moved on, so this one is refused): answer like a replay of the winner. Read only on refusals.
        previous = idempotency.replay(user, key, request_hash)
        if previous is None:
            raise
        db.session.rollback()
        return previous
    event_name = data["event"]
    values = {
        "shipment_id": shipment.id,
        "kind": EventKind.CROSSING,
        "event": event_name,
        "from_status": current,
        "to_status": target,
        "occurred_at": occurred_at,
        "recorded_at": now,
        "actor_id": user.id,
        "gate_id": gate.id,
        "lane": data.get("lane"),
        "seals": data.get("seals") or None,
        "reason_code": data.get("reason_code"),
        "note": data.get("note"),
        "late": now - occurred_at > LATE_AFTER,
    }
    # Every write of the event goes straight to the session's connection (Core, no unit of work): the event's
    # INSERT (its id RETURNING on PostgreSQL), the shipment's UPDATE (its version checked), the audit entries of
    # the request in one INSERT, the stored answer; the commit then flushes only what other domains changed.
    connection = db.session.connection()
    inserted = connection.execute(_INSERT_EVENT, values)
    event = ShipmentEvent(id=inserted.inserted_primary_key[0], **values)  # as written; never added to the session
    event.gate, event.actor = gate, user
    try:
        _update_shipment(connection, shipment, _changes(event, current, target))
        record(
            f"crossing.{event_name}",
            actor=user,
            obj=shipment,
            before={"status": current.value},
            after={"status": target.value, "event_id": event.id, "gate": gate.code},
        )
        if target != current:
            publish(SHIPMENT_STATUS_CHANGED, shipment=shipment, event=event, now=now)
            if target in (ShipmentStatus.CROSSED, ShipmentStatus.RETURNED):  # tariff quota, once
                (quotas.consume if target is ShipmentStatus.CROSSED else quotas.release)(shipment.id, now=now)
        body = render(event, shipment)
        write_pending_entries()
        idempotency.store(user, key, request_hash, 201, body, now)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Shipment, shipment.id)
        raise Conflict(
            _("Someone else recorded an event for this shipment at the same moment."),
            current_status=fresh.status.value if fresh else None,
        ) from None
    except sa.exc.IntegrityError:
        # the same key raced in from a second request: answer like a replay of the winner
        db.session.rollback()
        previous = idempotency.replay(user, key, request_hash)
        if previous is None:
            raise
        return previous
    CROSSINGS.labels(event=event_name, gate=gate_code).inc()
    return 201, body


def _gate(user, code):
    """Return the gate of this code: for an officer one of the gates loaded with the token (no query), else read."""
    code = code.upper()
    for gate in user.gates if user.role is Role.GATE_OFFICER else ():
        if gate.code == code:
            return gate
    return get_gate_or_404(code)


def _lock_and_check(user, gate, data, occurred_at):
    """Lock the shipment and check the event may be recorded; return (shipment, current status, target status)."""
    shipment = db.session.scalar(_lock_statement(), {"reference": data["shipment"].strip().upper()})
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
    return shipment, current, target


@functools.cache
def _lock_statement():
    """SELECT … FOR UPDATE of a shipment by reference, built once at first use (not at import: the mappers are
    configured when every model is imported)."""
    return sa.select(Shipment).where(Shipment.reference == sa.bindparam("reference")).with_for_update()


def _changes(event, current, target):
    """Return the shipment's columns the event changes, with their new values."""
    changes = {"status": target, "updated_at": event.recorded_at}
    # a lane assignment changes no status, but it is a write: the version moves on so racing writers conflict
    if event.event == "lane_assigned":
        changes["lane"] = event.lane
    if event.event == "held":
        changes["status_before_hold"] = current
    if event.event == "released":
        changes["status_before_hold"] = None
    if event.event == "arrived":
        changes["arrived_at"] = event.occurred_at
    if event.event == "crossed":
        changes["crossed_at"] = event.occurred_at
        changes["seals"] = event.seals
    return changes


def _update_shipment(connection, shipment, changes):
    """UPDATE the shipment's row where its version is still the one read (else StaleDataError), and set the loaded
    object to the written values without making it dirty (the unit of work has nothing left to write for it)."""
    version = shipment.version
    written = connection.execute(
        _UPDATE_SHIPMENT, {**changes, "version": version + 1, "which": shipment.id, "read_version": version}
    )
    if written.rowcount != 1:
        raise StaleDataError(f"shipment {shipment.id} changed since version {version}")
    for name, value in (*changes.items(), ("version", version + 1)):
        set_committed_value(shipment, name, value)
