"""The shipment list with its filters, and the form that creates or edits a shipment with its goods lines."""

import re
from datetime import date

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from wtforms import SelectChoice

from ...auth.permissions import can, require
from ...errors import Conflict, Invalid, PreconditionFailed, flatten_errors
from ...extensions import db
from ...gates.models import Gate, GateStatus
from ...gates.queries import list_gates_query
from ...i18n import localized
from ...pages import attach_errors, me, page_number, requires
from ...products.models import Product
from ...products.queries import visible_products
from ...types import ascii_id
from .. import queries, services
from ..forms import ItemForm, ShipmentFilterForm, ShipmentForm
from ..models import Direction, HsCode, Shipment, ShipmentStatus
from ..paperwork import paperwork_ids
from ..schemas import ShipmentFormSchema
from ..workflow import EDITABLE
from . import register
from .blueprint import blp

PER_PAGE = 25
EMPTY_ROWS = 3
ITEM_PATH = re.compile(r"^items\.(\d+)\.(.+)$")
# error paths of ShipmentFormSchema and the services -> fields of ShipmentForm
FIELD_OF_PATH = {
    "consignee": "consignee_name",
    "consignee.name": "consignee_name",
    "consignee.address": "consignee_address",
    "consignee.country": "consignee_country",
    "consignee.tax_id": "consignee_tax_id",
    "consignor": "consignor_name",
    "consignor.name": "consignor_name",
    "consignor.address": "consignor_address",
    "consignor.country": "consignor_country",
    "consignor.tax_id": "consignor_tax_id",
    "vehicle": "vehicle_plate",
    "vehicle.vehicle_id": "vehicle_id",
    "vehicle.driver_id": "driver_id",
    "vehicle.plate": "vehicle_plate",
    "vehicle.trailer_plate": "trailer_plate",
    "vehicle.driver_name": "driver_name",
    "vehicle.driver_id_no": "driver_id_no",
}
PLAIN_FIELDS = (
    "planned_crossing_on",
    "regime",
    "incoterm",
    "incoterm_place",
    "currency",
    "residents",
    "invoice_no",
    "invoice_on",
)


@blp.route("")
@requires("shipment.read")
def index():
    """List the shipments the user may see, newest first, filtered by status, gate, crossing dates or text."""
    user = me()
    filters = ShipmentFilterForm(request.args)
    gates = db.session.scalars(list_gates_query().order_by(Gate.code)).all()
    filters.gate.choices = [SelectChoice("", _("Any gate"))] + [
        SelectChoice(g.code, f"{g.code} · {localized(g, 'name')}") for g in gates
    ]
    # several ?status= keep any of them (the trader's home links "at the gate" to at_gate, inspecting, cleared)
    status = [s for s in request.args.getlist("status") if s in ShipmentStatus.values()] or None
    query = queries.list_shipments_query(
        user,
        status=status,
        ids=paperwork_ids(user, request.args.get("papers")),
        receipt=request.args.get("receipt"),
        direction=filters.direction.data if filters.direction.data in Direction.values() else None,
        gate=filters.gate.data or None,
        date_from=_date_or_error(filters.date_from),
        date_to=_date_or_error(filters.date_to),
        q=(filters.q.data or "").strip()[:100] or None,
    )
    page = db.paginate(query.order_by(Shipment.id.desc()), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("shipments/index.html", page=page, filters=filters, may_create=can(user, "shipment.write"))


@blp.route("/new", methods=["GET", "POST"])
@requires("shipment.write")
def create():
    """Create a draft shipment for the user's organisation."""
    user = me()
    form = _shipment_form(user)
    if _wants_more_rows(form):
        return _form_page(form, user)
    if form.validate_on_submit():
        payload, rows = _payload(form, user)
        try:
            shipment = services.create_shipment(user, _load(payload))
        except Invalid as error:
            db.session.rollback()
            return _form_page(form, user, error=error, rows=rows, status=422)
        flash(_("Shipment %(reference)s created as a draft.", reference=shipment.reference), "success")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    return _form_page(form, user, status=400 if form.is_submitted() else 200)


@blp.route("/<int:shipment_id>/edit", methods=["GET", "POST"])
@requires("shipment.write")
def edit(shipment_id):
    """Change a draft or ready shipment; each goods line row changes the stored line whose id it carries, keeping what
    the form does not show; a row without id adds a line, a removed row deletes its line."""
    user = me()
    shipment = queries.visible_shipment_or_404(user, shipment_id)
    require(user, "shipment.write", shipment)
    if shipment.status not in EDITABLE:
        flash(_("A shipment can be changed only while it is a draft or ready."), "warning")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    form = _shipment_form(user, shipment)
    if _wants_more_rows(form):
        return _form_page(form, user, shipment=shipment)
    if form.validate_on_submit():
        payload, rows = _payload(form, user, shipment)
        version = form.version.data or ""
        if_match = f'"{shipment.id}-{version}"' if ascii_id(version) else None
        try:
            services.update_shipment(user, shipment.id, _load(payload), if_match=if_match)
        except (Invalid, PreconditionFailed) as error:
            db.session.rollback()
            return _form_page(form, user, shipment=shipment, error=error, rows=rows, status=error.code)
        except Conflict as error:
            db.session.rollback()
            flash(str(error.message), "danger")
            return redirect(url_for("shipments.detail", shipment_id=shipment.id))
        flash(_("Shipment %(reference)s saved.", reference=shipment.reference), "success")
        return redirect(url_for("shipments.detail", shipment_id=shipment.id))
    return _form_page(form, user, shipment=shipment, status=400 if form.is_submitted() else 200)


# --- helpers -------------------------------------------------------------------------------------------------------


def _date_or_error(field):
    text = (field.data or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        field.errors = [_("Not a valid date (YYYY-MM-DD).")]
        return None


def _catalogue(user):
    return db.session.scalars(visible_products(user).order_by(Product.name_vi, Product.id)).all()


def _shipment_form(user, shipment=None):
    if shipment is not None and request.method == "GET":
        form = ShipmentForm(data=_form_data(shipment))
    else:
        form = ShipmentForm()
    products = _catalogue(user)
    choices = [SelectChoice("", _("— describe below —"))] + [
        SelectChoice(str(p.id), f"{p.name_vi} · HS {p.hs_code}", render_kw={"data-unit": p.unit}) for p in products
    ]
    form.product_units = {str(p.id): p.unit for p in products}
    gates = [
        g for g in db.session.scalars(list_gates_query(status=GateStatus.OPEN).order_by(Gate.code)) if g.accepts_goods
    ]
    if shipment is not None and shipment.gate not in gates:
        gates.append(shipment.gate)
    form.exit_gate.choices = form.entry_gate.choices = [SelectChoice("", "—")] + [
        SelectChoice(g.code, f"{localized(g, 'name')} ({g.code})") for g in gates
    ]
    if request.method == "GET":
        for _index in range(EMPTY_ROWS):
            form.items.append_entry()
    form.item_choices = choices
    register.set_choices(form, user)
    for entry in form.items.entries:
        entry.form.product_id.choices = choices
        unit = entry.form.unit
        if unit.data and unit.data not in [choice.value for choice in unit.choices]:
            unit.choices = [*unit.choices, SelectChoice(unit.data)]  # a unit given through the API: shown, kept
    return form


def _wants_more_rows(form):
    if not (form.is_submitted() and form.more_rows.data):
        return False
    for _index in range(EMPTY_ROWS):
        form.items.append_entry()
        form.items.entries[-1].form.product_id.choices = form.item_choices
    return True


def _form_data(shipment):
    data = {name: getattr(shipment, name) for name in PLAIN_FIELDS}
    inbound = shipment.direction is Direction.IMPORT
    data.update(
        direction=shipment.direction.value,
        exit_gate="" if inbound else shipment.gate.code,
        entry_gate=shipment.gate.code if inbound else "",
        regime=shipment.regime.value,
        currency=shipment.currency.value,
        preferential_tariff=shipment.preferential_tariff,
        transhipment=shipment.transhipment,
        consignee_name=shipment.consignee_name,
        consignee_address=shipment.consignee_address,
        consignee_country=shipment.consignee_country,
        consignee_tax_id=shipment.consignee_tax_id,
        consignor_name=shipment.consignor_name,
        consignor_address=shipment.consignor_address,
        consignor_country=shipment.consignor_country or "KH",
        consignor_tax_id=shipment.consignor_tax_id,
        vehicle_id=str(shipment.vehicle_id or ""),
        driver_id=str(shipment.driver_id or ""),
        vehicle_plate=shipment.vehicle_plate,
        trailer_plate=shipment.trailer_plate,
        driver_name=shipment.driver_name,
        driver_id_no=shipment.driver_id_no,
        version=str(shipment.version),
        items=[
            {
                "id": str(item.id),
                "product_id": str(item.product_id) if item.product_id else "",
                # on a product's line, empty means the product's own: shown only when the line has its own
                "description_vi": "" if _products_own(item, "description_vi", "name_vi") else item.description_vi,
                "description_km": "" if _products_own(item, "description_km", "name_km") else item.description_km,
                "description_en": "" if _products_own(item, "description_en", "name_en") else item.description_en,
                "marks": item.marks,
                "hs_code": "" if _products_own(item, "hs_code", "hs_code") else item.hs_code,
                "quantity": _plain(item.quantity),
                "unit": item.unit,
                "packages": item.packages,
                "package_type": item.package_type,
                "net_weight_kg": _plain(item.net_weight_kg),
                "gross_weight_kg": _plain(item.gross_weight_kg),
                "unit_price": _plain(item.unit_price),
                "origin_criterion": item.origin_criterion,
                "fob_value": _plain(item.fob_value),
            }
            for item in shipment.items
        ],
    )
    return {k: ("" if v is None else v) for k, v in data.items()}


def _products_own(item, key, product_key):
    return item.product is not None and getattr(item, key) == getattr(item.product, product_key)


def _plain(value):
    """Show a stored decimal as typed: 4000.000 -> 4000, 9.50 -> 9.5."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _text(field):
    return (field.data or "").strip() or None


def _new_products_names(item, old):
    """A row naming another product than its stored line takes the new product's Khmer and English names, unless
    those fields were changed from what the form showed (API: absent keys come from the new product)."""
    if old is None or str(old.product_id or "") == (item["product_id"] or ""):
        return
    for key, product_key in (("description_km", "name_km"), ("description_en", "name_en")):
        shown = None if _products_own(old, key, product_key) else getattr(old, key)
        if item[key] == ((shown or "").strip() or None):
            del item[key]


def _payload(form, user, shipment=None):
    """Turn the posted form into the API's shipment body; return it with the form rows of its goods lines."""
    items, rows = [], []
    stored = {str(line.id): line for line in shipment.items} if shipment is not None else {}
    for entry in form.items.entries:
        line = entry.form
        if line.remove.data or line.is_blank():
            continue
        item = {name: _text(line[name]) for name in ItemForm.FIELDS}
        item["id"] = _text(line.id)
        if item["hs_code"]:
            item["hs_code"] = item["hs_code"].replace(".", "").replace(" ", "")
        if item["unit"] is None and item["product_id"]:
            item["unit"] = form.product_units.get(item["product_id"])
        _new_products_names(item, stored.get(item["id"] or ""))
        items.append(item)
        rows.append(line)
    vehicle = register.vehicle_payload(form, shipment, _text)
    payload = {name: _text(form[name]) for name in PLAIN_FIELDS}
    # the form shows both directions' fields; the body names only those of the direction chosen
    direction = _text(form.direction) or Direction.EXPORT.value
    gate, party = ("entry_gate", "consignor") if direction == Direction.IMPORT.value else ("exit_gate", "consignee")
    payload.update(
        {
            "direction": direction,
            gate: _text(form[gate]),
            party: {
                "name": _text(form[f"{party}_name"]),
                "address": _text(form[f"{party}_address"]),
                "country": (_text(form[f"{party}_country"]) or "KH").upper(),
                "tax_id": _text(form[f"{party}_tax_id"]),
            },
        },
        preferential_tariff=bool(form.preferential_tariff.data),
        transhipment=bool(form.transhipment.data),
        vehicle=vehicle if any(vehicle.values()) else None,
        items=items,
    )
    for name in ("regime", "incoterm", "currency", gate):
        if payload[name] is None:
            del payload[name]
    return payload, rows


def _load(payload):
    try:
        return ShipmentFormSchema().load(payload)
    except ValidationError as error:
        raise Invalid(_("Some fields are invalid."), errors=flatten_errors(error.messages)) from None


def _form_page(form, user, *, shipment=None, error=None, rows=(), status=200):
    general = []
    if error is not None:
        general.append(str(error.message or _("Some fields are invalid.")))
        shipment_errors = {}
        for path, messages in (error.errors or {}).items():
            match = ITEM_PATH.match(path)
            if match and int(match.group(1)) < len(rows):
                index = int(match.group(1))
                # the row's hidden line id shows no errors of its own
                field = None if match.group(2) == "id" else match.group(2)
                for message in attach_errors(rows[index], {field: messages}):
                    general.append(_("Line %(number)d: %(message)s", number=index + 1, message=message))
            else:
                shipment_errors[path] = messages
        general.extend(attach_errors(form, shipment_errors, FIELD_OF_PATH))
    if "csrf_token" in form.errors:
        general.insert(0, _("The form expired; reload the page and try again."))
    template_row = ItemForm(prefix="items-__INDEX__-")
    template_row.product_id.choices = form.item_choices
    return render_template(
        "shipments/form.html",
        form=form,
        shipment=shipment,
        general=general,
        template_row=template_row,
        hs_codes=db.session.scalars(sa.select(HsCode).order_by(HsCode.code)).all(),
    ), status
