"""Shipment endpoints; for now the HS code catalogue."""

from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from . import queries
from .models import HsCode
from .schemas import HsCodeQuerySchema, HsCodeSchema

blp = Blueprint("shipments_api", __name__, url_prefix="/api/v1", description="Shipments and the HS catalogue")

HsCodePageSchema = page_schema(HsCodeSchema, "HsCodePage")


@blp.route("/hs-codes")
@blp.arguments(HsCodeQuerySchema, location="query")
@blp.response(200, HsCodePageSchema)
def list_hs_codes(args):
    """Search the HS codes known to the catalogue, with vi/km/en descriptions."""
    query = queries.list_hs_codes_query(args.get("q"))
    return keyset_page(query, [HsCode.code], limit=args["limit"], cursor=args.get("cursor"))
