"""Vehicle and driver endpoints: a trader's register (API.md, "Vehicles, drivers and the e-queue")."""

from flask import request

from ..api import api_user
from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from ..auth.permissions import require
from ..versioning import with_etag
from . import queries, services
from .models import Driver, Vehicle
from .schemas import (
    DriverInSchema,
    DriverPatchSchema,
    DriverQuerySchema,
    DriverSchema,
    RegisteredVehicleInSchema,
    RegisteredVehiclePatchSchema,
    RegisteredVehicleQuerySchema,
    RegisteredVehicleSchema,
)

blp = Blueprint("fleet_api", __name__, url_prefix="/api/v1", description="Vehicles and drivers")

VehiclePageSchema = page_schema(RegisteredVehicleSchema, "VehiclePage")
DriverPageSchema = page_schema(DriverSchema, "DriverPage")


@blp.route("/vehicles")
@blp.arguments(RegisteredVehicleQuerySchema, location="query")
@blp.response(200, VehiclePageSchema)
def list_vehicles(args):
    """List the vehicles of the caller's organisation."""
    user = api_user()
    require(user, "fleet.read")
    query = queries.list_vehicles_query(user, q=args.get("q"), country=args.get("country"), kind=args.get("kind"))
    return keyset_page(query, [Vehicle.id], limit=args["limit"], cursor=args.get("cursor"))


@blp.route("/vehicles", methods=["POST"])
@blp.arguments(RegisteredVehicleInSchema)
@blp.response(201, RegisteredVehicleSchema)
def create_vehicle(data):
    """Register a vehicle; the same plate in any spelling answers 409 with `existing_id`."""
    return with_etag(services.create_vehicle(api_user(), data), 201)


@blp.route("/vehicles/<id:vehicle_id>")
@blp.response(200, RegisteredVehicleSchema)
def get_vehicle(vehicle_id):
    """Show one vehicle of the caller's organisation."""
    user = api_user()
    require(user, "fleet.read")
    return with_etag(queries.visible_vehicle_or_404(user, vehicle_id))


@blp.route("/vehicles/<id:vehicle_id>", methods=["PATCH"])
@blp.arguments(RegisteredVehiclePatchSchema)
@blp.response(200, RegisteredVehicleSchema)
def patch_vehicle(data, vehicle_id):
    """Change a vehicle; a stale If-Match answers 412."""
    return with_etag(services.update_vehicle(api_user(), vehicle_id, data, if_match=request.headers.get("If-Match")))


@blp.route("/drivers")
@blp.arguments(DriverQuerySchema, location="query")
@blp.response(200, DriverPageSchema)
def list_drivers(args):
    """List the drivers of the caller's organisation."""
    user = api_user()
    require(user, "fleet.read")
    query = queries.list_drivers_query(user, q=args.get("q"))
    return keyset_page(query, [Driver.id], limit=args["limit"], cursor=args.get("cursor"))


@blp.route("/drivers", methods=["POST"])
@blp.arguments(DriverInSchema)
@blp.response(201, DriverSchema)
def create_driver(data):
    """Register a driver; the same id number answers 409 with `existing_id`."""
    return with_etag(services.create_driver(api_user(), data), 201)


@blp.route("/drivers/<id:driver_id>")
@blp.response(200, DriverSchema)
def get_driver(driver_id):
    """Show one driver of the caller's organisation."""
    user = api_user()
    require(user, "fleet.read")
    return with_etag(queries.visible_driver_or_404(user, driver_id))


@blp.route("/drivers/<id:driver_id>", methods=["PATCH"])
@blp.arguments(DriverPatchSchema)
@blp.response(200, DriverSchema)
def patch_driver(data, driver_id):
    """Change a driver; a stale If-Match answers 412."""
    return with_etag(services.update_driver(api_user(), driver_id, data, if_match=request.headers.get("If-Match")))
