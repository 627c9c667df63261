"""Reference endpoints: gates and provinces."""

from ..api.blueprint import Blueprint
from ..api.pagination import keyset_page, page_schema
from . import queries
from .models import Gate, Province
from .schemas import GateQuerySchema, GateSchema, ProvinceQuerySchema, ProvinceSchema

blp = Blueprint("gates_api", __name__, url_prefix="/api/v1", description="Border gates and provinces")

GatePageSchema = page_schema(GateSchema, "GatePage")
ProvincePageSchema = page_schema(ProvinceSchema, "ProvincePage")


@blp.route("/gates")
@blp.arguments(GateQuerySchema, location="query")
@blp.response(200, GatePageSchema)
def list_gates(args):
    """List the Vietnamese border gates facing Cambodia."""
    query = queries.list_gates_query(province=args.get("province"), type=args.get("type"), status=args.get("status"))
    return keyset_page(query, [Gate.code], limit=args["limit"], cursor=args.get("cursor"))


@blp.route("/gates/<code>")
@blp.response(200, GateSchema)
def get_gate(code):
    """Show one gate by its code (e.g. MOC-BAI)."""
    return queries.get_gate_or_404(code)


@blp.route("/provinces")
@blp.arguments(ProvinceQuerySchema, location="query")
@blp.response(200, ProvincePageSchema)
def list_provinces(args):
    """List provinces with their validity and successor (the 2025 mergers)."""
    query = queries.list_provinces_query(country=args.get("country"))
    return keyset_page(query, [Province.code], limit=args["limit"], cursor=args.get("cursor"))
