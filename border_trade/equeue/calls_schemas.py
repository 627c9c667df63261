"""Shapes of the call-forward, bookings-report and public-board endpoints of the e-queue."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validates_schema

from ..api.schemas import BaseSchema, LocalDateTime, QuerySchema, Range
from ..enums import Direction
from .models import LaneType
from .schemas import BookingSchema

MAX_REPORT_DAYS = 366


class CallInSchema(BaseSchema):
    booking = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=Range(min=1, max=2**31 - 1),
        metadata={"description": "The booking to call; leave out for the next in order"},
    )
    direction = fields.Enum(
        Direction, by_value=True, load_default=None, metadata={"description": "`next` only: one direction"}
    )
    lane_type = fields.Enum(LaneType, by_value=True, load_default=None, metadata={"description": "`next` only"})


class CallResultSchema(BaseSchema):
    booking = fields.Nested(BookingSchema)


class BookingsReportQuerySchema(QuerySchema):
    gate = fields.String(metadata={"description": "A gate code; default every gate in the caller's scope"})
    from_ = fields.Date(data_key="from", attribute="from", metadata={"description": "First day (default 30 days ago)"})
    to = fields.Date(metadata={"description": "Last day, included (default today)"})

    @validates_schema
    def _range(self, data, **kwargs):
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            raise ValidationError({"to": [_l("The end date must not come before the start date.")]})
        if start and end and (end - start).days >= MAX_REPORT_DAYS:
            raise ValidationError({"to": [_l("Ask for at most %(days)s days at a time.", days=MAX_REPORT_DAYS)]})


class BookingsDaySchema(BaseSchema):
    gate = fields.String()
    date = fields.Date()
    booked = fields.Integer(metadata={"description": "Bookings of the day's slots that were not cancelled"})
    arrived = fields.Integer()
    late = fields.Integer(
        metadata={"description": "Called and not arrived within the call window (still late, or arrived after it)"}
    )
    no_show = fields.Integer()
    avg_wait_minutes = fields.Float(
        allow_none=True, metadata={"description": "Mean minutes from slot start to `arrived` (negative: early)"}
    )


class BookingsReportSchema(BaseSchema):
    rows = fields.List(fields.Nested(BookingsDaySchema))


class PerDirectionSchema(BaseSchema):
    export = fields.Integer()
    import_ = fields.Integer(data_key="import", attribute="import")


class FreeSlotOutSchema(BaseSchema):
    start = LocalDateTime()
    end = LocalDateTime()


class NextFreeSchema(BaseSchema):
    export = fields.Nested(FreeSlotOutSchema, allow_none=True)
    import_ = fields.Nested(FreeSlotOutSchema, data_key="import", attribute="import", allow_none=True)


class BoardSchema(BaseSchema):
    """What a driver may see of a gate: counts and times only, no plate, name or reference."""

    gate = fields.String()
    waiting = fields.Nested(PerDirectionSchema, metadata={"description": "Trucks arrived, not yet inspected"})
    inspecting = fields.Integer()
    held = fields.Integer()
    crossed_today = fields.Integer()
    next_free_slot = fields.Nested(NextFreeSchema, metadata={"description": "General lane; null when none in 7 days"})
    avg_dwell_minutes_2h = fields.Float(
        allow_none=True, metadata={"description": "Mean minutes arrived → crossed of trucks crossed in the last 2 h"}
    )
    updated_at = LocalDateTime()
