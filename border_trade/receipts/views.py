"""The receipt pages: the buyer's public page `/receipt/<token>` (Khmer first, a phone in the hand, no account) and
the Vietnamese importer's confirmation of an import in the app (`/shipments/<id>/receipt`), one form for both."""

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from marshmallow import ValidationError

from ..auth.permissions import can
from ..errors import Invalid, NotFound, flatten_errors
from ..extensions import db, limiter
from ..i18n import FORCED_LOCALE, LANGUAGES
from ..pages import me, requires
from ..shipments.models import Direction, ShipmentStatus
from ..types import utcnow
from . import services
from .api import receipt_rate_limit
from .links import active_link_url, create_link, link_for_token
from .models import Condition
from .photos import TooLarge
from .schemas import ReceiptInSchema

blp = Blueprint("receipts", __name__)
PUBLIC_LANGUAGES = ("km", "vi", "en")  # the buyer is in Cambodia: Khmer first


class ReceiptForm(FlaskForm):
    """CSRF only: the fields are one set per goods line (`received-<n>`, `condition-<n>`, `note-<n>`, `photos-<n>`)."""


@blp.app_context_processor
def receipt_helpers():
    return {
        "receipt_of": services.receipt_of,
        "receipt_link_of": active_link_url,
        "receipt_link_form": lambda: ReceiptForm(formdata=None),
        "describe": describe,
    }


def describe(item, lang):
    """A goods line's description in the reader's language where the line has it, else Vietnamese."""
    return getattr(item, f"description_{lang}", None) or item.description_vi


@blp.before_request
def _khmer_first():
    """The public page opens in Khmer unless the visitor chose a language (`?lang=`, the switch's cookie)."""
    chosen = request.args.get("lang") in LANGUAGES or request.cookies.get("lang") in LANGUAGES
    if (request.endpoint or "").startswith("receipts.public") and not chosen:
        request.environ[FORCED_LOCALE] = "km"


@blp.route("/receipt/<token>", methods=["GET", "POST"])
@limiter.limit(receipt_rate_limit)
def public_page(token):
    """Show the buyer the goods to confirm, record the confirmation, then show it read-only."""
    link = link_for_token(token, now=utcnow())  # 404 page: forged, altered, replaced or expired
    shipment = link.shipment
    action = url_for("receipts.public_page", token=token)
    photo_url = lambda photo: url_for("receipts.public_photo", token=token, photo_id=photo.id)  # noqa: E731
    if request.method == "POST" and services.receipt_of(shipment.id) is None:
        return _submit(
            shipment, action, photo_url, lambda data, photos: services.confirm_by_link(token, data, photos=photos)
        )
    return _render(shipment, action, photo_url, public=True)


@blp.route("/receipt/<token>/photos/<int:photo_id>")
@limiter.limit(receipt_rate_limit)
def public_photo(token, photo_id):
    """Send a photo of the receipt to whoever holds the link."""
    link = link_for_token(token, now=utcnow())
    return _photo(services.receipt_of(link.shipment_id), photo_id)


@blp.route("/shipments/<int:shipment_id>/receipt", methods=["GET", "POST"])
@requires("shipment.read")
def in_app(shipment_id):
    """The importer confirms the receipt of an import (the trader's own); others may read a recorded receipt."""
    user = me()
    shipment, receipt = services.visible_receipt(user, shipment_id)
    action = url_for("receipts.in_app", shipment_id=shipment.id)
    photo_url = lambda photo: url_for("receipts.app_photo", shipment_id=shipment.id, photo_id=photo.id)  # noqa: E731
    if request.method == "POST" and receipt is None:
        return _submit(
            shipment,
            action,
            photo_url,
            lambda data, photos: services.confirm_in_app(user, shipment.id, data, photos=photos),
        )
    return _render(shipment, action, photo_url, public=False)


@blp.route("/shipments/<int:shipment_id>/receipt-link", methods=["POST"])
@requires("shipment.write")
def make_link(shipment_id):
    """Make (or replace) the buyer's receipt link of a crossed export from its page; the page then shows it."""
    if not ReceiptForm().validate_on_submit():
        raise Invalid(_("The form expired; reload the page and try again."))
    create_link(me(), shipment_id, now=utcnow())
    flash(
        _("The receipt link is ready: send it to the buyer, or print the crossing manifest with its QR code."),
        "success",
    )
    return redirect(url_for("shipments.detail", shipment_id=shipment_id, _anchor="receipt-summary"))


@blp.route("/shipments/<int:shipment_id>/receipt/photos/<int:photo_id>")
@requires("shipment.read")
def app_photo(shipment_id, photo_id):
    """Send a photo of the receipt to those who may see the shipment (404 for anyone else)."""
    _shipment, receipt = services.visible_receipt(me(), shipment_id)
    return _photo(receipt, photo_id)


def _photo(receipt, photo_id):
    if receipt is None:
        raise NotFound(_("No such photo."))
    path, mime = services.photo_for(receipt, photo_id)
    response = send_file(path, mimetype=mime, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _submit(shipment, action, photo_url, confirm):
    form = ReceiptForm()
    if not form.validate_on_submit():
        return _render(
            shipment, action, photo_url, message=_("The form expired; reload the page and try again."), status=400
        )
    raw, photos = _read_form(shipment)
    try:
        data = ReceiptInSchema().load(raw)
        receipt = confirm(data, photos)
    except ValidationError as error:
        return _render(shipment, action, photo_url, raw=raw, errors=flatten_errors(error.messages), status=422)
    except (Invalid, TooLarge) as error:
        db.session.rollback()
        return _render(
            shipment, action, photo_url, raw=raw, errors=error.errors, message=error.message, status=error.code
        )
    return redirect(action + ("?confirmed=1" if receipt else ""))


def _read_form(shipment):
    """Turn the page's fields into the API's body, and the uploads into {line index: [bytes]}."""
    lines, photos = [], {}
    for index, item in enumerate(shipment.items):
        n = item.position
        lines.append(
            {
                "item": n,
                "received_quantity": (request.form.get(f"received-{n}") or "").strip().replace(",", "."),
                "condition": request.form.get(f"condition-{n}") or "",
                "note": (request.form.get(f"note-{n}") or "").strip() or None,
            }
        )
        files = [f.read() for f in request.files.getlist(f"photos-{n}") if f and f.filename]
        if files:
            photos[index] = files
    return {"lines": lines, "declaration_no": (request.form.get("declaration_no") or "").strip() or None}, photos


def _render(shipment, action, photo_url, *, public=True, raw=None, errors=None, message=None, status=200):
    receipt = services.receipt_of(shipment.id)
    may_confirm = receipt is None and shipment.status is ShipmentStatus.CROSSED
    if not public:
        may_confirm = may_confirm and shipment.direction is Direction.IMPORT and _may_write(shipment)
    given = {line["item"]: line for line in (raw or {}).get("lines", [])}
    return (
        render_template(
            "receipts/page.html",
            shipment=shipment,
            receipt=receipt,
            may_confirm=may_confirm,
            public=public,
            action=action,
            photo_url=photo_url,
            form=ReceiptForm(formdata=None),
            given=given,
            declaration_no=(raw or {}).get("declaration_no") or "",
            errors=errors or {},
            message=message,
            conditions=list(Condition),
            languages=PUBLIC_LANGUAGES,
            confirmed=request.args.get("confirmed") == "1",
        ),
        status,
        {"Cache-Control": "no-store"},
    )


def _may_write(shipment):
    return can(me(), "shipment.write", shipment)
