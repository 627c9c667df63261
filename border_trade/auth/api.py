"""Token endpoints: exchange credentials for a bearer token, list and revoke one's tokens."""

from ..api import api_user
from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from ..types import utcnow
from . import queries, services
from .models import ApiToken
from .ratelimit import sign_in_limits
from .schemas import ApiTokenSchema, TokenIssuedSchema, TokenQuerySchema, TokenRequestSchema

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth", description="API tokens")

ApiTokenPageSchema = page_schema(ApiTokenSchema, "ApiTokenPage")


@blp.route("/token", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(200, TokenIssuedSchema)
@blp.alt_response(401, description="Wrong e-mail address or password, or a deactivated account")
@blp.alt_response(429, description="Too many failed attempts for this account or from this address")
@blp.doc(security=[])
@sign_in_limits
def token(args):
    """Exchange an e-mail address and password for a bearer token (rate-limited per account and per address)."""
    raw, record = services.issue_token(args["email"], args["password"], name=args.get("name"))
    user = record.user
    return {
        "token": raw,
        "expires_at": record.expires_at,
        "role": user.role,
        "scope": queries.scope_of(user),
        "id": record.id,
    }


@blp.route("/tokens")
@blp.arguments(TokenQuerySchema, location="query")
@blp.response(200, ApiTokenPageSchema)
def list_tokens(args):
    """List the caller's API tokens, newest first (administrators may ask for another user's)."""
    query = queries.list_tokens_query(api_user(), owner_id=args.get("user"), active=args.get("active"), now=utcnow())
    return keyset_page(query, [ApiToken.id], limit=args["limit"], cursor=args.get("cursor"), descending=True)


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(404, description="No such token among the caller's (or, for administrators, anyone's)")
def revoke_token(token_id):
    """Revoke an API token: one's own, or anyone's for administrators."""
    services.revoke_token(token_id, by=api_user())
