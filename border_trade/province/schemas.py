"""Shapes of linkage groups, targets and the linkage report."""

from datetime import date

from marshmallow import fields, validate

from ..api.schemas import BaseSchema, DecimalString, QuerySchema, Range
from ..reports.schemas import PeriodQuerySchema
from .models import TargetMetric

METRIC_HELP = (
    "export_value_usd / import_value_usd: value of the crossings at the province's gates in the year (crossing "
    "day's rates); ocop_products_exported: the province's registered OCOP products exported through its gates at "
    "least once in the year; trucks: distinct (plate, gate, local day) crossings at its gates, a plate crossing "
    "at a gate on a day counts once"
)


class GroupInSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"example": "OCOP linkage"})
    provinces = fields.List(
        fields.String(validate=validate.Length(max=20)),
        required=True,
        validate=validate.Length(min=1, max=50),
        metadata={"example": ["TAY-NINH", "LONG-AN", "TIEN-GIANG"], "description": "Province codes, historic ones too"},
    )


class GroupPatchSchema(GroupInSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    provinces = fields.List(fields.String(validate=validate.Length(max=20)), validate=validate.Length(min=1, max=50))


class GroupSchema(BaseSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    provinces = fields.Function(lambda g: [p.code for p in g.provinces], required=True)


class GroupListSchema(BaseSchema):
    items = fields.List(fields.Nested(GroupSchema), required=True)


class TargetQuerySchema(QuerySchema):
    year = fields.Integer(validate=Range(min=2000, max=2100))
    province = fields.String(validate=validate.Length(max=20))


class TargetInSchema(BaseSchema):
    year = fields.Integer(required=True, validate=Range(min=2000, max=2100), metadata={"example": date.today().year})
    province = fields.String(required=True, validate=validate.Length(max=20), metadata={"example": "TAY-NINH"})
    metric = fields.String(
        required=True,
        validate=validate.OneOf(TargetMetric.values()),
        metadata={"enum": TargetMetric.values(), "description": METRIC_HELP},
    )
    target = DecimalString(2, required=True, minimum=0, exclusive_minimum=True, metadata={"example": "150000000.00"})


class TargetPatchSchema(BaseSchema):
    target = DecimalString(2, required=True, minimum=0, exclusive_minimum=True)


class TargetSchema(BaseSchema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    province = fields.Function(lambda t: t.province.code, required=True)
    metric = fields.Function(lambda t: t.metric.value, required=True, metadata={"description": METRIC_HELP})
    target = DecimalString(2, required=True)
    actual = DecimalString(2, required=True, metadata={"description": "The year so far"})
    progress = fields.Float(
        required=True, metadata={"description": "actual ÷ target, capped at 1 (a target exceeded reads 1)"}
    )


class TargetListSchema(BaseSchema):
    items = fields.List(fields.Nested(TargetSchema), required=True)


class LinkageQuerySchema(PeriodQuerySchema):
    group = fields.Integer(
        required=True, validate=Range(min=1, max=2**31 - 1), metadata={"description": "A linkage group's id"}
    )


class LinkageRowSchema(BaseSchema):
    origin_province = fields.String(allow_none=True, metadata={"example": "LONG-AN"})
    gate = fields.String(metadata={"example": "BINH-HIEP"})
    shipments = fields.Integer(required=True)
    value_usd = DecimalString(2, required=True)
    products = fields.Integer(required=True)


class LinkageTotalsSchema(BaseSchema):
    shipments = fields.Integer(required=True)
    value_usd = DecimalString(2, required=True)
    products = fields.Integer(required=True)


class LinkageReportSchema(BaseSchema):
    group = fields.Nested(GroupSchema, required=True)
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)
    rows = fields.List(fields.Nested(LinkageRowSchema), required=True)
    totals = fields.Nested(LinkageTotalsSchema, required=True)
