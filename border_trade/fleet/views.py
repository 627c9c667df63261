"""Pages of a trader's fleet register: vehicles and drivers, listed, added and edited."""

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..auth.permissions import can, require
from ..errors import Conflict, Invalid, PreconditionFailed, flatten_errors
from ..extensions import db
from ..gates.models import Gate
from ..pages import attach_errors, me, page_number, requires, template_helpers
from ..types import ascii_id
from . import queries, rules, services
from .forms import DriverForm, FleetSearchForm, VehicleForm
from .models import Driver, Vehicle
from .schemas import DriverInSchema, RegisteredVehicleInSchema

blp = Blueprint("fleet", __name__, url_prefix="/fleet")
blp.app_context_processor(template_helpers)

PER_PAGE = 50
LOCAL_ZONE = "Asia/Ho_Chi_Minh"
PERMIT_FIELDS = ("number", "issued_by", "kind", "valid_from", "valid_to")
# error paths of the API schema -> the page's field names
VEHICLE_NAMES = {f"permit.{name}": f"permit_{name}" for name in PERMIT_FIELDS} | {"permit": "permit_number"}
DRIVER_FIELDS = ("name", "id_no", "phone", "licence_class", "licence_expires_on")
FORM_ERRORS = (Invalid, Conflict, PreconditionFailed)


@blp.route("/vehicles")
@requires("fleet.read")
def vehicles():
    """List the organisation's vehicles (every organisation's for admins), with the agreement's gate pairs."""
    user = me()
    search = FleetSearchForm(request.args)
    query = queries.list_vehicles_query(user, q=(search.q.data or "").strip()[:40] or None)
    page = db.paginate(
        query.order_by(Vehicle.plate, Vehicle.id), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    pairs = rules.gate_pairs()
    gates = {g.code: g for g in db.session.scalars(sa.select(Gate).where(Gate.code.in_(list(pairs))))}
    return render_template(
        "fleet/vehicles.html",
        page=page,
        search=search,
        may_write=can(user, "fleet.write"),
        show_organisation=user.organisation_id is None,
        pairs=[(pairs[code], gates.get(code)) for code in pairs],
        permit=rules.rules()["permit"],
        permit_valid_on=rules.permit_valid_on,
        registration_valid_on=rules.registration_valid_on,
        today=datetime.now(ZoneInfo(LOCAL_ZONE)).date(),
    )


@blp.route("/vehicles/new", methods=["GET", "POST"])
@requires("fleet.write")
def new_vehicle():
    """Register a vehicle."""
    form = VehicleForm()
    if form.validate_on_submit():
        try:
            vehicle = services.create_vehicle(me(), _vehicle_input(form))
        except FORM_ERRORS as error:
            db.session.rollback()
            return _vehicle_page(form, error, status=error.code)
        flash(_("Vehicle %(plate)s registered.", plate=vehicle.plate), "success")
        return redirect(url_for("fleet.vehicles"))
    return _vehicle_page(form, status=400 if form.is_submitted() else 200)


@blp.route("/vehicles/<int:vehicle_id>/edit", methods=["GET", "POST"])
@requires("fleet.write")
def edit_vehicle(vehicle_id):
    """Change a vehicle (refused when someone else saved it meanwhile)."""
    user = me()
    vehicle = queries.visible_vehicle_or_404(user, vehicle_id)
    require(user, "fleet.write", vehicle)
    form = VehicleForm(obj=vehicle) if request.method == "GET" else VehicleForm()
    if request.method == "GET":
        form.version.data = str(vehicle.version)
    if form.validate_on_submit():
        try:
            services.update_vehicle(user, vehicle.id, _vehicle_input(form), if_match=_if_match(vehicle, form))
        except FORM_ERRORS as error:
            db.session.rollback()
            return _vehicle_page(form, error, vehicle=vehicle, status=error.code)
        flash(_("Vehicle %(plate)s saved.", plate=vehicle.plate), "success")
        return redirect(url_for("fleet.vehicles"))
    return _vehicle_page(form, vehicle=vehicle, status=400 if form.is_submitted() else 200)


@blp.route("/drivers")
@requires("fleet.read")
def drivers():
    """List the organisation's drivers."""
    user = me()
    search = FleetSearchForm(request.args)
    query = queries.list_drivers_query(user, q=(search.q.data or "").strip()[:40] or None)
    page = db.paginate(query.order_by(Driver.name, Driver.id), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "fleet/drivers.html",
        page=page,
        search=search,
        may_write=can(user, "fleet.write"),
        show_organisation=user.organisation_id is None,
        licence_sources=rules.licence_class_sources(),
    )


@blp.route("/drivers/new", methods=["GET", "POST"])
@requires("fleet.write")
def new_driver():
    """Register a driver."""
    form = DriverForm()
    if form.validate_on_submit():
        try:
            driver = services.create_driver(me(), _driver_input(form))
        except FORM_ERRORS as error:
            db.session.rollback()
            return _driver_page(form, error, status=error.code)
        flash(_("Driver %(name)s registered.", name=driver.name), "success")
        return redirect(url_for("fleet.drivers"))
    return _driver_page(form, status=400 if form.is_submitted() else 200)


@blp.route("/drivers/<int:driver_id>/edit", methods=["GET", "POST"])
@requires("fleet.write")
def edit_driver(driver_id):
    """Change a driver."""
    user = me()
    driver = queries.visible_driver_or_404(user, driver_id)
    require(user, "fleet.write", driver)
    form = DriverForm(obj=driver) if request.method == "GET" else DriverForm()
    if request.method == "GET":
        form.version.data = str(driver.version)
    if form.validate_on_submit():
        try:
            services.update_driver(user, driver.id, _driver_input(form), if_match=_if_match(driver, form))
        except FORM_ERRORS as error:
            db.session.rollback()
            return _driver_page(form, error, driver=driver, status=error.code)
        flash(_("Driver %(name)s saved.", name=driver.name), "success")
        return redirect(url_for("fleet.drivers"))
    return _driver_page(form, driver=driver, status=400 if form.is_submitted() else 200)


# --- helpers -------------------------------------------------------------------------------------------------------


def _if_match(record, form):
    return f'"{record.id}-{form.version.data}"' if ascii_id(form.version.data or "") else None


def _text(form, name):
    value = form[name].data
    value = "" if value is None else str(value)
    return value.strip() or None


def _load(schema, raw):
    try:
        return schema.load(raw)
    except ValidationError as error:
        raise Invalid(_("Some fields are invalid."), errors=flatten_errors(error.messages)) from None


def _vehicle_input(form):
    """Turn the posted form into the API's shape and load it (422 naming each bad field)."""
    raw = {name: _text(form, name) for name in ("plate", "country", "kind", "registration_expires_on")}
    permit = {name: _text(form, f"permit_{name}") for name in PERMIT_FIELDS}
    raw["permit"] = {k: v for k, v in permit.items() if v is not None} if any(permit.values()) else None
    if raw["kind"] is None:
        del raw["kind"]
    if raw["plate"] is None:
        raw["plate"] = ""
    return _load(RegisteredVehicleInSchema(), raw)


def _driver_input(form):
    raw = {name: _text(form, name) for name in DRIVER_FIELDS}
    raw["name"] = raw["name"] or ""
    return _load(DriverInSchema(), raw)


def _general(form, error, names=None):
    general = attach_errors(form, error.errors, names) if error is not None else []
    if error is not None:
        general.insert(0, str(error.message or _("Some fields are invalid.")))
    if "csrf_token" in form.errors:
        general.insert(0, _("The form expired; reload the page and try again."))
    return general


def _vehicle_page(form, error=None, *, vehicle=None, status=200):
    general = _general(form, error, VEHICLE_NAMES)
    return render_template("fleet/vehicle_form.html", form=form, vehicle=vehicle, general=general), status


def _driver_page(form, error=None, *, driver=None, status=200):
    general = _general(form, error)
    return render_template("fleet/driver_form.html", form=form, driver=driver, general=general), status
