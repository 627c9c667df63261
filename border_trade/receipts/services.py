"""Confirming a receipt: the buyer through a link (exports) or the importer in the app (imports).

One request, one transaction: the receipt and its lines, the move to `delivered` (the shipments workflow, with a
timeline event `{kind: receipt, event: delivered}`), one `{kind: receipt, event: discrepancy, details}` per line that
differs, the audit line, and what the `receipt.confirmed` subscribers add (the trader's notice, the webhooks).
"""

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..auth.permissions import require
from ..errors import Conflict, Invalid, NotFound
from ..events import publish
from ..extensions import db
from ..shipments.models import Direction, EventKind, Shipment, ShipmentEvent, ShipmentStatus
from ..shipments.queries import visible_shipment_or_404
from ..shipments.services.common import add_status_event
from ..shipments.workflow import exporter_move_allowed
from ..types import utcnow
from . import photos as photo_store
from .links import link_for_token
from .models import Receipt, ReceiptLine, ReceiptPhoto

RECEIPT_CONFIRMED = "receipt.confirmed"  # payload: receipt, shipment, now (subscribed in subscriptions.py)
S = ShipmentStatus


def receipt_of(shipment_id):
    """Return the shipment's receipt, or None."""
    return db.session.scalar(sa.select(Receipt).where(Receipt.shipment_id == shipment_id))


def confirm_by_link(token, data, *, photos=None, now=None):
    """Record the buyer's receipt through a link: 404 for a dead token (before the body is looked at), 409 when
    the receipt was already confirmed; `data` is the loaded ReceiptInSchema; `photos` {line index: [bytes]}."""
    now = now or utcnow()
    link = link_for_token(token, now=now, lock=True)
    if link.used_at is not None:
        raise _already()
    shipment = db.session.scalar(sa.select(Shipment).where(Shipment.id == link.shipment_id).with_for_update())
    receipt = _confirm(shipment, data, photos or {}, actor=None, now=now)
    receipt.link_id = link.id
    link.used_at = now
    link.expires_at = max(link.expires_at, now + (link.expires_at - link.created_at))  # readable as long again
    return _commit(receipt, shipment)


def confirm_in_app(user, id_or_reference, data, *, photos=None, now=None):
    """Record the Vietnamese importer's receipt of an import, signed in (their organisation's shipment)."""
    now = now or utcnow()
    shipment = visible_shipment_or_404(user, id_or_reference, lock=True)
    require(user, "shipment.write", shipment)
    if shipment.direction is not Direction.IMPORT:
        raise Conflict(
            _("The buyer confirms the receipt of an export through the receipt link."),
            errors={"direction": [_("This shipment is an export.")]},
        )
    receipt = _confirm(shipment, data, photos or {}, actor=user, now=now)
    receipt.confirmed_by = user
    return _commit(receipt, shipment)


def check_open(shipment):
    """Raise 409 unless the shipment waits for its receipt (crossed, none recorded yet)."""
    if receipt_of(shipment.id) is not None:
        raise _already()
    if not exporter_move_allowed(shipment.status, S.DELIVERED):
        raise Conflict(
            _("The receipt can be confirmed once the shipment has crossed the border."),
            errors={"status": [_("The shipment is %(status)s.", status=shipment.status.label)]},
            current_status=shipment.status.value,
        )


def _already():
    return Conflict(
        _("The receipt of this shipment was already confirmed."),
        errors={"receipt": [_("Already confirmed.")]},
    )


def _check_lines(shipment, data):
    """Every goods line once, by its 1-based position: 422 naming `lines.<i>.item` or `lines`."""
    items = {item.position: item for item in shipment.items}
    seen, errors = set(), {}
    for index, line in enumerate(data["lines"]):
        position = line["item"]
        if position not in items:
            errors[f"lines.{index}.item"] = [_("The shipment has no goods line %(num)d.", num=position)]
        elif position in seen:
            errors[f"lines.{index}.item"] = [_("Goods line %(num)d is given twice.", num=position)]
        seen.add(position)
    missing = sorted(set(items) - seen)
    if missing and not errors:
        listed = ", ".join(str(p) for p in missing)
        errors["lines"] = [_("Give every goods line; missing: %(lines)s.", lines=listed)]
    if errors:
        raise Invalid(errors=errors)
    return items


def _confirm(shipment, data, photos, *, actor, now):
    check_open(shipment)
    items = _check_lines(shipment, data)
    photo_store.check_photos(photos)
    receipt = Receipt(
        shipment=shipment,
        declaration_no=(data.get("declaration_no") or "").strip() or None,
        confirmed_at=now,
    )
    keys = []
    try:
        for index, given in enumerate(data["lines"]):
            item = items[given["item"]]
            line = ReceiptLine(
                item_position=item.position,
                shipped_quantity=item.quantity,
                received_quantity=given["received_quantity"],
                condition=given["condition"],
                note=(given.get("note") or "").strip() or None,
            )
            for content in photos.get(index, ()):
                key, mime, digest = photo_store.store(content)
                keys.append(key)
                line.photos.append(ReceiptPhoto(file_key=key, mime=mime, size=len(content), sha256=digest))
            receipt.lines.append(line)
        receipt.lines.sort(key=lambda line: line.item_position)
        receipt.has_discrepancy = any(line.differs for line in receipt.lines)
        db.session.add(receipt)
        add_status_event(shipment, to=S.DELIVERED, actor=actor, now=now, event="delivered", kind=EventKind.RECEIPT)
        for line in receipt.lines:
            if line.differs:
                db.session.add(
                    ShipmentEvent(
                        shipment=shipment,
                        kind=EventKind.RECEIPT,
                        event="discrepancy",
                        occurred_at=now,
                        recorded_at=now,
                        actor=actor,
                        note=line.note,
                        details={
                            "item": line.item_position,
                            "condition": line.condition.value,
                            "received_quantity": f"{line.received_quantity:f}",
                        },
                    )
                )
        db.session.flush()
        record(
            "receipt.confirm",
            actor=actor,
            actor_email=None if actor else "buyer (receipt link)",
            obj=shipment,
            before={"status": S.CROSSED.value},
            after={"status": S.DELIVERED.value, "receipt": receipt.id, "discrepancy": receipt.has_discrepancy},
        )
        publish(RECEIPT_CONFIRMED, receipt=receipt, shipment=shipment, now=now)
    except Exception:
        db.session.rollback()
        photo_store.remove(keys)
        raise
    receipt.photo_keys = keys
    return receipt


def _commit(receipt, shipment):
    keys = getattr(receipt, "photo_keys", [])
    try:
        db.session.commit()
    except (sa.exc.IntegrityError, StaleDataError):  # a second confirmation raced in: the first one won
        db.session.rollback()
        photo_store.remove(keys)
        raise _already() from None
    return receipt


def photo_for(receipt, photo_id):
    """Return (path, mime) of one of a receipt's photos, else 404."""
    for line in receipt.lines:
        for photo in line.photos:
            if photo.id == photo_id:
                return photo_store.path_of(photo), photo.mime
    raise NotFound(_("No such photo."))


def visible_receipt(user, shipment_id):
    """Return (shipment, receipt or None) of a shipment the user may see (404 otherwise)."""
    shipment = visible_shipment_or_404(user, shipment_id)
    return shipment, receipt_of(shipment.id)
