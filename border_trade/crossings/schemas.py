"""Shapes of gate events and the gate queue for the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from ..api.schemas import BaseSchema, DecimalString, LocalDateTime, QuerySchema
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
    status = fields.Enum(ShipmentStatus, by_value=True)
    version = fields.Integer()


class CrossingResultSchema(BaseSchema):
    event = fields.Nested(GateEventSchema)
    shipment = fields.Nested(ShipmentStateSchema)


class QueueItemSchema(BaseSchema):
    id = fields.Integer()
    reference = fields.String()
    status = fields.Enum(ShipmentStatus, by_value=True)
    plate = fields.String(attribute="vehicle_plate", allow_none=True)
    trailer_plate = fields.String(allow_none=True)
    driver_name = fields.String(allow_none=True)
    exporter = fields.Function(lambda s: s.organisation.name)
    consignee = fields.String(attribute="consignee_name")
    planned_crossing_on = fields.Date()
    lane = fields.Enum(Lane, by_value=True, allow_none=True)
    arrived_at = LocalDateTime(allow_none=True)
    dwell_minutes = fields.Integer(allow_none=True)
    gross_weight_kg = DecimalString(places=3)
    version = fields.Integer()


class GateCountersSchema(BaseSchema):
    expected_today = fields.Integer()
    at_gate = fields.Integer()
    inspecting = fields.Integer()
    held = fields.Integer()
    cleared = fields.Integer()
    crossed_today = fields.Integer()


class QueueSchema(BaseSchema):
    gate = fields.String()
    date = fields.Date()
    server_time = fields.AwareDateTime(
        metadata={"description": "The server's clock when it answered; devices correct their own clock by it"}
    )
    items = fields.List(fields.Nested(QueueItemSchema))
    counters = fields.Nested(GateCountersSchema)


class QueueQuerySchema(QuerySchema):
    q = fields.String(validate=validate.Length(max=40), metadata={"description": "Reference or plate"})
