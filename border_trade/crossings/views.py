"""The gate officer's tablet page: today's queue, live counters and one big button per event the flow allows.

Events are not posted by this blueprint: the page's script sends them to the crossings API (with the
session and the page's CSRF token) from an offline queue, so a tablet that loses the network keeps working.
"""

import functools

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import can, gate_ids, require
from ..enums import Direction
from ..errors import Forbidden
from ..extensions import db, login
from ..gates.models import Gate
from ..gates.queries import get_gate_or_404
from ..i18n import current_language, localized
from ..shipments.models import Lane, ShipmentStatus
from ..shipments.workflow import GATE_EVENTS, gate_event_target
from ..types import utcnow
from . import queries
from .schemas import QueueSchema
from .tablet_texts import equeue_strings

blp = Blueprint("gate", __name__, url_prefix="/gate")

# the label on each event's big button, and the question its confirmation step asks
EVENT_BUTTONS = {
    "arrived": _l("Arrived"),
    "lane_assigned": _l("Assign lane"),
    "inspection_started": _l("Start inspection"),
    "held": _l("Hold"),
    "released": _l("Release"),
    "cleared": _l("Clear"),
    "crossed": _l("Crossed into Cambodia"),  # an export's; an import's reads "Entered Viet Nam" (CROSSED_LABELS)
    "returned": _l("Return"),
}
EVENT_QUESTIONS = {
    "arrived": _l("Record that this truck arrived at the gate?"),
    "lane_assigned": _l("Assign this inspection lane?"),
    "inspection_started": _l("Start the inspection of this truck?"),
    "held": _l("Hold this truck?"),
    "released": _l("Release this truck from the hold?"),
    "cleared": _l("Clear this truck for crossing?"),
    "crossed": _l("Record that this truck crossed the border?"),
    "returned": _l("Send this truck back (returned)?"),
}
# an import's truck comes in from Cambodia: its crossing is its entry into Viet Nam (API.md, "Both directions")
CROSSED_LABELS = {
    Direction.EXPORT: _l("Crossed into Cambodia"),
    Direction.IMPORT: _l("Entered Viet Nam"),
}
CROSSED_QUESTIONS = {
    Direction.EXPORT: _l("Record that this truck crossed the border?"),
    Direction.IMPORT: _l("Record that this truck entered Viet Nam?"),
}
# what happened, for a truck's timeline (the crossing is worded per direction, as above)
TIMELINE_LABELS = {
    "arrived": _l("Arrived at the gate"),
    "lane_assigned": _l("Lane assigned"),
    "inspection_started": _l("Inspection started"),
    "held": _l("Held"),
    "released": _l("Released"),
    "cleared": _l("Cleared"),
    "returned": _l("Returned"),
}
DIRECTION_HEADINGS = {
    Direction.EXPORT: _l("Export: Viet Nam → Cambodia"),
    Direction.IMPORT: _l("Import: Cambodia → Viet Nam"),
}
DIRECTION_CROSSED_TODAY = {
    Direction.EXPORT: _l("Crossed into Cambodia today"),
    Direction.IMPORT: _l("Entered Viet Nam today"),
}
# reasons offered for a hold; the API stores the code, the timeline shows it
HOLD_REASONS = {
    "document_check": _l("Documents to check"),
    "document_missing": _l("Document missing or expired"),
    "physical_inspection": _l("Physical inspection needed"),
    "phytosanitary": _l("Plant quarantine"),
    "food_safety": _l("Food safety"),
    "weight_mismatch": _l("Weight does not match"),
    "seal_problem": _l("Seal problem"),
    "vehicle_permit": _l("Vehicle or driver papers"),
    "other": _l("Other (see note)"),
}
QUEUE_REFRESH_SECONDS = 20


def signed_in(view):
    """Send visitors to the sign-in page; let signed-in users through."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login.unauthorized()
        return view(*args, **kwargs)

    return wrapped


def _me():
    return current_user._get_current_object()


def overseen_gates(user):
    """Return the gates whose queue a user may open, by code."""
    if user.role.value == "gate_officer":
        return sorted(user.gates, key=lambda g: g.code)
    ids = gate_ids(user)
    query = sa.select(Gate).order_by(Gate.code)
    if ids is not None:
        query = query.where(Gate.id.in_(ids or {-1}))
    return list(db.session.scalars(query))


@blp.route("")
@signed_in
def choose():
    """Send an officer with one gate to it; offer the others a choice of the gates they work at or oversee."""
    user = _me()
    require(user, "gate.queue")
    gates = overseen_gates(user)
    if len(gates) == 1 and can(user, "crossing.record", gates[0]):
        return redirect(url_for("gate.board", code=gates[0].code))
    return render_template("crossings/choose.html", gates=gates)


@blp.route("/sw.js")
def service_worker():
    """The gate pages' service worker, served under /gate/ so that its scope covers them."""
    response = send_from_directory(current_app.static_folder, "js/gate-sw.js", mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches the tablets at their next visit
    return response


@blp.route("/<code>")
@signed_in
def board(code):
    """Show a gate's queue and counters; its officers also get the event buttons and the offline queue."""
    user = _me()
    require(user, "gate.queue")
    gate = get_gate_or_404(code)
    if not can(user, "gate.queue", gate):
        raise Forbidden(_("You do not work at this gate."))
    may_record = can(user, "crossing.record", gate)
    view = queries.queue_view(gate, utcnow())
    shipments = view["items"]
    data = QueueSchema().dump(view)
    before_hold = {s.reference: s.status_before_hold.value for s in shipments if s.status_before_hold}
    strings = page_strings()
    for item, shipment in zip(data["items"], shipments, strict=True):
        item["allowed"] = allowed_events(shipment) if may_record else []
        item["status_label"] = status_label(shipment.status, shipment.direction)
        item["status_before_hold"] = before_hold.get(shipment.reference)
    for item, shipment in zip(data["recent_crossings"], view["recent_crossings"], strict=True):
        item["status_label"] = status_label(shipment.status, shipment.direction)
    return render_template(
        "crossings/gate.html",
        gate=gate,
        gate_name=localized(gate, "name"),
        queue=data,
        may_record=may_record,
        config={
            "gate": gate.code,
            "user": user.id,
            "lang": current_language(),
            "readonly": not may_record,
            "refresh_seconds": QUEUE_REFRESH_SECONDS,
            "queue": data,
            "queue_url": url_for("crossings_api.queue", code=gate.code),
            "offline_worker": url_for("gate.service_worker"),
            "offline_scope": url_for("gate.choose") + "/",
            "crossings_url": url_for("crossings_api.record_crossing", code=gate.code),
            "calls_url": url_for("equeue_calls_api.call", code=gate.code),
            # the crossing manifest of a truck: its id replaces 0 (a PDF opened in a new tab)
            "manifest_url": url_for("pdf_api.download", id_or_reference=0, kind="crossing-manifest"),
            "verify_prefix": "/api/v1/verify/",
            "flow": transition_map(),
            "before_hold": before_hold,
        },
        strings=strings,
        directions=[(d.value, d.label, DIRECTION_HEADINGS[d], DIRECTION_CROSSED_TODAY[d]) for d in Direction],
        events=[(name, EVENT_BUTTONS[name]) for name in GATE_EVENTS],
        lanes=list(Lane),
        reasons=HOLD_REASONS,
    )


def allowed_events(shipment):
    """Return the gate events the status flow allows for a shipment now, in the flow's order."""
    return [
        name
        for name in GATE_EVENTS
        if gate_event_target(name, shipment.status, lane=shipment.lane, status_before_hold=shipment.status_before_hold)
        is not None
    ]


def transition_map():
    """Map "status|lane" to {event: status it leads to}, from the state machine, for the page's script.

    `released` is given as if the status before the hold were unknown (at_gate); the script corrects it
    when it knows better.
    """
    flow = {}
    for status in ShipmentStatus:
        for lane in (None, *Lane):
            moves = {}
            for name in GATE_EVENTS:
                target = gate_event_target(name, status, lane=lane)
                if target is not None:
                    moves[name] = target.value
            if moves:
                flow[f"{status.value}|{lane.value if lane else ''}"] = moves
    return flow


def status_label(status, direction):
    """Return a status's label on the tablet: a crossed truck of an import has entered Viet Nam."""
    if status == ShipmentStatus.CROSSED:
        return str(CROSSED_LABELS[direction or Direction.EXPORT])
    return str(status.label)


def by_direction(labels, crossed):
    """Return {direction: {event: label}}: the same labels, the crossing worded per direction."""
    return {d.value: {**{k: str(v) for k, v in labels.items()}, "crossed": str(crossed[d])} for d in Direction}


def page_strings():
    """Return every text the page's script may show, translated for the reader.

    `events`, `questions` and `statuses` hold the export wording (and are what an older outbox entry, kept
    without a direction, is shown with); `by_direction` holds both directions' event, question and timeline labels.
    """
    return {
        "events": {name: str(label) for name, label in EVENT_BUTTONS.items()},
        "questions": {name: str(label) for name, label in EVENT_QUESTIONS.items()},
        "by_direction": {
            "events": by_direction(EVENT_BUTTONS, CROSSED_LABELS),
            "questions": by_direction(EVENT_QUESTIONS, CROSSED_QUESTIONS),
            "timeline": by_direction(TIMELINE_LABELS, CROSSED_LABELS),
            "crossed_status": {d.value: str(CROSSED_LABELS[d]) for d in Direction},
        },
        "directions": {d.value: str(d.label) for d in Direction},
        "direction_headings": {d.value: str(DIRECTION_HEADINGS[d]) for d in Direction},
        "importer": _("Importer"),
        "statuses": {status.value: str(status.label) for status in ShipmentStatus},
        "lanes": {lane.value: str(lane.label) for lane in Lane},
        "reasons": {code: str(label) for code, label in HOLD_REASONS.items()},
        "minutes": _("%(minutes)s min"),
        "hours_minutes": _("%(hours)s h %(minutes)s min"),
        "all_sent": _("Every event has been sent."),
        "online": _("Online"),
        "offline": _("Offline: events are kept on this tablet and sent later"),
        "queued": _("Saved on this tablet; sending…"),
        "sent": _("%(event)s recorded for %(reference)s."),
        "updated_at": _("Updated %(time)s"),
        "refresh_failed": _("Could not refresh the queue; showing the last one."),
        "not_in_queue": _("%(reference)s is not in today's queue. If the truck is here, record its arrival."),
        "no_match": _("No truck in the queue matches."),
        "bad_reference": _("Type a reference like BT-2026-000123 or a plate number."),
        "choose_lane": _("Choose the inspection lane."),
        "give_reason": _("Give the reason for the hold."),
        "give_seals": _("Record at least one seal number."),
        "refused": _("Not recorded: %(message)s"),
        "sign_in_again": _("Your session has ended. Sign in again; the unsent events stay on this tablet."),
        "server_error": _("The server could not record the event (%(code)s); it will be sent again."),
        "tapped_at": _("tapped %(time)s"),
        "attempts": _("attempts: %(num)s"),
        "camera_unavailable": _("This device offers no camera here. Type the reference instead."),
        "camera_denied": _("The camera could not be opened: %(message)s. Type the reference instead."),
        "scanning": _("Point the camera at the QR code on the manifest."),
        "qr_no_reference": _("This QR code holds no shipment reference. Type the reference instead."),
        "qr_found": _("Scanned %(reference)s."),
        "dismiss": _("Dismiss"),
        "plate": _("Plate"),
        "driver": _("Driver"),
        "exporter": _("Exporter"),
        "lane": _("Lane"),
        "dwell": _("Waiting"),
        "no_events": _("No gate event is possible in this status."),
        "clock_fast": _("This tablet's clock is %(minutes)s min ahead: event times follow the server's clock."),
        "clock_slow": _("This tablet's clock is %(minutes)s min behind: event times follow the server's clock."),
        **equeue_strings(),
    }
