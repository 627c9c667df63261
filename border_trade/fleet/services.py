"""Fleet use cases: register and change vehicles and drivers (each owns its commit), and the checks a booking asks.

`find_or_register` and `find_or_register_driver` do not commit: they run inside the caller's transaction (a
shipment created with a free-text plate), and a concurrent insert of the same plate is absorbed by a savepoint.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit.services import record
from ..auth.permissions import require
from ..errors import Conflict, Invalid
from ..extensions import db
from ..versioning import check_version
from . import rules
from .models import Driver, PlateCountry, Vehicle
from .plates import PlateError, parse_plate
from .queries import get_driver_by_id_no, get_vehicle_by_plate, visible_driver_or_404, visible_vehicle_or_404
from .rules import gate_allowed_for_vehicle, permit_valid_on, registration_valid_on

VEHICLE_FIELDS = (
    "plate",
    "country",
    "kind",
    "registration_expires_on",
    "permit_number",
    "permit_issued_by",
    "permit_kind",
    "permit_valid_from",
    "permit_valid_to",
)
PERMIT_FIELDS = ("number", "issued_by", "kind", "valid_from", "valid_to")
DRIVER_FIELDS = ("name", "id_no", "phone", "licence_class", "licence_expires_on")


# --- the checks a booking asks (plain reads of a vehicle) -------------------------------------------------------


def vehicle_problems(vehicle, *, gate_code, day, transhipped=False):
    """Return {field: [translated message]} of everything that stops this vehicle at a gate on a day ({} if none).

    Goods transhipped at the gate need no permit and no agreement gate: the vehicle does not cross.
    """
    if vehicle is None:
        return {"vehicle": [_("Choose a vehicle from the register.")]}
    problems = {}
    if not registration_valid_on(vehicle, day):
        problems["vehicle.registration_expires_on"] = [
            _("The vehicle's registration expired on %(date)s.", date=vehicle.registration_expires_on.isoformat())
        ]
    if transhipped:
        return problems
    if not permit_valid_on(vehicle, day):
        if vehicle.permit_number is None:
            message = _("The vehicle has no cross-border permit; tranship the goods at the gate or add the permit.")
        else:
            message = _("The vehicle's cross-border permit is not valid on %(date)s.", date=day.isoformat())
        problems["vehicle.permit"] = [message]
    if not gate_allowed_for_vehicle(vehicle, gate_code):
        problems["gate"] = [
            _(
                "%(gate)s is not one of the gate pairs of the Viet Nam–Cambodia road transport agreement: "
                "vehicles cross only there.",
                gate=gate_code,
            )
        ]
    return problems


# --- plates and the register ------------------------------------------------------------------------------------


def canonical_or_invalid(text, country=None, *, field="plate"):
    """Return (canonical plate, country) or raise 422 naming `field`."""
    try:
        plate = parse_plate(text, country)
    except PlateError:
        if country:
            message = _("This is not a number plate of %(country)s.", country=PlateCountry(country).label)
        else:
            message = _("Not a Vietnamese (70H-123.45, 70H-1234) or Cambodian (2A-1234) number plate.")
        raise Invalid(_("Some fields are invalid."), errors={field: [message]}) from None
    return plate.text, PlateCountry(plate.country)


def _duplicate(vehicle):
    return Conflict(
        _("This vehicle is already registered (vehicle %(id)s).", id=vehicle.id),
        errors={"plate": [_("This plate is already registered (vehicle %(id)s).", id=vehicle.id)]},
        existing_id=vehicle.id,
    )


def _insert_once(obj, find_existing):
    """Add obj in a savepoint; when a concurrent insert won the unique constraint, return the winner instead."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
            db.session.flush()
    except sa.exc.IntegrityError:
        existing = find_existing()
        if existing is None:
            raise
        return existing, False
    return obj, True


def find_or_register(organisation_id, plate, country=None, **fields):
    """Return the organisation's vehicle with this plate in any spelling, adding it when new (not committed).

    `fields` may give kind, registration_expires_on and the permit_* columns for a new vehicle; an existing
    one is returned unchanged. Returns None when the text is no plate (free text stays free text); callers that
    must refuse it call `canonical_or_invalid` first.
    """
    try:
        parsed = parse_plate(plate, country)
    except PlateError:
        return None
    text, plate_country = parsed.text, PlateCountry(parsed.country)
    existing = get_vehicle_by_plate(organisation_id, text)
    if existing is not None:
        return existing
    vehicle = Vehicle(organisation_id=organisation_id, plate=text, country=plate_country)
    for name, value in fields.items():
        if name in VEHICLE_FIELDS and name not in ("plate", "country"):
            setattr(vehicle, name, value)
    vehicle, _created = _insert_once(vehicle, lambda: get_vehicle_by_plate(organisation_id, text))
    return vehicle


def find_or_register_driver(organisation_id, name, id_no=None, **fields):
    """Return the organisation's driver with this id number (or, without one, this exact name), adding when new."""
    name = (name or "").strip()
    id_no = (id_no or "").strip() or None
    if id_no:
        existing = get_driver_by_id_no(organisation_id, id_no)
    else:
        existing = db.session.scalar(
            sa.select(Driver)
            .where(Driver.organisation_id == organisation_id, Driver.id_no.is_(None), Driver.name == name)
            .order_by(Driver.id)
            .limit(1)
        )
    if existing is not None or not name:
        return existing
    driver = Driver(organisation_id=organisation_id, name=name, id_no=id_no)
    for key, value in fields.items():
        if key in DRIVER_FIELDS and key not in ("name", "id_no"):
            setattr(driver, key, value)
    if id_no is None:
        db.session.add(driver)
        db.session.flush()
        return driver
    driver, _created = _insert_once(driver, lambda: get_driver_by_id_no(organisation_id, id_no))
    return driver


def vehicle_snapshot(vehicle):
    return {name: (None if (v := getattr(vehicle, name)) is None else str(v)) for name in VEHICLE_FIELDS}


def driver_snapshot(driver):
    return {name: (None if (v := getattr(driver, name)) is None else str(v)) for name in DRIVER_FIELDS}


def _apply_vehicle(vehicle, data):
    """Set a vehicle's fields from checked input (plate canonical, permit flattened); 422 names each bad field."""
    if "plate" in data or "country" in data:
        country = data.get("country", vehicle.country if "plate" not in data else None)
        field = "plate" if "plate" in data else "country"
        text, plate_country = canonical_or_invalid(
            data.get("plate", vehicle.plate), country and str(country), field=field
        )
        vehicle.plate, vehicle.country = text, plate_country
    if "kind" in data:
        vehicle.kind = data["kind"]
    if "registration_expires_on" in data:
        vehicle.registration_expires_on = data["registration_expires_on"]
    if "permit" in data:
        permit = data["permit"] or {}
        for name in PERMIT_FIELDS:
            setattr(vehicle, f"permit_{name}", permit.get(name))


def create_vehicle(user, data):
    """Add a vehicle to the user's organisation register; the same plate in another spelling answers 409."""
    require(user, "fleet.write")
    vehicle = Vehicle(organisation_id=user.organisation_id)
    _apply_vehicle(vehicle, data)
    existing = get_vehicle_by_plate(user.organisation_id, vehicle.plate)
    if existing is not None:
        raise _duplicate(existing)
    vehicle, created = _insert_once(vehicle, lambda: get_vehicle_by_plate(user.organisation_id, vehicle.plate))
    if not created:
        raise _duplicate(vehicle)
    record("vehicle.create", actor=user, obj=vehicle, after=vehicle_snapshot(vehicle))
    db.session.commit()
    return vehicle


def update_vehicle(user, vehicle_id, data, *, if_match=None):
    """Change a vehicle of the user's organisation (a stale If-Match answers 412; a taken plate 409)."""
    vehicle = visible_vehicle_or_404(user, vehicle_id, lock=True)
    require(user, "fleet.write", vehicle)
    check_version(vehicle, if_match)
    before = vehicle_snapshot(vehicle)
    _apply_vehicle(vehicle, data)
    if "plate" in data:
        with db.session.no_autoflush:
            other = get_vehicle_by_plate(vehicle.organisation_id, vehicle.plate)
        if other is not None and other.id != vehicle.id:
            raise _duplicate(other)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise Conflict(_("This plate is already registered."), errors={"plate": [_("Already registered.")]}) from None
    record("vehicle.update", actor=user, obj=vehicle, before=before, after=vehicle_snapshot(vehicle))
    db.session.commit()
    return vehicle


def _check_driver(data):
    klass = data.get("licence_class")
    if klass and klass not in rules.licence_classes():
        raise Invalid(
            _("Some fields are invalid."),
            errors={"licence_class": [_("Not a Vietnamese driving licence class.")]},
        )


def _duplicate_driver(driver):
    return Conflict(
        _("This driver is already registered (driver %(id)s).", id=driver.id),
        errors={"id_no": [_("A driver with this id number is already registered (driver %(id)s).", id=driver.id)]},
        existing_id=driver.id,
    )


def create_driver(user, data):
    """Add a driver to the user's organisation register; the same id number answers 409."""
    require(user, "fleet.write")
    _check_driver(data)
    driver = Driver(organisation_id=user.organisation_id)
    for name in DRIVER_FIELDS:
        if name in data:
            setattr(driver, name, data[name])
    if driver.id_no:
        existing = get_driver_by_id_no(user.organisation_id, driver.id_no)
        if existing is not None:
            raise _duplicate_driver(existing)
    driver, created = _insert_once(driver, lambda: get_driver_by_id_no(user.organisation_id, driver.id_no))
    if not created:
        raise _duplicate_driver(driver)
    record("driver.create", actor=user, obj=driver, after=driver_snapshot(driver))
    db.session.commit()
    return driver


def update_driver(user, driver_id, data, *, if_match=None):
    """Change a driver of the user's organisation."""
    driver = visible_driver_or_404(user, driver_id, lock=True)
    require(user, "fleet.write", driver)
    check_version(driver, if_match)
    _check_driver(data)
    before = driver_snapshot(driver)
    if data.get("id_no") and data["id_no"] != driver.id_no:
        other = get_driver_by_id_no(driver.organisation_id, data["id_no"])
        if other is not None:
            raise _duplicate_driver(other)
    for name in DRIVER_FIELDS:
        if name in data:
            setattr(driver, name, data[name])
    record("driver.update", actor=user, obj=driver, before=before, after=driver_snapshot(driver))
    db.session.commit()
    return driver
