"""Shapes of OCOP products for the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema, DecimalString, LocalDateTime, Range
from .models import OcopGroup
from .ocop import DecisionLevel, OcopProductGroup

UNITS = ("KGM", "TNE", "LTR", "PCE", "SET", "box", "bag", "carton")


class ProductInSchema(BaseSchema):
    name_vi = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_km = fields.String(allow_none=True, validate=validate.Length(max=200))
    name_en = fields.String(allow_none=True, validate=validate.Length(max=200))
    hs_code = fields.String(
        required=True, validate=validate.Regexp(r"^[0-9]{8}$", error=_l("Give the 8-digit HS code."))
    )
    ocop_stars = fields.Integer(allow_none=True, validate=Range(min=3, max=5))
    ocop_group = fields.Enum(OcopGroup, by_value=True, allow_none=True)
    ocop_certificate_no = fields.String(allow_none=True, validate=validate.Length(max=80))
    ocop_recognised_on = fields.Date(allow_none=True)
    ocop_certificate_expires_on = fields.Date(allow_none=True)
    ocop_authority = fields.String(allow_none=True, validate=validate.Length(max=200))
    ocop_decision_on = fields.Date(allow_none=True)
    ocop_decision_level = fields.Enum(DecisionLevel, by_value=True, allow_none=True)
    ocop_decision_authority = fields.String(allow_none=True, validate=validate.Length(max=200))
    ocop_product_group = fields.Enum(OcopProductGroup, by_value=True, allow_none=True)
    producer = fields.String(allow_none=True, validate=validate.Length(max=200))
    province_code = fields.String(allow_none=True, validate=validate.Length(max=20))
    unit = fields.String(load_default="PCE", validate=validate.Length(min=1, max=10))
    net_weight_per_unit_kg = DecimalString(3, allow_none=True, minimum=0, maximum=100000, exclusive_minimum=True)

    @validates_schema
    def _check_ocop(self, data, partial=None, **kwargs):
        recognised, expires = data.get("ocop_recognised_on"), data.get("ocop_certificate_expires_on")
        if recognised and expires and expires <= recognised:
            raise ValidationError(
                {"ocop_certificate_expires_on": [_l("The expiry date must come after the recognition date.")]}
            )
        if data.get("ocop_stars") and not partial and not data.get("ocop_certificate_no"):
            raise ValidationError({"ocop_certificate_no": [_l("Give the OCOP certificate number.")]})


class ProductPatchSchema(ProductInSchema):
    def load(self, data, *, many=None, partial=None, unknown=None):
        result = super().load(data, many=many, partial=True, unknown=unknown)
        return {key: value for key, value in result.items() if key in (data or {})}


class ProductSchema(BaseSchema):
    id = fields.Integer()
    name_vi = fields.String()
    name_km = fields.String(allow_none=True)
    name_en = fields.String(allow_none=True)
    hs_code = fields.String()
    ocop_stars = fields.Integer(allow_none=True)
    ocop_group = fields.Enum(OcopGroup, by_value=True, allow_none=True)
    ocop_certificate_no = fields.String(allow_none=True)
    ocop_recognised_on = fields.Date(allow_none=True)
    ocop_certificate_expires_on = fields.Date(allow_none=True)
    ocop_authority = fields.String(allow_none=True)
    ocop_decision_on = fields.Date(allow_none=True)
    ocop_decision_level = fields.Enum(DecisionLevel, by_value=True, allow_none=True)
    ocop_decision_authority = fields.String(allow_none=True)
    ocop_product_group = fields.Enum(OcopProductGroup, by_value=True, allow_none=True)
    producer = fields.String(allow_none=True)
    province_code = fields.Function(lambda p: p.province.code if p.province else None, allow_none=True)
    unit = fields.String()
    net_weight_per_unit_kg = DecimalString(3, allow_none=True)
    organisation_id = fields.Integer()
    version = fields.Integer()
    updated_at = LocalDateTime()


class ProductQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=100))
    hs_code = fields.String(validate=validate.Length(max=8))
    ocop_group = fields.Enum(OcopGroup, by_value=True)
    ocop_product_group = fields.Enum(OcopProductGroup, by_value=True)
