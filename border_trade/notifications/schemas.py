"""Shapes of notices and webhooks for the API."""

from marshmallow import fields, validate

from ..api.pagination import PageQuerySchema
from ..api.schemas import BaseSchema, LocalDateTime
from .messages import render


class NotificationSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String(metadata={"example": "document_expiring"})
    message = fields.Function(lambda n: render(n.kind, n.params))
    shipment = fields.Function(lambda n: n.shipment.reference if n.shipment else None, allow_none=True)
    document = fields.Integer(attribute="document_id", allow_none=True)
    created_at = LocalDateTime()
    read_at = LocalDateTime(allow_none=True)


class NotificationQuerySchema(PageQuerySchema):
    unread = fields.Boolean(load_default=False)


class WebhookInSchema(BaseSchema):
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500))


class WebhookSchema(BaseSchema):
    id = fields.Integer()
    url = fields.String()
    is_active = fields.Boolean()
    created_at = LocalDateTime()


class WebhookCreatedSchema(WebhookSchema):
    secret = fields.String(metadata={"description": "Shown once: verify X-BorderTrade-Signature(-V2) with it"})


class DeliverySchema(BaseSchema):
    id = fields.Integer()
    event = fields.String()
    payload = fields.Dict()
    status = fields.String(metadata={"enum": ["pending", "delivered", "failed", "cancelled"]})
    attempts = fields.Integer()
    next_attempt_at = LocalDateTime()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(
        allow_none=True, metadata={"description": "Error class of the last attempt: timeout, http_500, ..."}
    )
    created_at = LocalDateTime()
    delivered_at = LocalDateTime(allow_none=True)


class WebhookListSchema(BaseSchema):
    items = fields.List(fields.Nested(WebhookSchema))


class DeliveryListSchema(BaseSchema):
    items = fields.List(fields.Nested(DeliverySchema))
