"""The origin proof and e-invoice pages of a shipment (/shipments/<id>/origin-proof, /shipments/<id>/e-invoice) and
what the shipment page shows of them (templates/origin/_summary.html)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..errors import Conflict, Forbidden, Invalid, flatten_errors
from ..extensions import db
from ..pages import attach_errors, me, requires
from ..shipments.queries import visible_shipment_or_404
from . import services
from .forms import EInvoiceForm, OriginProofForm
from .holidays import deadline_rules
from .schemas import EInvoiceInSchema, OriginProofInSchema

blp = Blueprint("origin", __name__)
PROOF_FIELDS = ("kind", "reference", "issued_on", "status", "reason")
EINVOICE_FIELDS = ("form", "series", "number", "issued_on")


@blp.app_context_processor
def origin_helpers():
    return {
        "origin_proof_for": lambda shipment: services.proof_of(shipment.id),
        "einvoice_for": lambda shipment: services.einvoice_of(shipment.id),
        "origin_may_write": lambda shipment: services.may_write(me()) and shipment.status in services.OPEN_FROM,
        "einvoice_rule_unverified": _rule_unverified,
    }


def _rule_unverified(einvoice):
    return any(r.unverified for r in deadline_rules() if r.effective_from.isoformat() == einvoice.due_source)


def _writable(shipment_id):
    user = me()
    shipment = visible_shipment_or_404(user, shipment_id)
    if not services.may_write(user):
        raise Forbidden(_("You are not allowed to do this."))
    return user, shipment


@blp.route("/shipments/<int:shipment_id>/origin-proof", methods=["GET", "POST"])
@requires("shipment.read")
def origin_proof(shipment_id):
    """Record or move the shipment's origin proof (its trader)."""
    user, shipment = _writable(shipment_id)
    current = services.proof_of(shipment.id)
    if request.method == "POST":
        form = OriginProofForm()
    else:
        data = {"status": "issued"}
        if current is not None:
            data = {name: getattr(current, name) for name in PROOF_FIELDS}
            data |= {"kind": current.kind.value, "status": current.status.value}
            data["issued_on"] = current.issued_on.isoformat() if current.issued_on else ""
        form = OriginProofForm(data=data)
    if form.validate_on_submit():
        try:
            services.record_proof(user, shipment.id, _load(form, PROOF_FIELDS, OriginProofInSchema))
        except (Invalid, Conflict) as error:
            db.session.rollback()
            return _page("origin/proof_form.html", form, shipment, error, status=error.code)
        flash(_("Origin proof of %(reference)s saved.", reference=shipment.reference), "success")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    return _page("origin/proof_form.html", form, shipment, status=400 if form.is_submitted() else 200)


@blp.route("/shipments/<int:shipment_id>/e-invoice", methods=["GET", "POST"])
@requires("shipment.read")
def einvoice(shipment_id):
    """Record the e-invoice issued for the shipment (its trader)."""
    user, shipment = _writable(shipment_id)
    current = services.einvoice_of(shipment.id)
    if request.method == "POST":
        form = EInvoiceForm()
    else:
        data = {}
        if current is not None:
            data = {name: getattr(current, name) or "" for name in EINVOICE_FIELDS}
            data["issued_on"] = current.issued_on.isoformat() if current.issued_on else ""
        form = EInvoiceForm(data=data)
    if form.validate_on_submit():
        try:
            services.record_einvoice(user, shipment.id, _load(form, EINVOICE_FIELDS, EInvoiceInSchema))
        except (Invalid, Conflict) as error:
            db.session.rollback()
            return _page("origin/einvoice_form.html", form, shipment, error, status=error.code, einvoice=current)
        flash(_("E-invoice of %(reference)s saved.", reference=shipment.reference), "success")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    status = 400 if form.is_submitted() else 200
    return _page("origin/einvoice_form.html", form, shipment, status=status, einvoice=current)


def _load(form, names, schema):
    raw = {name: (form[name].data or "").strip() for name in names}
    for name in ("issued_on", "reference", "reason"):
        if name in raw and not raw[name]:
            raw[name] = None
    try:
        return schema().load(raw)
    except ValidationError as error:
        raise Invalid(_("Some fields are invalid."), errors=flatten_errors(error.messages)) from None


def _page(template, form, shipment, error=None, *, status=200, **context):
    general = attach_errors(form, error.errors) if error is not None else []
    if error is not None:
        general.insert(0, str(error.message or _("Some fields are invalid.")))
    if "csrf_token" in form.errors:
        general.insert(0, _("The form expired; reload the page and try again."))
    return render_template(template, form=form, shipment=shipment, general=general, **context), status
