"""The shipment page: goods and totals, the paperwork checklist with its forms, papers, the generated PDFs in a
language pair (`?pair=`), moves and timeline."""

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from ...auth.permissions import can, require
from ...documents import services as documents
from ...documents.forms import DocumentForm
from ...documents.models import DocumentType
from ...documents.schemas import DocumentInSchema
from ...errors import Conflict, Invalid, flatten_errors
from ...extensions import db
from ...i18n import current_language
from ...pages import attach_errors, me, requires
from ...types import ascii_id
from .. import queries, services
from ..forms import MoveForm
from ..models import Direction, EventKind, Lane, ShipmentStatus
from ..schemas import TransitionSchema
from ..services import documents as paperwork
from ..workflow import EDITABLE, exporter_move_allowed
from . import pdf_links
from .blueprint import blp

S = ShipmentStatus
# the moves a person may make, in the order their buttons appear
MOVES = (S.READY, S.SUBMITTED, S.DELIVERED, S.DRAFT, S.CANCELLED)
MOVE_LABELS = {
    S.READY: _l("Mark as ready"),
    S.SUBMITTED: _l("Submit to the gate"),
    S.DELIVERED: _l("Confirm delivery"),
    S.DRAFT: _l("Back to draft"),
    S.CANCELLED: _l("Cancel the shipment"),
}
EVENT_LABELS = {
    "created": _l("Created"),
    "arrived": _l("Arrived at the gate"),
    "lane_assigned": _l("Lane assigned"),
    "inspection_started": _l("Inspection started"),
    "held": _l("Held"),
    "released": _l("Released"),
    "cleared": _l("Cleared"),
    "crossed": _l("Crossed the border"),
    "returned": _l("Returned"),
    "document_registered": _l("Document registered"),
    "document_replaced": _l("Document replaced"),
}
# the buyer's receipt (issue 18): kind "receipt"; a discrepancy names its goods line from the event's details
RECEIPT_LABELS = {"delivered": _l("Receipt confirmed by the buyer"), "discrepancy": _l("Discrepancy on receipt")}
CONDITIONS = {
    "ok": _l("Received in good order"),
    "short": _l("Short"),
    "damaged": _l("Damaged"),
    "rejected": _l("Rejected"),
}
# what "crossed" means for an import, on the status badge and on the timeline (the gate tablet says the same)
ENTERED = _l("Entered Viet Nam")
DIRECTION_COLOURS = {Direction.EXPORT: "primary", Direction.IMPORT: "warning"}
LINE_STATUS = {
    "missing": (_l("missing"), "danger"),
    "expired": (_l("expired"), "danger"),
    "expiring": (_l("expiring soon"), "warning"),
    "provided": (_l("provided"), "success"),
}
LEVELS = {"required": _l("required"), "recommended": _l("recommended")}


@blp.route("/<int:shipment_id>")
@requires("shipment.read")
def detail(shipment_id):
    """Show a shipment the user may see; exporters also get its forms and buttons."""
    user = me()
    return _page(user, queries.visible_shipment_or_404(user, shipment_id))


@blp.route("/<int:shipment_id>/move", methods=["POST"])
@requires("shipment.move")
def move(shipment_id):
    """Move the shipment along the status flow; a refusal lists every unmet precondition."""
    user = me()
    form = MoveForm()
    if not form.validate_on_submit():
        raise Invalid(_("The form expired; reload the page and try again."))
    try:
        args = TransitionSchema().load({"to": form.to.data or "", "note": (form.note.data or "").strip() or None})
    except ValidationError as error:
        raise Invalid(_("Some fields are invalid."), errors=flatten_errors(error.messages)) from None
    version = form.version.data or ""
    if_match = f'"{shipment_id}-{version}"' if ascii_id(version) else None
    try:
        shipment = services.move_shipment(user, shipment_id, to=args["to"], note=args.get("note"), if_match=if_match)
    except Conflict as error:
        db.session.rollback()
        return _page(user, queries.visible_shipment_or_404(user, shipment_id), refused=error, status=409)
    flash(_("Shipment %(reference)s is now %(status)s.", reference=shipment.reference, status=shipment.status.label))
    return redirect(url_for("shipments.detail", shipment_id=shipment.id))


@blp.route("/<int:shipment_id>/documents", methods=["POST"])
@requires("document.write")
def register_document(shipment_id):
    """Register a paper for the shipment, with an optional scan."""
    user = me()
    shipment = queries.visible_shipment_or_404(user, shipment_id)
    require(user, "document.write", shipment)
    form = DocumentForm()
    if not form.validate_on_submit():
        raise Invalid(_("The form expired; reload the page and try again."))
    fields = {name: (form[name].data or "").strip() or None for name in ("type", "number", "issued_by")}
    fields |= {name: (form[name].data or "").strip() or None for name in ("issued_on", "expires_on")}
    upload = form.file.data
    try:
        data = DocumentInSchema().load(fields)
        document = paperwork.register_document(
            user, shipment.id, data, upload=(upload.read(), upload.filename) if upload and upload.filename else None
        )
    except ValidationError as error:
        return _page(user, shipment, document_form=_failed(form, flatten_errors(error.messages)), status=422)
    except Invalid as error:
        db.session.rollback()
        return _page(user, shipment, document_form=_failed(form, error.errors, error.message), status=422)
    except Conflict as error:
        db.session.rollback()
        flash(str(error.message), "danger")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    flash(_("%(document)s %(number)s registered.", document=document.type.label, number=document.number), "success")
    return redirect(url_for("shipments.detail", shipment_id=shipment.id, _anchor="requirements"))


@blp.route("/<int:shipment_id>/documents/<int:document_id>/file")
@requires("shipment.read")
def document_file(shipment_id, document_id):
    """Send a document's scan, only to those who may see the shipment (404 for anyone else)."""
    path, mime, name = paperwork.document_scan(me(), shipment_id, document_id)
    response = send_file(path, mimetype=mime, download_name=name, as_attachment=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- the page ------------------------------------------------------------------------------------------------------


def _failed(form, errors, message=None):
    general = attach_errors(form, errors)
    form.general = [str(message)] if message and not errors else []
    form.general += general
    return form


def _page(user, shipment, *, document_form=None, refused=None, status=200):
    lang = current_language()
    rules = documents.active_rules()
    requirements = services.shipment_requirements(user, shipment.id, shipment=shipment)
    items = {item.position: item for item in shipment.items}
    all_documents = paperwork.list_documents(user, shipment.id)
    by_id = {d.id: d for d in all_documents}
    lines = [
        {
            "line": line,
            "label": rules.document_label(line.document_type, lang),
            "items": [items[p] for p in line.items if p in items],
            "status": LINE_STATUS.get(line.status, (line.status, "secondary")),
            "level": LEVELS.get(line.level, line.level),
            "document": by_id.get(line.document_id),
        }
        for line in requirements.items
    ]
    may_move = can(user, "shipment.move", shipment)
    pdf_pair = pdf_links.chosen_pair(request.args.get("pair"))
    failed_type = document_form.type.data if document_form is not None else None
    return render_template(
        "shipments/detail.html",
        shipment=shipment,
        requirements=requirements,
        lines=lines,
        documents=all_documents,
        document_label=lambda value: rules.document_label(value, lang),
        events=queries.timeline(shipment.id),
        event_label=lambda event: _event_label(event, shipment.direction),
        status_label=status_label(shipment),
        direction_colour=DIRECTION_COLOURS,
        lane_label=lambda lane: Lane(lane).label if lane else "",
        moves=[(t, MOVE_LABELS[t]) for t in MOVES if may_move and exporter_move_allowed(shipment.status, t)],
        move_form=MoveForm(formdata=None),
        refused=refused,
        may_edit=can(user, "shipment.write", shipment) and shipment.status in EDITABLE,
        may_register=can(user, "document.write", shipment) and shipment.status in paperwork.OPEN_FOR_DOCUMENTS,
        blank_form=DocumentForm(formdata=None),
        failed_form=document_form,
        failed_on_line=failed_type in {line.document_type for line in requirements.items},
        document_types=list(DocumentType),
        pdf_rows=pdf_links.documents_section(shipment),
        pdf_pair=pdf_pair,
        pdf_pairs=pdf_links.pair_choices(),
    ), status


def status_label(shipment):
    """The status as the shipment page shows it: an import that crossed has entered Viet Nam."""
    if shipment.direction is Direction.IMPORT and shipment.status is S.CROSSED:
        return ENTERED
    return shipment.status.label


def _event_label(event, direction=Direction.EXPORT):
    if direction is Direction.IMPORT and event.event == "crossed":
        return ENTERED
    if event.kind is EventKind.STATUS and event.event in ShipmentStatus.values():
        return ShipmentStatus(event.event).label
    if event.kind is EventKind.RECEIPT and event.event in RECEIPT_LABELS:
        details = event.details or {}
        if event.event == "discrepancy" and details.get("item"):
            return _("Discrepancy on receipt: item %(item)s, %(condition)s, %(quantity)s received") % {
                "item": details.get("item"),
                "condition": CONDITIONS.get(details.get("condition"), details.get("condition", "")),
                "quantity": details.get("received_quantity", ""),
            }
        return RECEIPT_LABELS[event.event]
    return EVENT_LABELS.get(event.event, event.event)
