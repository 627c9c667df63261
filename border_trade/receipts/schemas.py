"""The receipt as the buyer sends it (JSON or the page's form), and as the API answers."""

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..api.schemas import BaseSchema, DecimalString, LocalDateTime, Range
from .models import Condition

MAX_NOTE = 500
MAX_DECLARATION_NO = 64


def _text(length, **kwargs):
    return fields.String(validate=validate.Length(max=length), **kwargs)


class ReceiptLineInSchema(BaseSchema):
    item = fields.Integer(
        required=True, strict=True, validate=Range(min=1), metadata={"description": "The goods line's position"}
    )
    received_quantity = DecimalString(3, required=True, minimum=0, metadata={"example": "980.000"})
    condition = fields.Enum(Condition, by_value=True, required=True)
    note = _text(MAX_NOTE, allow_none=True, load_default=None)


class ReceiptInSchema(BaseSchema):
    lines = fields.List(
        fields.Nested(ReceiptLineInSchema),
        required=True,
        validate=validate.Length(min=1, error=_l("Give at least one goods line.")),
    )
    declaration_no = _text(MAX_DECLARATION_NO, allow_none=True, load_default=None, metadata={"example": "10625440366"})


class ReceiptLinkSchema(BaseSchema):
    url = fields.String(metadata={"example": "https://border-trade.example/receipt/<token>"})
    expires_at = LocalDateTime()


class ReceiptLineSchema(BaseSchema):
    item = fields.Integer(attribute="item_position")
    shipped_quantity = DecimalString(3)
    received_quantity = DecimalString(3)
    condition = fields.Enum(Condition, by_value=True)
    note = fields.String(allow_none=True)
    photos = fields.Function(lambda line: len(line.photos), metadata={"description": "How many photos"})
    discrepancy = fields.Boolean(attribute="differs")


class ReceiptSchema(BaseSchema):
    shipment = fields.String(attribute="shipment.reference")
    status = fields.String(attribute="shipment.status.value")
    declaration_no = fields.String(allow_none=True)
    discrepancy = fields.Boolean(attribute="has_discrepancy")
    confirmed_at = LocalDateTime()
    lines = fields.List(fields.Nested(ReceiptLineSchema))
