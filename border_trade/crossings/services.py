"""Gate events: one transaction per event, idempotent under retries, one winner under races."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .. import idempotency, writes
from ..audit.services import record
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
from .locking import lock_shipment

LATE_WINDOW = timedelta(hours=72)
CLOCK_SKEW = timedelta(minutes=2)
LATE_AFTER = timedelta(minutes=5)

# the statements of every event, built once (their parameters come at execution)
_INSERT_EVENT = ShipmentEvent.__table__.insert()


def body_hash(gate_code, payload):
    """Hash what a request asked for, so a replay can be told from another request under the same key."""
    return idempotency.request_hash({"gate": gate_code.upper()}, payload)


class CallerNotConfirmed(Exception):
    """The remembered caller (auth.remembered) failed the lock's check, or the event was refused before the check:
    nothing was written; the endpoint answers as the caller read afresh would be answered."""


def record_gate_event(user, gate_code, data, *, key, request_hash, render, now=None, caller=None):
    """Record one gate event for a truck and move its shipment; return (status code, response body).

    `render(event, shipment)` builds the response body, which is stored with the key inside the same
    transaction, so a retry gets exactly the first answer. `caller` (auth.remembered.CallerCheck): `user` was
    remembered, and the shipment's lock confirms it before anything else is read or written; raises
    CallerNotConfirmed when it does not, or when the event is refused before.
    """
    try:
        return _record(user, gate_code, data, key, request_hash, render, now or utcnow(), caller)
    except AppError:
        if caller is None or caller.confirmed:
            raise
        db.session.rollback()
        raise CallerNotConfirmed() from None


def _record(user, gate_code, data, key, request_hash, render, now, caller):
    idempotency.check_key(key)
    require(user, "crossing.record")
    gate = _gate(user, gate_code)
    if not can(user, "crossing.record", gate):
        raise Forbidden(_("You do not work at this gate."))
    occurred_at = data.get("occurred_at") or now
    if occurred_at > now + CLOCK_SKEW:
        raise Invalid(errors={"occurred_at": [_("The time lies in the future.")]})
    if occurred_at < now - LATE_WINDOW:
        raise Invalid(errors={"occurred_at": [_("Events older than 72 hours cannot be recorded here.")]})
    attempt = _Attempt(user, gate, gate.code, data, key, request_hash, render, now, occurred_at)
    locked = None
    try:
        # what the checks change (an e-queue booking and its audit entry) waits for the batch's flush
        with db.session.no_autoflush, writes.batched():
            locked = lock_shipment(user, key, data["shipment"], data["event"], occurred_at, caller=caller, gate=gate)
            if caller is not None:
                if not locked.caller_confirmed:  # also when there is no such shipment: the caller first
                    db.session.rollback()
                    raise CallerNotConfirmed()
                caller.confirmed = True
            if locked.stored is not None:  # a replay: the first answer, read with the lock
                previous = idempotency.stored_answer(*locked.stored, request_hash)
                db.session.rollback()
                return previous
            current, target = _check(user, gate, data, occurred_at, locked)
            body = _write(attempt, locked, current, target)
    except AppError:
        # A request with the same key may have committed while this one waited for the row lock (the shipment
        # has moved on, so this one is refused): answer like a replay of the winner. Read only on refusals.
        db.session.rollback()
        previous = idempotency.replay(user, key, request_hash)
        if previous is None:
            raise
        return previous
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Shipment, locked.shipment.id)
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
    CROSSINGS.labels(event=data["event"], gate=attempt.gate_code).inc()
    return 201, body


@dataclass
class _Attempt:
    user: object
    gate: object
    gate_code: str  # read before the commit: after it the gate would be reloaded just for the metric
    data: dict
    key: str
    request_hash: str
    render: object
    now: datetime
    occurred_at: datetime


def _write(attempt, locked, current, target):
    """Write the event, the shipment's new state, the audit entries, the webhooks' deliveries and the stored answer;
    commit; return the body."""
    user, gate, data, now, occurred_at = attempt.user, attempt.gate, attempt.data, attempt.now, attempt.occurred_at
    shipment = locked.shipment
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
    # Every write goes in the batch (writes.py), sent at its flush: on PostgreSQL one statement for the event's
    # INSERT (its id taken with the lock), the shipment's UPDATE (its version checked), the e-queue booking's, the
    # audit entries, the webhooks' deliveries and the stored answer. The commit then flushes only what other
    # domains changed through the unit of work. Without a sequence (SQLite) the event's INSERT runs first, for its id.
    if locked.event_id is None:
        event_id = db.session.connection().execute(_INSERT_EVENT, values).inserted_primary_key[0]
    else:
        event_id = locked.event_id
        writes.insert_rows(ShipmentEvent.__table__, [{"id": event_id, **values}], key="crossing.event")
    # as written, for the response, the webhooks and the subscribers (attributes of a ShipmentEvent; not an ORM object)
    event = SimpleNamespace(id=event_id, gate=gate, actor=user, **values)
    writes.update_versioned(shipment, _changes(event, current, target), key="crossing")
    record(
        f"crossing.{event_name}",
        actor=user,
        obj=shipment,
        before={"status": current.value},
        after={"status": target.value, "event_id": event.id, "gate": attempt.gate_code},
    )
    if target != current:
        publish(SHIPMENT_STATUS_CHANGED, shipment=shipment, event=event, now=now)
        if target in (ShipmentStatus.CROSSED, ShipmentStatus.RETURNED):  # tariff quota, once
            writes.flush()  # the quota's own reads and writes come after the event's
            (quotas.consume if target is ShipmentStatus.CROSSED else quotas.release)(shipment.id, now=now)
    body = attempt.render(event, shipment)
    idempotency.store(user, attempt.key, attempt.request_hash, 201, body, now)
    writes.flush()
    writes.commit_as_written()
    return body


def _gate(user, code):
    """Return the gate of this code: for an officer one of the gates loaded with the token (no query), else read."""
    code = code.upper()
    for gate in user.gates if user.role is Role.GATE_OFFICER else ():
        if gate.code == code:
            return gate
    return get_gate_or_404(code)


def _check(user, gate, data, occurred_at, locked):
    """Check the event may be recorded for the locked shipment; return (current status, target status)."""
    shipment = locked.shipment
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
        equeue_check_in(user, shipment, data, occurred_at=occurred_at, facts=locked.facts)
    return current, target


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
