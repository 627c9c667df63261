"""Capacity, slot and booking schemas of the e-queue API."""

from datetime import date

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema, ErrorSchema, LocalDateTime, QuerySchema, Range
from ..enums import Direction
from .models import BookingStatus, LaneType
from .slots import TIME_PATTERN

TIME = {"pattern": TIME_PATTERN, "example": "06:00"}
TIME_ERROR = _l("Give a time of day as HH:MM.")


def _time(**kwargs):
    return fields.String(required=True, validate=validate.Regexp(TIME_PATTERN, error=TIME_ERROR), metadata=TIME)


class WindowSchema(BaseSchema):
    start = _time()
    end = _time()
    direction = fields.Enum(Direction, by_value=True, required=True)
    lane_type = fields.Enum(LaneType, by_value=True, load_default=LaneType.GENERAL)
    capacity = fields.Integer(required=True, strict=True, validate=Range(min=0, max=1000))


class TemplateRowSchema(WindowSchema):
    weekday = fields.Integer(
        required=True, strict=True, validate=Range(min=0, max=6), metadata={"description": "0 = Monday … 6 = Sunday"}
    )


# the days the e-queue plans: slots are local times in Asia/Ho_Chi_Minh, whose offset before 1906 was not +07:00
# (a slot of the year 92 came out at +07:06:30, which is no RFC 3339 date-time)
PLANNING_DAYS = Range(min=date(2000, 1, 1), max=date(2099, 12, 31))


class OverrideRowSchema(WindowSchema):
    date = fields.Date(required=True, validate=PLANNING_DAYS)


class CapacitySchema(BaseSchema):
    gate = fields.String(dump_only=True)
    slot_minutes = fields.Integer(load_default=30, strict=True, validate=Range(min=5, max=240))
    template = fields.List(fields.Nested(TemplateRowSchema), required=True, validate=validate.Length(max=500))
    overrides = fields.List(fields.Nested(OverrideRowSchema), load_default=list, validate=validate.Length(max=2000))


class SlotQuerySchema(QuerySchema):
    date = fields.Date(required=True, validate=PLANNING_DAYS)
    direction = fields.Enum(Direction, by_value=True)
    lane_type = fields.Enum(LaneType, by_value=True)


class SlotSchema(BaseSchema):
    start = LocalDateTime()
    end = LocalDateTime()
    direction = fields.String()
    lane_type = fields.String()
    capacity = fields.Integer()
    booked = fields.Integer()


class SlotListSchema(BaseSchema):
    items = fields.List(fields.Nested(SlotSchema), required=True)


class BookingInSchema(BaseSchema):
    shipment = fields.String(required=True, validate=validate.Length(min=1, max=40))
    slot_start = fields.AwareDateTime(required=True)
    lane_type = fields.Enum(LaneType, by_value=True, load_default=LaneType.GENERAL)
    vehicle_id = fields.Integer(strict=True, validate=Range(min=1, max=2**31 - 1))
    driver_id = fields.Integer(strict=True, validate=Range(min=1, max=2**31 - 1))


class BookingPatchSchema(BaseSchema):
    slot_start = fields.AwareDateTime(required=True)


class BookingQuerySchema(PageQuerySchema):
    gate = fields.String(validate=validate.Length(max=40))
    date = fields.Date(validate=PLANNING_DAYS)
    status = fields.Enum(BookingStatus, by_value=True)
    shipment = fields.String(validate=validate.Length(max=40))


class VehicleRefSchema(BaseSchema):
    id = fields.Integer()
    plate = fields.String()
    country = fields.String()


class DriverRefSchema(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class BookingSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    code = fields.String(metadata={"description": "Short code for the manifest, the QR code and the driver"})
    shipment = fields.Function(lambda b: b.shipment.reference)
    gate = fields.Function(lambda b: b.gate.code)
    direction = fields.Enum(Direction, by_value=True)
    slot_start = LocalDateTime()
    slot_end = LocalDateTime()
    lane_type = fields.Enum(LaneType, by_value=True)
    status = fields.Enum(BookingStatus, by_value=True)
    vehicle = fields.Nested(VehicleRefSchema)
    driver = fields.Nested(DriverRefSchema, allow_none=True)
    created_at = LocalDateTime()
    confirmed_at = LocalDateTime(allow_none=True)
    cancelled_at = LocalDateTime(allow_none=True)
    called_at = LocalDateTime(allow_none=True)
    call_deadline = LocalDateTime(allow_none=True)
    arrived_at = LocalDateTime(allow_none=True)
    version = fields.Integer()


class FreeSlotSchema(BaseSchema):
    start = LocalDateTime()
    end = LocalDateTime()


class FullSlotErrorSchema(ErrorSchema):
    """409 for a full slot: the standard error body (every field of it: a 409 about the shipment's status carries
    `current_status`) plus the next free slots."""

    next_free = fields.List(fields.Nested(FreeSlotSchema))
