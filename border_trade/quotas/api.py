"""Tariff quota endpoints (API.md, "Both directions of the border"): the list for every signed-in role, the
admin's edit."""

from ..api import api_user
from ..api.blueprint import Blueprint
from ..auth.permissions import require
from . import queries, services
from .schemas import QuotaListSchema, QuotaPutSchema, QuotaQuerySchema, QuotaSchema

blp = Blueprint("quotas_api", __name__, url_prefix="/api/v1", description="Tariff quotas")


@blp.route("/quotas")
@blp.arguments(QuotaQuerySchema, location="query")
@blp.response(200, QuotaListSchema)
def list_quotas(args):
    """List the tariff quotas whose period overlaps `year` (all without it), with reserved, used and remaining."""
    require(api_user(), "reference.read")
    return {"items": queries.list_quotas(args.get("year"))}


@blp.route("/quotas/<code>", methods=["PUT"])
@blp.arguments(QuotaPutSchema)
@blp.response(200, QuotaSchema)
def put_quota(data, code):
    """Change a quota's quantity, gates and source (admins); below reserved + used answers 409."""
    return services.update_quota(api_user(), code, data)
