"""Shapes of shipments and their catalogue data for the API."""

from marshmallow import fields, validate

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema


class HsCodeSchema(BaseSchema):
    code = fields.String(metadata={"example": "08071900"})
    hs6 = fields.String()
    chapter = fields.String()
    formatted = fields.String(metadata={"example": "0807.19.00"})
    name_vi = fields.String()
    name_km = fields.String(allow_none=True)
    name_en = fields.String()
    category = fields.String(allow_none=True)
    ocop_group = fields.String(allow_none=True)


class HsCodeQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Code prefix or words"})
