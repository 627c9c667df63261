"""The shipment form's truck and driver: the trader's register (two selects) or text typed instead (issue 17)."""

from flask_babel import gettext as _
from wtforms import SelectChoice

from ...extensions import db
from ...fleet.models import Driver, Vehicle
from ...fleet.plates import plate_or_none
from ...fleet.queries import visible_drivers, visible_vehicles


def set_choices(form, user):
    """Offer the vehicles and drivers of the user's own organisation (none of another's, even for an admin)."""
    own = user.organisation_id
    vehicles = db.session.scalars(
        visible_vehicles(user).where(Vehicle.organisation_id == own).order_by(Vehicle.plate, Vehicle.id)
    ).all()
    drivers = db.session.scalars(
        visible_drivers(user).where(Driver.organisation_id == own).order_by(Driver.name, Driver.id)
    ).all()
    form.register_vehicles = {str(v.id): v for v in vehicles}
    form.register_drivers = {str(d.id): d for d in drivers}
    form.vehicle_id.choices = [SelectChoice("", _("— type the plate below —"))] + [
        SelectChoice(str(v.id), f"{v.plate} · {v.kind.label}", render_kw={"data-plate": v.plate}) for v in vehicles
    ]
    form.driver_id.choices = [SelectChoice("", _("— type the driver below —"))] + [
        SelectChoice(
            str(d.id),
            f"{d.name} · {d.id_no}" if d.id_no else d.name,
            render_kw={"data-name": d.name, "data-id-no": d.id_no or ""},
        )
        for d in drivers
    ]


def vehicle_payload(form, shipment, text):
    """Return the API's `vehicle` body (without empty keys' meaning lost) from the form.

    A vehicle chosen in the select is used when the plate field is empty or names the same plate, or when the
    select was changed (without JavaScript the plate field still shows the old plate); otherwise the typed plate
    is sent and matched to the register by the service. The driver likewise.
    """
    vehicle = {"trailer_plate": text(form.trailer_plate)}
    plate = text(form.vehicle_plate)
    chosen = getattr(form, "register_vehicles", {}).get(form.vehicle_id.data or "")
    stored_vehicle = shipment.vehicle_id if shipment is not None else None
    if chosen is not None and (plate is None or chosen.id != stored_vehicle or plate_or_none(plate) == chosen.plate):
        vehicle["vehicle_id"] = chosen.id
    else:
        vehicle["plate"] = plate
    name, id_no = text(form.driver_name), text(form.driver_id_no)
    driver = getattr(form, "register_drivers", {}).get(form.driver_id.data or "")
    stored_driver = shipment.driver_id if shipment is not None else None
    same = driver is not None and name == driver.name and id_no == driver.id_no
    if driver is not None and ((name is None and id_no is None) or driver.id != stored_driver or same):
        vehicle["driver_id"] = driver.id
    else:
        vehicle.update(driver_name=name, driver_id_no=id_no)
    return vehicle
