"""Gate and province shapes for the API."""

from marshmallow import fields, validate

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema
from .models import GateStatus, GateType


class CounterpartSchema(BaseSchema):
    code = fields.String()
    name_km = fields.String(allow_none=True)
    name_en = fields.String()
    province_km = fields.Function(lambda c: c.province.name_km if c.province else None, allow_none=True)
    province_en = fields.Function(lambda c: c.province.name_en if c.province else None, allow_none=True)


class GateSchema(BaseSchema):
    code = fields.String(metadata={"example": "MOC-BAI"})
    name_vi = fields.String()
    name_km = fields.String(allow_none=True)
    name_en = fields.String()
    type = fields.Enum(GateType, by_value=True)
    province_code = fields.Function(lambda g: g.province.code)
    former_province_code = fields.Function(
        lambda g: g.former_province.code if g.former_province else None, allow_none=True
    )
    country = fields.String(attribute="country_code")
    counterpart = fields.Nested(CounterpartSchema, allow_none=True)
    status = fields.Enum(GateStatus, by_value=True)
    opening_hours = fields.String(allow_none=True)
    road_transport_pair = fields.Boolean()
    accepts_goods = fields.Boolean()
    unverified = fields.Boolean(
        attribute="has_unverified_facts",
        metadata={"description": "Some facts about this gate are not confirmed by a source"},
    )


class GateQuerySchema(PageQuerySchema):
    province = fields.String(validate=validate.Length(max=20))
    type = fields.Enum(GateType, by_value=True)
    status = fields.Enum(GateStatus, by_value=True)


class ProvinceSchema(BaseSchema):
    code = fields.String()
    country = fields.String(attribute="country_code")
    name_vi = fields.String()
    name_km = fields.String(allow_none=True)
    name_en = fields.String()
    valid_from = fields.Date(allow_none=True)
    valid_to = fields.Date(allow_none=True)
    successor_code = fields.Function(lambda p: p.successor.code if p.successor else None, allow_none=True)
    current_code = fields.Function(lambda p: p.current().code)


class ProvinceQuerySchema(PageQuerySchema):
    country = fields.String(validate=validate.OneOf(["VN", "KH"]))
