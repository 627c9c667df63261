"""A shipment's truck and driver, linked to the trader's fleet register (issue 17).

The `vehicle` of a shipment's input takes `vehicle_id` (and `driver_id`) from the register, or free text as before:
a free-text plate is matched to the organisation's register by its canonical spelling (and added to it when new),
a free-text driver by id number, else by name. Nothing here commits: it runs in the shipment's transaction.
"""

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...fleet.models import Driver, Vehicle
from ...fleet.plates import plate_or_none
from ...fleet.services import find_or_register, find_or_register_driver

TEXT_KEYS = ("plate", "trailer_plate", "driver_name", "driver_id_no")
COLUMNS = {
    "vehicle_id": "vehicle_id",
    "driver_id": "driver_id",
    "plate": "vehicle_plate",
    "trailer_plate": "trailer_plate",
    "driver_name": "driver_name",
    "driver_id_no": "driver_id_no",
}


def stored_vehicle(shipment):
    """The shipment's `vehicle` as input keys, or all None when it has no truck (nothing to keep in a merge)."""
    if not shipment.vehicle_plate:
        return dict.fromkeys(COLUMNS)
    return {key: getattr(shipment, column) for key, column in COLUMNS.items()}


def merge_vehicle(shipment, given):
    """Merge a patch's `vehicle` into the stored one (JSON merge patch): a new plate or vehicle_id replaces both the
    stored plate and its register link; a new driver's name, id number or driver_id replaces the driver's link."""
    stored = stored_vehicle(shipment)
    if given.get("vehicle_id") is not None or "plate" in given:
        stored.update(plate=None, vehicle_id=None)
    elif "vehicle_id" in given:
        stored["vehicle_id"] = None  # null: unlinked, the stored plate is matched again
    if given.get("driver_id") is not None:
        stored.update(driver_id=None, driver_name=None, driver_id_no=None)
    elif {"driver_id", "driver_name", "driver_id_no"} & set(given):
        stored["driver_id"] = None
    return stored | given


def vehicle_missing(merged):
    """Tell whether a merged `vehicle` names no truck (neither a plate nor a register vehicle)."""
    return merged.get("plate") is None and merged.get("vehicle_id") is None


def resolve_vehicle(shipment, organisation_id, vehicle):
    """Return ({column: value} for the shipment, {error path: messages}) from a checked `vehicle` (or None).

    Register records are looked up (and new ones added) before the shipment changes, so that their flush does not
    write the shipment twice. Another organisation's vehicle or driver reads as unknown (422), never as existing.
    """
    if vehicle is None:
        return dict.fromkeys(COLUMNS.values()), {}
    errors, values = {}, {"trailer_plate": vehicle.get("trailer_plate")}
    values.update(_truck(shipment, organisation_id, vehicle, errors))
    values.update(_driver(shipment, organisation_id, vehicle, errors))
    return values, errors


def apply_vehicle(shipment, values):
    for column, value in values.items():
        setattr(shipment, column, value)


def _unchanged(shipment, vehicle, keys):
    return shipment.id is not None and all(vehicle.get(key) == getattr(shipment, COLUMNS[key]) for key in keys)


def _truck(shipment, organisation_id, vehicle, errors):
    if _unchanged(shipment, vehicle, ("vehicle_id", "plate")):
        return {}  # kept as stored, even when the register's plate changed since
    vehicle_id, plate = vehicle.get("vehicle_id"), vehicle.get("plate")
    if vehicle_id is not None:
        found = db.session.scalar(
            sa.select(Vehicle).where(Vehicle.id == vehicle_id, Vehicle.organisation_id == organisation_id)
        )
        if found is None:
            errors["vehicle.vehicle_id"] = [_("No vehicle with this id in your register.")]
            return {}
        if plate is not None and plate_or_none(plate) != found.plate:
            errors["vehicle.plate"] = [
                _("This is not the plate of the vehicle chosen from the register (%(plate)s).", plate=found.plate)
            ]
            return {}
        return {"vehicle_id": found.id, "vehicle_plate": found.plate}
    found = find_or_register(organisation_id, plate) if plate else None
    if found is None:
        return {"vehicle_id": None, "vehicle_plate": plate}  # free text that is no plate stays as typed
    return {"vehicle_id": found.id, "vehicle_plate": found.plate}


def _driver(shipment, organisation_id, vehicle, errors):
    if _unchanged(shipment, vehicle, ("driver_id", "driver_name", "driver_id_no")):
        return {}
    driver_id, name, id_no = vehicle.get("driver_id"), vehicle.get("driver_name"), vehicle.get("driver_id_no")
    if driver_id is not None:
        found = db.session.scalar(
            sa.select(Driver).where(Driver.id == driver_id, Driver.organisation_id == organisation_id)
        )
        if found is None:
            errors["vehicle.driver_id"] = [_("No driver with this id in your register.")]
            return {}
        for key, value, own in (("driver_name", name, found.name), ("driver_id_no", id_no, found.id_no)):
            if value is not None and value.strip() != (own or ""):
                errors[f"vehicle.{key}"] = [_("This is not what the register holds for the driver chosen.")]
        if errors:
            return {}
        return {"driver_id": found.id, "driver_name": found.name[:120], "driver_id_no": found.id_no}
    found = find_or_register_driver(organisation_id, name, id_no) if (name or id_no) else None
    return {"driver_id": found.id if found is not None else None, "driver_name": name, "driver_id_no": id_no}
