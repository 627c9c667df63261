"""E-queue endpoints: a gate's capacity and slots, and trucks' bookings of a slot."""

from ..api import api_user
from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from ..auth.permissions import require
from ..types import utcnow
from . import queries, services
from .models import Booking
from .schemas import (
    BookingInSchema,
    BookingPatchSchema,
    BookingQuerySchema,
    BookingSchema,
    CapacitySchema,
    FullSlotErrorSchema,
    SlotListSchema,
    SlotQuerySchema,
)
from .slots import days_from

blp = Blueprint("equeue_api", __name__, url_prefix="/api/v1", description="The gate's e-queue: capacity and bookings")

BookingPageSchema = page_schema(BookingSchema, "BookingPage")
FULL = "The slot is full (`next_free` lists the next free slots), or another rule of the booking is broken"


@blp.route("/gates/<code>/capacity")
@blp.response(200, CapacitySchema)
def get_capacity(code):
    """Show a gate's slot length, weekly template and day overrides."""
    require(api_user(), "reference.read")
    return services.capacity_of(queries.get_gate_or_404(code))


@blp.route("/gates/<code>/capacity", methods=["PUT"])
@blp.arguments(CapacitySchema)
@blp.response(200, CapacitySchema)
def put_capacity(data, code):
    """Replace a gate's capacity (that gate's officers and administrators)."""
    return services.replace_capacity(api_user(), code, data)


@blp.route("/gates/<code>/slots")
@blp.arguments(SlotQuerySchema, location="query")
@blp.response(200, SlotListSchema)
def list_slots(args, code):
    """List a gate's slots of one day with their capacity and the places booked."""
    require(api_user(), "reference.read")
    gate = queries.get_gate_or_404(code)
    slots = queries.slots_for_days(
        gate, days_from(args["date"], 1), direction=args.get("direction"), lane_type=args.get("lane_type")
    )
    return {"items": slots}


@blp.route("/bookings")
@blp.arguments(BookingQuerySchema, location="query")
@blp.response(200, BookingPageSchema)
def list_bookings(args):
    """List bookings: a trader's own, an officer's gates', a province's gates'."""
    user = api_user()
    require(user, "shipment.read")
    filters = {name: args.get(name) for name in ("gate", "status", "shipment")}
    query = queries.list_bookings_query(user, day=args.get("date"), **filters)
    return keyset_page(query, [Booking.id], limit=args["limit"], cursor=args.get("cursor"))


@blp.route("/bookings", methods=["POST"])
@blp.arguments(BookingInSchema)
@blp.response(201, BookingSchema)
@blp.alt_response(409, schema=FullSlotErrorSchema, description=FULL)
def create_booking(data):
    """Book a slot for a submitted shipment (its trader)."""
    return services.create_booking(api_user(), data, now=utcnow())


@blp.route("/bookings/<id:booking_id>")
@blp.response(200, BookingSchema)
def get_booking(booking_id):
    """Show one booking."""
    user = api_user()
    require(user, "shipment.read")
    return queries.visible_booking_or_404(user, booking_id)


@blp.route("/bookings/<id:booking_id>", methods=["PATCH"])
@blp.arguments(BookingPatchSchema)
@blp.response(200, BookingSchema)
@blp.alt_response(409, schema=FullSlotErrorSchema, description=FULL + "; or the slot starts within 2 hours")
def move_booking(data, booking_id):
    """Move a booking to another slot (not within 2 hours of its slot)."""
    return services.move_booking(api_user(), booking_id, data, now=utcnow())


@blp.route("/bookings/<id:booking_id>", methods=["DELETE"])
@blp.response(200, BookingSchema)
def cancel_booking(booking_id):
    """Cancel a booking (not within 2 hours of its slot); the answer shows it cancelled."""
    return services.cancel_booking(api_user(), booking_id, now=utcnow())


@blp.route("/bookings/<id:booking_id>/confirm", methods=["POST"])
@blp.response(200, BookingSchema)
def confirm_booking(booking_id):
    """Confirm a booking the day before (asked of traders with repeated no-shows)."""
    return services.confirm_booking(api_user(), booking_id, now=utcnow())
