"""Shipment endpoints and the HS catalogue."""

from flask import request

from .. import idempotency
from ..api import api_user
from ..api.blueprint import Blueprint, json_body
from ..api.pagination import keyset_page, page_schema
from ..auth.permissions import require
from ..versioning import with_etag
from . import queries, services
from .models import HsCode, Shipment
from .schemas import (
    EventListSchema,
    HsCodeQuerySchema,
    HsCodeSchema,
    RequirementsSchema,
    ShipmentInSchema,
    ShipmentPatchSchema,
    ShipmentQuerySchema,
    ShipmentSchema,
    TransitionSchema,
)

blp = Blueprint("shipments_api", __name__, url_prefix="/api/v1", description="Shipments and the HS catalogue")

HsCodePageSchema = page_schema(HsCodeSchema, "HsCodePage")
ShipmentPageSchema = page_schema(ShipmentSchema, "ShipmentPage")


@blp.route("/hs-codes")
@blp.arguments(HsCodeQuerySchema, location="query")
@blp.response(200, HsCodePageSchema)
def list_hs_codes(args):
    """Search the HS codes known to the catalogue, with vi/km/en descriptions."""
    query = queries.list_hs_codes_query(args.get("q"))
    return keyset_page(query, [HsCode.code], limit=args["limit"], cursor=args.get("cursor"))


@blp.route("/shipments")
@blp.arguments(ShipmentQuerySchema, location="query")
@blp.response(200, ShipmentPageSchema)
def list_shipments(args):
    """List the shipments the caller may see, newest first; q matches reference, plate, consignee or consignor.

    `gate` finds both directions, `exit_gate` exports only, `entry_gate` imports only; `direction` filters."""
    user = api_user()
    require(user, "shipment.read")
    query = queries.list_shipments_query(
        user,
        status=args.get("status"),
        gate=args.get("gate"),
        exit_gate=args.get("exit_gate"),
        entry_gate=args.get("entry_gate"),
        direction=args.get("direction"),
        date_from=args.get("from_"),
        date_to=args.get("to"),
        q=args.get("q"),
    )
    return keyset_page(query, [Shipment.id], limit=args["limit"], cursor=args.get("cursor"), descending=True)


@blp.route("/shipments", methods=["POST"])
@blp.arguments(ShipmentInSchema)
@blp.doc(parameters=[idempotency.header_parameter(required=False)])
@blp.response(201, ShipmentSchema)
def create_shipment(data):
    """Create a draft shipment for the caller's organisation.

    `vehicle` takes `vehicle_id` (and `driver_id`) from the caller's fleet register, or free text: a plate in any
    spelling is matched to the register by its canonical spelling and added to it when new. Another
    organisation's vehicle or driver answers 422 naming `vehicle.vehicle_id` or `vehicle.driver_id`.

    Send an `Idempotency-Key` (any unique string up to 64 characters) to make retries safe: the same key with the
    same body returns the shipment the first request created (header `Idempotent-Replayed: true`) instead of a
    second one; the same key with another body answers 422. Keys are kept for 7 days.
    """
    shipment, replayed = services.create_shipment_once(
        api_user(),
        data,
        key=request.headers.get(idempotency.HEADER, ""),
        request_hash=idempotency.request_hash({"endpoint": "POST /api/v1/shipments"}, json_body()),
    )
    body, status, headers = with_etag(shipment, 201)
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return body, status, headers


@blp.route("/shipments/<id_or_reference>")
@blp.response(200, ShipmentSchema)
def get_shipment(id_or_reference):
    """Show one shipment by id or reference."""
    user = api_user()
    require(user, "shipment.read")
    return with_etag(queries.visible_shipment_or_404(user, id_or_reference))


@blp.route("/shipments/<id_or_reference>", methods=["PATCH"])
@blp.arguments(ShipmentPatchSchema)
@blp.response(200, ShipmentSchema)
def patch_shipment(data, id_or_reference):
    """Change a draft or ready shipment (409 otherwise; a stale If-Match answers 412).

    The body is a JSON merge patch: fields absent keep their value; inside `consignee` and `vehicle` keys absent are
    kept too and null clears an optional one (a required one, or a vehicle left without a plate, is 422 naming it);
    a new `plate` or `vehicle_id` relinks the truck to the register, a new driver's name, id number or `driver_id`
    the driver; `items`, when given, replaces the whole list with complete lines.
    """
    shipment = services.update_shipment(api_user(), id_or_reference, data, if_match=request.headers.get("If-Match"))
    return with_etag(shipment)


@blp.route("/shipments/<id_or_reference>/requirements")
@blp.response(200, RequirementsSchema)
def requirements(id_or_reference):
    """List the papers the shipment needs, why, and how far each is."""
    user = api_user()
    require(user, "shipment.read")
    return services.shipment_requirements(user, id_or_reference).as_dict()


@blp.route("/shipments/<id_or_reference>/transitions", methods=["POST"])
@blp.arguments(TransitionSchema)
@blp.response(200, ShipmentSchema)
def transition(args, id_or_reference):
    """Move the shipment (ready, submitted, delivered, cancelled, or back to draft); 409 lists what is unmet."""
    shipment = services.move_shipment(
        api_user(), id_or_reference, to=args["to"], note=args.get("note"), if_match=request.headers.get("If-Match")
    )
    return with_etag(shipment)


@blp.route("/shipments/<id_or_reference>/events")
@blp.response(200, EventListSchema)
def events(id_or_reference):
    """Return the shipment's timeline, oldest first."""
    user = api_user()
    require(user, "shipment.read")
    shipment = queries.visible_shipment_or_404(user, id_or_reference)
    return {"items": queries.timeline(shipment.id)}
