"""Scheduled status checks: plain, idempotent functions of the current time. Each returns how many items it touched."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..auth.models import ApiToken, Role, User, user_gates
from ..documents.models import Document
from ..documents.rules import evaluate
from ..documents.services import active_rules
from ..equeue.calls import mark_late_calls
from ..equeue.checkpoints import refresh_checkpoints
from ..equeue.noshow import mark_no_shows
from ..equeue.services import release_unconfirmed
from ..extensions import db
from ..notifications.services import notify, send_pending_emails
from ..notifications.webhooks import deliver_due
from ..origin.jobs import follow_up_origin_proofs, remind_einvoices_due
from ..products.jobs import warn_ocop_expiry
from ..reports.services.fold import fold as fold_report_figures
from ..shipments.models import Shipment, ShipmentEvent, ShipmentStatus
from ..shipments.services.common import add_status_event, current_documents, document_facts, facts_of
from .partitions import ensure_partitions

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
S = ShipmentStatus
NOTICE_DAYS = (30, 7, 1)
OPEN_STATUSES = (S.DRAFT, S.READY, S.SUBMITTED)
AT_GATE = (S.AT_GATE, S.INSPECTING, S.HELD)
TOKEN_RETENTION = timedelta(days=30)


def _today(now):
    return now.astimezone(LOCAL).date()


def _exporters(organisation_id):
    return db.session.scalars(
        sa.select(User).where(
            User.organisation_id == organisation_id, User.role == Role.EXPORTER, User.is_active_account
        )
    ).all()


def _threshold(days_left):
    """Return the notice step (30, 7, 1 or 0 for 'expired') a number of days falls in, or None before 30."""
    if days_left < 0:
        return 0
    for step in sorted(NOTICE_DAYS):
        if days_left <= step:
            return step
    return None


def check_expiring_documents(now):
    """Warn exporters at 30, 7 and 1 day before a paper expires, and on expiry.

    A submitted shipment whose required paper expired before its crossing drops back to ready.
    """
    today = _today(now)
    touched = 0
    documents = db.session.execute(
        sa.select(Document, Shipment)
        .join(Shipment, Document.shipment_id == Shipment.id)
        .where(
            Document.superseded_at.is_(None),
            Document.expires_on.is_not(None),
            Document.expires_on <= today + timedelta(days=max(NOTICE_DAYS)),
            Shipment.status.in_(OPEN_STATUSES),
        )
    ).all()
    for document, shipment in documents:
        days_left = (document.expires_on - today).days
        step = _threshold(days_left)
        if step is None:
            continue
        params = {
            "document_type": document.type.value,
            "number": document.number,
            "reference": shipment.reference,
            "date": document.expires_on.isoformat(),
            "days": max(days_left, 0),
        }
        kind = "document_expired" if step == 0 else "document_expiring"
        touched += notify(
            _exporters(shipment.organisation_id),
            kind,
            f"{kind}:{document.id}:{step}",
            params,
            shipment=shipment,
            document=document,
            now=now,
        )
    touched += _revert_expired_submissions(now)
    # OCOP recognitions: the `ocop_expiry` job (products/jobs.py, at 90 and 30 days and lapsed; #19)
    db.session.commit()
    return touched


def _revert_expired_submissions(now):
    """Move submitted shipments whose required paper is expired for their crossing back to ready."""
    reverted = 0
    rules = active_rules()
    for shipment in db.session.scalars(sa.select(Shipment).where(Shipment.status == S.SUBMITTED).with_for_update()):
        requirements = evaluate(facts_of(shipment), document_facts(current_documents(shipment.id)), rules, "vi")
        expired = [line for line in requirements.items if line.level == "required" and line.status == "expired"]
        if not expired:
            continue
        line = expired[0]
        document = db.session.get(Document, line.document_id) if line.document_id else None
        number = document.number if document else ""
        add_status_event(
            shipment,
            to=S.READY,
            actor=None,
            now=now,
            event="ready",
            note=f"expired: {line.document_type} {number}".strip(),
        )
        notify(
            _exporters(shipment.organisation_id),
            "shipment_reverted",
            f"shipment_reverted:{shipment.id}:{line.document_id}",
            {"reference": shipment.reference, "document_type": line.document_type, "number": number},
            shipment=shipment,
            document=document,
            now=now,
        )
        reverted += 1
    return reverted


def check_stuck_trucks(now):
    """Alert the gate's officers and the exporter when a truck waits at a gate longer than the gate's threshold."""
    touched = 0
    shipments = db.session.scalars(sa.select(Shipment).where(Shipment.status.in_(AT_GATE))).all()
    for shipment in shipments:
        since = shipment.arrived_at
        if since is None:
            continue
        gate = shipment.gate
        waited = now - since
        if waited < timedelta(minutes=gate.stuck_after_minutes):
            continue
        officers = db.session.scalars(
            sa.select(User).join(user_gates, user_gates.c.user_id == User.id).where(user_gates.c.gate_id == gate.id)
        ).all()
        params = {
            "plate": shipment.vehicle_plate,
            "reference": shipment.reference,
            "gate": gate.code,
            "hours": int(waited.total_seconds() // 3600),
            "status": shipment.status.value,
        }
        # one alert per stay at the gate (a new arrival is a new cause)
        cause = f"truck_stuck:{shipment.id}:{since.isoformat()}"
        touched += notify(
            [*officers, *_exporters(shipment.organisation_id)], "truck_stuck", cause, params, shipment=shipment, now=now
        )
    db.session.commit()
    return touched


def check_missed_crossings(now):
    """Remind exporters whose submitted shipment's planned crossing date passed without an arrival."""
    today = _today(now)
    touched = 0
    arrived = sa.select(ShipmentEvent.id).where(
        ShipmentEvent.shipment_id == Shipment.id, ShipmentEvent.event == "arrived"
    )
    shipments = db.session.scalars(
        sa.select(Shipment).where(
            Shipment.status == S.SUBMITTED, Shipment.planned_crossing_on < today, ~sa.exists(arrived)
        )
    ).all()
    for shipment in shipments:
        params = {
            "reference": shipment.reference,
            "gate": shipment.gate.code,
            "date": shipment.planned_crossing_on.isoformat(),
        }
        cause = f"crossing_missed:{shipment.id}:{shipment.planned_crossing_on.isoformat()}"
        touched += notify(
            _exporters(shipment.organisation_id), "crossing_missed", cause, params, shipment=shipment, now=now
        )
    db.session.commit()
    return touched


def nightly_cleanup(now):
    """Delete expired idempotency keys and old expired or revoked tokens; refresh the daily figures of reports."""
    from ..idempotency import purge as purge_idempotency_keys

    touched = purge_idempotency_keys(now)
    old = now - TOKEN_RETENTION
    result = db.session.execute(sa.delete(ApiToken).where(sa.or_(ApiToken.expires_at < old, ApiToken.revoked_at < old)))
    touched += result.rowcount
    db.session.commit()
    try:
        from ..reports.services import refresh_daily_figures
    except ImportError:
        return touched
    return touched + (refresh_daily_figures(_today(now) - timedelta(days=1)) or 0)


def send_notices(now):
    """E-mail pending notices, then deliver due webhooks: two isolated steps, so that e-mails never wait on a
    receiver; a step's failure is raised after the other step ran (the run is recorded as failed)."""
    touched, failure = 0, None
    for step in (send_pending_emails, lambda at: deliver_due(at)[0]):
        try:
            touched += step(now)
        except Exception as error:
            db.session.rollback()
            failure = failure or error
    if failure is not None:
        raise failure
    return touched


def heartbeat(now):
    """Do nothing but leave a recorded run: proof that the leader is alive and runs jobs."""
    return 0


# job id -> (function, trigger arguments for APScheduler)
JOBS = {
    "expiring_documents": (check_expiring_documents, {"trigger": "cron", "hour": 6, "minute": 0}),
    "stuck_trucks": (check_stuck_trucks, {"trigger": "interval", "minutes": 10}),
    "missed_crossings": (check_missed_crossings, {"trigger": "cron", "hour": 7, "minute": 0}),
    "nightly": (nightly_cleanup, {"trigger": "cron", "hour": 1, "minute": 30}),
    "send_notices": (send_notices, {"trigger": "interval", "minutes": 1}),
    "heartbeat": (heartbeat, {"trigger": "interval", "minutes": 5}),
    "release_unconfirmed_bookings": (release_unconfirmed, {"trigger": "cron", "hour": 18, "minute": 0}),
    "late_calls": (mark_late_calls, {"trigger": "interval", "minutes": 1}),
    "no_shows": (mark_no_shows, {"trigger": "interval", "minutes": 5}),  # #17: slot over + grace, no truck
    "origin_follow_up": (follow_up_origin_proofs, {"trigger": "cron", "hour": 7, "minute": 30}),  # #18
    "einvoice_due": (remind_einvoices_due, {"trigger": "cron", "hour": 7, "minute": 30}),  # #18
    "ocop_expiry": (warn_ocop_expiry, {"trigger": "cron", "hour": 6, "minute": 10}),  # #19
    "partitions": (ensure_partitions, {"trigger": "cron", "hour": 2, "minute": 15}),  # #20: 3 months ahead (PG)
    "report_figures": (fold_report_figures, {"trigger": "interval", "minutes": 1}),  # #20: docs/aggregates.md
    "queue_checkpoints": (refresh_checkpoints, {"trigger": "interval", "minutes": 1}),  # #20: equeue.checkpoints
}
