"""Receipt endpoints: the trader's receipt link, and the buyer's public confirmation (no token, rate-limited)."""

from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError

from ..api import api_user
from ..api.blueprint import Blueprint, json_body
from ..errors import Invalid, flatten_errors
from ..extensions import limiter
from ..types import utcnow
from . import services
from .links import create_link, link_for_token, url_of
from .schemas import ReceiptInSchema, ReceiptLinkSchema, ReceiptSchema

blp = Blueprint("receipts_api", __name__, url_prefix="/api/v1", description="Receipt of a shipment by the buyer")
# answered without a token (app_api adds it to PUBLIC_ENDPOINTS)
PUBLIC_RECEIPT_ENDPOINTS = {"receipts_api.confirm"}


def receipt_rate_limit():
    """The limit per address of the public receipt page and API (RECEIPT_RATE_LIMIT), read on every request."""
    return current_app.config["RECEIPT_RATE_LIMIT"]


@blp.route("/shipments/<id_or_reference>/receipt-link", methods=["POST"])
@blp.response(201, ReceiptLinkSchema)
def receipt_link(id_or_reference):
    """Make the receipt link of a crossed export for its buyer (the trader); a new link replaces the old one.

    409 before `crossed` and for imports (the importer confirms in the app); the link lives RECEIPT_LINK_DAYS
    days, confirms once, and stays readable as long again after confirming.
    """
    link = create_link(api_user(), id_or_reference, now=utcnow())
    return {"url": url_of(link), "expires_at": link.expires_at}


@blp.route("/receipts/<token>", methods=["POST"])
@blp.doc(security=[], requestBody={"required": True, "content": {"application/json": {"schema": ReceiptInSchema}}})
@blp.response(201, ReceiptSchema)
@limiter.limit(receipt_rate_limit)
def confirm(token):
    """Confirm the receipt per goods line (public: the token is the key); the shipment becomes `delivered`.

    An unknown, altered, replaced or expired token is 404 before the body is read; a second confirmation 409.
    Photos are sent from the receipt page (`/receipt/<token>`), not here.
    """
    now = utcnow()
    link = link_for_token(token, now=now)
    if link.used_at is not None:
        services.check_open(link.shipment)  # 409: already confirmed
    body = json_body()
    if not isinstance(body, dict):
        raise Invalid(errors={"_schema": [_("Send the receipt as a JSON object.")]})
    try:
        data = ReceiptInSchema().load(body)
    except ValidationError as error:
        raise Invalid(errors=flatten_errors(error.messages)) from None
    return services.confirm_by_link(token, data, now=now)
