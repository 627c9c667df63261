"""Shapes of the province's report endpoints: OCOP exports and release times."""

from marshmallow import fields, validate

from ..api.schemas import BaseSchema, DecimalString
from .queries import PROVINCE_AS
from .queries.ocop import OCOP_DIMENSIONS
from .schemas import CommaList, PeriodQuerySchema


class OcopQuerySchema(PeriodQuerySchema):
    group_by = CommaList(
        choices=OCOP_DIMENSIONS,
        max_items=4,
        load_default=["origin_province"],
        metadata={"example": "origin_province,gate"},
    )
    province_as = fields.String(
        load_default="current",
        validate=validate.OneOf(PROVINCE_AS),
        metadata={
            "enum": list(PROVINCE_AS),
            "description": "current: under the province that holds the product's province of origin today (LONG-AN "
            "goods under TAY-NINH); recorded: under the province recorded on the product",
        },
    )
    province = fields.String(
        validate=validate.Length(max=20),
        metadata={"example": "TAY-NINH", "description": "Only products from this province of origin"},
    )
    gate = fields.String(validate=validate.Length(max=40), metadata={"example": "MOC-BAI"})


class OcopRowSchema(BaseSchema):
    origin_province = fields.String(allow_none=True, metadata={"example": "TAY-NINH"})
    ocop_stars = fields.Integer(allow_none=True)
    product = fields.Integer(allow_none=True)
    product_name = fields.String(allow_none=True)
    gate = fields.String(metadata={"example": "MOC-BAI"})
    shipments = fields.Integer(required=True)
    value_usd = DecimalString(2, required=True)
    products = fields.Integer(required=True, metadata={"description": "Distinct OCOP products"})


class OcopTotalsSchema(BaseSchema):
    shipments = fields.Integer(required=True)
    value_usd = DecimalString(2, required=True)
    products_exported = fields.Integer(
        required=True, metadata={"description": "Registered OCOP products that exported at least once in the period"}
    )
    products_registered = fields.Integer(required=True)


class OcopReportSchema(BaseSchema):
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)
    group_by = fields.List(fields.String(), required=True)
    province_as = fields.String(required=True)
    rows = fields.List(fields.Nested(OcopRowSchema), required=True)
    totals = fields.Nested(OcopTotalsSchema, required=True)


class ReleaseQuerySchema(PeriodQuerySchema):
    gate = fields.String(validate=validate.Length(max=40), metadata={"example": "MOC-BAI"})


class StageSchema(BaseSchema):
    count = fields.Integer(required=True)
    mean = fields.Float(allow_none=True, required=True, metadata={"description": "Minutes, two decimals"})
    sd = fields.Float(allow_none=True, required=True, metadata={"description": "Sample (n − 1); null under two"})
    p50 = fields.Float(allow_none=True, required=True)
    p90 = fields.Float(allow_none=True, required=True)


class ReleaseRowSchema(BaseSchema):
    gate = fields.String(required=True)
    month = fields.String(required=True, metadata={"example": "2026-03"})
    arrival_to_lane = fields.Nested(StageSchema, required=True)
    lane_to_inspection = fields.Nested(StageSchema, required=True)
    inspection_to_cleared = fields.Nested(StageSchema, required=True)
    cleared_to_crossed = fields.Nested(StageSchema, required=True)
    arrival_to_crossed = fields.Nested(StageSchema, required=True)


class ReleaseReportSchema(BaseSchema):
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)
    rows = fields.List(fields.Nested(ReleaseRowSchema), required=True)
