"""The shipment's customs declaration page (/shipments/<id>/customs-declaration) and what the shipment page shows
of the declaration (templates/customs/_declaration.html)."""

from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..errors import Conflict, Forbidden, Invalid, flatten_errors
from ..extensions import db
from ..i18n import current_language
from ..pages import attach_errors, me, requires
from ..shipments.queries import visible_shipment_or_404
from . import services
from .forms import DeclarationForm, type_code_choices
from .queries import declaration_of, type_code
from .schemas import DeclarationInSchema

blp = Blueprint("customs", __name__)
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FIELDS = ("number", "type_code", "registered_at", "channel", "cleared_at", "status")


@blp.app_context_processor
def customs_helpers():
    return {
        "customs_declaration_for": lambda shipment: declaration_of(shipment.id),
        "customs_type_code": type_code,
        "customs_may_record": lambda: services.may_record(me()),
        "customs_language": current_language,
    }


@blp.route("/shipments/<int:shipment_id>/customs-declaration", methods=["GET", "POST"])
@requires("shipment.read")
def declaration(shipment_id):
    """Record or change the shipment's customs declaration (its trader; officers of its gate)."""
    user = me()
    shipment = visible_shipment_or_404(user, shipment_id)
    if not services.may_record(user):
        raise Forbidden(_("You are not allowed to do this."))
    current = declaration_of(shipment.id)
    form = DeclarationForm() if request.method == "POST" else DeclarationForm(data=_form_data(current))
    form.type_code.choices = type_code_choices(shipment.direction.value, current_language())
    if form.validate_on_submit():
        try:
            services.record_declaration(user, shipment.id, _load(form))
        except (Invalid, Conflict) as error:
            db.session.rollback()
            return _page(form, shipment, error, status=error.code)
        flash(_("Customs declaration of %(reference)s saved.", reference=shipment.reference), "success")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    return _page(form, shipment, status=400 if form.is_submitted() else 200)


def _form_data(current):
    if current is None:
        return {"status": "registered"}
    local = {
        name: getattr(current, name).astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M") if getattr(current, name) else ""
        for name in ("registered_at", "cleared_at")
    }
    channel = current.channel.value if current.channel else ""
    return {
        "number": current.number,
        "type_code": current.type_code,
        "channel": channel,
        "status": current.status.value,
    } | local


def _when(text):
    """A datetime-local value (Viet Nam time, no offset) as an ISO time with the +07:00 offset."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) == 16:  # YYYY-MM-DDTHH:MM
        text += ":00"
    return text if ("+" in text[10:] or text.endswith("Z")) else text + "+07:00"


def _load(form):
    raw = {name: (form[name].data or "").strip() for name in FIELDS}
    raw["registered_at"], raw["cleared_at"] = _when(raw["registered_at"]), _when(raw["cleared_at"])
    raw["channel"] = raw["channel"] or None
    raw["status"] = raw["status"] or "registered"
    try:
        return DeclarationInSchema().load(raw)
    except ValidationError as error:
        raise Invalid(_("Some fields are invalid."), errors=flatten_errors(error.messages)) from None


def _page(form, shipment, error=None, *, status=200):
    general = attach_errors(form, error.errors) if error is not None else []
    if error is not None:
        general.insert(0, str(error.message or _("Some fields are invalid.")))
    if "csrf_token" in form.errors:
        general.insert(0, _("The form expired; reload the page and try again."))
    page = render_template("customs/declaration_form.html", form=form, shipment=shipment, general=general)
    return page, status
