"""Shapes of tariff quotas for the API, and the `under_quota` field the shipment schemas use."""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from ..api.schemas import BaseSchema, DecimalString, LocalDateTime, QuerySchema, Range
from ..i18n import current_language
from .queries import normalise_code, quota_exists

MAX_QUANTITY = 10**10


class UnderQuotaField(fields.String):
    """A tariff quota's code (case-insensitive, stored upper-case); an unknown code is a 422 naming the field."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {"example": "KH-RICE-2026", "description": "GET /api/v1/quotas lists the codes"})
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        # the length is checked here, not by a validator: a blank code becomes None, which a Length validator
        # would be handed after deserialisation (a 500 found by schemathesis)
        validate.Length(max=40)(text)
        code = normalise_code(text)
        if not code:
            return None
        if not quota_exists(code):
            raise ValidationError(_l("No tariff quota has this code."))
        return code


class HsPrefixSchema(BaseSchema):
    prefix = fields.String()
    factor = fields.String(metadata={"example": "0.5"})
    unverified = fields.Boolean()
    note = fields.String(allow_none=True)


class QuotaSchema(BaseSchema):
    code = fields.String(metadata={"example": "KH-RICE-2026"})
    name = fields.Method("_name")
    hs_prefixes = fields.Function(lambda q: [str(entry["prefix"]) for entry in q.hs_prefixes])
    factors = fields.Function(
        lambda q: [HsPrefixSchema().dump(entry) for entry in q.hs_prefixes],
        metadata={"description": "Each prefix with the factor its lines count with (paddy 2 kg = 1 kg rice: 0.5)"},
    )
    unit = fields.String(metadata={"example": "TNE"})
    period_from = fields.Date()
    period_to = fields.Date()
    quantity = DecimalString(3)
    reserved = DecimalString(3)
    used = DecimalString(3)
    remaining = DecimalString(3)
    gates = fields.List(fields.String())
    origin_document = fields.String(allow_none=True, metadata={"example": "co_form_s"})
    source = fields.String()
    unverified = fields.Boolean()
    unverified_fields = fields.List(fields.String())
    updated_at = LocalDateTime()

    def _name(self, quota):
        return quota.name(current_language())


class QuotaListSchema(BaseSchema):
    items = fields.List(fields.Nested(QuotaSchema))


class QuotaQuerySchema(QuerySchema):
    year = fields.Integer(validate=Range(min=2000, max=2100))


class QuotaPutSchema(BaseSchema):
    quantity = DecimalString(3, minimum=0, maximum=MAX_QUANTITY)
    gates = fields.List(fields.String(validate=validate.Length(min=2, max=40)), validate=validate.Length(max=100))
    source = fields.String(validate=validate.Length(min=1, max=4000))
    unverified = fields.Boolean()
