"""Notices for every user; webhooks for exporters' own systems."""

import sqlalchemy as sa

from ..api import api_user
from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from ..auth.permissions import require
from . import services, webhooks
from .models import Notification
from .schemas import (
    DeliveryListSchema,
    NotificationQuerySchema,
    NotificationSchema,
    WebhookCreatedSchema,
    WebhookInSchema,
    WebhookListSchema,
    WebhookSchema,
)

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1", description="Notices and webhooks")

NotificationPageSchema = page_schema(NotificationSchema, "NotificationPage")


@blp.route("/notifications")
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationPageSchema)
def list_notifications(args):
    """The caller's notices, newest first (`unread=true` for the unread ones)."""
    user = api_user()
    require(user, "notification.read")
    query = sa.select(Notification).where(Notification.user_id == user.id)
    if args["unread"]:
        query = query.where(Notification.read_at.is_(None))
    return keyset_page(query, [Notification.id], limit=args["limit"], cursor=args.get("cursor"), descending=True)


@blp.route("/notifications/<id:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
def read(notification_id):
    """Mark one of the caller's notices read."""
    user = api_user()
    require(user, "notification.read")
    return services.mark_read(user, notification_id)


@blp.route("/webhooks")
@blp.response(200, WebhookListSchema)
def list_webhooks():
    """The caller's organisation's webhooks."""
    return {"items": webhooks.visible_webhooks(api_user())}


@blp.route("/webhooks", methods=["POST"])
@blp.arguments(WebhookInSchema)
@blp.response(201, WebhookCreatedSchema)
def create_webhook(data):
    """Register a URL that receives signed shipment status changes (the secret is shown once)."""
    hook, secret = webhooks.register_webhook(api_user(), data["url"])
    return {
        "id": hook.id,
        "url": hook.url,
        "is_active": hook.is_active,
        "created_at": hook.created_at,
        "secret": secret,
    }, 201


@blp.route("/webhooks/<id:webhook_id>", methods=["DELETE"])
@blp.response(200, WebhookSchema)
def delete_webhook(webhook_id):
    """Stop deliveries to a webhook (its history is kept)."""
    return webhooks.deactivate_webhook(api_user(), webhook_id)


@blp.route("/webhooks/<id:webhook_id>/deliveries")
@blp.response(200, DeliveryListSchema)
def list_deliveries(webhook_id):
    """A webhook's deliveries with their attempts, newest first."""
    return {"items": webhooks.deliveries(api_user(), webhook_id)}
