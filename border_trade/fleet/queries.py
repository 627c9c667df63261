"""Read helpers for the fleet register, always scoped to the caller (exporters: their organisation; admins: all)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..enums import Role
from ..errors import NotFound
from ..extensions import db
from .models import Driver, Vehicle


def _scoped(model, user):
    query = sa.select(model)
    if user.role is Role.ADMIN:
        return query
    if user.role is Role.EXPORTER and user.organisation_id is not None:
        return query.where(model.organisation_id == user.organisation_id)
    return query.where(sa.false())


def visible_vehicles(user):
    """Return a select() of the vehicles a user may see."""
    return _scoped(Vehicle, user)


def visible_drivers(user):
    """Return a select() of the drivers a user may see."""
    return _scoped(Driver, user)


def list_vehicles_query(user, *, q=None, country=None, kind=None):
    query = visible_vehicles(user)
    if q:
        compact = "".join(ch for ch in q.upper() if ch.isascii() and ch.isalnum())
        if compact:
            # match the plate whatever the separators typed: compare both without dots and dashes
            bare = sa.func.replace(sa.func.replace(Vehicle.plate, "-", ""), ".", "")
            query = query.where(bare.contains(compact, autoescape=True))
    if country:
        query = query.where(Vehicle.country == country)
    if kind:
        query = query.where(Vehicle.kind == kind)
    return query


def list_drivers_query(user, *, q=None):
    query = visible_drivers(user)
    if q:
        pattern = q.strip().lower()
        query = query.where(
            sa.or_(
                sa.func.lower(Driver.name).contains(pattern, autoescape=True),
                sa.func.lower(Driver.id_no).contains(pattern, autoescape=True),
            )
        )
    return query


def visible_vehicle_or_404(user, vehicle_id, *, lock=False):
    query = visible_vehicles(user).where(Vehicle.id == vehicle_id)
    if lock:
        query = query.with_for_update()
    vehicle = db.session.scalar(query)
    if vehicle is None:
        raise NotFound(_("No such vehicle."))
    return vehicle


def visible_driver_or_404(user, driver_id, *, lock=False):
    query = visible_drivers(user).where(Driver.id == driver_id)
    if lock:
        query = query.with_for_update()
    driver = db.session.scalar(query)
    if driver is None:
        raise NotFound(_("No such driver."))
    return driver


def get_vehicle_by_plate(organisation_id, plate):
    """Return the organisation's vehicle with this canonical plate, or None (no scope: services call it)."""
    return db.session.scalar(
        sa.select(Vehicle).where(Vehicle.organisation_id == organisation_id, Vehicle.plate == plate)
    )


def get_driver_by_id_no(organisation_id, id_no):
    """Return the organisation's driver with this id number, or None."""
    return db.session.scalar(sa.select(Driver).where(Driver.organisation_id == organisation_id, Driver.id_no == id_no))
