"""The booking's vehicle and driver, from the trader's fleet register, and the checks the road rules make."""

from flask_babel import gettext as _

from ...errors import Conflict, Invalid, NotFound
from ...extensions import db
from ...fleet.models import Driver, PlateCountry, Vehicle
from ...fleet.queries import visible_driver_or_404, visible_vehicle_or_404
from ...fleet.rules import gate_allowed_for_vehicle, permit_valid_on, registration_valid_on
from ...fleet.services import find_or_register, find_or_register_driver


def _invalid(field, message):
    return Invalid(_("Some fields are invalid."), errors={field: [message]})


def booking_vehicle(user, shipment, vehicle_id=None):
    """Return the vehicle named in the booking, else the shipment's (its register link, or its free-text plate
    matched by canonical plate in the trader's register and added to it when new)."""
    if vehicle_id is not None:
        try:
            return visible_vehicle_or_404(user, vehicle_id)
        except NotFound:
            raise _invalid("vehicle_id", _("No vehicle with this id in your register.")) from None
    linked = getattr(shipment, "vehicle_id", None)
    if linked is not None:
        return db.session.get(Vehicle, linked)
    if shipment.vehicle_plate:
        vehicle = find_or_register(shipment.organisation_id, shipment.vehicle_plate)
        if vehicle is not None:
            return vehicle
    raise _invalid("vehicle_id", _("The shipment names no registered vehicle: give vehicle_id from your register."))


def booking_driver(user, shipment, driver_id=None):
    """Return the driver named in the booking, else the shipment's (its register link, or its free-text name and
    id number matched in the trader's register and added to it when new), else None."""
    if driver_id is not None:
        try:
            return visible_driver_or_404(user, driver_id)
        except NotFound:
            raise _invalid("driver_id", _("No driver with this id in your register.")) from None
    linked = getattr(shipment, "driver_id", None)
    if linked is not None:
        return db.session.get(Driver, linked)
    if shipment.driver_name:
        return find_or_register_driver(shipment.organisation_id, shipment.driver_name, shipment.driver_id_no)
    return None


def crosses_border(vehicle, shipment):
    """A foreign vehicle always crosses; a Vietnamese one crosses unless the goods are transhipped at the gate."""
    return vehicle.country is not PlateCountry.VN or not shipment.transhipment


def check_vehicle(vehicle, shipment, gate, day):
    """Raise 409 naming each rule the vehicle breaks for a slot on `day` at `gate`."""
    errors = {}
    if not registration_valid_on(vehicle, day):
        errors["vehicle.registration_expires_on"] = [
            _("The registration of %(plate)s has expired on the slot's day.", plate=vehicle.plate)
        ]
    if crosses_border(vehicle, shipment):
        if not permit_valid_on(vehicle, day):
            errors["vehicle.permit"] = [
                _("%(plate)s has no cross-border permit valid on the slot's day.", plate=vehicle.plate)
            ]
        if not gate_allowed_for_vehicle(vehicle, gate.code):
            errors["gate"] = [
                _(
                    "%(gate)s is not one of the gate pairs of the Viet Nam–Cambodia road transport agreement: "
                    "a crossing vehicle cannot use it.",
                    gate=gate.code,
                )
            ]
    if errors:
        raise Conflict(_("The vehicle cannot use this slot."), errors=errors)
