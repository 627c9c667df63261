"""Shapes of gate events and the gate queue for the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from ..api.schemas import BaseSchema, DecimalString, LocalDateTime, QuerySchema
from ..customs.models import DeclarationStatus
from ..enums import Direction
from ..equeue.models import BookingStatus, LaneType
from ..shipments.models import Lane, ShipmentStatus
from ..shipments.workflow import GATE_EVENTS


class CrossingInSchema(BaseSchema):
    shipment = fields.String(
        required=True, validate=validate.Length(min=1, max=20), metadata={"example": "BT-2026-000123"}
    )
    event = fields.String(required=True, validate=validate.OneOf(GATE_EVENTS))
    lane = fields.Enum(Lane, by_value=True, allow_none=True, load_default=None)
    seals = fields.List(
        fields.String(validate=validate.Length(min=1, max=40)), load_default=list, validate=validate.Length(max=20)
    )
    occurred_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "When it happened (up to 72 hours ago); default now"},
    )
    reason_code = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=1000))
    # e-queue (#17), `arrived` only: the plate read on the truck, checked against the booking
    plate = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))
    override_reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500))

    @validates_schema
    def _event_needs(self, data, **kwargs):
        event = data.get("event")
        if event == "lane_assigned" and not data.get("lane"):
            raise ValidationError({"lane": [_l("Choose the inspection lane.")]})
        if event == "held" and not data.get("reason_code"):
            raise ValidationError({"reason_code": [_l("Give the reason for the hold.")]})
        if event == "crossed" and not data.get("seals"):
            raise ValidationError({"seals": [_l("Record at least one seal number.")]})


class GateEventSchema(BaseSchema):
    id = fields.Integer()
    event = fields.String()
    from_status = fields.Enum(ShipmentStatus, by_value=True, allow_none=True)
    to_status = fields.Enum(ShipmentStatus, by_value=True, allow_none=True)
    occurred_at = LocalDateTime()
    recorded_at = LocalDateTime()
    gate = fields.Function(lambda e: e.gate.code if e.gate else None)
    lane = fields.Enum(Lane, by_value=True, allow_none=True)
    seals = fields.List(fields.String(), allow_none=True)
    reason_code = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    late = fields.Boolean()
    actor = fields.Function(lambda e: e.actor.name if e.actor else None, allow_none=True)


class ShipmentStateSchema(BaseSchema):
    reference = fields.String()
    direction = fields.Enum(Direction, by_value=True)
    status = fields.Enum(ShipmentStatus, by_value=True)
    version = fields.Integer()
    # e-queue (#17), `arrived` only: the arrival's place in today's queue, and the booking it fulfils (none: walk-in)
    queue_number = fields.Integer()
    booking = fields.String(attribute="booking_code", allow_none=True)
    walk_in = fields.Boolean()


class CrossingResultSchema(BaseSchema):
    event = fields.Nested(GateEventSchema)
    shipment = fields.Nested(ShipmentStateSchema)


class TimelineEventSchema(BaseSchema):
    """One gate event of a truck at this gate, for the tablet's timeline."""

    event = fields.String()
    occurred_at = LocalDateTime()
    lane = fields.Enum(Lane, by_value=True, allow_none=True)


class QueueBookingSchema(BaseSchema):
    """A truck's e-queue booking at this gate (issue 17), as the tablet shows and calls it."""

    id = fields.Integer(metadata={"description": 'For POST /gates/{code}/calls {"booking": id}'})
    code = fields.String(metadata={"description": "The short code on the manifest and sent to the driver"})
    slot_start = LocalDateTime()
    slot_end = LocalDateTime()
    lane_type = fields.Enum(LaneType, by_value=True)
    status = fields.Enum(BookingStatus, by_value=True)
    called_at = LocalDateTime(allow_none=True)
    call_deadline = LocalDateTime(allow_none=True, metadata={"description": "Called: the truck must arrive by then"})
    plate = fields.String(metadata={"description": "The booked vehicle's plate (canonical spelling)"})


class QueueDeclarationSchema(BaseSchema):
    """A truck's customs declaration (issue 18): number and channel, shown next to the truck."""

    number = fields.String()
    type_code = fields.String()
    channel = fields.Enum(Lane, by_value=True, allow_none=True)
    status = fields.Enum(DeclarationStatus, by_value=True)


class QueueItemSchema(BaseSchema):
    id = fields.Integer()
    reference = fields.String()
    direction = fields.Enum(
        Direction,
        by_value=True,
        metadata={"description": "export: Viet Nam → Cambodia; import: Cambodia → Viet Nam (crossed: entered)"},
    )
    status = fields.Enum(ShipmentStatus, by_value=True)
    plate = fields.String(attribute="vehicle_plate", allow_none=True)
    trailer_plate = fields.String(allow_none=True)
    driver_name = fields.String(allow_none=True)
    exporter = fields.Function(lambda s: s.organisation.name)
    consignee = fields.String(attribute="consignee_name", allow_none=True)
    consignor = fields.String(attribute="consignor_name", allow_none=True)
    planned_crossing_on = fields.Date()
    lane = fields.Enum(Lane, by_value=True, allow_none=True)
    arrived_at = LocalDateTime(allow_none=True)
    dwell_minutes = fields.Integer(allow_none=True)
    gross_weight_kg = DecimalString(places=3)
    crossed_at = LocalDateTime(allow_none=True)
    version = fields.Integer()
    booking = fields.Nested(
        QueueBookingSchema,
        attribute="queue_booking",
        allow_none=True,
        metadata={"description": "Its booking at this gate still waiting or arrived under; null: a walk-in"},
    )
    customs_declaration = fields.Nested(
        QueueDeclarationSchema,
        attribute="queue_declaration",
        allow_none=True,
        metadata={"description": "null until recorded"},
    )
    events = fields.List(
        fields.Nested(TimelineEventSchema),
        attribute="gate_events",
        metadata={"description": "The truck's events at this gate, oldest first"},
    )


class DirectionCountersSchema(BaseSchema):
    expected_today = fields.Integer()
    at_gate = fields.Integer()
    inspecting = fields.Integer()
    held = fields.Integer()
    cleared = fields.Integer()
    crossed_today = fields.Integer()


class ByDirectionSchema(BaseSchema):
    export = fields.Nested(DirectionCountersSchema)
    import_ = fields.Nested(DirectionCountersSchema, data_key="import", attribute="import")


class GateCountersSchema(DirectionCountersSchema):
    """Counters of both directions together (as before directions existed), then `by_direction`."""

    by_direction = fields.Nested(ByDirectionSchema)


class QueueSchema(BaseSchema):
    gate = fields.String()
    date = fields.Date()
    server_time = fields.AwareDateTime(
        metadata={"description": "The server's clock when it answered; devices correct their own clock by it"}
    )
    direction = fields.Enum(Direction, by_value=True, allow_none=True, metadata={"description": "The filter asked for"})
    items = fields.List(fields.Nested(QueueItemSchema))
    recent_crossings = fields.List(
        fields.Nested(QueueItemSchema),
        metadata={"description": "Trucks that crossed at this gate today, newest first (at most 50)"},
    )
    counters = fields.Nested(GateCountersSchema, metadata={"description": "The whole gate, whatever the filter"})


class QueueQuerySchema(QuerySchema):
    q = fields.String(validate=validate.Length(max=40), metadata={"description": "Reference or plate"})
    direction = fields.Enum(
        Direction, by_value=True, metadata={"description": "Only exports or only imports (items, recent crossings)"}
    )
